"""Webhook endpoints are managed in the Django admin; the outbox is shown there read-only (issue 3)."""

from __future__ import annotations

from django.urls import reverse

from shouhou.notify import services
from shouhou.notify.choices import OutboxStatus
from shouhou.notify.models import OutboxMessage, WebhookEndpoint


def test_admin_adds_a_dingtalk_endpoint_and_the_secret_is_never_rendered_back(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("admin:notify_webhookendpoint_add"), {
        "name": "钉钉售后群", "url": "https://oapi.dingtalk.com/robot/send?access_token=T",
        "format": "dingtalk", "secret": "SECxyz", "active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == "SECxyz"
    page = client.get(reverse("admin:notify_webhookendpoint_change", args=[endpoint.pk])).content.decode()
    assert "SECxyz" not in page
    # Saving the form without typing the secret again keeps it.
    client.post(reverse("admin:notify_webhookendpoint_change", args=[endpoint.pk]), {
        "name": "钉钉售后群", "url": endpoint.url, "format": "dingtalk", "secret": "", "active": "on",
    })
    endpoint.refresh_from_db()
    assert endpoint.secret == "SECxyz"


def test_admin_refuses_a_non_http_endpoint(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("admin:notify_webhookendpoint_add"), {
        "name": "x", "url": "ftp://127.0.0.1/hook", "format": "generic", "active": "on",
    })
    assert response.status_code == 200 and not WebhookEndpoint.objects.exists()


def test_admin_outbox_list_and_retry_action(client, world):
    row = services.enqueue(channel="email", recipient="li@example.test", subject="S", body="B", dedupe_key="adm")
    OutboxMessage.objects.filter(pk=row.pk).update(status=OutboxStatus.DEAD)
    client.force_login(world.admin)
    assert client.get(reverse("admin:notify_outboxmessage_changelist")).status_code == 200
    assert client.get(reverse("admin:notify_outboxmessage_change", args=[row.pk])).status_code == 200
    client.post(reverse("admin:notify_outboxmessage_changelist"),
                {"action": "retry", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING
