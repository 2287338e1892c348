"""Webhooks never reach into our own network (SSRF; issue 6, hardening).

Attacks tried first: an endpoint saved as http://169.254.169.254/… (a cloud metadata service) or
http://10.0.0.5/ was accepted, and a receiver answering 307 sent the outbox on to wherever its
Location pointed.  Every request here goes to 127.0.0.1 only (resolution is faked for names).
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shouhou.notify import services
from shouhou.notify.models import OutboxMessage, WebhookEndpoint

REFUSED = ["http://10.0.0.5/hook", "http://192.168.1.20/hook", "http://172.16.3.4/hook",
           "http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8000/hook", "http://localhost/hook",
           "http://[::1]/hook", "http://[fd00::1]/hook", "http://[fe80::1]/hook", "http://[::ffff:10.0.0.1]/",
           "http://0.0.0.0/hook", "http://224.0.0.1/hook"]


@pytest.fixture
def no_loopback(settings):
    settings.NOTIFY_WEBHOOK_ALLOW_LOOPBACK = False
    settings.NOTIFY_WEBHOOK_ALLOWED_NETWORKS = []


@pytest.mark.parametrize("url", REFUSED)
def test_private_loopback_and_link_local_urls_are_refused_at_save(db, no_loopback, url):
    endpoint = WebhookEndpoint(name="内网", url=url, format="generic")
    with pytest.raises(ValidationError) as exc:
        endpoint.full_clean()
    assert "不得指向内网" in str(exc.value.message_dict["url"])


def test_public_urls_are_accepted_at_save(db, no_loopback):
    WebhookEndpoint(name="企业微信", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K",
                    format="wecom").full_clean()
    WebhookEndpoint(name="公网", url="http://1.1.1.1/hook", format="generic").full_clean()


def test_admin_form_refuses_a_metadata_service_url_in_chinese(client, world, no_loopback):
    client.force_login(world.admin)
    response = client.post(reverse("admin:notify_webhookendpoint_add"), {
        "name": "元数据", "url": "http://169.254.169.254/latest/", "format": "generic", "secret": "", "active": "on",
    })
    assert response.status_code == 200 and "不得指向内网" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_settings_allow_loopback_and_an_on_premise_network(db, settings):
    settings.NOTIFY_WEBHOOK_ALLOW_LOOPBACK = True
    WebhookEndpoint(name="本机", url="http://127.0.0.1:9/hook", format="generic").full_clean()
    settings.NOTIFY_WEBHOOK_ALLOW_LOOPBACK = False
    settings.NOTIFY_WEBHOOK_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    WebhookEndpoint(name="机房", url="http://10.20.1.2/hook", format="generic").full_clean()
    with pytest.raises(ValidationError):
        WebhookEndpoint(name="别处", url="http://10.21.1.2/hook", format="generic").full_clean()


def test_delivery_refuses_a_loopback_receiver_when_loopback_is_not_allowed(db, receiver, settings):
    row = services.enqueue(channel="webhook", recipient=receiver.url, subject="S", body="B", dedupe_key="d:1")
    settings.NOTIFY_WEBHOOK_ALLOW_LOOPBACK = False  # e.g. the row predates the rule
    counts = services.deliver_due()
    row.refresh_from_db()
    assert counts["dead"] == 1 and receiver.requests == []
    assert "refused destination" in row.last_error


def test_delivery_checks_every_address_a_name_resolves_to(db, receiver, settings, monkeypatch):
    """A name resolving to a public address *and* a private one is refused: the client could pick either."""
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host == "hooks.example.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("1.1.1.1", receiver.port)),
                    (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", receiver.port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    settings.NOTIFY_WEBHOOK_ALLOW_LOOPBACK = False
    row = services.enqueue(channel="webhook", recipient=f"http://hooks.example.test:{receiver.port}/hook",
                           subject="S", body="B", dedupe_key="d:2")
    services.deliver_due()
    row.refresh_from_db()
    assert row.status == "dead" and "refused destination" in row.last_error


def test_delivery_connects_to_the_vetted_address_of_an_allowed_name(db, receiver, monkeypatch):
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host == "hooks.example.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", receiver.port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    row = services.enqueue(channel="webhook", recipient=f"http://hooks.example.test:{receiver.port}/hook?x=1",
                           subject="S", body="B", dedupe_key="d:3")
    services.deliver_due()
    row.refresh_from_db()
    assert row.status == "sent"
    assert receiver.requests[0]["path"] == "/hook?x=1"
    assert receiver.requests[0]["headers"]["Host"] == f"hooks.example.test:{receiver.port}"


def test_a_redirect_is_never_followed(db, receiver):
    """The first receiver answers 307 to the second; the second must never be asked."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(307)
            self.send_header("Location", receiver.url)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        row = services.enqueue(channel="webhook", recipient=f"http://127.0.0.1:{port}/hook", subject="S", body="B",
                               dedupe_key="d:4")
        services.deliver_due()
    finally:
        server.shutdown()
        server.server_close()
    row.refresh_from_db()
    assert receiver.requests == []
    assert row.status == "dead" and "redirect not followed" in row.last_error
    assert OutboxMessage.objects.filter(status="sent").count() == 0
