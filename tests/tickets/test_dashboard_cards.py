"""The desk's dashboard (issue 10): "breaching within the hour" lists only what is about to breach,
breached requests have their own card, and each card links to the whole list behind it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from shouhou.tickets.models import Ticket
from shouhou.tickets.services import open_ticket
from shouhou.tickets.views import DASHBOARD_ROWS

pytestmark = pytest.mark.django_db


def card(html: str, css: str) -> str:
    start = html.index(f'<section class="card {css}">')
    return html[start:html.index("</section>", start)]


def due(world, title, minutes):
    ticket = open_ticket(world.desk, title=title, serial=world.asset_a.serial_no)
    Ticket.objects.filter(pk=ticket.pk).update(next_due_at=timezone.now() + timedelta(minutes=minutes))
    return ticket


def test_breached_weeks_ago_is_not_breaching_within_the_hour(world):
    soon = due(world, "半小时后到期", 30)
    old = due(world, "三周前超时", -3 * 7 * 24 * 60)
    later = due(world, "明天到期", 24 * 60)
    client = Client()
    client.force_login(world.dispatcher)
    html = client.get("/").content.decode()
    soon_card, breached_card = card(html, "due-soon"), card(html, "breached")
    assert soon.title in soon_card and old.title not in soon_card and later.title not in soon_card
    assert old.title in breached_card and soon.title not in breached_card
    # each card's link lists the same thing in full
    for section, expected, absent in ((soon_card, soon, old), (breached_card, old, soon)):
        link = re.search(r'<p class="more"><a href="([^"]+)"', section).group(1).replace("&amp;", "&")
        listed = client.get(link).content.decode()
        assert f'href="/tickets/{expected.pk}/"' in listed and f'href="/tickets/{absent.pk}/"' not in listed


def test_unassigned_card_links_to_every_unassigned_open_request(world):
    tickets = [open_ticket(world.desk, title=f"待派工{i}", serial=world.asset_a.serial_no)
               for i in range(DASHBOARD_ROWS + 2)]
    client = Client()
    client.force_login(world.dispatcher)
    section = card(client.get("/").content.decode(), "unassigned")
    link = re.search(r'<p class="more"><a href="([^"]+)"', section).group(1).replace("&amp;", "&")
    listed = client.get(link).content.decode()
    assert all(f'href="/tickets/{t.pk}/"' in listed for t in tickets)


def test_the_menu_item_and_the_page_have_the_same_name(world):
    client = Client()
    client.force_login(world.dispatcher)
    page = client.get("/sla/due/").content.decode()
    assert "<h1>已超时与一小时内到期</h1>" in page and '">已超时与一小时内到期</a>' in page
