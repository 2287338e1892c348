"""The only code that changes service-plan data and clocks (style rule 4), split by concept."""

from .calendars import (
    expiring_calendars,
    extend_known_until,
    import_calendar_days,
    save_calendar_day,
    seed_calendars,
)
from .clocks import explain_clock, plan_for_ticket, record_milestone, sync_clocks
from .escalation import close_loaner_task, scan_due_clocks, scan_ticket, void_loaner_task
from .plans import create_plan_from_template, recompute_contract_clocks, seed_plan_templates


def recompute_calendar_clocks(calendar, **kwargs):
    """recompute.recompute_calendar_clocks, imported when called: the bulk path needs numpy, and
    numpy is not loaded at every start-up (issue 9)."""
    from .recompute import recompute_calendar_clocks as recompute

    return recompute(calendar, **kwargs)


__all__ = [
    "close_loaner_task", "create_plan_from_template", "expiring_calendars", "explain_clock",
    "extend_known_until", "import_calendar_days", "plan_for_ticket", "recompute_calendar_clocks",
    "recompute_contract_clocks", "record_milestone", "save_calendar_day", "scan_due_clocks", "scan_ticket",
    "seed_calendars", "seed_plan_templates", "sync_clocks", "void_loaner_task",
]
