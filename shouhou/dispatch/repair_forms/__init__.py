"""The repair task form (维修任务书, P13.8): the approved plan for a repair on a ticket.

Kept apart from the rest of dispatch (its own models, services, views, API and URLs) so that it
reads as one thing; dispatch's models module imports the model so Django finds it.
"""


def connect() -> None:
    """At start-up (DispatchConfig.ready): follow the approval outcome; show the forms on the ticket page."""
    from shouhou.approvals.signals import request_finished
    from shouhou.core.hooks import register_history

    from .models import RepairTaskForm
    from .services import on_request_finished
    from .views import ticket_section

    request_finished.connect(on_request_finished, sender=RepairTaskForm, dispatch_uid="dispatch.repair_form")
    register_history("tickets.ticket", ticket_section)
