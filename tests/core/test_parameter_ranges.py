"""Out-of-range query and path parameters answer 400 naming them, never 500 (issue 6, hardening).

Walks every API list endpoint with every filter of its FilterSet, the pagination parameters and
a path id, then the list pages, with a 20-digit id: today's 500 (SQLite OverflowError) must be a
400 that names the parameter.
"""


from shouhou.api_urls import router
from shouhou.sla.models import WorkingCalendar

BIG = "9" * 20


def list_parameters():
    for prefix, viewset, _basename in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        names = [n for n in (filterset.base_filters if filterset else ()) if n not in ("q", "search")]
        for name in [*names, "page", "page_size"]:
            yield prefix, name


def test_api_list_parameters_of_20_digits_are_400_naming_them(api_as):
    """One test walks them all (the world is built once): every filter, page and page_size."""
    client = api_as("admin")
    wrong = []
    for prefix, name in list_parameters():
        response = client.get(f"/api/v1/{prefix}/", {name: BIG})
        if response.status_code != 400 or name not in response.json():
            wrong.append((prefix, name, response.status_code))
    assert wrong == []


def test_api_path_ids_of_20_digits_are_400_naming_them(api_as):
    client = api_as("admin")
    wrong = []
    # Endpoints with records by id (a report such as duty-coverage has no detail route).
    for prefix in sorted({p for p, v, _b in router.registry if hasattr(v, "retrieve")}):
        response = client.get(f"/api/v1/{prefix}/{BIG}/")
        if response.status_code != 400 or response.json().get("field") != "pk":
            wrong.append((prefix, response.status_code))
    assert wrong == []


def test_list_pages_answer_400_naming_a_20_digit_parameter(client, world):
    client.force_login(world.admin)
    wrong = []
    for url in ["/tickets/", "/assets/", "/contracts/", "/customers/", "/dispatch/visits/", "/notify/outbox/"]:
        for name in ["page", "customer", "site", "asset", "ticket"]:
            response = client.get(url, {name: BIG})
            html = response.content.decode()
            if response.status_code != 400 or name not in html or 'class="topbar"' not in html:
                wrong.append((url, name, response.status_code))
    assert wrong == []


def test_detail_page_id_of_20_digits_is_400(client, world):
    client.force_login(world.admin)
    assert client.get(f"/tickets/{BIG}/").status_code == 400


def test_a_long_serial_number_is_still_a_search(api_as):
    """Free-text search is not an id: a 20-digit serial searches, it is not refused."""
    assert api_as("admin").get("/api/v1/tickets/", {"q": BIG}).status_code == 200


def test_calendar_year_outside_what_a_calendar_holds_is_400(client, api_as, world):
    calendar = WorkingCalendar.objects.first() or WorkingCalendar.objects.create(name="测试日历", code="t")
    client.force_login(world.admin)
    for value in ["abc", "99999", "-1"]:
        page = client.get(f"/sla/calendars/{calendar.pk}/", {"year": value})
        api = api_as("admin").get(f"/api/v1/calendars/{calendar.pk}/days/", {"year": value})
        assert (page.status_code, api.status_code) == (400, 400), value
        assert "year" in page.content.decode() and api.json()["field"] == "year"


def test_compliance_page_with_a_non_numeric_contract_is_400(client, world):
    client.force_login(world.admin)
    response = client.get("/sla/compliance/", {"contract": "abc"})
    assert response.status_code == 400 and "contract" in response.content.decode()
