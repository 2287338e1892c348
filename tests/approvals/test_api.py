"""REST API of approvals (/api/v1/approvals/): scoping, decisions, refusals, schema (issue 6)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from openapi_schema_validator import OAS30Validator

from shouhou.approvals import services
from shouhou.approvals.choices import Kind, Outcome, RequestState


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def validator_for(schema, path, method="get", status="200"):
    content = schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    return OAS30Validator({**content, "components": schema["components"]})


@pytest.fixture
def pending(people, ticket):
    return services.submit_request(people.desk, ticket, Kind.OVERRIDE, title="保修期外免费更换")


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_list_shows_a_request_only_to_the_people_involved(people, pending, api_as):
    for name in ("desk", "dispatcher", "dispatcher2", "leader", "admin"):
        assert ids(api_as(name).get("/api/v1/approvals/")) == [pending.pk], name
    for name in ("engineer", "finance", "technical", "dealer_a", "customer_a"):
        assert ids(api_as(name).get("/api/v1/approvals/")) == [], name
        assert api_as(name).get(f"/api/v1/approvals/{pending.pk}/").status_code == 404


def test_waiting_for_me_and_mine_filters(people, pending, api_as):
    assert ids(api_as("dispatcher").get("/api/v1/approvals/?waiting_for_me=true")) == [pending.pk]
    assert ids(api_as("leader").get("/api/v1/approvals/?waiting_for_me=true")) == []  # step 2 is not yet due
    assert ids(api_as("desk").get("/api/v1/approvals/?waiting_for_me=true")) == []
    assert ids(api_as("desk").get("/api/v1/approvals/?mine=true")) == [pending.pk]
    assert ids(api_as("dispatcher").get("/api/v1/approvals/?mine=true")) == []


def test_decide_through_the_api_until_approved(people, pending, api_as):
    response = api_as("dispatcher").post(f"/api/v1/approvals/{pending.pk}/decide/",
                                         {"outcome": "approve", "step": 1}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["current_position"] == 2 and body["steps"][0]["decided_by"] == people.dispatcher.pk
    response = api_as("leader").post(f"/api/v1/approvals/{pending.pk}/decide/", {"outcome": "approve"}, format="json")
    assert response.json()["state"] == RequestState.APPROVED


def test_refusals_answer_with_their_codes(people, pending, api_as):
    url = f"/api/v1/approvals/{pending.pk}/decide/"
    response = api_as("dispatcher").post(url, {"outcome": "reject"}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "reason_required")
    assert api_as("desk").post(url, {"outcome": "approve"}, format="json").json()["code"] == "own_request"
    response = api_as("leader").post(url, {"outcome": "approve"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "not_your_step")
    assert api_as("engineer").post(url, {"outcome": "approve"}, format="json").status_code == 404
    assert api_as("dispatcher").post(url, {"outcome": "maybe"}, format="json").status_code == 400
    services.decide_request(people.dispatcher, pending, Outcome.APPROVE)
    response = api_as("dispatcher2").post(url, {"outcome": "approve", "step": 1}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "already_decided")


def test_the_requester_withdraws_through_the_api(people, pending, api_as):
    url = f"/api/v1/approvals/{pending.pk}/withdraw/"
    assert api_as("dispatcher").post(url, {}, format="json").status_code == 403
    response = api_as("desk").post(url, {"reason": "已撤回"}, format="json")
    assert response.json()["state"] == RequestState.WITHDRAWN


def test_list_and_detail_responses_validate_against_the_schema(schema, people, pending, api_as):
    services.decide_request(people.dispatcher, pending, Outcome.APPROVE, "同意")
    client = api_as("leader")
    validator_for(schema, "/api/v1/approvals/").validate(client.get("/api/v1/approvals/").json())
    detail = client.get(f"/api/v1/approvals/{pending.pk}/").json()
    validator_for(schema, "/api/v1/approvals/{id}/").validate(detail)
    assert detail["can_decide"] is True and detail["steps"][1]["outcome"] is None and detail["steps"][0]["outcome"] == "approve"


def test_the_list_query_count_does_not_grow_with_the_rows(people, django_assert_max_num_queries, api_as):
    from shouhou.tickets.services import open_ticket

    for i in range(6):
        services.submit_request(people.desk, open_ticket(people.desk, title=f"故障{i}"), Kind.OVERRIDE)
    with django_assert_max_num_queries(8):
        assert len(ids(api_as("dispatcher").get("/api/v1/approvals/"))) == 6
