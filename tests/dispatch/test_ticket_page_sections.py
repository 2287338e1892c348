"""Pages of the field work as users meet them (issue 10): the ticket page's visits with the
customer's confirm step (P5.7, P10.4), confirmations after one-tap steps, a stale step's message,
the job card after leaving, the visits list's pager."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhou.dispatch import services
from shouhou.dispatch.models import Visit
from shouhou.tickets.services import open_ticket, transition_ticket

from .test_views import login, on_site

pytestmark = pytest.mark.django_db


def test_customer_reaches_the_visit_record_and_confirm_step_from_the_ticket_page(world, ticket, client):
    visit = services.record_departure(world.engineer, on_site(world, ticket), "更换闭门器")
    transition_ticket(ticket, world.engineer, "resolve", resolution="已更换")
    login(client, world, "customer_a")
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert f'data-visit="{visit.pk}"' in page
    assert reverse("dispatch:visit", args=[visit.pk]) in page
    assert reverse("dispatch:confirm", args=[visit.pk]) in page


def test_set_off_and_arrive_are_confirmed_and_the_card_after_leaving_says_so(world, ticket, client):
    services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    services.book_appointment(world.engineer, ticket, timezone.now() + dt.timedelta(hours=1), "")
    login(client, world, "engineer")
    for step, words in (("start_travel", "出发"), ("arrive", "到达现场")):
        ticket.refresh_from_db()
        page = client.post(reverse("dispatch:step", args=[ticket.pk, step]), {"version": ticket.version}, follow=True)
        html = page.content.decode()
        assert f"{ticket.number}：" in html and words in html, step
    visit = services.record_departure(world.engineer, Visit.objects.get(ticket=ticket), "更换闭门器")
    card = client.get(reverse("dispatch:my_jobs")).content.decode()
    assert 'data-visit-state="left"' in card and "已离场" in card and "尚未预约" not in card
    assert visit.left_at is not None


def test_a_stale_step_says_what_changed(world, ticket, client):
    services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    services.book_appointment(world.engineer, ticket, timezone.now() + dt.timedelta(hours=1), "")
    ticket.refresh_from_db()
    login(client, world, "engineer")
    page = client.post(reverse("dispatch:step", args=[ticket.pk, "start_travel"]), {"version": ticket.version - 1},
                       follow=True)
    assert "该工单已被他人修改（状态：" in page.content.decode()


def test_visit_list_has_a_pager(world, ticket, client, settings):
    from shouhou.dispatch import views

    on_site(world, ticket)
    for i in range(3):
        other = open_ticket(world.desk, title=f"故障{i}", serial=world.asset_a.serial_no)
        services.assign_ticket(world.dispatcher, other, engineer=world.engineer)
        services.book_appointment(world.engineer, other, timezone.now() + dt.timedelta(hours=1), "")
    login(client, world, "desk")
    original = views.VISITS_PAGE
    views.VISITS_PAGE = 2
    try:
        first = client.get(reverse("dispatch:visits")).content.decode()
        second = client.get(reverse("dispatch:visits"), {"page": 2}).content.decode()
    finally:
        views.VISITS_PAGE = original
    assert 'class="pager"' in first and "page=2" in first
    assert first.count('<tr class="visit-row"') == 2 and second.count('<tr class="visit-row"') == 2


@pytest.mark.parametrize("who", ["desk", "customer_a"])
def test_asset_page_and_ticket_page_both_render_the_visits_section(world, ticket, client, who):
    """The section template reads section.context on both kinds of page (an asset page with a
    visit and no fault report used to fail on the missing flat names)."""
    visit = services.record_departure(world.engineer, on_site(world, ticket), "调整")
    login(client, world, who)
    for url in (reverse("assets:detail", args=[world.asset_a.pk]), reverse("tickets:detail", args=[ticket.pk])):
        response = client.get(url)
        assert response.status_code == 200 and f'data-visit="{visit.pk}"' in response.content.decode(), url
