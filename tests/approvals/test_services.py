"""The approval flow's services (issue 6, "One approval flow"; P13.8 is its first consumer)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from shouhou.approvals import services
from shouhou.approvals.choices import Kind, Outcome, RequestState
from shouhou.approvals.models import ApprovalDecision, ApprovalFlow, ApprovalStep
from shouhou.approvals.signals import decision_recorded, request_finished
from shouhou.core.errors import ServiceError
from shouhou.notify.models import OutboxMessage
from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import TicketEvent


def test_every_kind_named_in_issue_6_has_a_seeded_flow_with_ordered_steps(db):
    flows = {flow.kind: flow for flow in ApprovalFlow.objects.prefetch_related("steps")}
    assert set(Kind.values) <= set(flows)
    repair = [step.role_list for step in flows[Kind.REPAIR_TASK_FORM].steps.all()]
    assert repair == [["dispatcher"], ["leadership"]]  # P13.8: department head, then unit leader


def test_submit_copies_the_flows_steps_and_notifies_only_the_first_steps_approvers(people, ticket):
    request = services.submit_request(people.desk, ticket, Kind.OVERRIDE, title="保修期外免费")
    assert request.state == RequestState.PENDING and request.current_position == 1
    assert [(s.position, s.roles) for s in request.steps.all()] == [(1, "dispatcher"), (2, "leadership")]
    recipients = set(OutboxMessage.objects.filter(dedupe_key__startswith="approval:").values_list("recipient", flat=True))
    assert recipients == {"dispatcher@example.com", "dispatcher2@example.com"}


def test_a_later_edit_of_the_flow_does_not_change_a_request_under_way(people, ticket):
    request = services.submit_request(people.desk, ticket, Kind.OVERRIDE)
    ApprovalStep.objects.filter(flow__kind=Kind.OVERRIDE, position=1).update(roles="finance")
    with pytest.raises(ServiceError) as refused:
        services.decide_request(people.finance, request, Outcome.APPROVE)
    assert refused.value.code == "not_your_step"
    services.decide_request(people.dispatcher, request, Outcome.APPROVE)


def test_two_approvals_in_order_approve_the_request_and_tell_the_subjects_app(people, ticket):
    heard = []

    def receiver(sender, request, **kwargs):
        heard.append(request.state)

    request_finished.connect(receiver)
    try:
        request = services.submit_request(people.desk, ticket, Kind.OVERRIDE)
        services.decide_request(people.dispatcher, request, Outcome.APPROVE)
        request.refresh_from_db()
        assert request.state == RequestState.PENDING and request.current_position == 2 and heard == []
        assert OutboxMessage.objects.filter(recipient="leader@example.com").exists()
        services.decide_request(people.leader, request, Outcome.APPROVE, "同意")
    finally:
        request_finished.disconnect(receiver)
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED and request.current_position is None and request.finished_at
    assert heard == [RequestState.APPROVED]
    assert OutboxMessage.objects.filter(recipient="desk@example.com", dedupe_key__contains="finished").exists()


def test_reject_needs_a_reason_and_ends_the_request_at_once(people, ticket):
    request = services.submit_request(people.desk, ticket, Kind.OVERRIDE)
    with pytest.raises(ServiceError) as refused:
        services.decide_request(people.dispatcher, request, Outcome.REJECT, "   ")
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    assert not ApprovalDecision.objects.exists()
    services.decide_request(people.dispatcher, request, Outcome.REJECT, "不在保修范围")
    request.refresh_from_db()
    assert request.state == RequestState.REJECTED
    with pytest.raises(ServiceError) as again:
        services.decide_request(people.leader, request, Outcome.APPROVE)
    assert again.value.code == "already_decided"


def test_return_for_changes_needs_a_reason_and_a_new_request_may_follow(people, ticket):
    request = services.submit_request(people.desk, ticket, Kind.OVERRIDE)
    with pytest.raises(ServiceError):
        services.decide_request(people.dispatcher, request, Outcome.RETURN)
    services.decide_request(people.dispatcher, request, Outcome.RETURN, "补充照片")
    request.refresh_from_db()
    assert request.state == RequestState.RETURNED
    second = services.submit_request(people.desk, ticket, Kind.OVERRIDE)
    assert second.pk != request.pk and second.is_pending


def test_only_one_pending_request_per_subject_and_kind(people, ticket):
    services.submit_request(people.desk, ticket, Kind.OVERRIDE)
    with pytest.raises(ServiceError) as refused:
        services.submit_request(people.desk, ticket, Kind.OVERRIDE)
    assert refused.value.code == "already_pending"
    services.submit_request(people.desk, ticket, Kind.BREACH_EXEMPTION)  # another kind is another question


def test_an_inactive_or_unknown_flow_refuses_submission(people, ticket):
    ApprovalFlow.objects.filter(kind=Kind.QUOTE).update(active=False)
    for kind in (Kind.QUOTE, "no_such_kind"):
        with pytest.raises(ServiceError) as refused:
            services.submit_request(people.desk, ticket, kind)
        assert refused.value.code == "no_flow"


def test_decisions_are_immutable_once_made(people, ticket):
    request = services.submit_request(people.desk, ticket, Kind.OVERRIDE)
    decision = services.decide_request(people.dispatcher, request, Outcome.APPROVE, "同意")
    decision.reason = "改过的理由"
    with pytest.raises(ValidationError):
        decision.save()
    with pytest.raises(ValidationError):
        decision.delete()
    assert ApprovalDecision.objects.get().reason == "同意"


def test_a_named_approver_is_the_only_one_who_decides_that_step(people, ticket):
    flow = ApprovalFlow.objects.create(kind="test_named")
    ApprovalStep.objects.create(flow=flow, position=1, roles="leadership", approver=people.leader2)
    request = services.submit_request(people.desk, ticket, "test_named")
    assert set(OutboxMessage.objects.filter(dedupe_key__startswith="approval:").values_list("recipient", flat=True)) == {"leader2@example.com"}
    with pytest.raises(ServiceError) as refused:
        services.decide_request(people.leader, request, Outcome.APPROVE)
    assert refused.value.code == "not_your_step"
    services.decide_request(people.leader2, request, Outcome.APPROVE)


def test_the_requester_withdraws_a_pending_request_nobody_else_may(people, ticket):
    request = services.submit_request(people.desk, ticket, Kind.OVERRIDE)
    with pytest.raises(ServiceError) as refused:
        services.withdraw_request(people.dispatcher, request)
    assert refused.value.code == "not_requester"
    services.withdraw_request(people.desk, request, "客户已自行修复")
    request.refresh_from_db()
    assert request.state == RequestState.WITHDRAWN


def test_decisions_on_a_ticket_subject_are_on_its_timeline_with_the_reason(people, ticket):
    request = services.submit_request(people.desk, ticket, Kind.OVERRIDE, title="保修期外免费")
    services.decide_request(people.dispatcher, request, Outcome.REJECT, "不在保修范围")
    events = list(TicketEvent.objects.filter(ticket=ticket, kind=EventKind.APPROVAL).order_by("id"))
    assert len(events) == 3  # submitted, decided, finished
    assert all(e.internal for e in events)
    assert events[1].actor == people.dispatcher and "不在保修范围" in events[1].body
    assert events[2].data["state"] == RequestState.REJECTED


def test_a_receiver_that_refuses_rolls_the_decision_back(people, ticket):
    def refuse(sender, **kwargs):
        raise ServiceError("subject_refused", "no")

    request = services.submit_request(people.desk, ticket, Kind.OVERRIDE)
    decision_recorded.connect(refuse)
    try:
        with pytest.raises(ServiceError):
            services.decide_request(people.dispatcher, request, Outcome.APPROVE)
    finally:
        decision_recorded.disconnect(refuse)
    assert not ApprovalDecision.objects.exists()
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.APPROVAL, data__step=1).exists()


def test_a_subject_without_a_ticket_gets_no_timeline_entry(people):
    services.submit_request(people.desk, people.cust_a, Kind.DISCOUNT)
    assert not TicketEvent.objects.filter(kind=EventKind.APPROVAL).exists()
