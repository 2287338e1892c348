"""Contract services: coverage and the warranty terms a contract gives its units (P8.3, P13.1)."""

import datetime as dt

import pytest

from shouhou.assets import services as asset_services
from shouhou.assets.models import Asset
from shouhou.contracts import services
from shouhou.contracts.choices import WarrantyStartRule
from shouhou.core.errors import ConflictError, PermissionDeniedError, ServiceError


def contract_data(world, **extra):
    data = {"number": "HT-9", "title": "维保", "customer": world.cust_a, "service_level": "B",
            "warranty_months": 12, "warranty_start_rule": WarrantyStartRule.DAY_AFTER_ACCEPTANCE,
            "start_date": dt.date(2026, 1, 1)}
    return {**data, **extra}


def test_contract_covering_site_derives_warranty_from_day_after_acceptance_P8_3(world):
    """Given a one-year P8.3 contract on the site, the unit's warranty starts the day after acceptance."""
    world.contract_a.assets.clear()  # the fixture's contract names the unit itself, which would win
    services.create_contract(world.desk, contract_data(world, sites=[world.site_a]))
    world.asset_a.refresh_from_db()
    assert (world.asset_a.warranty_start, world.asset_a.warranty_end) == (dt.date(2026, 1, 11), dt.date(2027, 1, 10))


def test_contract_from_acceptance_P13_1(world):
    asset = asset_services.create_asset(world.desk, {"serial_no": "SN-1", "product_model": world.door,
                                                     "site": world.site_a, "acceptance_date": dt.date(2026, 2, 28)})
    services.create_contract(world.desk, contract_data(world, warranty_months=24, assets=[asset],
                                                       warranty_start_rule=WarrantyStartRule.ACCEPTANCE))
    asset.refresh_from_db()
    assert (asset.warranty_start, asset.warranty_end) == (dt.date(2026, 2, 28), dt.date(2028, 2, 27))


def test_direct_coverage_beats_site_coverage_and_removal_falls_back(world):
    site_contract = services.create_contract(world.desk, contract_data(world, number="HT-S", sites=[world.site_a]))
    direct = services.create_contract(world.desk, contract_data(
        world, number="HT-D", warranty_months=36, warranty_start_rule=WarrantyStartRule.ACCEPTANCE,
        assets=[world.asset_a], start_date=dt.date(2026, 6, 1)))
    world.asset_a.refresh_from_db()
    assert world.asset_a.warranty_end == dt.date(2029, 1, 9)
    services.update_contract(world.desk, direct, {"assets": []}, direct.version, reason="设备移出合同")
    world.asset_a.contracts.remove(world.contract_a)  # the fixture's contract covers it directly too
    services.refresh_warranty(site_contract)
    world.asset_a.refresh_from_db()
    assert world.asset_a.warranty_end == dt.date(2027, 1, 10)


def test_contract_update_re_derives_and_stale_version_conflicts(world):
    contract = services.create_contract(world.desk, contract_data(world, assets=[world.asset_a]))
    services.update_contract(world.desk, contract, {"warranty_months": 6}, 1, reason="补充协议")
    world.asset_a.refresh_from_db()
    assert world.asset_a.warranty_end == dt.date(2026, 7, 10)
    with pytest.raises(ConflictError):
        services.update_contract(world.dispatcher, contract, {"warranty_months": 7}, 1, reason="补充协议")


def test_uncovered_asset_falls_back_after_contract_loses_it(world):
    contract = services.create_contract(world.desk, contract_data(world, number="HT-X", assets=[world.asset_a]))
    world.asset_a.contracts.remove(world.contract_a)
    services.update_contract(world.desk, contract, {"assets": []}, contract.version, reason="设备移出合同")
    asset = Asset.objects.get(pk=world.asset_a.pk)
    assert (asset.warranty_start, asset.warranty_end) == (dt.date(2026, 1, 10), dt.date(2028, 1, 9))


def test_covered_units_must_belong_to_the_contracts_customer(world):
    with pytest.raises(ServiceError) as exc:
        services.create_contract(world.desk, contract_data(world, assets=[world.asset_b]))
    assert exc.value.field == "assets"
    with pytest.raises(ServiceError) as exc:
        services.create_contract(world.desk, contract_data(world, sites=[world.site_b]))
    assert exc.value.field == "sites"


def test_only_desk_roles_write_contracts(world):
    with pytest.raises(PermissionDeniedError):
        services.create_contract(world.dealer_a, contract_data(world))


def test_end_before_start_is_refused(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.create_contract(world.desk, contract_data(world, end_date=dt.date(2025, 1, 1)))
