"""SLA compliance through the API: GET /api/v1/service-plans/compliance/?contract=&month=YYYY-MM (issue 3).

Per target kind: total, met, breached, running, compliance % — over the clocks the user may see,
started in the month.  Time is frozen.
"""

from __future__ import annotations

import pytest

from shouhou.sla.services import record_milestone

from .conftest import open_fault, sh

URL = "/api/v1/service-plans/compliance/"


@pytest.fixture
def march(world, p13_contract, frozen):
    """Given two level-1 faults in March: one answered in 10 min (met), one not answered (breached
    at 09:30, not yet scanned), and one opened in April (another month)."""
    frozen.set(sh(2026, 3, 2, 9, 0))
    kept = open_fault(world, severity=1)
    frozen.set(sh(2026, 3, 2, 9, 10))
    record_milestone(world.desk, kept, "contacted")
    missed = open_fault(world, severity=1)  # response due 09:40
    frozen.set(sh(2026, 4, 1, 9, 0))
    open_fault(world, severity=1)
    frozen.set(sh(2026, 4, 1, 9, 5))
    return kept, missed


def by_kind(response):
    return {row["kind"]: row for row in response.json()["kinds"]}


def test_compliance_per_kind_counts_met_breached_and_running(world, api_as, march):
    response = api_as("dispatcher").get(URL, {"contract": world.contract_a.pk, "month": "2026-03"})
    assert response.status_code == 200
    kinds = by_kind(response)
    # The unanswered request is past due although the scan never ran: it counts as breached
    assert kinds["response"] == {"kind": "response", "label": "响应", "total": 2, "met": 1, "breached": 1,
                                 "running": 0, "compliance_percent": 50.0}
    # Both arrival and resolution clocks are long past due by April
    assert kinds["arrival"]["breached"] == 2 and kinds["arrival"]["compliance_percent"] == 0.0
    assert response.json()["total"] == {"total": 6, "met": 1, "breached": 5, "running": 0,
                                         "compliance_percent": 16.7}
    assert response.json()["contract"] == world.contract_a.pk and response.json()["month"] == "2026-03"


def test_clocks_not_yet_due_are_running_and_not_judged(world, api_as, march, frozen):
    response = api_as("desk").get(URL, {"contract": world.contract_a.pk, "month": "2026-04"})
    kinds = by_kind(response)
    assert kinds["response"] == {"kind": "response", "label": "响应", "total": 1, "met": 0, "breached": 0,
                                 "running": 1, "compliance_percent": None}


def test_month_defaults_to_the_current_one(world, api_as, march):
    response = api_as("desk").get(URL, {"contract": world.contract_a.pk})
    assert response.json()["month"] == "2026-04" and by_kind(response)["response"]["total"] == 1


def test_without_a_contract_every_visible_request_counts(world, api_as, march):
    assert api_as("desk").get(URL, {"month": "2026-03"}).json()["total"]["total"] == 6


def test_a_month_without_clocks_reports_nothing(world, api_as, march):
    response = api_as("desk").get(URL, {"contract": world.contract_a.pk, "month": "2025-12"})
    assert response.json() == {"contract": world.contract_a.pk, "month": "2025-12", "kinds": [],
                               "total": {"total": 0, "met": 0, "breached": 0, "running": 0,
                                         "compliance_percent": None}}


@pytest.mark.parametrize("month", ["2026-13", "2026-3", "march", "2026-03-01"])
def test_a_bad_month_is_refused(world, api_as, march, month):
    response = api_as("desk").get(URL, {"month": month})
    assert response.status_code == 400 and "month" in response.json()


def test_dealer_sees_its_customers_contract_but_not_the_other_dealers(world, api_as, march):
    assert api_as("dealer_a").get(URL, {"contract": world.contract_a.pk, "month": "2026-03"}).status_code == 200
    assert api_as("dealer_b").get(URL, {"contract": world.contract_a.pk, "month": "2026-03"}).status_code == 404
    # …and without a contract, dealer B's figures hold none of customer A's clocks
    assert api_as("dealer_b").get(URL, {"month": "2026-03"}).json()["total"]["total"] == 0


def test_customer_users_and_anonymous_are_refused(world, api_as, api, march):
    assert api_as("customer_a").get(URL, {"contract": world.contract_a.pk}).status_code == 403
    assert api.get(URL).status_code in (401, 403)


def test_compliance_is_one_aggregate_query(world, api_as, march, django_assert_max_num_queries):
    client = api_as("desk")
    with django_assert_max_num_queries(2):  # the contract lookup and the aggregate
        assert client.get(URL, {"contract": world.contract_a.pk, "month": "2026-03"}).status_code == 200


def test_compliance_response_matches_the_openapi_schema(world, api_as, march):
    from drf_spectacular.generators import SchemaGenerator
    from openapi_schema_validator import OAS30Validator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = schema["paths"][URL]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    body = api_as("desk").get(URL, {"contract": world.contract_a.pk, "month": "2026-03"}).json()
    OAS30Validator({**documented, "components": schema["components"]}).validate(body)
