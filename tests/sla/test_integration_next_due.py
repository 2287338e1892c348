"""`Ticket.next_due_at` follows the ticket's clocks (issue 3: lists sort and filter by "next due").

The earliest due time of the running clocks — breached clocks that have not stopped count
(they are overdue); paused, met and cancelled ones do not.  Kept by
sla.services.next_due.refresh_next_due, called by every clock sync (open, transition,
recompute, scan, milestone).  Time is frozen in every test.
"""

from __future__ import annotations

import pytest
from django.test import Client

from shouhou.sla.models import Clock
from shouhou.sla.services import next_due as next_due_module
from shouhou.sla.services import record_milestone, scan_due_clocks
from shouhou.sla.services.next_due import refresh_next_due
from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import Ticket, TicketEvent
from shouhou.tickets.services import perform_action, update_ticket

from .conftest import act, open_fault, sh


def next_due(ticket):
    return Ticket.objects.values_list("next_due_at", flat=True).get(pk=ticket.pk)


def test_next_due_is_the_earliest_running_clock_and_moves_as_promises_are_kept(world, p13_contract, frozen):
    """P13.2: response 30 min, arrival 2 h, resolution 4 h — each kept promise moves next due on."""
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = open_fault(world, severity=1)
    assert ticket.next_due_at == sh(2026, 3, 2, 9, 30)  # open_ticket answers with the stored value
    frozen.set(sh(2026, 3, 2, 9, 10))
    record_milestone(world.desk, ticket, "contacted")
    assert next_due(ticket) == sh(2026, 3, 2, 11, 0)
    frozen.set(sh(2026, 3, 2, 9, 20))
    ticket = act(ticket, world.desk, "accept")
    ticket = perform_action(world.dispatcher, ticket, "assign", assignee=world.engineer.pk)
    for step in ("start_travel", "arrive"):
        ticket = perform_action(world.engineer, ticket, step)
    assert next_due(ticket) == sh(2026, 3, 2, 13, 0)
    ticket = perform_action(world.engineer, ticket, "resolve", resolution="更换闭门器")
    assert next_due(ticket) is None


def test_a_pause_takes_the_ticket_off_the_next_due_list_and_resume_brings_it_back(world, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    record_milestone(world.desk, ticket, "contacted")
    ticket = act(ticket, world.desk, "accept")
    frozen.set(sh(2026, 3, 2, 10, 30))
    ticket = act(ticket, world.desk, "wait_customer", reason="客户联系人出差")
    assert next_due(ticket) is None  # P13 pauses in "pending customer": no clock runs
    frozen.set(sh(2026, 3, 2, 11, 30))
    act(ticket, world.desk, "resume")
    assert next_due(ticket) == sh(2026, 3, 2, 13, 0)  # arrival 12:00 + 1 h paused


def test_a_breached_clock_keeps_the_ticket_overdue_after_the_scan(world, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    frozen.set(sh(2026, 3, 2, 10, 31))
    assert scan_due_clocks()["breached"] == 1
    assert Clock.objects.get(ticket=ticket, kind="response").state == "breached"
    assert next_due(ticket) == sh(2026, 3, 2, 10, 30)


def test_moving_the_ticket_off_the_p13_contract_drops_its_next_due(world, p13_contract, frozen):
    """A desk correction to another customer's asset leaves the P13 contract: the clocks are
    withdrawn (kept as evidence, P13.9, shown as cancelled), and next due goes with them (the
    recompute path of sync_clocks)."""
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    assert next_due(ticket) is not None
    ticket.refresh_from_db()
    update_ticket(world.desk, ticket, ticket.version, asset=world.asset_b, customer=world.cust_b, site=world.site_b)
    assert set(Clock.objects.filter(ticket=ticket).values_list("state", flat=True)) == {"cancelled"}
    assert next_due(ticket) is None


def test_tickets_without_a_plan_have_no_next_due(world, frozen):
    ticket = open_fault(world, severity=1)
    assert ticket.next_due_at is None and next_due(ticket) is None


@pytest.mark.parametrize("unnest_from", [50, 1], ids=["bulk_update", "unnest_on_postgresql"])
def test_refresh_next_due_in_bulk_is_one_read_and_one_write(world, p13_contract, frozen, monkeypatch, unnest_from,
                                                           django_assert_num_queries):
    """The call the calendar recompute makes: any number of tickets, two statements per chunk,
    and nothing written when nothing moved (both write paths; the second is PostgreSQL's)."""
    monkeypatch.setattr(next_due_module, "UNNEST_FROM", unnest_from)
    frozen.set(sh(2026, 3, 2, 10, 0))
    tickets = [open_fault(world, severity=1) for _ in range(12)]
    expected = {t.pk: t.next_due_at for t in tickets}
    Ticket.objects.filter(pk__in=expected).update(next_due_at=None)  # as if the column had drifted
    with django_assert_num_queries(2):
        assert refresh_next_due(expected) == 12
    assert dict(Ticket.objects.filter(pk__in=expected).values_list("pk", "next_due_at")) == expected
    with django_assert_num_queries(1):
        assert refresh_next_due(list(expected) * 2) == 0  # duplicates collapse; nothing to write


def test_refresh_next_due_is_not_an_edit(world, p13_contract, frozen):
    """Derived data: no version bump, no updated_at, no timeline entry — an editor never gets a 409 for it."""
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    Ticket.objects.filter(pk=ticket.pk).update(next_due_at=None)
    before = Ticket.objects.values_list("version", "updated_at").get(pk=ticket.pk)
    events = TicketEvent.objects.filter(ticket=ticket).count()
    frozen.set(sh(2026, 3, 2, 10, 5))
    refresh_next_due([ticket.pk])
    assert Ticket.objects.values_list("version", "updated_at").get(pk=ticket.pk) == before
    assert TicketEvent.objects.filter(ticket=ticket).count() == events
    assert next_due(ticket) == sh(2026, 3, 2, 10, 30)


def test_hand_recorded_clock_events_are_milestones_in_the_timeline(world, p13_contract, frozen):
    """EventKind.MILESTONE ("Milestone recorded") for called back, loaner provided …, from the
    service and from the ticket page's clocks panel."""
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    frozen.set(sh(2026, 3, 2, 10, 12))
    row = record_milestone(world.desk, ticket, "contacted", note="已电话回复客户")
    assert row.kind == EventKind.MILESTONE and row.data["sla_event"] == "contacted"
    assert Clock.objects.get(ticket=ticket, kind="response").state == "met"
    client = Client()
    client.force_login(world.desk)
    answer = client.post(f"/sla/tickets/{ticket.pk}/event/", {"event": "solution_proposed", "note": "远程指导"})
    assert answer.status_code == 302
    kinds = list(ticket.events.filter(data__has_key="sla_event").values_list("kind", flat=True))
    assert kinds == [EventKind.MILESTONE, EventKind.MILESTONE]
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "已记录服务节点" in page
