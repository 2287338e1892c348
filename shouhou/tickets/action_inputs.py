"""The input of each workflow action (issue 7): one serializer per action, owned by the app that
handles the action, so the API validates the input once and the OpenAPI schema says which fields
each action needs (POST /api/v1/tickets/{id}/actions/, one body per action, told apart by `action`).

The tickets app handles every action no higher app registered a handler for; their inputs are
derived from the declared `requires` (workflow.TRANSITIONS).  A higher app that handles an action
(dispatch: assign, book_appointment, start_travel, arrive) registers that action's input with
`signals.register_action_input` next to its handler.  System-only moves (escalation rules) take
no input from people and are not offered.
"""

from __future__ import annotations

from rest_framework import serializers

from shouhou.core import limits
from shouhou.core.errors import ServiceError

from . import workflow
from .signals import ACTION_INPUTS


class ActionInput(serializers.Serializer):
    """What every action takes: the version of the request the client saw (or send If-Match)."""

    version = serializers.IntegerField(required=False, allow_null=True,
                                       help_text="The version you saw; a stale one answers 409.")


class ReasonInput(ActionInput):
    """Actions that need a reason (waiting, escalating, reopening, cancelling)."""

    reason = serializers.CharField(max_length=limits.SHORT_TEXT)


class ResolveInput(ActionInput):
    resolution = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.TEXT,
                                       help_text="How the problem was solved; required unless already recorded.")


def default_input(transition: workflow.Transition) -> type[ActionInput]:
    """The tickets app's own input for an action it handles, from the declared `requires`."""
    if "reason" in transition.requires:
        return ReasonInput
    if "resolution" in transition.requires:
        return ResolveInput
    return ActionInput


def person_actions() -> list[str]:
    """The actions people take (every declared one but the system's own), in declared order."""
    return [t.action for t in workflow.TRANSITIONS if t.actors - {"system"}]


_built: dict[tuple[str, type], type[ActionInput]] = {}


def input_for(action: str) -> type[ActionInput]:
    """The serializer of `action`'s body: its owner's input plus the `action` name itself."""
    base = ACTION_INPUTS.get(action) or default_input(workflow.BY_ACTION[action])
    if (action, base) not in _built:
        name = "".join(part.title() for part in action.split("_")) + "Action"
        _built[(action, base)] = type(name, (base,), {
            "__doc__": f"Body of the “{action}” action: {', '.join(base().fields) or 'no input'}.",
            "action": serializers.CharField(max_length=32, help_text=f'"{action}"'),
            "__module__": __name__,
        })
    return _built[(action, base)]


def validated_input(action: str, data) -> dict:
    """Validate `data` for `action` once; refuse like a service (code, field) on the first error.

    A missing or blank required field answers `<field>_required` (e.g. `reason_required`), as the
    services do (an input's `required_codes` names the service's code where it differs); other
    errors answer `invalid` naming the field.
    """
    serializer = input_for(action)(data=data)
    if not serializer.is_valid():
        field, messages = next(iter(serializer.errors.items()))
        detail = messages[0] if isinstance(messages, list) else messages
        missing = getattr(detail, "code", "invalid") in ("required", "blank", "null")
        code = getattr(serializer, "required_codes", {}).get(field, f"{field}_required") if missing else "invalid"
        raise ServiceError(code, str(detail), None if field == "non_field_errors" else field)
    return {k: v for k, v in serializer.validated_data.items() if k != "action" and v is not None}
