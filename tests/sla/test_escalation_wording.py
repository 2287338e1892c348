"""An escalation's message names the promise and the action; the rule's commitment ID (P6.3) goes
in the message's data for us, never in the text people read (issue 10)."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone

from shouhou.sla.services.escalation import _message


def test_escalation_text_carries_no_commitment_id():
    ticket = SimpleNamespace(number="SR00000001", title="防火门")
    clock = SimpleNamespace(name="半小时之内给以响应", due_at=timezone.now(), get_state_display=lambda: "已超时")
    rule = SimpleNamespace(level=3, name="超时 4 小时：上报公司领导", commitment="P6.3",
                           get_action_display=lambda: "上报公司领导")
    subject, body = _message(ticket, clock, rule, timezone.now())
    assert "上报公司领导" in body and "SR00000001" in subject
    assert "P6.3" not in subject + body
