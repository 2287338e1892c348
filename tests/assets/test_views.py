"""Asset pages: the list and the unit's service archive (P5.7); scoped; edit re-derives warranty."""

import datetime as dt

from shouhou.assets.models import Asset
from shouhou.core.hooks import Section, register_history


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


def _asset_form(asset, **changes):
    form = {"serial_no": asset.serial_no, "certificate_no": asset.certificate_no, "product_model": asset.product_model_id,
            "site": asset.site_id or "", "customer": asset.customer_id, "location": asset.location,
            "install_date": asset.install_date or "", "acceptance_date": asset.acceptance_date or "",
            "notes": asset.notes, "version": asset.version}
    return {**form, **changes}


def test_the_edit_page_asks_a_reason_before_changing_the_acceptance_date(browse, world):
    """Warranty-defining data changes carry a reason (issue 6); the generic edit page
    (core.views.ServiceFormView) shows the service's refusal on the reason field and saves nothing."""
    client, asset = browse("desk"), world.asset_a
    response = client.post(f"/assets/{asset.pk}/edit/", _asset_form(asset, acceptance_date="2026-03-01"))
    assert response.status_code == 200 and "请填写变更原因。" in response.content.decode()
    assert Asset.objects.get(pk=asset.pk).acceptance_date == asset.acceptance_date
    response = client.post(f"/assets/{asset.pk}/edit/", _asset_form(asset, acceptance_date="2026-03-01",
                                                                       reason="验收单补录"))
    assert response.status_code == 302 and response["Location"] == asset.get_absolute_url()
    assert Asset.objects.get(pk=asset.pk).acceptance_date == dt.date(2026, 3, 1)


def test_a_stale_asset_edit_is_refused_with_the_conflict_message(browse, world):
    """A save based on an old version never overwrites (the API's 409; here the form says so)."""
    client, asset = browse("desk"), world.asset_a
    assert client.post(f"/assets/{asset.pk}/edit/", _asset_form(asset, location="二楼")).status_code == 302
    response = client.post(f"/assets/{asset.pk}/edit/", _asset_form(asset, location="三楼"))
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    assert Asset.objects.get(pk=asset.pk).location == "二楼"


def test_the_asset_pages_refuse_people_without_the_right_and_hide_other_tenants(browse, world):
    assert browse("customer_a").get("/assets/new/").status_code == 403
    assert browse("customer_a").get(f"/assets/{world.asset_a.pk}/edit/").status_code == 403
    assert browse("dealer_b").get(f"/assets/{world.asset_a.pk}/edit/").status_code == 404
    page = browse("dealer_a").get(f"/assets/new/?site={world.site_a.pk}").content.decode()
    assert f'value="{world.site_a.pk}" selected' in page  # the site to register a unit on, from the link
