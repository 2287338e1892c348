"""Hooks for higher apps (sla, dispatch, notify): lower apps never import them (architecture.md).

Both are sent inside the service's transaction, so receivers' writes commit or roll back with it.
"""

from django.dispatch import Signal

# sender=Ticket, ticket=…, actor=…, event=TicketEvent
ticket_opened = Signal()
# sender=Ticket, ticket=…, actor=…, event=TicketEvent, transition=workflow.Transition
ticket_transitioned = Signal()

# action name -> callable(ticket, user, **payload) -> Ticket.  Higher apps (dispatch) register the
# service that performs an action with its side records (visits, appointments); the tickets API
# and views call through here, so every path takes the same service.
ACTION_HANDLERS: dict = {}


def register_action_handler(action: str, handler) -> None:
    ACTION_HANDLERS[action] = handler


# action name -> the rest_framework serializer of the action's input, registered by the app that
# handles the action (tickets.action_inputs derives the rest from the declared workflow).
ACTION_INPUTS: dict = {}


def register_action_input(action: str, serializer_class) -> None:
    ACTION_INPUTS[action] = serializer_class
