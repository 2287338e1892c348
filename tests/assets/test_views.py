"""Asset pages: the list and the unit's service archive (P5.7); scoped; edit re-derives warranty."""

import datetime as dt

import pytest
from django.test import Client

from shouhou.assets.models import Asset
from shouhou.core.hooks import Section, register_history


@pytest.fixture
def browse(world):
    def _as(name):
        client = Client()
        client.force_login(world.users[name])
        return client

    return _as


def test_asset_archive_page_shows_facts_warranty_contracts_and_history_P5_7(browse, world):
    register_history("assets.asset", lambda user, obj: Section(
        title="服务历史", template="customers/sections.html", context={"sections": []}))
    page = browse("engineer").get(f"/assets/{world.asset_a.pk}/").content.decode()
    assert all(text in page for text in ("维修档案", "CERT-A-1", "HT-2026-001", "服务历史", "2028-01-09"))
    assert "在保" in page or "已过保" in page


def test_asset_list_filters_and_is_scoped(browse, world):
    page = browse("dealer_b").get("/assets/", {"q": "FD"}).content.decode()
    assert "FD-B-0001" in page and "FD-A-0001" not in page
    assert browse("dealer_b").get(f"/assets/{world.asset_a.pk}/").status_code == 404


def test_dealer_registers_a_unit_on_own_site_and_warranty_is_derived(browse, world):
    response = browse("dealer_a").post("/assets/new/", {
        "serial_no": "WEB-1", "product_model": world.door.pk, "site": world.site_a.pk,
        "acceptance_date": "2026-02-01"})
    assert response.status_code == 302
    asset = Asset.objects.get(serial_no="WEB-1")
    assert asset.customer == world.cust_a and asset.warranty_end == dt.date(2028, 1, 31)


def test_dealer_form_does_not_offer_other_dealers_sites(browse, world):
    page = browse("dealer_a").get("/assets/new/").content.decode()
    assert "华东大厦一期" in page and "西岭医院门诊楼" not in page
    response = browse("dealer_a").post("/assets/new/", {"serial_no": "WEB-2", "product_model": world.door.pk,
                                                        "site": world.site_b.pk})
    assert response.status_code == 200 and not Asset.objects.filter(serial_no="WEB-2").exists()


def test_asset_list_page_query_count_is_constant(browse, world, django_assert_max_num_queries):
    Asset.objects.bulk_create(Asset(serial_no=f"L-{i}", product_model=world.door, customer=world.cust_a,
                                    site=world.site_a) for i in range(40))
    client = browse("desk")
    with django_assert_max_num_queries(8):
        assert client.get("/assets/").status_code == 200
