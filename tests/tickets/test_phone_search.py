"""Searching by a phone number never confirms a number the searcher only sees masked (issue 6,
personal data; accounts.phone_search; docs/limits.md "Searching by phone number")."""

from __future__ import annotations

import pytest

from shouhou.customers.models import Contact
from shouhou.tickets.services import open_ticket

PHONE = "13812345678"


@pytest.fixture
def reported(world):
    ticket = open_ticket(world.desk, title="防火门无法关闭", serial=world.asset_a.serial_no,
                         reporter_name="陈先生", reporter_phone=PHONE,
                         description="请回电 13812345678 或 021-55556666")
    world.cust_a.phone = PHONE
    world.cust_a.save()
    Contact.objects.create(customer=world.cust_a, name="物业李经理", phone="13900001111")
    return ticket


def _found(api_as, name, q, url="/api/v1/tickets/"):
    response = api_as(name).get(url, {"q": q})
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("q", [PHONE, "1234567", "138-1234-5678", "55556666"])
def test_a_user_who_sees_phones_masked_cannot_confirm_a_number_by_searching(world, reported, api_as, q):
    """Finance sees every request but phone numbers masked: a full or partial number finds nothing."""
    assert _found(api_as, "finance", q) == []


@pytest.mark.parametrize("q", [PHONE, "138-1234-5678", "55556666", "5678"])
def test_the_desk_finds_a_request_by_the_reporters_phone(world, reported, api_as, q):
    assert _found(api_as, "desk", q) == [reported.pk]


def test_masked_users_may_search_by_the_last_four_digits_they_see(world, reported, api_as):
    assert _found(api_as, "finance", "5678") == [reported.pk]
    assert _found(api_as, "finance", "1234") == []  # hidden middle digits
    assert _found(api_as, "finance", "防火门") == [reported.pk]  # text search is unchanged


def test_customer_and_contact_search_by_phone_follows_the_same_rule(world, reported, api_as):
    assert _found(api_as, "engineer", PHONE, "/api/v1/customers/") == []
    assert _found(api_as, "engineer", "5678", "/api/v1/customers/") == [world.cust_a.pk]
    assert _found(api_as, "desk", PHONE, "/api/v1/customers/") == [world.cust_a.pk]
    assert _found(api_as, "dealer_a", PHONE, "/api/v1/customers/") == [world.cust_a.pk]  # their customer
    assert _found(api_as, "engineer", "13900001111", "/api/v1/contacts/") == []
    assert len(_found(api_as, "desk", "13900001111", "/api/v1/contacts/")) == 1
    # DRF's ?search= no longer reaches phone fields
    response = api_as("engineer").get("/api/v1/customers/", {"search": PHONE})
    assert response.json()["results"] == []
