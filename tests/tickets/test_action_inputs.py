"""Each workflow action declares its own input (issue 7): the OpenAPI schema says which fields each
action needs, and POST …/actions/ validates the body once, with the action's own serializer."""

from __future__ import annotations

from unittest import mock

import pytest
from drf_spectacular.generators import SchemaGenerator

from shouhou.tickets.action_inputs import input_for, person_actions
from shouhou.tickets.choices import Status

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def components():
    return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


def body(components, action):
    return components[f"{input_for(action).__name__}Request"]


def test_the_schema_has_one_body_per_action_told_apart_by_action(components):
    union = components["TicketActionRequest"]
    assert union["discriminator"]["propertyName"] == "action"
    assert set(union["discriminator"]["mapping"]) == set(person_actions())
    assert {"reassign", "return_to_queue"}.isdisjoint(union["discriminator"]["mapping"])  # the system's own


def test_the_schema_says_which_fields_each_action_needs(components):
    assert set(body(components, "cancel")["required"]) == {"action", "reason"}
    assert set(body(components, "book_appointment")["required"]) == {"action", "appointment_at"}
    assert body(components, "book_appointment")["properties"]["appointment_at"]["format"] == "date-time"
    assert {"assignee", "dealer"} <= set(body(components, "assign")["properties"])
    assert "resolution" in body(components, "resolve")["properties"]
    accept = body(components, "accept")["properties"]
    assert set(accept) == {"action", "version"}  # no reason, resolution or assignee where none is taken


def test_the_owner_of_an_action_owns_its_input():
    from shouhou.dispatch.serializers import AssignInput, BookAppointmentInput

    assert issubclass(input_for("assign"), AssignInput)
    assert issubclass(input_for("book_appointment"), BookAppointmentInput)


def detail(ticket, rest):
    return f"/api/v1/tickets/{ticket.pk}/{rest}"


def test_a_missing_required_field_answers_like_the_service(api_as, ticket):
    response = api_as("desk").post(detail(ticket, "actions/"), {"action": "accept"}, format="json")
    assert response.status_code == 200
    response = api_as("desk").post(detail(ticket, "actions/"), {"action": "escalate"}, format="json")
    assert response.status_code == 400
    assert response.data["code"] == "reason_required" and response.data["field"] == "reason"


def test_an_over_long_reason_is_refused_naming_the_field(api_as, ticket):
    response = api_as("desk").post(detail(ticket, "actions/"), {"action": "cancel", "reason": "因" * 1001},
                                   format="json")
    assert response.status_code == 400 and response.data["code"] == "invalid" and response.data["field"] == "reason"


def test_the_system_actions_and_unknown_ones_are_refused(api_as, ticket):
    for name in ("reassign", "return_to_queue", "fly", None):
        response = api_as("admin").post(detail(ticket, "actions/"), {"action": name}, format="json")
        assert response.status_code == 400 and response.data["code"] == "unknown_action", name


def test_assign_input_is_validated_once_and_names_the_field(world, api_as, ticket):
    wrong = api_as("dispatcher").post(detail(ticket, "actions/"),
                                      {"action": "assign", "assignee": world.customer_a.pk}, format="json")
    assert wrong.status_code == 400 and wrong.data["code"] == "not_an_engineer" and wrong.data["field"] == "assignee"
    from shouhou.dispatch import services as dispatch_services

    with mock.patch.object(dispatch_services, "assign_ticket", wraps=dispatch_services.assign_ticket) as assign:
        response = api_as("dispatcher").post(detail(ticket, "actions/"),
                                             {"action": "assign", "assignee": world.engineer.pk}, format="json")
    assert response.status_code == 200 and response.data["status"] == Status.ASSIGNED
    assert assign.call_args.kwargs["engineer"] == world.engineer  # the input's validated engineer, as read once


def test_book_appointment_input_reads_the_time_as_the_handler_does(world, api_as, ticket):
    api_as("dispatcher").post(detail(ticket, "actions/"), {"action": "assign", "assignee": world.engineer.pk},
                              format="json")
    missing = api_as("engineer").post(detail(ticket, "actions/"), {"action": "book_appointment"}, format="json")
    assert missing.data["code"] == "appointment_required" and missing.data["field"] == "appointment_at"
    bad = api_as("engineer").post(detail(ticket, "actions/"),
                                  {"action": "book_appointment", "appointment_at": "next tuesday"}, format="json")
    assert bad.data["code"] == "bad_datetime" and bad.data["field"] == "appointment_at"
    too_long = api_as("engineer").post(detail(ticket, "actions/"), {
        "action": "book_appointment", "appointment_at": "2030-05-01T14:30:00+08:00", "note": "王" * 201},
        format="json")
    assert too_long.status_code == 400 and too_long.data["code"] == "invalid" and too_long.data["field"] == "note"
    booked = api_as("engineer").post(detail(ticket, "actions/"), {
        "action": "book_appointment", "appointment_at": "2030-05-01T14:30:00+08:00", "note": "物业王经理"},
        format="json")
    assert booked.status_code == 200 and booked.data["status"] == Status.APPOINTMENT_BOOKED
