"""Asset services: customer derived from the site, warranty derived from acceptance (P8.3, P13.1)."""

import datetime as dt

import pytest

from shouhou.assets import services
from shouhou.assets.models import Asset
from shouhou.assets.warranty import FROM_ACCEPTANCE, FROM_DAY_AFTER_ACCEPTANCE, add_months, warranty_period
from shouhou.core.errors import ConflictError, ServiceError


def test_customer_is_derived_from_the_site(world):
    asset = services.create_asset(world.desk, {"serial_no": "SN-1", "product_model": world.door, "site": world.site_a})
    assert asset.customer == world.cust_a


def test_site_of_another_customer_is_refused(world):
    with pytest.raises(ServiceError) as exc:
        services.create_asset(world.desk, {"serial_no": "SN-2", "product_model": world.door,
                                           "site": world.site_b, "customer": world.cust_a})
    assert exc.value.field == "site"
    assert not Asset.objects.filter(serial_no="SN-2").exists()


def test_unit_without_site_needs_a_customer(world):
    with pytest.raises(ServiceError) as exc:
        services.create_asset(world.desk, {"serial_no": "SN-3", "product_model": world.door})
    assert exc.value.field == "customer"


def test_dealer_cannot_register_unit_on_another_dealers_site_P6_1(world):
    with pytest.raises(ServiceError) as exc:
        services.create_asset(world.dealer_a, {"serial_no": "SN-4", "product_model": world.door, "site": world.site_b})
    assert exc.value.field == "site"
    asset = services.create_asset(world.dealer_a, {"serial_no": "SN-4", "product_model": world.door,
                                                   "site": world.site_a})
    assert asset.customer == world.cust_a


def test_unit_without_contract_falls_back_to_product_default_from_acceptance(world):
    """Given no contract covers the unit, the product model's 24 months count from acceptance."""
    asset = services.create_asset(world.desk, {"serial_no": "SN-5", "product_model": world.door,
                                               "customer": world.cust_b, "acceptance_date": dt.date(2026, 3, 1)})
    assert (asset.warranty_start, asset.warranty_end) == (dt.date(2026, 3, 1), dt.date(2028, 2, 29))


def test_acceptance_change_re_derives_warranty_and_bumps_version_once(world):
    asset = services.create_asset(world.desk, {"serial_no": "SN-6", "product_model": world.door,
                                               "customer": world.cust_b})
    assert asset.warranty_start is None
    asset = services.update_asset(world.desk, asset, {"acceptance_date": dt.date(2026, 5, 10)}, 1,
                                  reason="验收报告日期更正")
    stored = Asset.objects.get(pk=asset.pk)
    assert (stored.warranty_start, stored.warranty_end, stored.version) == (
        dt.date(2026, 5, 10), dt.date(2028, 5, 9), 2)
    with pytest.raises(ConflictError):
        services.update_asset(world.desk, stored, {"notes": "x"}, 1)


def test_acceptance_before_installation_is_refused(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.update_asset(world.desk, world.asset_a, {"acceptance_date": dt.date(2026, 1, 1)}, 1,
                              reason="更正")
    assert "acceptance_date" in exc.value.message_dict


@pytest.mark.parametrize(("acceptance", "months", "rule", "expected"), [
    (dt.date(2026, 1, 10), 12, FROM_DAY_AFTER_ACCEPTANCE, (dt.date(2026, 1, 11), dt.date(2027, 1, 10))),  # P8.3
    (dt.date(2026, 1, 10), 24, FROM_ACCEPTANCE, (dt.date(2026, 1, 10), dt.date(2028, 1, 9))),  # P13.1
    (dt.date(2026, 1, 31), 1, FROM_ACCEPTANCE, (dt.date(2026, 1, 31), dt.date(2026, 2, 27))),  # month-end clamp
    (dt.date(2026, 1, 30), 1, FROM_DAY_AFTER_ACCEPTANCE, (dt.date(2026, 1, 31), dt.date(2026, 2, 27))),
    (dt.date(2027, 12, 31), 2, FROM_ACCEPTANCE, (dt.date(2027, 12, 31), dt.date(2028, 2, 28))),  # leap year
])
def test_warranty_period_P8_3_vs_P13_1_with_month_end_clamping(acceptance, months, rule, expected):
    assert warranty_period(acceptance, months, rule) == expected


def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 8, 31), 1) == dt.date(2026, 9, 30)
