"""Issue 3 "Done when", as one scenario with controlled time.

A service manager gives a contract the P13 plan (P13.2: respond within 30 min, on site within 2 h,
done within 4 h, else a loaner), a level-1 fault is reported on a covered asset, the clocks show
(API and ticket page), the scan fires the 75 % warning and then the response breach — both
delivered by the outbox worker as e-mail to a local SMTP server and as a webhook to a local HTTP
receiver — a loaner task opens at 4 h, and the month's compliance of the contract (page and API)
shows the breach.  Everything talks only to 127.0.0.1.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from shouhou.contracts.models import Contract
from shouhou.notify.models import OutboxMessage, WebhookEndpoint
from shouhou.notify.services import deliver_due
from shouhou.sla.choices import ClockState, LoanerStatus
from shouhou.sla.models import Clock, LoanerTask, ServicePlan
from shouhou.sla.services import create_plan_from_template, scan_due_clocks
from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import Ticket

from .conftest import sh, template


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HookReceiver:
    """A local HTTP receiver that records every JSON POST and answers 200."""

    def __init__(self):
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.requests.append(json.loads(raw))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", _free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def hook_receiver():
    receiver = HookReceiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


class Mailbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def subjects(self) -> list[str]:
        return [str(m["Subject"]).strip() for m in self.messages]


@pytest.fixture
def mailbox(settings):
    controller_mod = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is in the test extras")
    box = Mailbox()
    controller = controller_mod.Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.DEFAULT_FROM_EMAIL = "shouhou@example.test"
    yield box
    controller.stop()


@pytest.fixture
def outbox_on_frozen_time(monkeypatch, frozen):
    """The outbox's `next_attempt_at` default is bound to the real clock at import; make new rows
    due on the frozen clock so the worker (which asks `timezone.now()`) sees them."""
    field = OutboxMessage._meta.get_field("next_attempt_at")
    monkeypatch.setattr(field, "_get_default", lambda: timezone.now())
    return frozen


def deliver_all() -> dict:
    counts = deliver_due(limit=100)
    assert counts["failed"] == 0 and counts["dead"] == 0, counts
    return counts


def test_done_when_p13_plan_clocks_warning_breach_loaner_and_compliance(
        world, api_as, client, frozen, outbox_on_frozen_time, mailbox, hook_receiver):
    # Given a service manager with e-mail, an administrator (also told of breaches) and a duty-group webhook
    world.dispatcher.email = "dispatch@example.test"
    world.dispatcher.save(update_fields=["email"])
    world.admin.email = "manager@example.test"
    world.admin.save(update_fields=["email"])
    WebhookEndpoint.objects.create(name="售后值班群", url=hook_receiver.url)
    frozen.set(sh(2026, 3, 3, 10, 0))  # a Tuesday

    # When the service manager gives contract A the P13 plan through the API …
    manager = api_as("dispatcher")
    p13 = template("P13")
    answer = manager.post(f"/api/v1/service-plans/{p13.pk}/create-plan/", {"contract": world.contract_a.pk})
    assert answer.status_code == 201, answer.content
    api_plan = ServicePlan.objects.get(contract=world.contract_a)
    # … and another contract's plan through the service: the same P13.2 targets either way
    contract_b = Contract.objects.create(number="HT-2026-002", title="西岭医院维保", customer=world.cust_b,
                                         service_level="B", start_date=date(2026, 1, 1))
    service_plan = create_plan_from_template(world.dispatcher, p13, contract_b)

    def targets(plan):
        return sorted((t.kind, t.amount, t.unit, t.commitment) for t in plan.targets.all())

    assert targets(api_plan) == targets(service_plan) == targets(p13)
    assert {t["commitment"] for t in answer.json()["targets"]} == {"P13.2"}

    # When the desk reports a level-1 fault on the covered asset through the API
    created = api_as("desk").post("/api/v1/tickets/", {"title": "门禁系统瘫痪", "severity": 1,
                                                       "serial": world.asset_a.serial_no})
    assert created.status_code == 201, created.content
    body = created.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert ticket.contract_id == world.contract_a.pk
    # Then the reporter is told the response, arrival and resolution times (issue 3, intake)
    promised = {p["kind"]: p["due_at"] for p in body["promises"]}
    assert promised == {"response": "2026-03-03T10:30:00+08:00", "arrival": "2026-03-03T12:00:00+08:00",
                        "resolution": "2026-03-03T14:00:00+08:00"}

    # And the clocks show in the API …
    clocks = manager.get("/api/v1/clocks/", {"ticket": ticket.pk}).json()["results"]
    assert [(c["kind"], c["state"], c["due_at"]) for c in clocks] == [
        ("response", "running", "2026-03-03T10:30:00+08:00"),
        ("arrival", "running", "2026-03-03T12:00:00+08:00"),
        ("resolution", "running", "2026-03-03T14:00:00+08:00"),
    ]
    # … and on the ticket page, with the promises in its header
    client.force_login(world.desk)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    for wording in ("半小时之内给以响应", "2 小时内派工程师到现场", "4 小时内处理完毕", "2026-03-03 10:30"):
        assert wording in page
    assert 'class="promises"' in page

    # When 20 minutes pass, nothing is due yet: the warning fires at 75 % of 30 min = 22.5 min
    frozen.set(sh(2026, 3, 3, 10, 20))
    assert scan_due_clocks()["fired"] == 0
    assert OutboxMessage.objects.count() == 0

    # When 23 minutes have passed, the 75 % warning fires: e-mail to the dispatchers (nobody is
    # assigned yet) and the webhook, delivered by the worker
    frozen.set(sh(2026, 3, 3, 10, 23))
    assert scan_due_clocks() == {"tickets": 1, "breached": 0, "fired": 1}
    deliver_all()
    assert mailbox.subjects() == [f"【1 级升级】{ticket.number} 半小时之内给以响应 — 75% 用时预警：通知负责工程师与调度"]
    assert [m["To"] for m in mailbox.messages] == ["dispatch@example.test"]
    body = mailbox.messages[0].get_body(("plain",)).get_content()
    assert "处理：" in body
    assert len(hook_receiver.requests) == 1
    warning = hook_receiver.requests[0]
    assert warning["payload"]["ticket"] == ticket.number and warning["payload"]["action"] == "notify_assignee"

    # When 31 minutes have passed, the response promise is breached: the breach is in the
    # timeline and the service manager (dispatcher and administrator) and the webhook hear of it
    frozen.set(sh(2026, 3, 3, 10, 31))
    assert scan_due_clocks() == {"tickets": 1, "breached": 1, "fired": 1}
    deliver_all()
    response_clock = Clock.objects.get(ticket=ticket, kind="response")
    assert response_clock.state == ClockState.BREACHED
    assert ticket.events.filter(kind=EventKind.ESCALATION, data__breached=True).count() == 1
    breach_mails = [m for m in mailbox.messages if "超时" in str(m["Subject"])]
    assert sorted(m["To"] for m in breach_mails) == ["dispatch@example.test", "manager@example.test"]
    assert [r["payload"]["action"] for r in hook_receiver.requests] == ["notify_assignee", "notify_manager"]
    # … and the request stays at the top of the desk's "overdue" list
    ticket.refresh_from_db()
    assert ticket.next_due_at == sh(2026, 3, 3, 10, 30)
    overdue = api_as("desk").get("/api/v1/tickets/", {"overdue": "true", "ordering": "next_due_at"}).json()
    assert [row["id"] for row in overdue["results"]] == [ticket.pk]

    # Scanning again fires nothing twice; delivering again sends nothing twice
    assert scan_due_clocks()["fired"] == 0
    assert deliver_due()["sent"] == 0

    # When 4 hours pass unresolved, a loaner task opens (P13.2)
    frozen.set(sh(2026, 3, 3, 14, 0))
    scan_due_clocks()
    task = LoanerTask.objects.get(ticket=ticket)
    assert task.status == LoanerStatus.OPEN and "P13.2" in task.commitment
    assert ticket.events.filter(kind=EventKind.ESCALATION, data__loaner_task=task.pk).exists()
    deliver_all()

    # Then the month's compliance of the contract shows the breaches — API …
    report = manager.get("/api/v1/service-plans/compliance/",
                         {"contract": world.contract_a.pk, "month": "2026-03"})
    assert report.status_code == 200, report.content
    kinds = {row["kind"]: row for row in report.json()["kinds"]}
    assert kinds["response"] == {"kind": "response", "label": "响应", "total": 1, "met": 0, "breached": 1,
                                 "running": 0, "compliance_percent": 0.0}
    assert kinds["arrival"]["breached"] == 1 and kinds["resolution"]["breached"] == 1
    assert report.json()["total"]["breached"] == 3
    # … and page
    client.force_login(world.dispatcher)
    page = client.get("/sla/compliance/", {"contract": world.contract_a.pk, "month": "2026-03"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "半小时之内给以响应" in text and "0.0%" in text
    assert page.context["report"].total.breached == 3
