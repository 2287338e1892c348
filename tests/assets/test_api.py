"""Product models and assets over /api/v1/: serial lookup, derived customer and warranty, scoping."""

import datetime as dt

import pytest

from shouhou.assets.models import Asset, ProductModel


def test_lookup_by_serial_no(world, api_as):
    data = api_as("desk").get("/api/v1/assets/", {"serial_no": "fd-a-0001"}).data
    assert [a["id"] for a in data["results"]] == [world.asset_a.pk]
    assert data["results"][0]["in_warranty"] in (True, False)


def test_dealer_registers_unit_customer_and_warranty_are_derived_P6_1(world, api_as):
    body = {"serial_no": "SN-API-1", "product_model": world.door.pk, "site": world.site_a.pk,
            "acceptance_date": "2026-04-30"}
    response = api_as("dealer_a").post("/api/v1/assets/", body, HTTP_IDEMPOTENCY_KEY="reg-1")
    assert response.status_code == 201
    assert response.data["customer"] == world.cust_a.pk
    assert (response.data["warranty_start"], response.data["warranty_end"]) == ("2026-04-30", "2028-04-29")
    replay = api_as("dealer_a").post("/api/v1/assets/", body, HTTP_IDEMPOTENCY_KEY="reg-1")
    assert replay.status_code == 200 and replay.data["id"] == response.data["id"]
    # Another body under the same key is a different request (issue 6): refused, not replayed.
    other = api_as("dealer_a").post("/api/v1/assets/", {"serial_no": "other"}, HTTP_IDEMPOTENCY_KEY="reg-1")
    assert other.status_code == 422


def test_dealer_cannot_attach_unit_to_another_dealers_site_400_in_chinese(world, api_as):
    response = api_as("dealer_a").post("/api/v1/assets/", {
        "serial_no": "SN-API-2", "product_model": world.door.pk, "site": world.site_b.pk},
        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "site" in response.data
    assert "不存在或您无权查看" in str(response.data["site"][0])
    assert not Asset.objects.filter(serial_no="SN-API-2").exists()


def test_english_error_with_english_accept_language(world, api_as):
    response = api_as("dealer_a").post("/api/v1/assets/", {
        "serial_no": "SN-API-3", "product_model": world.door.pk, "site": world.site_b.pk},
        HTTP_ACCEPT_LANGUAGE="en")
    assert "not visible to you" in str(response.data["site"][0])


def test_dealer_cannot_move_own_unit_to_another_dealers_site(world, api_as):
    response = api_as("dealer_b").patch(f"/api/v1/assets/{world.asset_b.pk}/", {"site": world.site_a.pk, "version": 1})
    assert response.status_code == 400 and "site" in response.data


def test_asset_patch_acceptance_re_derives_warranty_and_stale_is_409(world, api_as):
    client = api_as("desk")
    url = f"/api/v1/assets/{world.asset_b.pk}/"
    ok = client.patch(url, {"acceptance_date": "2026-01-31", "reason": "验收报告补签"}, HTTP_IF_MATCH="1")
    assert ok.status_code == 200 and ok.data["warranty_end"] == "2028-01-30"
    assert client.patch(url, {"notes": "x"}, HTTP_IF_MATCH="1").status_code == 409


@pytest.mark.parametrize(("persona", "serials"), [
    ("dealer_a", ["FD-A-0001"]), ("dealer_b", ["FD-B-0001"]), ("customer_a", ["FD-A-0001"]),
    ("customer_b", ["FD-B-0001"]), ("desk", ["FD-A-0001", "FD-B-0001"]),
])
def test_asset_list_and_search_are_scoped(world, api_as, persona, serials):
    client = api_as(persona)
    assert [a["serial_no"] for a in client.get("/api/v1/assets/").data["results"]] == serials
    assert [a["serial_no"] for a in client.get("/api/v1/assets/", {"search": "FD"}).data["results"]] == serials
    other = world.asset_b if serials == ["FD-A-0001"] else world.asset_a
    if len(serials) == 1:
        assert client.get(f"/api/v1/assets/{other.pk}/").status_code == 404
        assert client.get("/api/v1/assets/", {"serial_no": other.serial_no}).data["count"] == 0


def test_customer_user_cannot_register_units(world, api_as):
    response = api_as("customer_a").post("/api/v1/assets/", {
        "serial_no": "SN-X", "product_model": world.door.pk, "site": world.site_a.pk})
    assert response.status_code == 403


def test_product_models_are_read_by_all_written_by_desk(world, api_as):
    assert api_as("customer_a").get("/api/v1/product-models/").data["count"] == 1
    assert api_as("dealer_a").post("/api/v1/product-models/", {"code": "X", "name": "x"}).status_code == 403
    created = api_as("desk").post("/api/v1/product-models/", {"code": "DB-1", "name": "配电柜",
                                                              "default_warranty_months": 12})
    assert created.status_code == 201 and ProductModel.objects.get(code="DB-1").default_warranty_months == 12


def test_product_default_change_re_derives_uncovered_units(world, api_as):
    Asset.objects.filter(pk=world.asset_b.pk).update(acceptance_date=dt.date(2026, 1, 1))
    response = api_as("desk").patch(f"/api/v1/product-models/{world.door.pk}/", {"default_warranty_months": 12, "reason": "新三包政策",
                                                                                 "version": 1})
    assert response.status_code == 200
    assert Asset.objects.get(pk=world.asset_b.pk).warranty_end == dt.date(2026, 12, 31)


def test_asset_list_query_count_is_constant(world, api_as, django_assert_max_num_queries):
    Asset.objects.bulk_create(Asset(serial_no=f"BULK-{i}", product_model=world.door, customer=world.cust_a,
                                    site=world.site_a) for i in range(40))
    with django_assert_max_num_queries(3):
        assert len(api_as("dealer_a").get("/api/v1/assets/").data["results"]) == 25
