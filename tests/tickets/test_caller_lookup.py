"""Caller lookup (issue 10): a phone number, or its last four digits, shows the caller's customer,
sites, assets and open requests — scoped, and never confirming a number the user sees masked
(accounts.phone_search's rule); candidates come from the last-four-digits expression indexes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from shouhou.accounts.phone_search import PhoneTail
from shouhou.customers.models import Contact, Customer
from shouhou.tickets.services import open_ticket


@pytest.fixture
def phones(world):
    Customer.objects.filter(pk=world.cust_a.pk).update(phone="021-6123 4567")
    Customer.objects.filter(pk=world.cust_b.pk).update(phone="028-8555 4567")  # same last four
    Contact.objects.create(customer=world.cust_a, name="王经理", phone="13812345678")
    ticket = open_ticket(world.desk, asset=world.asset_a, title="门闭合器漏油", reporter_name="刘师傅",
                         reporter_phone="139 0000 9999")
    return type("Phones", (), {"ticket": ticket})


def page(world, name, number):
    client = Client()
    client.force_login(world.users[name])
    return client.get("/caller/", {"phone": number})


def test_the_desk_finds_the_caller_by_the_full_number_with_sites_assets_and_open_requests(world, phones):
    response = page(world, "desk", "138-1234-5678")
    html = response.content.decode()
    assert response.status_code == 200
    assert "华东大厦" in html and "华东大厦一期" in html and "FD-A-0001" in html and "门闭合器漏油" in html
    assert "王经理 13812345678" in html and "西岭医院" not in html


def test_a_number_written_with_separators_matches_the_stored_one(world, phones):
    assert "华东大厦" in page(world, "desk", "02161234567").content.decode()


def test_the_last_four_digits_find_every_visible_caller_ending_in_them(world, phones):
    html = page(world, "desk", "4567").content.decode()
    assert "华东大厦" in html and "西岭医院" in html


def test_a_reporter_known_only_from_a_request_is_found(world, phones):
    html = page(world, "desk", "13900009999").content.decode()
    assert "刘师傅" in html and "门闭合器漏油" in html


def test_a_dealer_never_sees_another_dealers_customer(world, phones):
    html = page(world, "dealer_a", "4567").content.decode()
    assert "华东大厦" in html and "西岭医院" not in html
    assert "西岭医院" not in page(world, "dealer_a", "028-8555 4567").content.decode()


@pytest.mark.parametrize("name", ["customer_a", "engineer", "finance"])
def test_users_without_the_lookup_right_get_403(world, phones, name):
    assert page(world, name, "4567").status_code == 403


def test_fewer_than_four_digits_is_refused_with_a_message(world, phones):
    response = page(world, "desk", "567")
    assert response.status_code == 400 and "至少输入后四位" in response.content.decode()


def test_the_api_answers_the_same_lookup(api_as, world, phones):
    response = api_as("dealer_a").get("/api/v1/caller-lookup/", {"phone": "4567"})
    assert response.status_code == 200
    body = response.json()
    assert [c["code"] for c in body["customers"]] == ["C001"]
    assert body["customers"][0]["assets"][0]["serial_no"] == "FD-A-0001"
    assert [t["title"] for t in body["customers"][0]["open_tickets"]] == ["门闭合器漏油"]
    assert api_as("customer_a").get("/api/v1/caller-lookup/", {"phone": "4567"}).status_code == 403


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan of the embedded database")
def test_the_lookup_reads_the_last_four_digits_index(world, phones):
    queryset = Customer.objects.alias(tail=PhoneTail("phone")).filter(tail="4567").order_by()
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "customer_phone_tail" in plan
