"""Penalties on real tickets (issue 8, "Penalties"): a breach writes a compensation record; a
monthly statement per contract; breach exemptions (免责) approved through the approvals app are
excluded from penalties and compliance."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shouhou.accounts.choices import Role
from shouhou.approvals.services import decide_request, pending_request
from shouhou.core.errors import PermissionDeniedError, ServiceError
from shouhou.sla.models import Clock, Compensation, PlanPenaltyCap, ServicePlan, Target, TargetPenalty
from shouhou.sla.reports import contract_compliance
from shouhou.sla.services.penalties import claim_exemption, monthly_statement
from shouhou.tickets.models import Attachment
from tests.conftest import make_user

from .conftest import act, open_fault, sh


@pytest.fixture
def penalty_plan(world):
    """"Resolved within 4 hours, 30 CNY for every started hour late, at most 200 CNY a request"."""
    plan = ServicePlan.objects.create(name="罚则方案", contract=world.contract_a)
    target = Target.objects.create(plan=plan, kind="resolution", name="4 小时内修复", amount=Decimal(4), unit="hours",
                                   start_event="received", stop_event="resolved")
    TargetPenalty.objects.create(target=target, rate=Decimal("30"), basis="started_hour", cap_per_ticket=Decimal("200"))
    return plan


def resolve_at(world, frozen, when):
    ticket = open_fault(world)
    ticket = act(ticket, world.desk, "accept")
    ticket = act(ticket, world.dispatcher, "assign", fields={"assignee": world.engineer})
    ticket = act(ticket, world.engineer, "arrive")
    frozen.set(when)
    return act(ticket, world.engineer, "resolve", resolution="更换闭门器")


def test_penalty_a_late_resolution_writes_120_cny_compensation(world, penalty_plan, frozen):
    """3 h 01 min late at 30 CNY per started hour, 200 CNY cap: 120.00 (issue 8)."""
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = resolve_at(world, frozen, sh(2026, 3, 2, 16, 1))  # due 13:00, resolved 16:01
    record = Compensation.objects.get(ticket=ticket)
    assert record.amount == Decimal("120.00")
    assert record.contract == world.contract_a
    assert record.month.isoformat() == "2026-03-01"
    assert ticket.events.filter(data__compensation=record.pk).exists()


def test_penalty_on_time_writes_no_compensation(world, penalty_plan, frozen):
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = resolve_at(world, frozen, sh(2026, 3, 2, 12, 59))
    assert not Compensation.objects.filter(ticket=ticket).exists()


def test_penalty_without_a_penalty_on_the_target_writes_nothing(world, penalty_plan, frozen):
    TargetPenalty.objects.all().delete()
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = resolve_at(world, frozen, sh(2026, 3, 2, 18, 0))
    assert Clock.objects.get(ticket=ticket).state == "breached"
    assert not Compensation.objects.filter(ticket=ticket).exists()


def test_penalty_monthly_statement_applies_the_monthly_cap(world, penalty_plan, frozen):
    PlanPenaltyCap.objects.create(plan=penalty_plan, monthly_fee=Decimal("2500"), monthly_cap_share=Decimal("0.1"))
    frozen.set(sh(2026, 3, 2, 9, 0))
    resolve_at(world, frozen, sh(2026, 3, 2, 16, 1))  # 120.00
    frozen.set(sh(2026, 3, 3, 9, 0))
    resolve_at(world, frozen, sh(2026, 3, 3, 20, 0))  # 7 started hours = 210 → ticket cap 200.00
    statement = monthly_statement(world.contract_a, "2026-03")
    assert statement.cap == Decimal("250.00")
    assert [line.compensation.amount for line in statement.lines] == [Decimal("120.00"), Decimal("200.00")]
    assert [line.payable for line in statement.lines] == [Decimal("120.00"), Decimal("130.00")]
    assert statement.total == Decimal("250.00")
    assert monthly_statement(world.contract_a, "2026-04").lines == []


@pytest.fixture
def evidence(world):
    def _for(ticket):
        return Attachment.objects.create(ticket=ticket, file=SimpleUploadedFile("refusal.jpg", b"\xff\xd8jpeg"),
                                         original_name="refusal.jpg", content_type="image/jpeg", size=6,
                                         uploaded_by=world.desk)
    return _for


def test_penalty_approved_exemption_is_excluded_from_penalties_and_compliance(world, penalty_plan, frozen, evidence):
    """免责: the customer refused access — claimed with evidence, approved by dispatcher then leadership."""
    leader = make_user("leader", Role.LEADERSHIP, world.own)
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = resolve_at(world, frozen, sh(2026, 3, 2, 16, 1))
    clock = Clock.objects.get(ticket=ticket)
    assert contract_compliance(world.contract_a, "2026-03").total.breached == 1
    exemption = claim_exemption(world.desk, clock, reason="refused_access", explanation="客户拒绝进场至 15:00。",
                                evidence=evidence(ticket))
    request = pending_request(exemption, "breach_exemption")
    assert request is not None
    decide_request(world.dispatcher, request, "approve")
    assert monthly_statement(world.contract_a, "2026-03").total == Decimal("120.00")  # not yet: one step left
    decide_request(leader, request, "approve")
    exemption.refresh_from_db()
    assert exemption.state == "approved"
    statement = monthly_statement(world.contract_a, "2026-03")
    assert statement.total == Decimal("0.00") and statement.exempted == Decimal("120.00")
    assert Compensation.objects.get(clock=clock).status == "exempted"
    assert contract_compliance(world.contract_a, "2026-03").total.breached == 0
    assert ticket.events.filter(kind="approval").exists()


def test_penalty_rejected_exemption_keeps_the_penalty(world, penalty_plan, frozen, evidence):
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = resolve_at(world, frozen, sh(2026, 3, 2, 16, 1))
    exemption = claim_exemption(world.desk, Clock.objects.get(ticket=ticket), reason="force_majeure",
                                explanation="暴雨封路。", evidence=evidence(ticket))
    decide_request(world.dispatcher, pending_request(exemption), "reject", reason="当日道路通行正常。")
    exemption.refresh_from_db()
    assert exemption.state == "rejected"
    assert monthly_statement(world.contract_a, "2026-03").total == Decimal("120.00")


def test_penalty_exemption_needs_evidence_of_the_same_request_and_a_breached_clock(world, penalty_plan, frozen,
                                                                                   evidence):
    frozen.set(sh(2026, 3, 2, 9, 0))
    late = resolve_at(world, frozen, sh(2026, 3, 2, 16, 1))
    frozen.set(sh(2026, 3, 3, 9, 0))
    on_time = resolve_at(world, frozen, sh(2026, 3, 3, 10, 0))
    with pytest.raises(ServiceError) as exc:
        claim_exemption(world.desk, Clock.objects.get(ticket=late), reason="force_majeure", explanation="暴雨。",
                        evidence=evidence(on_time))
    assert exc.value.field == "evidence"
    with pytest.raises(ServiceError) as exc:
        claim_exemption(world.desk, Clock.objects.get(ticket=on_time), reason="force_majeure", explanation="暴雨。",
                        evidence=evidence(on_time))
    assert exc.value.code == "not_breached"
    with pytest.raises(PermissionDeniedError):
        claim_exemption(world.customer_a, Clock.objects.get(ticket=late), reason="force_majeure",
                        explanation="暴雨。", evidence=evidence(late))


def test_penalty_statement_page_and_csv_xlsx_export(world, penalty_plan, frozen, client):
    import io

    from openpyxl import load_workbook

    frozen.set(sh(2026, 3, 2, 9, 0))
    resolve_at(world, frozen, sh(2026, 3, 2, 16, 1))
    client.force_login(world.dispatcher)
    url = f"/sla/compensation/?contract={world.contract_a.pk}&month=2026-03"
    page = client.get(url)
    assert page.status_code == 200 and "120.00" in page.content.decode()
    csv_text = client.get(url + "&format=csv").content.decode("utf-8-sig")
    assert "120.00" in csv_text.splitlines()[1]
    book = load_workbook(io.BytesIO(client.get(url + "&format=xlsx").content))
    assert Decimal(str(book.active.cell(row=2, column=7).value)) == Decimal("120.00")
    client.force_login(world.customer_a)
    assert client.get(url).status_code == 403


def test_penalty_statement_api_gives_decimal_strings(world, penalty_plan, frozen, api_as):
    frozen.set(sh(2026, 3, 2, 9, 0))
    resolve_at(world, frozen, sh(2026, 3, 2, 16, 1))
    answer = api_as("dispatcher").get(f"/api/v1/compensation/statement/?contract={world.contract_a.pk}&month=2026-03")
    assert answer.status_code == 200
    assert answer.json()["total"] == "120.00"
    assert answer.json()["lines"][0]["compensation"]["amount"] == "120.00"
    assert api_as("dealer_b").get("/api/v1/compensation/").json()["count"] == 0


def test_penalty_exemption_claimed_through_the_api(world, penalty_plan, frozen, api_as, evidence):
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = resolve_at(world, frozen, sh(2026, 3, 2, 16, 1))
    body = {"clock": Clock.objects.get(ticket=ticket).pk, "reason": "refused_access", "explanation": "客户拒绝进场。",
            "evidence": evidence(ticket).pk}
    answer = api_as("desk").post("/api/v1/breach-exemptions/", body, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["state"] == "pending"
    again = api_as("desk").post("/api/v1/breach-exemptions/", body, format="json")
    assert again.status_code == 409


def test_penalty_exemption_claimed_on_the_web(world, penalty_plan, frozen, evidence, client):
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = resolve_at(world, frozen, sh(2026, 3, 2, 16, 1))
    clock = Clock.objects.get(ticket=ticket)
    proof = evidence(ticket)
    client.force_login(world.desk)
    assert "/exemption/" in client.get(f"/sla/clocks/{clock.pk}/explain/").content.decode()
    url = f"/sla/clocks/{clock.pk}/exemption/"
    assert client.get(url).status_code == 200
    answer = client.post(url, {"reason": "refused_access", "explanation": "客户拒绝进场。", "evidence": proof.pk})
    assert answer.status_code == 302
    assert pending_request(clock.exemptions.get(), "breach_exemption") is not None
    client.force_login(world.engineer)
    assert client.get(url).status_code in (403, 404)


def test_penalty_a_reopened_and_again_late_request_updates_its_one_record(world, penalty_plan, frozen):
    """One record per clock: reopening keeps it (evidence); the second late stop updates it."""
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = resolve_at(world, frozen, sh(2026, 3, 2, 14, 0))  # 1 h late: 30.00
    assert Compensation.objects.get(ticket=ticket).amount == Decimal("30.00")
    frozen.set(sh(2026, 3, 2, 15, 0))
    ticket = act(ticket, world.desk, "reopen", reason="故障复现")
    assert Compensation.objects.get(ticket=ticket).amount == Decimal("30.00")
    frozen.set(sh(2026, 3, 2, 16, 30))
    act(ticket, world.desk, "resolve", resolution="更换控制器")
    # The clock's lateness is wall time from its due time (13:00) to the final stop: 3 h 30 min, 4 started hours.
    record = Compensation.objects.get(ticket=ticket)
    assert record.amount == Decimal("120.00") and Compensation.objects.filter(ticket=ticket).count() == 1
