"""Fixtures of the SLA tests: frozen time, seeded templates, tickets opened through the services."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shouhou.sla.models import ServicePlan
from shouhou.sla.services import create_plan_from_template
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
