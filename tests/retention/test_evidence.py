"""P13.9: service evidence is never hard-deleted within retention — through no path at all.

ORM (instance and queryset), cascades from customers, assets, contracts and tickets, the admin
(button and bulk action), the API (DELETE) and the CLI all leave every row in place; deleting is
only possible inside a documented purge (retention, demo reset, benchmark cleanup).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client
from rest_framework.test import APIClient

from shouhou.core import evidence as guard
from shouhou.core.evidence import EvidenceProtectedError
from shouhou.notify.models import OutboxMessage
from shouhou.tickets.models import TicketEvent

from .conftest import EVIDENCE_MODELS, counts

pytestmark = pytest.mark.django_db


def refused(delete) -> Exception:
    """Run `delete` in a savepoint; it must be refused."""
    with pytest.raises(ProtectedError) as info, transaction.atomic():
        delete()
    return info.value


def test_every_kind_of_service_evidence_is_declared_protected():
    """Tickets, events, attachments, visits (signatures), amendments, fault reports, clocks, fired
    escalations, loaner tasks and outbox messages (P13.9)."""
    assert set(EVIDENCE_MODELS) <= set(guard.protected_models())


@pytest.mark.parametrize("name", [m.__name__ for m in EVIDENCE_MODELS])
def test_the_orm_refuses_to_delete_a_row_or_a_queryset_of_evidence(evidence, name):
    before = counts()
    row = evidence.rows[name]
    refused(row.delete)
    refused(type(row).objects.filter(pk=row.pk).delete)
    refused(type(row).objects.all().delete)
    assert counts() == before


def test_the_guard_itself_refuses_even_where_no_foreign_key_protects(evidence):
    """An outbox message or a timeline event has nothing pointing at it: only the guard stops it."""
    error = refused(evidence.message.delete)
    assert isinstance(error, EvidenceProtectedError)
    assert isinstance(refused(TicketEvent.objects.filter(ticket=evidence.ticket).delete), EvidenceProtectedError)


@pytest.mark.parametrize("parent", ["cust_a", "asset_a", "contract_a", "engineer", "desk"])
def test_deleting_a_customer_asset_contract_or_user_cascades_into_no_evidence(world, evidence, parent):
    before = counts()
    refused(getattr(world, parent).delete)
    assert counts() == before


def test_deleting_a_ticket_without_visits_is_refused_by_the_guard_not_only_by_protect(world):
    from shouhou.tickets.services import open_ticket

    ticket = open_ticket(world.desk, title="门禁故障", serial=world.asset_a.serial_no)
    before = counts()
    assert isinstance(refused(ticket.delete), EvidenceProtectedError)
    assert counts() == before


ADMIN_URLS = {
    "Ticket": "tickets/ticket", "TicketEvent": "tickets/ticketevent", "Attachment": "tickets/attachment",
    "Visit": "dispatch/visit", "FaultReport": "dispatch/faultreport", "Clock": "sla/clock",
    "FiredEscalation": "sla/firedescalation", "LoanerTask": "sla/loanertask", "OutboxMessage": "notify/outboxmessage",
}


@pytest.mark.parametrize("name", sorted(ADMIN_URLS))
def test_the_admin_offers_no_delete_button_nor_bulk_delete_for_evidence(world, evidence, name):
    client = Client()
    client.force_login(world.admin)
    row, url = evidence.rows[name], f"/admin/{ADMIN_URLS[name]}/"
    before = counts()
    page = client.get(url)
    assert page.status_code == 200 and "delete_selected" not in page.content.decode()
    assert client.get(f"{url}{row.pk}/delete/").status_code == 403
    assert client.post(f"{url}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(url, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert f"{url}{row.pk}/delete/" not in client.get(f"{url}{row.pk}/change/").content.decode()
    assert counts() == before


API_URLS = {
    "Ticket": "tickets", "Attachment": "attachments", "Visit": "visits", "FaultReport": "fault-reports",
    "Clock": "clocks", "OutboxMessage": "outbox",
}


@pytest.mark.parametrize("name", sorted(API_URLS))
def test_the_api_has_no_delete_for_evidence(world, evidence, name):
    client = APIClient()
    client.force_authenticate(world.admin)
    before = counts()
    row = evidence.rows[name]
    response = client.delete(f"/api/v1/{API_URLS[name]}/{row.pk}/")
    assert response.status_code == 405, response.content
    for nested in ("timeline", "attachments", "comments"):
        assert client.delete(f"/api/v1/tickets/{evidence.ticket.pk}/{nested}/").status_code == 405
    assert counts() == before


def test_the_cli_deletes_no_evidence(world, evidence):
    """Neither a shell one-liner, nor `demo --reset` on a real database, nor retention within it."""
    before = counts()
    with pytest.raises(EvidenceProtectedError), transaction.atomic():
        call_command("shell", command="from shouhou.notify.models import OutboxMessage; "
                                      "OutboxMessage.objects.all().delete()")
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", tickets=0, reset=True, stdout=StringIO(), stderr=StringIO())
    call_command("retention", "--apply", stdout=StringIO())
    assert counts() == before


def test_only_a_documented_purge_opens_the_guard(evidence):
    with pytest.raises(ValueError), guard.purge("because I say so"):
        pass
    with guard.purge("retention"):
        evidence.message.delete()
    assert not OutboxMessage.objects.filter(pk=evidence.message.pk).exists()
    assert guard.purging() is None  # the block is over: refused again
    refused(TicketEvent.objects.all().delete)
