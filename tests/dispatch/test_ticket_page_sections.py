"""The ticket page shows its visits and fault reports, as the asset page does (issue 10): the
customer reaches the signed record and the confirm step from the ticket page (P5.7, P10.4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouhou.dispatch import services
from shouhou.tickets.services import transition_ticket

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
