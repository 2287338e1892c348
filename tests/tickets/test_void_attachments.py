"""Attachments are voided, never deleted (P13.9): the file stays, the customer no longer sees it,
our people see it struck through with who voided it, when and why, on the page, in the API and
on the timeline."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouhou.core.errors import PermissionDeniedError, ServiceError
from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import Attachment, TicketEvent
from shouhou.tickets.services import add_attachment, void_attachment

from .conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(world, ticket):
    """Given a photo the desk attached where the customer sees it."""
    return add_attachment(world.desk, ticket, upload("wrong-door.jpg"))


def test_p13_9_voiding_an_attachment_keeps_the_file_and_records_who_and_why(world, ticket, photo):
    voided = void_attachment(world.desk, photo, reason="拍错了门，这是另一栋楼的照片")
    assert voided.voided_by == world.desk and voided.voided_at is not None
    assert voided.void_reason == "拍错了门，这是另一栋楼的照片"
    assert Attachment.objects.filter(pk=photo.pk).exists() and voided.file.storage.exists(voided.file.name)
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.VOIDED)
    assert event.internal and event.actor == world.desk
    assert event.data["record"] == "tickets.attachment" and event.data["id"] == photo.pk
    assert "拍错了门" in event.body


def test_p13_9_voided_attachment_is_hidden_from_the_customer_and_still_listed_for_staff(world, photo):
    void_attachment(world.desk, photo, reason="重复上传")
    assert not Attachment.objects.visible_to(world.customer_a).filter(pk=photo.pk).exists()
    assert Attachment.objects.visible_to(world.finance).filter(pk=photo.pk).exists()


def test_voiding_needs_a_reason_the_right_and_happens_once(world, photo):
    with pytest.raises(ServiceError) as missing:
        void_attachment(world.desk, photo, reason="  ")
    assert missing.value.code == "reason_required"
    for reader in ("finance", "customer_a", "technical"):  # read-only and customer roles may not void
        with pytest.raises(PermissionDeniedError):
            void_attachment(world.users[reader], photo, reason="不想要了")
    void_attachment(world.desk, photo, reason="重复上传")
    with pytest.raises(ServiceError) as twice:
        void_attachment(world.dispatcher, photo, reason="再次作废")
    assert twice.value.code == "already_void"


def test_p13_9_ticket_page_offers_void_with_a_reason_and_shows_it_struck_through(world, ticket, photo, client):
    client.force_login(world.desk)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    void_url = reverse("tickets:attachment_void", args=[photo.pk])
    assert void_url in page and 'name="reason"' in page
    assert client.post(void_url, {"reason": ""}).status_code == 302
    photo.refresh_from_db()
    assert photo.voided_at is None  # no reason, nothing voided
    response = client.post(void_url, {"reason": "拍错了门"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<del><a" in page and "拍错了门" in page and world.desk.display_name in page
    assert void_url not in page  # no second void button
    # the customer sees neither the file nor the voiding
    client.force_login(world.customer_a)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "wrong-door.jpg</a>" not in page and "拍错了门" not in page
    assert client.get(reverse("tickets:attachment", args=[photo.pk])).status_code == 404


def test_read_only_roles_get_no_void_button_and_a_403(world, ticket, photo, client):
    client.force_login(world.finance)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert reverse("tickets:attachment_void", args=[photo.pk]) not in page
    assert client.post(reverse("tickets:attachment_void", args=[photo.pk]), {"reason": "x"}).status_code == 403


def test_p13_9_api_voids_an_attachment_with_a_reason(world, photo, api_as):
    url = f"/api/v1/attachments/{photo.pk}/void/"
    assert api_as("desk").post(url, {}, format="json").status_code == 400
    refused = api_as("finance").post(url, {"reason": "x"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_permitted"
    assert api_as("customer_b").post(url, {"reason": "x"}, format="json").status_code == 404
    answer = api_as("desk").post(url, {"reason": "重复上传"}, format="json")
    assert answer.status_code == 200
    body = answer.json()
    assert body["void_reason"] == "重复上传" and body["voided_by"] == world.desk.pk and body["voided_at"]
    assert api_as("desk").post(url, {"reason": "再次"}, format="json").json()["code"] == "already_void"
    assert api_as("customer_a").get(f"/api/v1/attachments/{photo.pk}/").status_code == 404
