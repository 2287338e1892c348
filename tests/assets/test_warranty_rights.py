"""Warranty-defining data changes only by the roles that own it, with a reason (issue 6).

Found by trying: dealer staff moved an asset's acceptance date through the API and silently
extended its warranty by 17 months.  Install and acceptance dates (P8.3, P13.1), a product
model's default months and a contract's level and terms belong to the desk; every change names why.
"""

from __future__ import annotations

import datetime as dt

import pytest

from shouhou.assets import services
from shouhou.core.errors import REFUSED, ServiceError


def test_dealer_cannot_move_an_acceptance_date_to_extend_a_warranty(world, api_as):
    """Given dealer A's own customer's door (warranty to 2028-01-09), when dealer staff PATCH its
    acceptance date 17 months later, then 403 and the warranty is unchanged."""
    url = f"/api/v1/assets/{world.asset_a.pk}/"
    response = api_as("dealer_a").patch(url, {"acceptance_date": "2027-06-10", "reason": "客户要求", "version": 1},
                                        format="json")
    assert response.status_code == 403 and response.data["code"] == REFUSED
    world.asset_a.refresh_from_db()
    assert world.asset_a.acceptance_date == dt.date(2026, 1, 10) and world.asset_a.warranty_end == dt.date(2028, 1, 9)


def test_dealer_still_edits_the_rest_of_its_customers_units(world, api_as):
    url = f"/api/v1/assets/{world.asset_a.pk}/"
    response = api_as("dealer_a").patch(url, {"location": "三楼东侧", "acceptance_date": "2026-01-10", "version": 1},
                                        format="json")
    assert response.status_code == 200 and response.data["location"] == "三楼东侧"


def test_the_desk_changes_an_acceptance_date_only_with_a_reason_named_in_chinese(world, api_as):
    url = f"/api/v1/assets/{world.asset_a.pk}/"
    client = api_as("desk")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    missing = client.patch(url, {"acceptance_date": "2026-03-01", "version": 1}, format="json")
    assert missing.status_code == 400 and missing.data["code"] == "reason_required"
    assert "原因" in missing.data["reason"][0]
    done = client.patch(url, {"acceptance_date": "2026-03-01", "reason": "验收报告日期更正", "version": 1}, format="json")
    assert done.status_code == 200 and done.data["warranty_end"] == "2028-02-29"


def test_the_reason_is_handed_to_the_audit_history(world):
    """The contract with the audit trail: services set `_change_reason` before saving."""
    asset = services.update_asset(world.desk, world.asset_a, {"install_date": dt.date(2026, 1, 6)}, 1,
                                  reason="安装记录更正")
    assert asset._change_reason == "安装记录更正"


def test_a_product_models_default_warranty_changes_only_with_a_reason(world):
    with pytest.raises(ServiceError) as refused:
        services.update_product_model(world.desk, world.door, {"default_warranty_months": 36}, 1)
    assert refused.value.code == "reason_required"


def test_dealer_form_shows_the_dates_but_cannot_change_them(world):
    from django.test import Client

    browser = Client()
    browser.force_login(world.dealer_a)
    response = browser.post(f"/assets/{world.asset_a.pk}/edit/", {
        "serial_no": "FD-A-0001", "product_model": world.door.pk, "site": world.site_a.pk,
        "install_date": "2026-01-05", "acceptance_date": "2027-06-10", "version": 1})
    assert response.status_code == 302
    world.asset_a.refresh_from_db()
    assert world.asset_a.acceptance_date == dt.date(2026, 1, 10)
