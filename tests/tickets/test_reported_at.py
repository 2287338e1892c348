"""reported_at on intake (issue 8, "The report time"): a letter, an e-mail or a call logged later
starts its clocks when the report was received, not when it was typed in — with a permission,
bounded (not in the future, at most REPORTED_AT_MAX_DAYS ago) and audited on the timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shouhou.core.errors import PermissionDeniedError, ServiceError
from shouhou.sla.models import Clock, ServicePlan, Target
from shouhou.tickets.services import open_ticket

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=SH)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def plan(world):
    plan = ServicePlan.objects.create(name="4 小时到场", contract=world.contract_a)
    Target.objects.create(plan=plan, kind="arrival", name="4 小时到场", amount=Decimal(4), unit="hours",
                          start_event="received", stop_event="arrived")
    return plan


def report(world, user=None, **extra):
    return open_ticket(user or world.desk, title="来函：防火门损坏", channel="email", serial=world.asset_a.serial_no,
                       **extra)


def test_reported_at_a_report_logged_later_starts_its_clocks_when_received(world, plan):
    received = dt.datetime(2026, 3, 2, 9, 30, tzinfo=SH)
    ticket = report(world, reported_at=received)
    clock = Clock.objects.get(ticket=ticket)
    assert clock.started_at == received and clock.due_at == dt.datetime(2026, 3, 2, 13, 30, tzinfo=SH)
    created = ticket.events.get(kind="created")
    assert created.data["reported_at"] == received.isoformat() and created.data["typed_at"] == NOW.isoformat()
    note = ticket.events.get(kind="note", internal=True)
    assert "2026-03-02 09:30" in note.body and "2026-03-02 15:00" in note.body


def test_reported_at_without_it_the_clocks_start_when_typed_in(world, plan):
    assert Clock.objects.get(ticket=report(world)).started_at == NOW


def test_reported_at_in_the_future_is_refused(world, plan):
    with pytest.raises(ServiceError) as exc:
        report(world, reported_at=NOW + dt.timedelta(minutes=5))
    assert exc.value.code == "reported_at_future" and exc.value.field == "reported_at"


def test_reported_at_older_than_the_setting_is_refused(world, plan, settings):
    settings.REPORTED_AT_MAX_DAYS = 7
    assert report(world, reported_at=NOW - dt.timedelta(days=7)).pk
    with pytest.raises(ServiceError) as exc:
        report(world, reported_at=NOW - dt.timedelta(days=7, minutes=1))
    assert exc.value.code == "reported_at_too_old"


def test_reported_at_needs_the_permission(world, plan):
    with pytest.raises(PermissionDeniedError):
        report(world, user=world.customer_a, reported_at=NOW - dt.timedelta(hours=1))


def test_reported_at_on_the_intake_form_only_for_those_permitted(world, plan, client):
    client.force_login(world.desk)
    assert 'name="reported_at"' in client.get("/tickets/new/").content.decode()
    client.force_login(world.customer_a)
    assert 'name="reported_at"' not in client.get("/tickets/new/").content.decode()


def test_reported_at_through_the_api(world, plan, api_as):
    answer = api_as("desk").post("/api/v1/tickets/", {"title": "来电补录", "serial": world.asset_a.serial_no,
                                                       "reported_at": "2026-03-02T10:00:00+08:00"}, format="json")
    assert answer.status_code == 201, answer.content
    clock = Clock.objects.get(ticket_id=answer.json()["id"])
    assert clock.started_at == dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH)
    future = api_as("desk").post("/api/v1/tickets/", {"title": "x", "reported_at": "2026-03-03T10:00:00+08:00"},
                                 format="json")
    assert future.status_code == 400 and "reported_at" in future.content.decode()


def test_reported_at_out_of_bounds_on_the_form_names_the_field(world, plan, client):
    client.force_login(world.desk)
    answer = client.post("/tickets/new/", {"channel": "letter", "severity": 3, "support_mode": "on_site",
                                           "title": "来函", "reported_at": "2026-02-01T09:00"})
    assert answer.status_code == 400
    assert answer.context["form"].errors["reported_at"]
