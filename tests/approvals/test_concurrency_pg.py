"""Concurrent decisions on one request: exactly one wins (issue 6, separation of duties).

`decide_request` re-reads the request under SELECT … FOR UPDATE.  A receiver that sleeps inside the
first decision's transaction holds it open, so the second caller really runs while the first has
not committed.  FOR UPDATE does nothing on SQLite: these tests run on PostgreSQL
(DATABASE_URL=postgres://…); the SQLite refusal of a second decision is in test_separation_of_duties.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from shouhou.approvals import services
from shouhou.approvals.choices import Kind, Outcome, RequestState
from shouhou.approvals.models import ApprovalDecision, ApprovalRequest
from shouhou.approvals.signals import decision_recorded, request_finished

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keeps the seeded flows
]


def race(*calls):
    """Run `calls` in threads started together; return what each returned or raised."""
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i, call):
        try:
            barrier.wait()
            time.sleep(0.05 * i)  # the first caller takes the lock first
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture
def slow_decisions():
    """Hold every decision's transaction open for a moment after the decision row is written."""
    def linger(sender, **kwargs):
        time.sleep(0.4)

    decision_recorded.connect(linger, dispatch_uid="test.linger")
    yield
    decision_recorded.disconnect(dispatch_uid="test.linger")


def test_two_approvers_deciding_one_step_at_once_exactly_one_wins(people, ticket, slow_decisions):
    request = services.submit_request(people.desk, ticket, Kind.OVERRIDE)
    results = race(lambda: services.decide_request(people.dispatcher, request, Outcome.APPROVE, position=1),
                   lambda: services.decide_request(people.dispatcher2, request, Outcome.REJECT, "不同意", position=1))
    assert isinstance(results[0], ApprovalDecision)
    assert getattr(results[1], "code", None) == "already_decided"
    assert list(ApprovalDecision.objects.values_list("decided_by", flat=True)) == [people.dispatcher.pk]
    request.refresh_from_db()
    assert request.state == RequestState.PENDING and request.current_position == 2


def test_withdrawing_while_the_last_step_is_approved_ends_the_request_once(people, ticket, slow_decisions):
    request = services.submit_request(people.desk, ticket, Kind.OVERRIDE)
    services.decide_request(people.dispatcher, request, Outcome.APPROVE)
    finished = []
    request_finished.connect(lambda sender, request, **kw: finished.append(request.state), weak=False,
                             dispatch_uid="test.finished")
    try:
        results = race(lambda: services.decide_request(people.leader, request, Outcome.APPROVE),
                       lambda: services.withdraw_request(people.desk, request))
    finally:
        request_finished.disconnect(dispatch_uid="test.finished")
    assert isinstance(results[0], ApprovalDecision)
    assert getattr(results[1], "code", None) == "not_pending"
    assert finished == [RequestState.APPROVED]
    assert ApprovalRequest.objects.get(pk=request.pk).state == RequestState.APPROVED
