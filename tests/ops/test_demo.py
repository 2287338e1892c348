"""`shouhou demo`: realistic demo data through the services, and the bulk path for benchmarks."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from shouhou.accounts.choices import Role
from shouhou.accounts.models import Organisation, User
from shouhou.assets.models import Asset, ProductModel
from shouhou.contracts.models import Contract
from shouhou.customers.models import Customer, Site
from shouhou.notify.models import Notification
from shouhou.ops.demo import DEMO_PASSWORD, load_demo, purge_tickets
from shouhou.tickets.choices import EventKind, Status
from shouhou.tickets.models import Ticket, TicketEvent
from shouhou.tickets.services import find_contract

pytestmark = pytest.mark.django_db


def reference_counts() -> dict:
    return {model.__name__: model.objects.count()
            for model in (Organisation, User, Customer, Site, ProductModel, Asset, Contract)}


def test_demo_command_creates_one_login_per_role_and_n_tickets_with_timelines():
    # given an empty database, when the desk loads the demo with 24 tickets
    out = StringIO()
    call_command("demo", tickets=24, seed=5, stdout=out, stderr=StringIO())

    # then every role has a login with the documented password, printed by the command
    for role in set(Role.values) - {Role.SYSTEM}:  # the system actor never logs in (issue 6)
        user = User.objects.filter(role=role).first()
        assert user is not None, role
        assert user.check_password(DEMO_PASSWORD)
        assert user.username in out.getvalue()
    # and 24 tickets exist, each with its "reported" event, walked to several statuses
    assert Ticket.objects.count() == 24
    assert set(TicketEvent.objects.filter(kind=EventKind.CREATED).values_list("ticket_id", flat=True)) == set(
        Ticket.objects.values_list("id", flat=True))
    assert Ticket.objects.values("status").distinct().count() >= 4
    moved = Ticket.objects.exclude(status=Status.NEW)
    assert all(t.events.filter(kind__in=[EventKind.TRANSITION, EventKind.ASSIGNED]).exists() for t in moved)
    # and the last line is the JSON figures
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert figures["tickets"] == 24 and figures["method"] == "services"


def test_demo_tickets_spread_over_months_with_timeline_in_order():
    load_demo(tickets=30, seed=11)
    dates = sorted(Ticket.objects.values_list("created_at", flat=True))
    assert (dates[-1] - dates[0]).days > 60  # P5.7: an archive, not just today's tickets
    for ticket in Ticket.objects.all():
        stamps = list(ticket.events.order_by("id").values_list("created_at", flat=True))
        assert stamps == sorted(stamps)
        assert stamps[0] == ticket.created_at


def test_demo_closed_tickets_went_through_a_signed_visit():
    load_demo(tickets=30, seed=2)
    closed = Ticket.objects.filter(status=Status.CLOSED, support_mode="on_site")
    assert closed.exists()
    for ticket in closed:
        assert ticket.visits.filter(signed_at__isnull=False).exists()  # P10.4
        assert ticket.events.filter(kind=EventKind.VISIT_SIGNED).exists()


def test_reference_data_is_idempotent():
    load_demo(tickets=0)
    first = reference_counts()
    load_demo(tickets=0)
    assert reference_counts() == first
    assert first["Customer"] >= 20 and first["Organisation"] >= 5  # our company, 3 dealers, a portal org


def test_bulk_path_writes_tickets_with_created_and_last_transition_events():
    result = load_demo(tickets=400, bulk=True, seed=3)
    assert result.tickets == Ticket.objects.count() == 400
    assert result.events == TicketEvent.objects.count()
    assert TicketEvent.objects.filter(kind=EventKind.CREATED).count() == 400
    for ticket in Ticket.objects.exclude(status=Status.NEW)[:50]:
        last = ticket.events.order_by("-created_at", "-id").first()
        assert last.to_status == ticket.status
    # the fields open_ticket derives from the asset are the same
    for ticket in Ticket.objects.select_related("asset", "site", "customer")[:40]:
        assert ticket.customer_id == ticket.asset.customer_id
        contract = find_contract(ticket.customer, ticket.site, ticket.asset, ticket.created_at.date())
        if contract is not None:
            assert ticket.contract_id == contract.pk and ticket.service_level == contract.service_level


def test_bulk_tickets_are_listed_by_the_api_and_scoped(django_assert_max_num_queries):
    load_demo(tickets=300, bulk=True, seed=4)
    desk, dealer, customer = (User.objects.get(username=u) for u in ("desk", "dealer", "customer"))

    def api_count(user, query=""):
        client = APIClient()
        client.force_authenticate(user)
        response = client.get(f"/api/v1/tickets/{query}")
        assert response.status_code == 200
        return response.json()["count"]

    with django_assert_max_num_queries(12):
        assert api_count(desk) == 300
    dealer_sees = Ticket.objects.filter(customer__dealer_id=dealer.organisation_id).count()
    assert 0 < api_count(dealer) == dealer_sees < 300
    own = Ticket.objects.filter(customer__organisation_id=customer.organisation_id).count()
    assert 0 < api_count(customer) == own < dealer_sees
    assert api_count(desk, "?status=closed") == Ticket.objects.filter(status=Status.CLOSED).count()


def test_reset_deletes_tickets_and_their_timeline_but_keeps_reference_data():
    load_demo(tickets=8, seed=9)
    before = reference_counts()
    assert Notification.objects.exists()  # the demo's assignments told the engineers
    assert purge_tickets() == 8
    assert Ticket.objects.count() == TicketEvent.objects.count() == Notification.objects.count() == 0
    assert reference_counts() == before
    result = load_demo(tickets=5, seed=9, reset=True)
    assert result.tickets == Ticket.objects.count() == 5


def test_reset_works_after_escalations_fired_and_a_loaner_task_opened():
    """`demo --reset` failed with a foreign-key error once the worker had fired escalations: the
    fired-escalation log points at tickets through a hidden relation the purge did not follow."""
    import datetime as dt
    from unittest import mock

    from django.utils import timezone

    from shouhou.sla.models import FiredEscalation, LoanerTask
    from shouhou.sla.services import scan_due_clocks

    load_demo(tickets=12, seed=3)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + dt.timedelta(days=3)):
        assert scan_due_clocks()["fired"] > 0
    assert FiredEscalation.objects.exists()
    before = reference_counts()
    out = StringIO()
    call_command("demo", tickets=2, seed=3, reset=True, stdout=out, stderr=StringIO())
    assert json.loads(out.getvalue().splitlines()[-1])["deleted"] == 12
    assert Ticket.objects.count() == 2 and not FiredEscalation.objects.exists() and not LoanerTask.objects.exists()
    assert reference_counts() == before


@pytest.mark.parametrize("intruder", ["user", "customer", "no marker"])
def test_reset_refuses_a_database_holding_anything_but_demo_data_and_deletes_nothing(intruder):
    from django.core.management import CommandError

    from shouhou.core.models import DemoMarker

    load_demo(tickets=4, seed=2)
    if intruder == "user":
        User.objects.create_user("ops", password="x")  # noqa: S106 - a test login
    elif intruder == "customer":
        Customer.objects.create(code="C-REAL-1", name="真实客户")
    else:
        DemoMarker.objects.all().delete()
    before = {**reference_counts(), "tickets": Ticket.objects.count(), "events": TicketEvent.objects.count()}
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", tickets=0, reset=True, stdout=StringIO(), stderr=StringIO())
    assert {**reference_counts(), "tickets": Ticket.objects.count(), "events": TicketEvent.objects.count()} == before


def test_an_empty_database_loaded_by_the_demo_is_marked_as_a_demo_database(world):
    """The marker is written only when the loader builds its world in an empty database: loading
    the demo into a database with real data (the `world` here) leaves it unmarked."""
    from shouhou.core.models import DemoMarker

    load_demo(tickets=0)
    assert not DemoMarker.objects.exists()


def test_demo_approvals_fill_my_approvals_in_each_state_through_the_services():
    """Issue 6, "One approval flow": the demo logins find requests waiting on step 1 (dispatcher) and
    step 2 (leader), one approved and one rejected with its reason, each on its ticket's timeline."""
    from shouhou.approvals.choices import Outcome, RequestState
    from shouhou.approvals.models import ApprovalRequest

    load_demo(tickets=12, seed=4)
    dispatcher, leader, desk = (User.objects.get(username=name) for name in ("dispatcher", "leader", "desk"))
    states = sorted(ApprovalRequest.objects.values_list("state", flat=True))
    assert states == sorted([RequestState.PENDING, RequestState.PENDING, RequestState.APPROVED,
                             RequestState.REJECTED])
    assert ApprovalRequest.objects.waiting_for(dispatcher).filter(current_position=1).count() == 1
    assert ApprovalRequest.objects.waiting_for(leader).filter(current_position=2).count() == 1
    rejected = ApprovalRequest.objects.get(state=RequestState.REJECTED)
    decision = rejected.decisions.get()
    assert decision.outcome == Outcome.REJECT and decision.decided_by == dispatcher and decision.reason
    assert set(ApprovalRequest.objects.values_list("requested_by", flat=True)) == {desk.pk}
    assert TicketEvent.objects.filter(kind=EventKind.APPROVAL).count() >= 4
    # the pages show them to the demo logins
    client = APIClient()
    client.force_authenticate(leader)
    assert client.get("/api/v1/approvals/?waiting_for_me=true").json()["count"] == 1


def test_reset_clears_the_demo_approvals_with_their_tickets():
    from shouhou.approvals.models import ApprovalDecision, ApprovalRequest

    load_demo(tickets=8, seed=4)
    assert ApprovalRequest.objects.exists() and ApprovalDecision.objects.exists()
    out = StringIO()
    call_command("demo", tickets=12, seed=4, reset=True, stdout=out, stderr=StringIO())
    assert json.loads(out.getvalue().splitlines()[-1])["deleted"] == 8
    assert ApprovalRequest.objects.count() == 4  # the new tickets' own, none left over
    assert all(r.subject is not None for r in ApprovalRequest.objects.all())


def test_a_fresh_demo_shows_a_roster_with_one_coverage_gap_a_week():
    """P2.2 / P14.11: the demo's duty roster leaves Saturday night uncovered, so a fresh `make run`
    shows the roster, who is on duty, and one visible gap a week on the dispatcher's pages."""
    from datetime import timedelta

    from django.utils import timezone

    from shouhou.dispatch.roster import services as roster
    from shouhou.dispatch.roster.models import DutyShift

    load_demo(tickets=0)
    load_demo(tickets=0)  # idempotent: the patterns are planned once
    assert DutyShift.objects.filter(starts_at__gte=timezone.now() + timedelta(days=20)).exists()
    gaps = roster.gaps_between(timezone.now(), timezone.now() + timedelta(days=6))  # one Saturday night
    assert len(gaps) == 1
    start = timezone.localtime(gaps[0].start)
    assert (start.weekday(), start.hour) == (5, 20) or gaps[0].start <= timezone.now() + timedelta(seconds=1)
    assert gaps[0].end - gaps[0].start <= timedelta(hours=12)
    client = APIClient()
    client.force_authenticate(User.objects.get(username="dispatcher"))
    assert len(client.get("/api/v1/duty-coverage/", {"days": 6}).json()) == 1
