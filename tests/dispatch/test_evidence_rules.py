"""Evidence rules of a service plan (issue 8, "Evidence rules"):
"an unsigned service record counts as not done" and "the engineer does not leave until it is
fixed unless the customer agrees"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shouhou.core.errors import ServiceError
from shouhou.dispatch import services
from shouhou.dispatch.models import SignatureMethod
from shouhou.sla.models import Clock, PlanClauses, ServicePlan, Target
from shouhou.tickets.choices import Status
from shouhou.tickets.services import open_ticket, transition_ticket

from .conftest import png_bytes

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


class Clockwork:
    def __init__(self):
        self.now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH)


@pytest.fixture
def now(monkeypatch):
    clock = Clockwork()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def strict_plan(world):
    """"Repaired within 4 hours"; unsigned means not done; the engineer stays unless the customer agrees."""
    plan = ServicePlan.objects.create(name="严格方案", contract=world.contract_a)
    Target.objects.create(plan=plan, kind="resolution", name="4 小时内修复", amount=Decimal(4), unit="hours",
                          start_event="received", stop_event="resolved")
    PlanClauses.objects.create(plan=plan, unsigned_is_not_done=True, leave_needs_consent=True)
    return plan


def on_site(world, now):
    ticket = open_ticket(world.desk, title="防火门闭门器失灵", serial=world.asset_a.serial_no, severity=2)
    services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    now.now += dt.timedelta(minutes=30)
    visit = services.record_arrival(world.engineer, ticket)
    ticket.refresh_from_db()
    return ticket, visit


def test_evidence_leave_an_unresolved_job_needs_the_customers_consent(world, strict_plan, now):
    ticket, visit = on_site(world, now)
    with pytest.raises(ServiceError) as exc:
        services.record_departure(world.engineer, visit, "已检查，需订购配件")
    assert exc.value.code == "customer_consent_required" and exc.value.field == "customer_consent"
    visit = services.record_departure(world.engineer, visit, "已检查，需订购配件", customer_consent="物业王经理同意")
    left = ticket.events.get(kind="visit_left")
    assert left.data["customer_consent"] == "物业王经理同意"


def test_evidence_leave_a_resolved_job_needs_no_consent(world, strict_plan, now):
    ticket, visit = on_site(world, now)
    transition_ticket(ticket, world.engineer, "resolve", resolution="闭门器已更换")
    assert services.record_departure(world.engineer, visit, "更换闭门器").left_at is not None


def test_evidence_leave_without_the_clause_needs_no_consent(world, strict_plan, now):
    PlanClauses.objects.filter(plan=strict_plan).update(leave_needs_consent=False)
    _ticket, visit = on_site(world, now)
    assert services.record_departure(world.engineer, visit, "已检查").left_at is not None


def test_evidence_unsigned_record_cannot_be_closed(world, strict_plan, now):
    ticket, visit = on_site(world, now)
    ticket = transition_ticket(ticket, world.engineer, "resolve", resolution="闭门器已更换")
    services.record_departure(world.engineer, visit, "更换闭门器")
    ticket = transition_ticket(ticket, world.desk, "confirm")  # the desk notes a phone confirmation
    with pytest.raises(ServiceError) as exc:
        transition_ticket(ticket, world.desk, "close")
    assert exc.value.code == "service_record_unsigned" and exc.value.field == "signature"
    ticket.refresh_from_db()
    assert ticket.status == Status.CUSTOMER_CONFIRMED  # the refused close left nothing behind
    visit.refresh_from_db()
    services.sign_visit(world.engineer, visit, SignatureMethod.DRAWN, "陈先生", png_bytes())
    assert transition_ticket(ticket, world.desk, "close").status == Status.CLOSED


def test_evidence_repair_target_is_met_only_when_signed(world, strict_plan, now):
    """Resolved at 11:00 but signed at 14:00: the 4-hour repair target (due 13:00) is breached."""
    ticket, visit = on_site(world, now)
    now.now = dt.datetime(2026, 3, 2, 11, 0, tzinfo=SH)
    ticket = transition_ticket(ticket, world.engineer, "resolve", resolution="闭门器已更换")
    visit = services.record_departure(world.engineer, visit, "更换闭门器")
    clock = Clock.objects.get(ticket=ticket)
    assert clock.stopped_at is None and clock.due_at == dt.datetime(2026, 3, 2, 13, 0, tzinfo=SH)
    now.now = dt.datetime(2026, 3, 2, 14, 0, tzinfo=SH)
    services.sign_visit(world.engineer, visit, SignatureMethod.DRAWN, "陈先生", png_bytes())
    clock.refresh_from_db()
    assert clock.stopped_at == dt.datetime(2026, 3, 2, 14, 0, tzinfo=SH) and clock.state == "breached"


def test_evidence_without_the_clause_resolution_stops_the_repair_target(world, strict_plan, now):
    PlanClauses.objects.filter(plan=strict_plan).update(unsigned_is_not_done=False)
    ticket, _visit = on_site(world, now)
    now.now = dt.datetime(2026, 3, 2, 11, 0, tzinfo=SH)
    transition_ticket(ticket, world.engineer, "resolve", resolution="闭门器已更换")
    clock = Clock.objects.get(ticket=ticket)
    assert clock.state == "met" and clock.stopped_at == dt.datetime(2026, 3, 2, 11, 0, tzinfo=SH)
