"""An unsigned visit record made in error is voided with a reason, never deleted (P13.9); a signed
one is immutable (P10.4, P12.3): voiding it is refused, corrections are amendments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhou.core.errors import PermissionDeniedError, ServiceError
from shouhou.dispatch import services
from shouhou.dispatch.models import SignatureMethod, Visit
from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import TicketEvent

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def booked_visit(world, ticket):
    """Given the engineer's visit booked on the ticket (not signed)."""
    services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    return services.book_appointment(world.engineer, ticket, timezone.now() + dt.timedelta(hours=2), "约错了日期")


def signed_visit(world, ticket):
    visit = booked_visit(world, ticket)
    services.record_arrival(world.engineer, ticket)
    visit = services.record_departure(world.engineer, visit, "更换闭门器")
    return services.sign_visit(world.engineer, visit, SignatureMethod.DRAWN, "陈先生", png_bytes())


def test_p13_9_unsigned_visit_is_voided_with_reason_on_the_timeline_and_kept(world, ticket):
    visit = booked_visit(world, ticket)
    voided = services.void_visit(world.desk, visit, reason="客户改约，重复登记的上门")
    assert voided.voided_by == world.desk and voided.void_reason == "客户改约，重复登记的上门"
    assert Visit.objects.filter(pk=visit.pk).exists() and not voided.is_open
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.VOIDED)
    assert event.internal and event.data == {**event.data, "record": "dispatch.visit", "id": visit.pk}
    # the voided record takes no further step; the next booking opens a new visit
    with pytest.raises(ServiceError) as step:
        services.record_departure(world.engineer, visit, "更换闭门器")
    assert step.value.code == "visit_void"
    assert services.open_visit(ticket) is None
    # customers no longer see it; our people do
    assert not Visit.objects.visible_to(world.customer_a).filter(pk=visit.pk).exists()
    assert Visit.objects.visible_to(world.desk).filter(pk=visit.pk).exists()


def test_p10_4_p12_3_signed_visit_cannot_be_voided_it_is_amended(world, ticket):
    visit = signed_visit(world, ticket)
    with pytest.raises(ServiceError) as refused:
        services.void_visit(world.desk, visit, reason="记录有误")
    assert refused.value.code == "visit_signed"
    visit.refresh_from_db()
    assert visit.voided_at is None and visit.is_signed
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.VOIDED).exists()


def test_voiding_a_visit_needs_the_right_and_a_reason(world, ticket):
    visit = booked_visit(world, ticket)
    for name in ("engineer", "finance", "customer_a"):
        with pytest.raises(PermissionDeniedError):
            services.void_visit(world.users[name], visit, reason="不需要了")
    with pytest.raises(ServiceError) as missing:
        services.void_visit(world.dispatcher, visit, reason="")
    assert missing.value.code == "reason_required"


def test_p13_9_ticket_page_voids_an_unsigned_visit_and_shows_it_struck_through(world, ticket, client):
    visit = booked_visit(world, ticket)
    client.force_login(world.desk)
    url = reverse("dispatch:visit_void", args=[visit.pk])
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert url in page
    response = client.post(url, {"reason": "重复登记"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "重复登记" in page and f"<del>{world.engineer.display_name}</del>" in page
    assert url not in page
    client.force_login(world.customer_a)
    assert "重复登记" not in client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert client.get(reverse("dispatch:visit", args=[visit.pk])).status_code == 404


def test_ticket_page_offers_no_void_for_a_signed_visit_and_refuses_the_post(world, ticket, client):
    visit = signed_visit(world, ticket)
    client.force_login(world.desk)
    url = reverse("dispatch:visit_void", args=[visit.pk])
    assert url not in client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    response = client.post(url, {"reason": "记录有误"}, follow=True)
    visit.refresh_from_db()
    assert visit.voided_at is None
    assert "请添加更正" in response.content.decode()


def test_p13_9_api_voids_an_unsigned_visit_and_refuses_a_signed_one(world, ticket, ticket_b, api_as):
    visit = booked_visit(world, ticket)
    url = f"/api/v1/visits/{visit.pk}/void/"
    assert api_as("desk").post(url, {}, format="json").status_code == 400
    assert api_as("engineer").post(url, {"reason": "x"}, format="json").status_code == 403
    answer = api_as("desk").post(url, {"reason": "重复登记"}, format="json")
    assert answer.status_code == 200
    assert answer.json()["void_reason"] == "重复登记" and answer.json()["voided_by"] == world.desk.pk
    signed = signed_visit(world, ticket_b)
    refused = api_as("desk").post(f"/api/v1/visits/{signed.pk}/void/", {"reason": "记录有误"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "visit_signed"
