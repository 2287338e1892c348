"""Fixtures of the SLA tests: frozen time, seeded templates, tickets opened through the services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shouhou.sla.models import ServicePlan, Target, WorkingCalendar
from shouhou.sla.services import create_plan_from_template
from shouhou.sla.services.schedules import fill_statutory_days
from shouhou.tickets import services as tickets

SH = ZoneInfo("Asia/Shanghai")


def sh(*args) -> datetime:
    """An Asia/Shanghai wall-clock instant."""
    return datetime(*args, tzinfo=SH)


class FrozenTime:
    """`timezone.now()` returns `self.now`; `advance()` moves it (every clock test freezes time)."""

    def __init__(self, now: datetime):
        self.now = now

    def set(self, now: datetime) -> datetime:
        self.now = now
        return now

    def advance(self, **delta) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now


@pytest.fixture
def frozen(monkeypatch):
    frozen_time = FrozenTime(sh(2026, 3, 2, 9, 0))
    monkeypatch.setattr(timezone, "now", lambda: frozen_time.now)
    return frozen_time


def template(source: str) -> ServicePlan:
    return ServicePlan.objects.get(is_template=True, source=source)


@pytest.fixture
def p13_contract(world):
    """Contract A (covering asset A) with a plan built from the P13 template."""
    create_plan_from_template(world.dispatcher, template("P13"), world.contract_a)
    return world.contract_a


def open_fault(world, severity=1, **extra):
    return tickets.open_ticket(world.desk, title="门禁系统瘫痪", severity=severity, serial=world.asset_a.serial_no,
                               **extra)


def act(ticket, user, action, **kwargs):
    return tickets.transition_ticket(ticket, user, action, **kwargs)


TODAY_2026_12_03 = date(2026, 12, 3)


@pytest.fixture
def office(db):
    """The seeded 5×8 calendar as it is on 2026-12-03: official until 2026-12-31, 2027 provisional."""
    calendar = WorkingCalendar.objects.get(code="cn-5x8")
    fill_statutory_days(calendar, TODAY_2026_12_03)
    calendar.refresh_from_db()
    return calendar


@pytest.fixture
def report_plan(office):
    """The default plan: "report within 3 working days" (P5.6) on the 5×8 calendar."""
    plan = ServicePlan.objects.create(name="report", calendar=office, is_default=True)
    Target.objects.create(plan=plan, kind="report", name="3 个工作日内提交报告", amount=Decimal(3), unit="working_days",
                          start_event="received", stop_event="resolved", commitment="P5.6")
    return plan
