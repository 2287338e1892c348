"""Fixtures of the retention tests: one row of every kind of service evidence, frozen time."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shouhou.dispatch.models import FaultReport, Visit, VisitAmendment
from shouhou.notify.models import OutboxMessage
from shouhou.sla.models import Clock, FiredEscalation, LoanerTask, ServicePlan, Target
from shouhou.tickets.models import Attachment, Ticket, TicketEvent
from shouhou.tickets.services import open_ticket

SH = ZoneInfo("Asia/Shanghai")

EVIDENCE_MODELS = (Ticket, TicketEvent, Attachment, Visit, VisitAmendment, FaultReport, Clock, FiredEscalation,
                   LoanerTask, OutboxMessage)


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


class FrozenTime:
    def __init__(self, now: datetime):
        self.now = now

    def set(self, now: datetime) -> datetime:
        self.now = now
        return now


@pytest.fixture
def frozen(monkeypatch):
    """`timezone.now()` is whatever the test sets (retention is about years passing)."""
    frozen_time = FrozenTime(sh(2020, 3, 2, 9, 0))
    monkeypatch.setattr(timezone, "now", lambda: frozen_time.now)
    return frozen_time


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in EVIDENCE_MODELS}


@pytest.fixture
def evidence(world, frozen):
    """A reported fault with one row of every kind of service evidence hanging off it."""
    ticket = open_ticket(world.desk, title="防火门闭门器失灵", description="业主陈（13812345678）来电：三楼防火门无法关闭",
                         serial=world.asset_a.serial_no, severity=2, reporter_name="业主陈",
                         reporter_phone="13812345678", reporter_email="chen@example.com")
    Ticket.objects.filter(pk=ticket.pk).update(contract=world.contract_a)  # under contract A, whatever the date
    ticket.refresh_from_db()
    now = timezone.now()
    attachment = Attachment.objects.create(ticket=ticket, file=SimpleUploadedFile("photo.jpg", b"\xff\xd8jpeg"),
                                           original_name="photo.jpg", content_type="image/jpeg", size=6,
                                           uploaded_by=world.desk)
    visit = Visit.objects.create(ticket=ticket, engineer=world.engineer, arrived_at=now, left_at=now,
                                 work_done="更换闭门器", signer_name="陈先生", signed_at=now,
                                 appointment_note="与业主陈 13812345678 约定")
    amendment = VisitAmendment.objects.create(visit=visit, author=world.engineer, reason="补记配件", changes={})
    report = FaultReport.objects.create(ticket=ticket, author=world.engineer, cause="闭门器老化", fix="更换",
                                        prevention="定期保养")
    plan = ServicePlan.objects.create(name="测试方案")
    target = Target.objects.create(plan=plan, kind="response", name="响应", amount=Decimal(1), stop_event="contacted")
    clock = Clock.objects.create(ticket=ticket, target=target, kind="response", name="响应", unit="hours",
                                 started_at=now, due_at=now + timedelta(hours=1))
    fired = FiredEscalation.objects.create(key=f"{ticket.pk}:{target.pk}:0", ticket=ticket, clock=clock,
                                           action="notify_dispatcher", scheduled_for=now, fired_at=now)
    loaner = LoanerTask.objects.create(ticket=ticket, clock=clock, commitment="P5.5", opened_at=now)
    message = OutboxMessage.objects.create(channel="email", recipient="dispatch@example.com",
                                           subject=f"{ticket.number} 超时", body="报修人电话 13812345678",
                                           dedupe_key=f"test:{ticket.pk}")
    rows = dict(Ticket=ticket, TicketEvent=ticket.events.first(), Attachment=attachment, Visit=visit,
                VisitAmendment=amendment, FaultReport=report, Clock=clock, FiredEscalation=fired, LoanerTask=loaner,
                OutboxMessage=message)
    return type("Evidence", (), {"ticket": ticket, "rows": rows, "visit": visit, "message": message})
