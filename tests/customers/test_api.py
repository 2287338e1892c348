"""Customers, sites and contacts over /api/v1/: CRUD, 409, idempotency, scoping, query pins."""

import pytest

from shouhou.customers.models import Customer, Site


def test_desk_creates_customer_and_idempotency_key_returns_the_same_record(api_as):
    client = api_as("desk")
    body = {"code": "C900", "name": "新客户"}
    first = client.post("/api/v1/customers/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/customers/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again.status_code == 200
    assert first.data["id"] == again.data["id"] and Customer.objects.filter(code="C900").count() == 1


def test_patch_needs_current_version_stale_is_409(world, api_as):
    client = api_as("desk")
    url = f"/api/v1/customers/{world.cust_a.pk}/"
    assert client.patch(url, {"phone": "1"}).status_code == 400
    ok = client.patch(url, {"phone": "1"}, HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok.data["version"] == 2 and ok["ETag"] == '"2"'
    stale = client.patch(url, {"phone": "2", "version": 1})
    assert stale.status_code == 409 and stale.data["code"] == "stale_version"
    assert Customer.objects.get(pk=world.cust_a.pk).phone == "1"


@pytest.mark.parametrize(("persona", "visible"), [
    ("desk", {"C001", "C002"}), ("engineer", {"C001", "C002"}),
    ("dealer_a", {"C001"}), ("dealer_b", {"C002"}), ("customer_a", {"C001"}), ("customer_b", {"C002"}),
])
def test_customer_list_is_scoped(api_as, persona, visible):
    data = api_as(persona).get("/api/v1/customers/").data
    assert {row["code"] for row in data["results"]} == visible


def test_dealer_a_never_sees_dealer_b_records_in_list_detail_or_search(world, api_as):
    client = api_as("dealer_a")
    assert client.get(f"/api/v1/customers/{world.cust_b.pk}/").status_code == 404
    assert client.get(f"/api/v1/sites/{world.site_b.pk}/").status_code == 404
    assert client.get("/api/v1/customers/", {"search": "西岭"}).data["count"] == 0
    assert client.get("/api/v1/sites/", {"q": "西岭"}).data["count"] == 0
    assert [s["name"] for s in client.get("/api/v1/sites/").data["results"]] == ["华东大厦一期"]


def test_dealer_cannot_patch_another_dealers_customer(world, api_as):
    response = api_as("dealer_a").patch(f"/api/v1/customers/{world.cust_b.pk}/", {"name": "x", "version": 1})
    assert response.status_code == 404


def test_dealer_site_on_another_dealers_customer_is_400_naming_the_field_in_chinese(world, api_as):
    response = api_as("dealer_a").post("/api/v1/sites/", {"customer": world.cust_b.pk, "name": "x"},
                                      HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "customer" in response.data and "不存在" in str(response.data["customer"][0])
    assert not Site.objects.filter(name="x").exists()


def test_customer_user_reads_but_cannot_write(world, api_as):
    client = api_as("customer_a")
    assert client.get(f"/api/v1/customers/{world.cust_a.pk}/").status_code == 200
    assert client.post("/api/v1/sites/", {"customer": world.cust_a.pk, "name": "x"}).status_code == 403
    assert client.patch(f"/api/v1/customers/{world.cust_a.pk}/", {"name": "x", "version": 1}).status_code == 403


def test_customer_user_never_sees_our_notes_about_them(world, api_as):
    Customer.objects.filter(pk=world.cust_a.pk).update(notes="难缠")
    assert "notes" not in api_as("customer_a").get(f"/api/v1/customers/{world.cust_a.pk}/").data
    assert api_as("desk").get(f"/api/v1/customers/{world.cust_a.pk}/").data["notes"] == "难缠"


def test_dealer_cannot_reassign_customer_via_api(world, api_as):
    response = api_as("dealer_a").patch(f"/api/v1/customers/{world.cust_a.pk}/",
                                        {"dealer": world.dealer_org_b.pk, "version": 1})
    assert response.status_code == 400 and response.data["field"] == "dealer"


def test_anonymous_is_denied(api, world):
    assert api.get("/api/v1/customers/").status_code in (401, 403)


def test_contacts_crud_scoped(world, api_as):
    client = api_as("dealer_a")
    created = client.post("/api/v1/contacts/", {"customer": world.cust_a.pk, "site": world.site_a.pk, "name": "王工"})
    assert created.status_code == 201
    bad = client.post("/api/v1/contacts/", {"customer": world.cust_a.pk, "site": world.site_b.pk, "name": "x"})
    assert bad.status_code == 400 and "site" in bad.data
    assert api_as("dealer_b").get(f"/api/v1/contacts/{created.data['id']}/").status_code == 404


def test_customer_and_site_lists_have_constant_query_counts(world, api_as, django_assert_max_num_queries):
    for i in range(30):
        customer = Customer.objects.create(code=f"Q{i:03d}", name=f"客户{i}", dealer=world.dealer_org_a)
        Site.objects.create(customer=customer, name=f"项目{i}")
    client = api_as("dealer_a")
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/v1/customers/").data["results"]) == 25
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/v1/sites/").data["results"]) == 25
