"""The repair task form (维修任务书), end to end (P13.8): written on the ticket by the desk, reviewed by
the department head (dispatcher role), approved by the unit leader (leadership role) through the
approvals app, immutable once approved, shown on the ticket page with its approval state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shouhou.accounts.choices import Role
from shouhou.approvals.models import ApprovalFlow, ApprovalRequest
from shouhou.core.errors import PermissionDeniedError, ServiceError
from shouhou.dispatch.repair_forms import services
from shouhou.dispatch.repair_forms.choices import RepairFormStatus
from shouhou.dispatch.repair_forms.models import RepairTaskForm
from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import TicketEvent
from tests.conftest import make_user

FIELDS = {
    "findings": "三楼防火门闭门器漏油，业主现场确认", "cause": "闭门器密封件老化", "scope": "更换闭门器并调试",
    "parts": "闭门器 1 个", "cost_estimate": Decimal("680.00"), "planned_start": dt.date(2026, 12, 7),
    "planned_end": dt.date(2026, 12, 8),
}


@pytest.fixture
def staff(world):
    world.dispatcher2 = make_user("dispatcher2", Role.DISPATCHER, world.own, first_name="部门主管周")
    world.leader = make_user("leader", Role.LEADERSHIP, world.own, first_name="单位领导吴")
    return world


@pytest.fixture
def draft(staff, ticket):
    return services.create_repair_form(staff.desk, ticket, project_manager=staff.engineer, **FIELDS)


def decide(client, user, request, outcome, reason="", step=None):
    client.force_login(user)
    data = {"outcome": outcome, "reason": reason}
    if step:
        data["step"] = step
    return client.post(f"/approvals/{request.pk}/decide/", data)


def test_p13_8_create_from_the_ticket_page_then_two_approvals_approve_it(client, staff, ticket):
    client.force_login(staff.desk)
    page = client.get(f"/tickets/{ticket.pk}/")
    assert f"/dispatch/tickets/{ticket.pk}/repair-forms/new/" in page.content.decode()
    response = client.post(f"/dispatch/tickets/{ticket.pk}/repair-forms/new/", {
        **{k: str(v) for k, v in FIELDS.items()}, "project_manager": staff.engineer.pk})
    assert response.status_code == 302, response.content.decode()
    form = RepairTaskForm.objects.get()
    assert form.status == RepairFormStatus.DRAFT and form.created_by == staff.desk
    assert client.post(f"/dispatch/repair-forms/{form.pk}/submit/").status_code == 302
    request = ApprovalRequest.objects.get()
    assert request.flow.kind == "repair_task_form" and request.subject == form

    assert decide(client, staff.dispatcher, request, "approve", step=1).status_code == 302
    form.refresh_from_db()
    assert form.status == RepairFormStatus.PENDING  # one approval is not enough
    assert decide(client, staff.leader, request, "approve", "同意维修", step=2).status_code == 302
    form.refresh_from_db()
    assert form.status == RepairFormStatus.APPROVED and form.approved_at is not None

    client.force_login(staff.desk)
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'data-repair-form="{form.pk}"' in html and "已批准" in html
    html = client.get(f"/dispatch/repair-forms/{form.pk}/").content.decode()
    assert "同意维修" in html and "单位领导吴" in html and 'data-status="approved"' in html


def test_p13_8_an_approved_form_never_changes(staff, draft):
    services.submit_repair_form(staff.desk, draft)
    request = ApprovalRequest.objects.get()
    from shouhou.approvals.services import decide_request

    decide_request(staff.dispatcher, request, "approve")
    decide_request(staff.leader, request, "approve")
    draft.refresh_from_db()
    with pytest.raises(ServiceError) as refused:
        services.update_repair_form(staff.desk, draft, draft.version, scope="改为整体更换")
    assert refused.value.code == "not_editable"
    with pytest.raises(ServiceError):
        services.submit_repair_form(staff.desk, draft)
    assert RepairTaskForm.objects.get().scope == FIELDS["scope"]


def test_p13_8_a_rejection_needs_a_reason_and_is_on_the_ticket_timeline(client, staff, ticket, draft):
    services.submit_repair_form(staff.desk, draft)
    request = ApprovalRequest.objects.get()
    assert decide(client, staff.dispatcher, request, "reject", step=1).status_code == 400
    assert decide(client, staff.dispatcher, request, "reject", "费用估算偏高，请重新核价", step=1).status_code == 302
    draft.refresh_from_db()
    assert draft.status == RepairFormStatus.REJECTED
    events = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.APPROVAL)
    assert any("费用估算偏高" in e.body and e.actor == staff.dispatcher for e in events)


def test_p13_8_the_requester_cannot_approve_his_own_repair_task_form(client, staff, ticket):
    form = services.create_repair_form(staff.dispatcher, ticket, project_manager=staff.engineer, **FIELDS)
    services.submit_repair_form(staff.dispatcher, form)
    request = ApprovalRequest.objects.get()
    assert decide(client, staff.dispatcher, request, "approve", step=1).status_code == 403
    form.refresh_from_db()
    assert form.status == RepairFormStatus.PENDING and not request.decisions.exists()
    assert decide(client, staff.dispatcher2, request, "approve", step=1).status_code == 302


def test_p13_8_a_returned_form_is_corrected_and_submitted_as_a_new_request(staff, draft):
    from shouhou.approvals.services import decide_request

    services.submit_repair_form(staff.desk, draft)
    decide_request(staff.dispatcher, ApprovalRequest.objects.get(), "return", "补充现场照片")
    draft.refresh_from_db()
    assert draft.status == RepairFormStatus.DRAFT
    services.update_repair_form(staff.desk, draft, draft.version, scope="更换闭门器、调试并拍照留存")
    services.submit_repair_form(staff.desk, draft)
    assert list(ApprovalRequest.objects.order_by("id").values_list("state", flat=True)) == ["returned", "pending"]


def test_p13_8_the_approvers_are_seeded_data_and_can_be_changed(staff, draft):
    """Make finance the second step in the admin's data: the leader no longer decides, finance does."""
    from shouhou.approvals.services import decide_request

    ApprovalFlow.objects.get(kind="repair_task_form").steps.filter(position=2).update(roles="finance")
    services.submit_repair_form(staff.desk, draft)
    request = ApprovalRequest.objects.get()
    decide_request(staff.dispatcher, request, "approve")
    with pytest.raises(PermissionDeniedError):
        decide_request(staff.leader, request, "approve")
    decide_request(staff.finance, request, "approve")
    draft.refresh_from_db()
    assert draft.status == RepairFormStatus.APPROVED


@pytest.mark.parametrize("name", ["engineer2", "technical", "dealer_a", "customer_a"])
def test_only_the_desk_writes_repair_task_forms(staff, ticket, name):
    with pytest.raises(PermissionDeniedError):
        services.create_repair_form(staff.users[name], ticket, project_manager=staff.engineer, **FIELDS)


def test_dates_in_the_wrong_order_and_outside_staff_are_refused(staff, ticket):
    with pytest.raises(ValidationError) as bad:
        services.create_repair_form(staff.desk, ticket, project_manager=staff.dealer_a,
                                    **{**FIELDS, "planned_end": dt.date(2026, 12, 1)})
    assert {"planned_end", "project_manager"} <= set(bad.value.message_dict)


def test_dealers_and_customers_never_see_repair_task_forms(client, staff, ticket, draft, api_as):
    for name in ("dealer_a", "customer_a"):
        assert api_as(name).get("/api/v1/repair-task-forms/").json()["results"] == []
        client.force_login(staff.users[name])
        assert client.get(f"/dispatch/repair-forms/{draft.pk}/").status_code == 404
        assert f'data-repair-form="{draft.pk}"' not in client.get(f"/tickets/{ticket.pk}/").content.decode()


def test_the_api_creates_updates_and_submits_a_form(staff, ticket, api_as):
    client = api_as("desk")
    payload = {**{k: str(v) for k, v in FIELDS.items()}, "ticket": ticket.pk, "project_manager": staff.engineer.pk}
    created = client.post("/api/v1/repair-task-forms/", payload, format="json")
    assert created.status_code == 201, created.content
    url = f"/api/v1/repair-task-forms/{created.json()['id']}/"
    patched = client.patch(url, {"parts": "闭门器 2 个", "version": 1}, format="json")
    assert patched.status_code == 200 and patched.json()["version"] == 2
    assert client.patch(url, {"parts": "x", "version": 1}, format="json").status_code == 409
    submitted = client.post(f"{url}submit/", format="json")
    assert submitted.json()["status"] == RepairFormStatus.PENDING
    assert client.patch(url, {"parts": "y", "version": 2}, format="json").json()["code"] == "not_editable"
    assert api_as("engineer2").post("/api/v1/repair-task-forms/", payload, format="json").status_code in (400, 403)
