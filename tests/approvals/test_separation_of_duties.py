"""Separation of duties in the approval flow (issue 6): the requester never approves his own request,
one person never decides two steps of one request, only the step's role decides it, and a step is
decided once — on SQLite the service itself refuses the second decision (the PostgreSQL race is in
test_concurrency_pg.py)."""

from __future__ import annotations

import pytest

from shouhou.approvals import services
from shouhou.approvals.choices import Kind, Outcome
from shouhou.approvals.models import ApprovalDecision, ApprovalRequest
from shouhou.core.errors import PermissionDeniedError, ServiceError


def test_the_requester_cannot_approve_his_own_request_even_holding_the_role(people, ticket):
    request = services.submit_request(people.dispatcher, ticket, Kind.OVERRIDE)
    with pytest.raises(PermissionDeniedError) as refused:
        services.decide_request(people.dispatcher, request, Outcome.APPROVE)
    assert refused.value.code == "own_request"
    assert not ApprovalRequest.objects.waiting_for(people.dispatcher).exists()
    assert ApprovalRequest.objects.waiting_for(people.dispatcher2).get() == request


def test_one_person_cannot_decide_two_steps_of_the_same_request(people, ticket, same_role_flow):
    request = services.submit_request(people.desk, ticket, same_role_flow.kind)
    services.decide_request(people.dispatcher, request, Outcome.APPROVE)
    with pytest.raises(PermissionDeniedError) as refused:
        services.decide_request(people.dispatcher, request, Outcome.APPROVE)
    assert refused.value.code == "decided_other_step"
    assert not ApprovalRequest.objects.waiting_for(people.dispatcher).exists()
    services.decide_request(people.dispatcher2, request, Outcome.APPROVE)
    assert ApprovalDecision.objects.filter(request=request).count() == 2


def test_the_next_step_is_not_notified_to_someone_who_already_decided(people, ticket, same_role_flow):
    from shouhou.notify.models import OutboxMessage

    request = services.submit_request(people.desk, ticket, same_role_flow.kind)
    services.decide_request(people.dispatcher, request, Outcome.APPROVE)
    step_two = OutboxMessage.objects.filter(dedupe_key__contains=f"approval:{request.pk}:step:2")
    assert "dispatcher@example.com" not in set(step_two.values_list("recipient", flat=True))
    assert {"dispatcher2@example.com", "leader@example.com"} <= set(step_two.values_list("recipient", flat=True))


@pytest.mark.parametrize("name", ["leader", "finance", "engineer", "admin", "dealer_a", "customer_a"])
def test_only_the_current_steps_role_decides_it(people, ticket, name):
    request = services.submit_request(people.desk, ticket, Kind.OVERRIDE)  # step 1: dispatcher
    with pytest.raises(PermissionDeniedError) as refused:
        services.decide_request(people.users[name], request, Outcome.APPROVE)
    assert refused.value.code == "not_your_step"
    assert not ApprovalDecision.objects.exists()


def test_a_second_decision_on_a_decided_step_is_refused(people, ticket):
    request = services.submit_request(people.desk, ticket, Kind.OVERRIDE)
    stale_copy = ApprovalRequest.objects.get(pk=request.pk)
    services.decide_request(people.dispatcher, request, Outcome.REJECT, "重复申请")
    with pytest.raises(ServiceError) as refused:
        services.decide_request(people.dispatcher2, stale_copy, Outcome.APPROVE)
    assert refused.value.code == "already_decided"
    assert ApprovalDecision.objects.filter(request=request).count() == 1


def test_the_database_refuses_a_second_decision_on_one_step(people, ticket):
    """Even code that bypassed the service could not record two decisions for one step."""
    from django.db import IntegrityError, transaction

    request = services.submit_request(people.desk, ticket, Kind.OVERRIDE)
    decision = services.decide_request(people.dispatcher, request, Outcome.APPROVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalDecision.objects.create(request=request, step=decision.step, outcome=Outcome.REJECT,
                                        reason="x", decided_by=people.dispatcher2)
