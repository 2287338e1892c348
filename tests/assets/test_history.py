"""Issue 6: an asset's warranty-defining data (acceptance date, derived warranty dates, P8.3 / P13.1)
and the product catalogue keep an audit trail: one row per edit, with who and why."""

import datetime as dt

from shouhou.assets import services
from shouhou.assets.models import Asset, ProductModel


def test_an_acceptance_date_edit_and_the_warranty_it_moves_are_one_row(world):
    asset = Asset.objects.get(pk=world.asset_a.pk)
    before = asset.history.count()
    # the desk owns warranty-defining dates; a dealer may no longer move them (issue 6)
    services.update_asset(world.desk, asset, {"acceptance_date": dt.date(2026, 3, 1), "reason": "验收单补录"}, 1)
    assert asset.history.count() == before + 1
    row = asset.history.latest()
    assert (row.history_user, row.history_change_reason) == (world.desk, "验收单补录")
    assert (row.acceptance_date, row.warranty_end) == (dt.date(2026, 3, 1), dt.date(2028, 2, 29))


def test_the_asset_page_and_api_show_the_warranty_change(world, browse, api_as):
    asset = Asset.objects.get(pk=world.asset_a.pk)
    services.update_asset(world.desk, asset, {"acceptance_date": dt.date(2026, 3, 1)}, 1, reason="验收单补录")
    page = browse("customer_a").get(f"/assets/{asset.pk}/").content.decode()
    assert "验收日期：2026-01-10 → 2026-03-01" in page
    changes = api_as("customer_a").get(f"/api/v1/assets/{asset.pk}/history/").json()["results"][0]["changes"]
    assert {c["field"]: (c["old"], c["new"]) for c in changes}["warranty_end"] == ("2028-01-09", "2028-02-29")
    assert api_as("customer_b").get(f"/api/v1/assets/{asset.pk}/history/").status_code == 404


def test_a_new_unit_starts_its_history_with_its_derived_warranty(world):
    asset = services.create_asset(world.desk, {"serial_no": "SN-NEW", "product_model": world.door, "site": world.site_a,
                                               "acceptance_date": dt.date(2026, 5, 1)})
    rows = list(asset.history.all())
    assert [(r.history_type, r.history_user, r.warranty_end) for r in rows] == [
        ("+", world.desk, dt.date(2028, 4, 30))]


def test_product_model_changes_are_audited_and_readable_by_every_user(world, api_as):
    model = ProductModel.objects.get(pk=world.door.pk)
    services.update_product_model(world.desk, model, {"default_warranty_months": 36}, 1, reason="三包政策调整")
    entry = api_as("engineer").get(f"/api/v1/product-models/{model.pk}/history/").json()["results"][0]
    assert (entry["user"], entry["changes"][0]["field"], entry["changes"][0]["new"]) == (
        world.desk.pk, "default_warranty_months", "36")
