"""Contracts over /api/v1/contracts/: desk writes, everyone in scope reads, coverage validated."""

import datetime as dt

from shouhou.contracts.models import Contract


def body(world, **extra):
    return {"number": "HT-API-1", "title": "维保合同", "customer": world.cust_a.pk, "service_level": "A",
            "warranty_months": 12, "warranty_start_rule": "day_after_acceptance", "start_date": "2026-01-01",
            **extra}


def test_desk_creates_contract_with_coverage_and_warranty_follows_P8_3(world, api_as):
    world.contract_a.assets.clear()
    response = api_as("desk").post("/api/v1/contracts/", body(world, sites=[world.site_a.pk]))
    assert response.status_code == 201 and response.data["sites"] == [world.site_a.pk]
    world.asset_a.refresh_from_db()
    assert world.asset_a.warranty_start == dt.date(2026, 1, 11)


def test_dealers_and_customers_read_only_their_contracts(world, api_as):
    assert api_as("dealer_a").get("/api/v1/contracts/").data["count"] == 1
    assert api_as("dealer_b").get("/api/v1/contracts/").data["count"] == 0
    assert api_as("customer_b").get(f"/api/v1/contracts/{world.contract_a.pk}/").status_code == 404
    assert api_as("dealer_a").post("/api/v1/contracts/", body(world)).status_code == 403


def test_covering_another_customers_asset_is_400_naming_assets(world, api_as):
    response = api_as("desk").post("/api/v1/contracts/", body(world, assets=[world.asset_b.pk]))
    assert response.status_code == 400 and response.data["field"] == "assets"
    assert not Contract.objects.filter(number="HT-API-1").exists()


def test_contract_patch_versioned(world, api_as):
    client = api_as("dispatcher")
    url = f"/api/v1/contracts/{world.contract_a.pk}/"
    assert client.patch(url, {"service_level": "C", "version": 1, "reason": "续签降级"}).status_code == 200
    assert client.patch(url, {"service_level": "B", "version": 1, "reason": "续签"}).status_code == 409
    assert Contract.objects.get(pk=world.contract_a.pk).service_level == "C"


def test_filters_active_and_level(world, api_as):
    client = api_as("desk")
    assert client.get("/api/v1/contracts/", {"service_level": "A"}).data["count"] == 1
    assert client.get("/api/v1/contracts/", {"service_level": "C"}).data["count"] == 0
    assert client.get("/api/v1/contracts/", {"asset": world.asset_a.pk}).data["count"] == 1


def test_contract_list_query_count_is_constant(world, api_as, django_assert_max_num_queries):
    for i in range(30):
        contract = Contract.objects.create(number=f"HT-{i}", title="t", customer=world.cust_a,
                                           start_date=dt.date(2026, 1, 1))
        contract.sites.add(world.site_a)
        contract.assets.add(world.asset_a)
    with django_assert_max_num_queries(5):
        assert len(api_as("dealer_a").get("/api/v1/contracts/").data["results"]) == 25
