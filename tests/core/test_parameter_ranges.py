"""Out-of-range query and path parameters answer 400 naming them, never 500 (issue 6, hardening).

Walks every API list endpoint with every filter of its FilterSet, the pagination parameters and
a path id, then the list pages, with a 20-digit id: today's 500 (SQLite OverflowError) must be a
400 that names the parameter.
"""

import pytest

from shouhou.api_urls import router
from shouhou.sla.models import WorkingCalendar

BIG = "9" * 20


def list_parameters():
    for prefix, viewset, _basename in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        names = [n for n in (filterset.base_filters if filterset else ()) if n not in ("q", "search")]
        for name in [*names, "page", "page_size"]:
            yield prefix, name


@pytest.mark.parametrize(("prefix", "name"), list(list_parameters()), ids=lambda v: str(v))
def test_api_list_parameter_of_20_digits_is_400_naming_it(api_as, prefix, name):
    response = api_as("admin").get(f"/api/v1/{prefix}/", {name: BIG})
    assert response.status_code == 400, (prefix, name, response.status_code)
    assert name in response.json()


@pytest.mark.parametrize("prefix", sorted({p for p, _v, _b in router.registry}))
def test_api_path_id_of_20_digits_is_400_naming_it(api_as, prefix):
    response = api_as("admin").get(f"/api/v1/{prefix}/{BIG}/")
    assert response.status_code == 400
    assert response.json()["field"] == "pk" and response.json()["code"] == "out_of_range"


@pytest.mark.parametrize("url", ["/tickets/", "/assets/", "/contracts/", "/customers/", "/dispatch/visits/",
                                 "/notify/outbox/"])
@pytest.mark.parametrize("name", ["page", "customer", "site", "asset", "ticket"])
def test_list_pages_answer_400_naming_a_20_digit_parameter(client, world, url, name):
    client.force_login(world.admin)
    response = client.get(url, {name: BIG})
    assert response.status_code == 400
    assert name in response.content.decode() and 'class="topbar"' in response.content.decode()


def test_detail_page_id_of_20_digits_is_400(client, world):
    client.force_login(world.admin)
    assert client.get(f"/tickets/{BIG}/").status_code == 400


def test_a_long_serial_number_is_still_a_search(api_as):
    """Free-text search is not an id: a 20-digit serial searches, it is not refused."""
    assert api_as("admin").get("/api/v1/tickets/", {"q": BIG}).status_code == 200


@pytest.mark.parametrize("value", ["abc", "99999", "-1"])
def test_calendar_year_outside_what_a_calendar_holds_is_400(client, api_as, world, value):
    calendar = WorkingCalendar.objects.first() or WorkingCalendar.objects.create(name="测试日历", code="t")
    client.force_login(world.admin)
    page = client.get(f"/sla/calendars/{calendar.pk}/", {"year": value})
    api = api_as("admin").get(f"/api/v1/calendars/{calendar.pk}/days/", {"year": value})
    assert (page.status_code, api.status_code) == (400, 400)
    assert "year" in page.content.decode() and api.json()["field"] == "year"


def test_compliance_page_with_a_non_numeric_contract_is_400(client, world):
    client.force_login(world.admin)
    response = client.get("/sla/compliance/", {"contract": "abc"})
    assert response.status_code == 400 and "contract" in response.content.decode()
