"""Substring search of service requests: Chinese words of any length, customers, serials, scope
(issue 9).  Runs on SQLite (FTS5 trigram) and on PostgreSQL (n-gram GIN + pg_trgm) alike."""

from __future__ import annotations

import pytest

from shouhou.tickets import search
from shouhou.tickets.services import open_ticket

URL = "/api/v1/tickets/"


@pytest.fixture
def reports(world):
    """A door closer on customer A's asset, a leak on customer B's, an unknown serial, a report
    naming a customer the desk does not know."""
    return {
        "closer": open_ticket(world.desk, title="防火门闭门器失灵", description="三楼防火门无法自动关闭",
                              serial=world.asset_a.serial_no, severity=2),
        "leak": open_ticket(world.desk, title="门诊楼报警", description="机房空调漏水，地面有积水",
                            serial=world.asset_b.serial_no),
        "unknown": open_ticket(world.desk, title="卷帘门不动", serial="XJ-99817-ZQ", reported_customer="滨江物业"),
    }


def ids(client, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return sorted(row["id"] for row in response.data["results"])


@pytest.mark.parametrize(("q", "expected"), [
    ("闭门器", ["closer"]),          # three characters (trigram-sized)
    ("漏水", ["leak"]),              # two characters, which a trigram index alone cannot serve
    ("漏", ["leak"]),                # one character
    ("门", ["closer", "leak", "unknown"]),
    ("空调漏水，地面", ["leak"]),      # across punctuation, longer than a word
    ("j-998", ["unknown"]),          # part of a serial nobody knows, any letter case
    ("A-00", ["closer"]),            # part of the linked asset's serial (FD-A-0001)
    ("华东大", ["closer"]),           # the customer's name (华东大厦), not in the report's text
    ("滨江", ["unknown"]),            # the customer named by the reporter
    ("冰箱", []),
])
def test_search_finds_chinese_words_of_any_length_customers_and_serials(world, api_as, reports, q, expected):
    """P2 search (issue 9): title, description, customer name, reported customer and serial, by substring."""
    assert ids(api_as("desk"), q) == sorted(reports[name].pk for name in expected)


def test_search_keeps_the_scope_a_dealer_does_not_find_another_dealers_ticket(world, api_as, reports):
    """Dealer B sees only its customer's requests: searching customer A's words finds nothing."""
    dealer_b, dealer_a = api_as("dealer_b"), api_as("dealer_a")
    assert ids(dealer_a, "闭门器") == [reports["closer"].pk]
    assert ids(dealer_b, "闭门器") == []
    assert ids(dealer_b, "华东大厦") == []
    assert ids(dealer_b, "FD-A") == []
    assert ids(dealer_b, "漏水") == [reports["leak"].pk]


def test_the_index_condition_never_changes_what_matches(world, api_as, reports, monkeypatch):
    """The prefilter only narrows the candidates: with it switched off the results are the same."""
    client = api_as("desk")
    terms = ["闭门器", "漏水", "门", "积水", "XJ", "j-998", "防火门闭门器失灵", "三楼防", "华东", "冰"]
    with_index = {q: ids(client, q) for q in terms}
    monkeypatch.setattr("shouhou.tickets.filters.own_text_prefilter", lambda value: None)
    assert {q: ids(client, q) for q in terms} == with_index


def test_the_index_condition_is_used_where_the_database_has_one(world, reports, db):
    from django.db import connection

    condition = search.own_text_prefilter("漏水")
    if connection.vendor == "postgresql":
        assert condition is not None
    elif connection.vendor == "sqlite" and search._sqlite_fts():
        assert search.own_text_prefilter("漏水") is None  # trigram FTS needs three characters
        assert search.own_text_prefilter("闭门器") is not None


def test_search_answers_in_a_fixed_number_of_queries(world, api_as, reports, django_assert_num_queries):
    """Query count pinned (issue 9): customer and asset lookups, capped count, page — and on
    PostgreSQL the probe that tells a dense term from a rare one (search.narrowed)."""
    from django.db import connection

    client = api_as("desk")
    ids(client, "漏水")  # warm: content types, severity levels
    with django_assert_num_queries(SEARCH_QUERIES + (connection.vendor == "postgresql")):
        ids(client, "漏水")


SEARCH_QUERIES = 4  # customers, assets, capped count, page
