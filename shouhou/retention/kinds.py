"""What each record kind's rule applies to, when such a record ended, and how it is anonymised
or deleted (retention.services runs them).  A later app with records of its own (accounting
records of warranty claims, say) adds its models here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce

from shouhou.core.privacy import mask_phones_in_text
from shouhou.customers.models import Contact
from shouhou.dispatch.models import FaultReport, Visit, VisitAmendment
from shouhou.notify.models import OutboxMessage
from shouhou.tickets.choices import TERMINAL_STATES
from shouhou.tickets.models import Attachment, Ticket, TicketEvent

from .choices import EndAction, RecordKind

# What stands where a person's name was.
ANONYMOUS = "***"
# A phone number in stored text, as the database can find it (PostgreSQL and SQLite agree on
# this regex); core.privacy.mask_phones_in_text masks every one it matches.
DB_PHONE = r"(^|[^0-9A-Za-z])(1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8})([^0-9A-Za-z]|$)"


def _scrub(text: str, names: list[str]) -> str:
    """`text` without the given names and with every phone number masked."""
    for name in names:
        if name and len(name) > 1:
            text = text.replace(name, ANONYMOUS)
    return mask_phones_in_text(text)


# ---------------------------------------------------------------------------- service records

def ended_tickets(cutoff: datetime):
    """Tickets that ended (closed, or cancelled) before `cutoff` — their retention has run out.
    A cancelled ticket ended at its last change."""
    return (Ticket.objects.filter(status__in=TERMINAL_STATES)
            .annotate(ended_at=Coalesce("closed_at", "updated_at")).filter(ended_at__lt=cutoff))


PERSONAL_ON_TICKET = (~Q(reporter_name="") | ~Q(reporter_phone="") | ~Q(reporter_email="")
                      | Q(title__regex=DB_PHONE) | Q(description__regex=DB_PHONE))
PERSONAL_ON_VISIT = ~Q(signer_name="") | ~Q(signature_image="")


def _with_personal_data(tickets):
    signed = Visit.objects.filter(PERSONAL_ON_VISIT, ticket_id=OuterRef("pk"))
    return tickets.filter(PERSONAL_ON_TICKET | Q(Exists(signed)))


def _old_messages(cutoff: datetime):
    return OutboxMessage.objects.filter(created_at__lt=cutoff)


def _messages_with_phones(cutoff: datetime):
    return _old_messages(cutoff).filter(Q(body__regex=DB_PHONE) | Q(subject__regex=DB_PHONE))


class ServiceRecords:
    """Tickets with their timeline, attachments, visit records, fault reports, clocks, fired
    escalations and loaner tasks; outbox messages (P13.9: kept 5 years from the end)."""

    def count_due(self, cutoff, action) -> dict:
        tickets = ended_tickets(cutoff)
        messages = _old_messages(cutoff)
        if action == EndAction.ANONYMISE:
            tickets = _with_personal_data(tickets)
            messages = _messages_with_phones(cutoff)
        return {"tickets": tickets.count(), "outbox messages": messages.count()}

    def anonymise_batch(self, cutoff, size) -> dict:
        tickets = list(_with_personal_data(ended_tickets(cutoff)).order_by("pk")[:size])
        for ticket in tickets:
            names = [ticket.reporter_name]
            for visit in Visit.objects.filter(ticket=ticket):
                names.append(visit.signer_name)
                if visit.signature_image:
                    visit.signature_image.delete(save=False)
                Visit.objects.filter(pk=visit.pk).update(
                    signer_name="", signature_image="", appointment_note=_scrub(visit.appointment_note, names))
            Ticket.objects.filter(pk=ticket.pk).update(
                reporter_name="", reporter_phone="", reporter_email="",
                title=_scrub(ticket.title, names), description=_scrub(ticket.description, names))
            for event in TicketEvent.objects.filter(ticket=ticket).exclude(body=""):
                body = _scrub(event.body, names)
                if body != event.body:
                    TicketEvent.objects.filter(pk=event.pk).update(body=body)
        messages = 0
        for message in _messages_with_phones(cutoff).order_by("pk")[:size]:
            subject, body = mask_phones_in_text(message.subject), mask_phones_in_text(message.body)
            if (subject, body) != (message.subject, message.body):
                OutboxMessage.objects.filter(pk=message.pk).update(subject=subject, body=body)
                messages += 1
        return {"tickets": len(tickets), "outbox messages": messages}

    def delete_batch(self, cutoff, size) -> dict:
        """Delete a batch of ended tickets with all their evidence (inside a retention purge)."""
        ids = list(ended_tickets(cutoff).order_by("pk").values_list("pk", flat=True)[:size])
        for attachment in Attachment.objects.filter(ticket_id__in=ids).exclude(file=""):
            attachment.file.delete(save=False)
        for visit in Visit.objects.filter(ticket_id__in=ids).exclude(signature_image=""):
            visit.signature_image.delete(save=False)
        VisitAmendment.objects.filter(visit__ticket_id__in=ids).delete()
        Visit.objects.filter(ticket_id__in=ids).delete()
        FaultReport.objects.filter(ticket_id__in=ids).delete()
        deleted = Ticket.objects.filter(pk__in=ids).delete()[1].get(Ticket._meta.label, 0) if ids else 0
        message_ids = list(_old_messages(cutoff).order_by("pk").values_list("pk", flat=True)[:size])
        messages = OutboxMessage.objects.filter(pk__in=message_ids).delete()[0] if message_ids else 0
        return {"tickets": deleted, "outbox messages": messages}


# ------------------------------------------------------------------------------ personal data

def ended_contacts(cutoff: datetime):
    """Contact persons whose customer's relationship ended before `cutoff`: no contract running
    on or after it, no request open or ended after it, and the contact itself unchanged since."""
    live_contract = Q(end_date__isnull=True) | Q(end_date__gte=cutoff.date())
    from shouhou.contracts.models import Contract

    contracts = Contract.objects.filter(live_contract, customer_id=OuterRef("customer_id"))
    recent = (Ticket.objects.filter(customer_id=OuterRef("customer_id"))
              .annotate(ended_at=Coalesce("closed_at", "updated_at"))
              .filter(~Q(status__in=TERMINAL_STATES) | Q(ended_at__gte=cutoff)))
    return Contact.objects.filter(updated_at__lt=cutoff).exclude(Exists(contracts)).exclude(Exists(recent))


PERSONAL_ON_CONTACT = ~Q(name=ANONYMOUS) | ~Q(phone="") | ~Q(email="") | ~Q(title="")


class PersonalData:
    """Contact persons of customers we no longer serve (PIPL: kept no longer than needed)."""

    def count_due(self, cutoff, action) -> dict:
        contacts = ended_contacts(cutoff)
        if action == EndAction.ANONYMISE:
            contacts = contacts.filter(PERSONAL_ON_CONTACT)
        return {"contacts": contacts.count()}

    def anonymise_batch(self, cutoff, size) -> dict:
        ids = list(ended_contacts(cutoff).filter(PERSONAL_ON_CONTACT).order_by("pk").values_list("pk", flat=True)[:size])
        # update() leaves updated_at alone, so the contact stays "ended" for the next run.  The
        # change history (audit trail) holds the same personal data: it is anonymised with it.
        done = Contact.objects.filter(pk__in=ids).update(name=ANONYMOUS, phone="", email="", title="")
        Contact.history.filter(id__in=ids).update(name=ANONYMOUS, phone="", email="", title="")
        return {"contacts": done}

    def delete_batch(self, cutoff, size) -> dict:
        ids = list(ended_contacts(cutoff).order_by("pk").values_list("pk", flat=True)[:size])
        deleted = Contact.objects.filter(pk__in=ids).delete()[0] if ids else 0
        Contact.history.filter(id__in=ids).delete()  # its personal data goes with it
        return {"contacts": deleted}


@dataclass
class NoRecordsYet:
    """A kind whose records arrive with a later app (accounting records: warranty claims, dealer
    settlements, paid-service receipts); its rule is already data."""

    def count_due(self, cutoff, action) -> dict:
        return {}

    def anonymise_batch(self, cutoff, size) -> dict:
        return {}

    def delete_batch(self, cutoff, size) -> dict:
        return {}


KINDS = {
    RecordKind.SERVICE: ServiceRecords(),
    RecordKind.ACCOUNTING: NoRecordsYet(),
    RecordKind.PERSONAL: PersonalData(),
}
