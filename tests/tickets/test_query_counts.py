"""Query counts of a ticket's detail pinned, so detail stays flat as data grows (issue 9; the
list's are pinned in test_api.py / test_views.py / test_next_due.py, search's in test_search.py,
intake's in tests/sla/test_intake_fast_path.py)."""

from __future__ import annotations

from django.test import Client

from shouhou.tickets.choices import EventKind
from shouhou.tickets.services import open_ticket, record_event


def _busy_ticket(world, notes: int):
    ticket = open_ticket(world.desk, title="防火门闭门器失灵", serial=world.asset_a.serial_no, severity=2)
    for i in range(notes):
        record_event(ticket, EventKind.NOTE, world.desk, body=f"备注 {i}")
    return ticket


def test_api_detail_costs_the_same_few_queries_however_long_the_timeline(world, api_as, django_assert_num_queries):
    client = api_as("desk")
    short, long = _busy_ticket(world, 1), _busy_ticket(world, 12)
    client.get(f"/api/v1/tickets/{short.pk}/")  # warm: content types, severity levels
    with django_assert_num_queries(API_DETAIL) as short_ctx:
        assert client.get(f"/api/v1/tickets/{short.pk}/").status_code == 200
    with django_assert_num_queries(len(short_ctx)):
        assert client.get(f"/api/v1/tickets/{long.pk}/").status_code == 200


def test_html_detail_costs_the_same_queries_however_long_the_timeline(world, django_assert_max_num_queries):
    page = Client()
    page.force_login(world.desk)
    short, long = _busy_ticket(world, 1), _busy_ticket(world, 12)
    page.get(f"/tickets/{short.pk}/")
    with django_assert_max_num_queries(HTML_DETAIL) as short_ctx:
        assert page.get(f"/tickets/{short.pk}/").status_code == 200
    with django_assert_max_num_queries(len(short_ctx)):
        assert page.get(f"/tickets/{long.pk}/").status_code == 200


API_DETAIL = 2  # measured when pinned (issue 9)
HTML_DETAIL = 19  # issue 9 pinned 15; the charging panel (entitlement, quotes) adds 4; a long timeline costs no more
