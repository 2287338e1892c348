"""The outbox shows a user only messages about tickets that user may open (issue 6, hardening).

Attack tried first: an engineer listed /api/v1/outbox/ and read every escalation — ticket
numbers, titles and the leadership's e-mail address — for tickets assigned to someone else.
"""

from __future__ import annotations

from shouhou.accounts.choices import Role
from shouhou.notify.models import OutboxMessage
from shouhou.sla.services import scan_due_clocks
from shouhou.tickets.services import perform_action
from tests.conftest import make_user

from .conftest import act, open_fault, sh


def escalated_ticket(world, frozen, assignee=None):
    """A level-1 fault under the P13 plan, left alone until its escalations fired (P6.3, P13.2)."""
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    act(ticket, world.desk, "accept")
    if assignee is not None:
        perform_action(world.dispatcher, ticket, "assign", assignee=assignee.pk)
    for hour in (14, 23):  # breached at 14:00; four hours later the leadership hears of it (P6.3)
        frozen.set(sh(2026, 3, 2, hour, 1))
        scan_due_clocks()
    return ticket


def test_escalations_are_written_about_their_ticket(world, p13_contract, frozen):
    world.dispatcher.email = "dispatch@example.com"
    world.dispatcher.save()
    ticket = escalated_ticket(world, frozen)
    rows = OutboxMessage.objects.all()
    assert rows.exists() and {(r.about_type.model, r.about_id) for r in rows} == {("ticket", ticket.pk)}


def test_engineer_sees_no_message_about_a_ticket_he_cannot_open(world, p13_contract, frozen, api_as):
    make_user("boss", Role.LEADERSHIP, world.own, email="boss@example.com")
    escalated_ticket(world, frozen, assignee=world.engineer2)
    assert OutboxMessage.objects.filter(recipient="boss@example.com").exists()
    listing = api_as("engineer").get("/api/v1/outbox/").json()
    assert listing["count"] == 0
    assert "boss@example.com" not in str(listing)
    row = OutboxMessage.objects.filter(recipient="boss@example.com").first()
    assert api_as("engineer").get(f"/api/v1/outbox/{row.pk}/").status_code == 404


def test_engineer_sees_the_messages_about_his_own_job(world, p13_contract, frozen, api_as):
    world.engineer.email = "zhang@example.com"
    world.engineer.save()
    ticket = escalated_ticket(world, frozen, assignee=world.engineer)
    listing = api_as("engineer").get("/api/v1/outbox/").json()
    assert listing["count"] == OutboxMessage.objects.count() > 0
    assert all(ticket.number in row["subject"] for row in listing["results"])
    assert api_as("engineer2").get("/api/v1/outbox/").json()["count"] == 0


def test_managers_and_unrestricted_staff_see_every_message(world, p13_contract, frozen, api_as):
    make_user("boss", Role.LEADERSHIP, world.own, email="boss@example.com")
    escalated_ticket(world, frozen, assignee=world.engineer2)
    total = OutboxMessage.objects.count()
    for persona in ("dispatcher", "admin", "desk"):
        assert api_as(persona).get("/api/v1/outbox/").json()["count"] == total
