""""Next due" on the ticket list — page and API (issue 3: lists sort and filter by next due).

`Ticket.next_due_at` is derived data the sla app keeps (tests/sla/test_integration_next_due.py
covers that); here the tickets app alone is tested, so the column is set directly, as the sla
app would, and time is frozen.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from shouhou.core import hooks
from shouhou.tickets.models import Ticket
from shouhou.tickets.services import open_ticket

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
URL = "/api/v1/tickets/"


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def due(ticket, **delta):
    """Set the derived column as the sla app would (no version bump)."""
    value = NOW + timedelta(**delta) if delta else None
    Ticket.objects.filter(pk=ticket.pk).update(next_due_at=value)
    return value


@pytest.fixture
def board(world, frozen_now):
    """Given four requests: overdue by 10 min, due in 20 min, due in 3 h, and one with no running clock."""
    tickets = {name: open_ticket(world.desk, title=name, serial=world.asset_a.serial_no)
               for name in ("overdue", "soon", "later", "none")}
    due(tickets["overdue"], minutes=-10)
    due(tickets["soon"], minutes=20)
    due(tickets["later"], hours=3)
    due(tickets["none"])
    return tickets


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_api_orders_by_next_due_most_urgent_first_and_without_clock_last(api_as, board):
    rows = ids(api_as("desk").get(URL, {"ordering": "next_due_at"}))
    assert rows == [board[n].pk for n in ("overdue", "soon", "later", "none")]


def test_api_descending_next_due_still_puts_requests_without_a_clock_last(api_as, board):
    rows = ids(api_as("desk").get(URL, {"ordering": "-next_due_at"}))
    assert rows == [board[n].pk for n in ("later", "soon", "overdue", "none")]


def test_api_overdue_filter(api_as, board):
    client = api_as("desk")
    assert ids(client.get(URL, {"overdue": "true"})) == [board["overdue"].pk]
    assert sorted(ids(client.get(URL, {"overdue": "false"}))) == sorted(board[n].pk for n in ("soon", "later", "none"))


def test_api_due_within_minutes_includes_the_overdue(api_as, board):
    rows = ids(api_as("desk").get(URL, {"due_within": 30, "ordering": "next_due_at"}))
    assert rows == [board["overdue"].pk, board["soon"].pk]


def test_api_due_before_an_instant(api_as, board):
    rows = ids(api_as("desk").get(URL, {"due_before": "2026-03-02T12:00:00+08:00", "ordering": "next_due_at"}))
    assert rows == [board["overdue"].pk, board["soon"].pk]


def test_api_refuses_a_bad_due_within(api_as, board):
    assert api_as("desk").get(URL, {"due_within": "soon"}).status_code == 400


def test_list_rows_carry_next_due_at(api_as, board):
    rows = {row["id"]: row for row in api_as("desk").get(URL).json()["results"]}
    assert rows[board["soon"].pk]["next_due_at"] == "2026-03-02T10:20:00+08:00"
    assert rows[board["none"].pk]["next_due_at"] is None


def test_next_due_filters_stay_inside_the_users_scope(world, api_as, board):
    """Customer B sees none of customer A's overdue requests (scoping first, filters narrow)."""
    assert ids(api_as("customer_b").get(URL, {"overdue": "true"})) == []
    assert ids(api_as("customer_a").get(URL, {"overdue": "true"})) == [board["overdue"].pk]


def test_list_page_shows_due_column_with_overdue_and_remaining_time(world, board):
    client = Client()
    client.force_login(world.desk)
    html = client.get("/tickets/", {"ordering": "next_due_at"}).content.decode()
    assert "已超时 10 分钟" in html  # overdue by 10 min
    assert "剩余 20 分钟" in html and "剩余 3 小时" in html
    assert html.index(board["overdue"].number) < html.index(board["soon"].number) < html.index(board["later"].number)
    assert 'name="overdue"' in html and 'name="due_within"' in html and 'name="due_before"' in html


def test_list_page_filters_overdue(world, board):
    client = Client()
    client.force_login(world.desk)
    html = client.get("/tickets/", {"overdue": "true"}).content.decode()
    assert board["overdue"].number in html and board["soon"].number not in html


def test_next_due_sorted_list_query_counts_are_pinned(world, api_as, frozen_now, django_assert_max_num_queries):
    """No N+1 with the due column: 30 requests, API in 2 queries, page in a bounded number
    (one of them the nav bell's unread COUNT, issue 7)."""
    for i in range(30):
        due(open_ticket(world.desk, title=f"故障{i}", serial=world.asset_a.serial_no), minutes=i - 5)
    client = api_as("desk")
    with django_assert_max_num_queries(2):
        response = client.get(URL, {"ordering": "next_due_at", "due_within": 600})
    assert len(response.json()["results"]) == 25
    page = Client()
    page.force_login(world.desk)
    page.get("/tickets/")
    with django_assert_max_num_queries(9):
        html = page.get("/tickets/", {"ordering": "next_due_at", "overdue": "true"}).content.decode()
    assert html.count("已超时") >= 5


def test_setting_next_due_is_not_an_edit(world, frozen_now):
    """Derived data: the sla app's update leaves version and updated_at alone (no 409 for editors)."""
    ticket = open_ticket(world.desk, title="x", serial=world.asset_a.serial_no)
    before = Ticket.objects.values_list("version", "updated_at").get(pk=ticket.pk)
    due(ticket, minutes=5)
    assert Ticket.objects.values_list("version", "updated_at").get(pk=ticket.pk) == before


def test_promise_registry_sorts_providers_answers_earliest_first(world, frozen_now):
    """core.hooks: tickets asks, higher apps answer; promises come back earliest first."""
    ticket = open_ticket(world.desk, title="x", serial=world.asset_a.serial_no)

    def provider(t):
        return [hooks.Promise("arrival", "到场", NOW + timedelta(hours=2)),
                hooks.Promise("response", "响应", NOW + timedelta(minutes=30))]

    hooks.register_promises(provider)
    try:
        hooks.register_promises(provider)  # registering twice adds it once
        mine = [p for p in hooks.promises_for(ticket) if p.label in ("到场", "响应")]
        assert [p.kind for p in mine] == ["response", "arrival"]
    finally:
        hooks._promises.remove(provider)


def test_list_page_due_before_takes_the_browsers_local_datetime(world, board):
    """<input type="datetime-local"> sends "2026-03-02T12:00" without a zone: read as Asia/Shanghai."""
    client = Client()
    client.force_login(world.desk)
    html = client.get("/tickets/", {"due_before": "2026-03-02T12:00"}).content.decode()
    assert board["overdue"].number in html and board["soon"].number in html
    assert board["later"].number not in html and board["none"].number not in html
