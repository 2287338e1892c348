"""The approval pages (我的审批, my requests, one request): Chinese by default, scoped, decisions with reasons."""

from __future__ import annotations

import pytest

from shouhou.approvals import services
from shouhou.approvals.choices import Kind, Outcome, RequestState
from shouhou.approvals.models import ApprovalDecision


@pytest.fixture
def pending(people, ticket):
    return services.submit_request(people.desk, ticket, Kind.OVERRIDE, title="保修期外免费更换")


def login(client, user):
    client.force_login(user)
    return client


def test_my_approvals_lists_what_waits_for_me_and_the_nav_counts_it(client, people, pending):
    page = login(client, people.dispatcher).get("/approvals/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "我的审批" in html and 'data-nav="approvals"' in html
    assert f'data-request="{pending.pk}"' in html and "保修期外免费更换" in html
    assert '<span class="badge count">1</span>' in html


def test_nothing_waits_for_the_requester_or_for_the_next_steps_role_yet(client, people, pending):
    for user in (people.desk, people.leader):
        html = login(client, user).get("/approvals/").content.decode()
        assert f'data-request="{pending.pk}"' not in html and 'class="badge count"' not in html


def test_my_requests_page_shows_my_own_requests_with_their_state(client, people, pending):
    html = login(client, people.desk).get("/approvals/mine/").content.decode()
    assert f'data-request="{pending.pk}"' in html and "待审批" in html


def test_the_request_page_shows_steps_and_the_decision_form_to_the_current_approver(client, people, pending):
    html = login(client, people.dispatcher).get(f"/approvals/{pending.pk}/").content.decode()
    assert 'data-form="decide"' in html and 'data-step="1"' in html and 'data-step="2"' in html
    html = login(client, people.desk).get(f"/approvals/{pending.pk}/").content.decode()
    assert 'data-form="decide"' not in html and "不能审批自己提交的申请" in html
    assert 'data-form="withdraw"' in html


def test_approve_then_reject_with_reason_through_the_pages(client, people, pending):
    response = login(client, people.dispatcher).post(f"/approvals/{pending.pk}/decide/",
                                                    {"outcome": "approve", "step": 1})
    assert response.status_code == 302
    response = login(client, people.leader).post(f"/approvals/{pending.pk}/decide/", {"outcome": "reject", "step": 2})
    assert response.status_code == 400 and "请说明此决定的理由" in response.content.decode()
    login(client, people.leader).post(f"/approvals/{pending.pk}/decide/",
                                      {"outcome": "reject", "reason": "费用过高", "step": 2})
    pending.refresh_from_db()
    assert pending.state == RequestState.REJECTED
    html = client.get(f"/approvals/{pending.pk}/").content.decode()
    assert "费用过高" in html and "已驳回" in html


def test_a_stale_form_is_refused_not_applied_to_the_next_step(client, people, pending, same_role_flow, ticket):
    request = services.submit_request(people.desk, ticket, same_role_flow.kind)
    services.decide_request(people.dispatcher, request, Outcome.APPROVE)
    response = login(client, people.dispatcher2).post(f"/approvals/{request.pk}/decide/",
                                                     {"outcome": "approve", "step": 1})
    assert response.status_code == 409
    assert ApprovalDecision.objects.filter(request=request).count() == 1


def test_someone_not_involved_gets_404(client, people, pending):
    for user in (people.engineer, people.customer_a, people.dealer_a):
        assert login(client, user).get(f"/approvals/{pending.pk}/").status_code == 404
        assert client.post(f"/approvals/{pending.pk}/decide/", {"outcome": "approve"}).status_code == 404


def test_withdraw_from_the_page(client, people, pending):
    assert login(client, people.dispatcher).post(f"/approvals/{pending.pk}/withdraw/").status_code == 403
    login(client, people.desk).post(f"/approvals/{pending.pk}/withdraw/", {"reason": "客户撤回"})
    pending.refresh_from_db()
    assert pending.state == RequestState.WITHDRAWN


def test_flows_are_edited_in_the_admin_with_role_check_boxes(client, people):
    from shouhou.approvals.models import ApprovalFlow

    flow = ApprovalFlow.objects.get(kind=Kind.REPAIR_TASK_FORM)
    page = login(client, people.admin).get(f"/admin/approvals/approvalflow/{flow.pk}/change/")
    assert page.status_code == 200 and 'value="leadership"' in page.content.decode()
    assert client.get("/admin/approvals/approvalrequest/add/").status_code == 403
