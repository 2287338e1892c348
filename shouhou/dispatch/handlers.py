"""Ticket action handlers and history providers that dispatch registers at start-up.

The tickets API and views call `ACTION_HANDLERS[action](ticket, user, **payload)` with the raw
payload (ids and ISO strings from a form or JSON).  These adapters validate that payload with
translated field errors and call the dispatch services, so every path takes the same service.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from shouhou.accounts.choices import OrganisationKind
from shouhou.accounts.models import Organisation, User
from shouhou.accounts.permissions import assignable_engineers, may
from shouhou.core.errors import ServiceError
from shouhou.core.hooks import Section
from shouhou.core.versioning import parse_version
from shouhou.tickets.services import actor_kinds

from . import services
from .models import FaultReport, Visit


def _parse_id(value, field: str, message) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, dict):  # {"id": 3} from a client that posts nested objects
        value = value.get("id")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ServiceError("invalid_choice", message, field) from None


def parse_engineer(value) -> User | None:
    """An engineer id (or the engineer already validated by the action's input: passed on as is;
    the assign service checks it is assignable)."""
    if isinstance(value, User):
        return value
    message = _("Choose a valid active field engineer.")
    pk = _parse_id(value, "assignee", message)
    if pk is None:
        return None
    engineer = assignable_engineers().filter(pk=pk).first()
    if engineer is None:
        raise ServiceError("not_an_engineer", message, "assignee")
    return engineer


def parse_dealer(value) -> Organisation | None:
    if isinstance(value, Organisation):  # validated by the action's input (the service checks its kind)
        return value
    message = _("Choose a valid dealer.")
    pk = _parse_id(value, "dealer", message)
    if pk is None:
        return None
    dealer = Organisation.objects.filter(pk=pk, kind=OrganisationKind.DEALER).first()
    if dealer is None:
        raise ServiceError("not_a_dealer", message, "dealer")
    return dealer


def parse_when(value) -> dt.datetime | None:
    """An ISO 8601 date-time; without an offset it is read in the current (site) time zone."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif value in (None, ""):
        return None
    else:
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ServiceError("bad_datetime", _("Enter a date and time such as 2026-05-01 14:30."), "appointment_at")
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def handle_assign(ticket, user, **payload):
    engineer = parse_engineer(payload.get("assignee", payload.get("assignee_id", payload.get("engineer"))))
    dealer = parse_dealer(payload.get("dealer", payload.get("dealer_id")))
    return services.assign_ticket(user, ticket, engineer=engineer, dealer=dealer,
                                  expected_version=parse_version(payload.get("version")))


def handle_book_appointment(ticket, user, **payload):
    visit = services.book_appointment(
        user, ticket, parse_when(payload.get("appointment_at")), str(payload.get("note") or "")[:200],
        expected_version=parse_version(payload.get("version")),
    )
    return visit.ticket


def handle_start_travel(ticket, user, **payload):
    return services.start_travel(user, ticket, expected_version=parse_version(payload.get("version"))).ticket


def handle_arrive(ticket, user, **payload):
    return services.record_arrival(user, ticket, expected_version=parse_version(payload.get("version"))).ticket


ACTION_HANDLERS = {
    "assign": handle_assign,
    "book_appointment": handle_book_appointment,
    "start_travel": handle_start_travel,
    "arrive": handle_arrive,
}


# The newest entries of an archive shown on a page; the full history is in the visits list.
ARCHIVE_LIMIT = 100


def _history_section(user, visits, reports, order, limit=None, void_form=None, ticket=None):
    visits = list(visits.select_related("ticket", "engineer", "voided_by").prefetch_related("amendments")[:limit])
    reports = list(reports.select_related("ticket", "author")[:limit])
    if not visits and not reports:
        return None
    # On the ticket's page the customer confirms a finished visit from here (P10.4, issue 10).
    confirmable = []
    if ticket is not None and "customer" in actor_kinds(ticket, user):
        confirmable = [v.pk for v in visits if not v.is_signed and not v.is_void and v.left_at is not None]
    return Section(title=_("Visits and fault reports"), template="dispatch/_history.html",
                   context={"visits": visits, "fault_reports": reports, "void_form": void_form,
                            "confirmable": confirmable}, order=order)


def asset_history(user, asset):
    """P5.7: the asset's maintenance archive — every visit and fault report the user may see."""
    return _history_section(
        user,
        Visit.objects.visible_to(user).filter(ticket__asset=asset).order_by("-created_at", "-id"),
        FaultReport.objects.visible_to(user).filter(ticket__asset=asset),
        order=50, limit=ARCHIVE_LIMIT,
    )


def ticket_history(user, ticket):
    """The visits and fault reports of one ticket, for its detail page; who may void an unsigned
    visit record gets the form for it (P13.9)."""
    from shouhou.tickets.forms import VoidForm

    return _history_section(
        user,
        Visit.objects.visible_to(user).filter(ticket=ticket),
        FaultReport.objects.visible_to(user).filter(ticket=ticket),
        order=50, void_form=VoidForm() if may(user, "ticket.void_evidence", ticket) else None, ticket=ticket,
    )


AWAITING_ROWS = 20


def awaiting_confirmation_panel(user):
    """The customer's dashboard card "waiting for your confirmation" (P10.4, issue 10): finished
    visits of his requests that nobody has signed yet, each with its confirm step."""
    if not may(user, "ticket.customer_actions"):
        return None
    visits = list(Visit.objects.visible_to(user)
                  .filter(left_at__isnull=False, signed_at__isnull=True, voided_at__isnull=True)
                  .select_related("ticket", "engineer").order_by("-left_at", "-id")[:AWAITING_ROWS])
    return Section(title=_("Waiting for your confirmation"), template="dispatch/_awaiting_confirmation.html",
                   context={"visits": visits}, order=1)
