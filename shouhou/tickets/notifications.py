"""What tickets tells the notification policy (notify.policy): its relations and its events.

Relations (who is related to a service request): its engineer, the staff of its assigned dealer,
the users of its customer, the reporter (an address: e-mail / phone given with the report) and
the customer's contacts.  Events: "ticket.reported" on intake and "ticket.<action>" for every
workflow step (ticket.assign, ticket.resolve, ticket.reopen …) — an administrator who adds an
event kind with such a code gets it delivered without a code change.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.models import User
from shouhou.notify import emit
from shouhou.notify.relations import Address, register_relation


def _assignee(ticket, context):
    return [ticket.assignee] if ticket.assignee_id else []


def _dealer_staff(ticket, context):
    if not ticket.assigned_dealer_id:
        return []
    return User.objects.filter(organisation_id=ticket.assigned_dealer_id, is_active=True).order_by("pk")


def _customer_users(ticket, context):
    organisation_id = ticket.customer.organisation_id if ticket.customer_id else None
    if organisation_id is None:
        return []
    return User.objects.filter(organisation_id=organisation_id, is_active=True).order_by("pk")


def _reporter(ticket, context):
    if not (ticket.reporter_email or ticket.reporter_phone):
        return []
    return [Address(name=ticket.reporter_name, email=ticket.reporter_email, phone=ticket.reporter_phone)]


def _customer_contacts(ticket, context):
    if not ticket.customer_id:
        return []
    contacts = ticket.customer.contacts.filter(is_primary=True)
    if ticket.site_id:
        contacts = contacts.filter(Q(site_id=ticket.site_id) | Q(site__isnull=True))
    return [Address(name=c.name, email=c.email, phone=c.phone) for c in contacts.order_by("pk")]


def connect() -> None:
    """Register the relations (tickets.apps.ready)."""
    register_relation("assignee", _("Assigned engineer"), _assignee)
    register_relation("dealer_staff", _("Staff of the assigned dealer"), _dealer_staff)
    register_relation("customer_users", _("The customer's users"), _customer_users)
    register_relation("reporter", _("The reporter (e-mail / phone given with the report)"), _reporter)
    register_relation("customer_contacts", _("The customer's primary contacts"), _customer_contacts)


def ticket_values(ticket) -> dict:
    """The plain values every ticket message may use in its template."""
    return {
        "number": ticket.number, "title": ticket.title, "status": ticket.get_status_display(),
        "customer": str(ticket.customer) if ticket.customer_id else ticket.reported_customer,
        "site": str(ticket.site) if ticket.site_id else "",
        "engineer": ticket.assignee.display_name if ticket.assignee_id else "",
        "dealer": ticket.assigned_dealer.name if ticket.assigned_dealer_id else "",
        "severity": ticket.get_severity_display(),
    }


def local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def emit_ticket(code: str, ticket, actor, *, event=None, context: dict | None = None, dedupe: str = "") -> int:
    """Announce `code` about `ticket` (in the caller's transaction)."""
    values = {**ticket_values(ticket), "reason": getattr(event, "body", "") if event is not None else "",
              **(context or {})}
    key = dedupe or (f"ticket-event:{event.pk}:{code}" if event is not None else "")
    return emit(code, about=ticket, actor=actor, context=values, dedupe=key,
                link=reverse("tickets:detail", args=[ticket.pk]))
