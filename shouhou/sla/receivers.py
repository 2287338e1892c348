"""Keep clocks in step with tickets: receivers of the tickets app's hooks (connected in SlaConfig.ready).

They run inside the ticket service's transaction, so clocks commit or roll back with the change.
"""

from __future__ import annotations

from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext as _

from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import TicketEvent
from shouhou.tickets.signals import ticket_opened, ticket_transitioned

from .models import WorkingCalendar
from .services.clocks import FACT_FIELDS, open_clocks, sync_clocks

# Timeline kinds that may start or stop clocks or change what applies, besides transitions.
_SYNC_KINDS = {EventKind.FIELDS_CHANGED, EventKind.VERIFIED, EventKind.REPLY, EventKind.VISIT_ARRIVED,
               EventKind.FAULT_REPORT, EventKind.VISIT_SIGNED,  # a signature may sign the work off (issue 8)
               EventKind.FIX_NOT_HELD,  # a repeat report: the earlier fix was not kept (issue 8)
               EventKind.REPEAT_UNLINKED}


def on_ticket_opened(sender, ticket, actor=None, event=None, **kwargs):
    """Every applicable target becomes a clock when a ticket opens — evaluated from the ticket and
    its "created" entry in memory (issue 9); `ticket.next_due_at` is kept in step on the instance.
    A repeat report within the plan's recurrence window is first linked to the fix it breaks
    (issue 8, services/recurrence.py)."""
    from .services.recurrence import link_recurrence

    link_recurrence(ticket, actor=actor, event=event)
    if event is not None:
        open_clocks(ticket, event, actor=actor)
    else:
        sync_clocks(ticket, actor=actor)
        ticket.refresh_from_db(fields=["next_due_at"])


def on_ticket_transitioned(sender, ticket, actor=None, event=None, transition=None, **kwargs):
    """A status change may start, pause, resume or stop clocks, and close loaner tasks (issue 8)."""
    from .services.loaners import close_loaners_at_resolution

    sync_clocks(ticket, actor=actor)
    close_loaners_at_resolution(ticket, actor=actor)


def _label(value) -> str:
    if isinstance(value, dict):
        return str(value.get("label", value.get("id")))
    return "—" if value in (None, "") else str(value)


def _reason(event: TicketEvent) -> str:
    data = event.data or {}
    before, after = data.get("before") or {}, data.get("after") or {}
    changed = [name for name in FACT_FIELDS if name in after and before.get(name) != after.get(name)]
    if not changed:
        return ""
    parts = [f"{name}: {_label(before.get(name))} → {_label(after.get(name))}" for name in changed]
    return _("Clocks recomputed because %(what)s changed.") % {"what": "; ".join(parts)}


def on_event_saved(sender, instance: TicketEvent, created=False, raw=False, **kwargs):
    """Other timeline entries (a reply, an arrival, a change of severity/level/site/contract/warranty)."""
    if not created or raw or instance.kind not in _SYNC_KINDS:
        return
    if instance.to_status and instance.to_status != instance.from_status:
        return  # a transition: on_ticket_transitioned handles it after the service finishes
    if instance.kind == EventKind.VERIFIED or (instance.kind == EventKind.FIELDS_CHANGED
                                               and "asset" in ((instance.data or {}).get("after") or {})):
        from .services.recurrence import link_recurrence  # a report placed on its unit later (issue 8)

        link_recurrence(instance.ticket, actor=instance.actor)
    reason = _reason(instance) if instance.kind in (EventKind.FIELDS_CHANGED, EventKind.VERIFIED) else ""
    sync_clocks(instance.ticket, actor=instance.actor, reason=reason, record=bool(reason))


def on_migrate(sender, app_config=None, using="default", **kwargs):
    """Seed the standard calendars (with China's statutory days) and the plan templates."""
    if app_config is None or app_config.label != "sla":
        return
    from .services.calendars import seed_calendars
    from .services.plans import seed_plan_templates

    seed_calendars()
    seed_plan_templates()


def on_calendar_saved(sender, instance, created=False, raw=False, **kwargs):
    """A new calendar marked as Chinese gets the statutory days itself (issue 8)."""
    if created and not raw and instance.statutory == "CN":
        from .services.schedules import fill_statutory_days

        fill_statutory_days(instance)


def connect(app_config) -> None:
    """Wire the tickets hooks (signals) and the core.hooks registries: the times promised on
    intake come from the ticket's clocks, and the dashboard warns of expiring calendars."""
    from shouhou.core.hooks import register_dashboard, register_promises

    from .reports import ticket_promises
    from .services import compiled
    from .views import calendar_expiry_panel

    compiled.connect()  # plan rows written outside the services forget this process's compiled plans
    register_promises(ticket_promises)
    register_dashboard(calendar_expiry_panel)
    ticket_opened.connect(on_ticket_opened, dispatch_uid="sla.ticket_opened")
    ticket_transitioned.connect(on_ticket_transitioned, dispatch_uid="sla.ticket_transitioned")
    post_save.connect(on_event_saved, sender=TicketEvent, dispatch_uid="sla.ticket_event_saved")
    post_save.connect(on_calendar_saved, sender=WorkingCalendar, dispatch_uid="sla.calendar_saved")
    from shouhou.approvals.signals import request_finished

    from .models import BreachExemption
    from .services.penalties import on_exemption_finished

    request_finished.connect(on_exemption_finished, sender=BreachExemption, dispatch_uid="sla.breach_exemption")
    post_migrate.connect(on_migrate, sender=app_config, dispatch_uid="sla.seed")
