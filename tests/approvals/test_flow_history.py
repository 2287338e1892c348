"""Edits of approval flows and their steps are in the audit trail (issue 6, "One approval flow …
audited"): who, when, before → after and why, in the admin's history and at the API's history."""

from __future__ import annotations

import pytest
from django.test import Client

from shouhou.approvals.models import ApprovalFlow

pytestmark = pytest.mark.django_db


def edit_in_admin(world, flow, *, name, second_step_roles, reason):
    """The administrator renames the flow and changes who decides its second step, saying why."""
    steps = list(flow.steps.order_by("position"))
    data = {"kind": flow.kind, "name": name, "description": flow.description, "active": "on",
            "change_reason": reason, "steps-TOTAL_FORMS": str(len(steps)), "steps-INITIAL_FORMS": str(len(steps)),
            "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000"}
    for i, step in enumerate(steps):
        roles = second_step_roles if step.position == 2 else step.role_list
        data.update({f"steps-{i}-id": str(step.pk), f"steps-{i}-flow": str(flow.pk),
                     f"steps-{i}-position": str(step.position), f"steps-{i}-name": step.name,
                     f"steps-{i}-roles": roles, f"steps-{i}-approver": ""})
    client = Client()
    client.force_login(world.admin)
    response = client.post(f"/admin/approvals/approvalflow/{flow.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def test_flow_and_step_edits_in_the_admin_are_in_the_history_with_who_and_why(world):
    flow = ApprovalFlow.objects.get(kind="quote")  # seeded: dispatcher, then finance
    client = edit_in_admin(world, flow, name="报价审批（两级）", second_step_roles=["leadership"],
                           reason="报价改由主管领导终审")
    page = client.get(f"/admin/approvals/approvalflow/{flow.pk}/history/").content.decode()
    assert "报价改由主管领导终审" in page
    rows = list(flow.history.order_by("-history_date", "-history_id"))
    assert rows[0].history_user == world.admin and rows[0].history_change_reason == "报价改由主管领导终审"
    step = flow.steps.get(position=2)
    assert step.history.order_by("-history_date", "-history_id").first().history_user == world.admin


def test_flow_history_api_shows_before_and_after_of_the_flow_and_its_steps(world, api_as):
    flow = ApprovalFlow.objects.get(kind="quote")
    edit_in_admin(world, flow, name="报价审批（两级）", second_step_roles=["leadership"], reason="报价改由主管领导终审")
    response = api_as("dispatcher").get(f"/api/v1/approval-flows/{flow.pk}/history/")
    assert response.status_code == 200
    entries = response.json()["results"]
    renamed = next(e for e in entries if any(c["field"] == "name" for c in e["changes"]))
    assert renamed["user"] == world.admin.pk and renamed["reason"] == "报价改由主管领导终审"
    change = next(c for c in renamed["changes"] if c["field"] == "name")
    assert change["old_display"] == "—" and change["new"] == "报价审批（两级）"
    roles = next(c for e in entries for c in e["changes"] if c["field"] == "roles" and e["action"] == "changed")
    assert (roles["old"], roles["new"]) == ("finance", "leadership")
    assert roles["old_display"] == "财务部" and "领导" in roles["new_display"]  # role names, not codes


def test_flows_and_their_history_are_for_our_own_people(world, api_as):
    flow = ApprovalFlow.objects.get(kind="quote")
    assert api_as("finance").get("/api/v1/approval-flows/").status_code == 200
    for outsider in ("customer_a", "dealer_a"):
        assert api_as(outsider).get(f"/api/v1/approval-flows/{flow.pk}/history/").status_code == 404
        assert api_as(outsider).get("/api/v1/approval-flows/").json()["results"] == []
