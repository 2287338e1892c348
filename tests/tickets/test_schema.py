"""The OpenAPI schema of the tickets endpoints is valid, and real responses match it (style rule 13)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from shouhou.tickets.services import add_comment


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def validator_for(schema, path, method="get", status="200"):
    """A JSON-schema validator for one documented response, with the components to resolve $refs."""
    content = schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    return OAS30Validator({**content, "components": schema["components"]})


def test_schema_is_a_valid_openapi_document(schema):
    validate(schema)
    assert "/api/v1/tickets/{id}/actions/" in schema["paths"]
    assert "/api/v1/attachments/{id}/download/" in schema["paths"]


def test_severity_documents_the_p5_1_definitions(schema):
    severity = schema["components"]["schemas"]["TicketCreateRequest"]["properties"]["severity"]
    assert "P5.1" in severity["description"] and "10" in severity["description"]


def test_list_response_validates_against_the_schema(schema, world, ticket, api_as):
    response = api_as("desk").get("/api/v1/tickets/")
    validator_for(schema, "/api/v1/tickets/").validate(response.json())
    assert response.json()["count_capped"] is False


def test_detail_and_timeline_responses_validate_against_the_schema(schema, world, ticket, api_as):
    add_comment(world.desk, ticket, "已联系", internal=True)
    client = api_as("desk")
    validator_for(schema, "/api/v1/tickets/{id}/").validate(client.get(f"/api/v1/tickets/{ticket.pk}/").json())
    timeline = client.get(f"/api/v1/tickets/{ticket.pk}/timeline/").json()
    validator_for(schema, "/api/v1/tickets/{id}/timeline/").validate(timeline)
    allowed = client.get(f"/api/v1/tickets/{ticket.pk}/allowed-actions/").json()
    validator_for(schema, "/api/v1/tickets/{id}/allowed-actions/").validate(allowed)
