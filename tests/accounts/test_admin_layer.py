"""Django admin asks the permission layer, and its saves of warranty-defining data go through the
services with the same required reason as the web UI and the API (issue 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from shouhou.accounts import permissions
from shouhou.accounts.choices import Role
from tests.conftest import make_user

REASON_REQUIRED = "请填写变更原因。"


@pytest.fixture
def admin_client(world):
    client = Client()
    client.force_login(world.admin)
    return client


def _asset_form(world, **changes):
    asset = world.asset_a
    data = {"serial_no": asset.serial_no, "certificate_no": asset.certificate_no, "product_model": world.door.pk,
            "customer": world.cust_a.pk, "site": world.site_a.pk, "location": "", "install_date": "2026-01-05",
            "acceptance_date": "2026-01-10", "notes": "", "change_reason": ""}
    return {**data, **changes}


def test_an_admin_edit_of_an_acceptance_date_needs_a_reason_like_the_api(world, admin_client):
    url = f"/admin/assets/asset/{world.asset_a.pk}/change/"
    refused = admin_client.post(url, _asset_form(world, acceptance_date="2027-06-10"))
    assert refused.status_code == 200 and REASON_REQUIRED in refused.content.decode()
    world.asset_a.refresh_from_db()
    assert world.asset_a.acceptance_date == dt.date(2026, 1, 10) and world.asset_a.warranty_end == dt.date(2028, 1, 9)
    done = admin_client.post(url, _asset_form(world, acceptance_date="2026-02-01", change_reason="验收报告日期更正"))
    assert done.status_code == 302
    world.asset_a.refresh_from_db()
    assert world.asset_a.acceptance_date == dt.date(2026, 2, 1)
    assert world.asset_a.history.filter(history_change_reason="验收报告日期更正", history_user=world.admin).exists()


def test_an_admin_edit_of_other_asset_fields_needs_no_reason(world, admin_client):
    response = admin_client.post(f"/admin/assets/asset/{world.asset_a.pk}/change/",
                                 _asset_form(world, location="三楼东侧"))
    assert response.status_code == 302
    world.asset_a.refresh_from_db()
    assert world.asset_a.location == "三楼东侧" and world.asset_a.version == 2


def _contract_form(world, **changes):
    contract = world.contract_a
    data = {"number": contract.number, "title": contract.title, "customer": world.cust_a.pk, "service_level": "A",
            "warranty_months": 24, "warranty_start_rule": "acceptance", "warranty_terms": "",
            "start_date": "2026-01-01", "end_date": "", "sites": [], "assets": [world.asset_a.pk], "change_reason": ""}
    return {**data, **changes}


@pytest.mark.parametrize("change", [{"service_level": "C"}, {"warranty_months": 60}, {"assets": []},
                                    {"sites": "SITE"}], ids=["level", "months", "coverage-out", "coverage-in"])
def test_an_admin_edit_of_a_contracts_terms_or_coverage_needs_a_reason(world, admin_client, change):
    change = {k: [world.site_a.pk] if v == "SITE" else v for k, v in change.items()}
    url = f"/admin/contracts/contract/{world.contract_a.pk}/change/"
    refused = admin_client.post(url, _contract_form(world, **change))
    assert refused.status_code == 200 and REASON_REQUIRED in refused.content.decode()
    world.contract_a.refresh_from_db()
    assert (world.contract_a.service_level, world.contract_a.warranty_months) == ("A", 24)
    assert list(world.contract_a.assets.all()) == [world.asset_a] and not world.contract_a.sites.exists()
    assert admin_client.post(url, _contract_form(world, **change, change_reason="合同补充协议")).status_code == 302


def test_an_admin_edit_of_a_product_models_default_warranty_needs_a_reason(world, admin_client):
    url = f"/admin/assets/productmodel/{world.door.pk}/change/"
    form = {"code": world.door.code, "name": world.door.name, "category": world.door.category,
            "default_warranty_months": 36, "change_reason": ""}
    refused = admin_client.post(url, form)
    assert refused.status_code == 200 and REASON_REQUIRED in refused.content.decode()
    world.door.refresh_from_db()
    assert world.door.default_warranty_months == 24


def test_admin_rights_are_the_layers_actions(world, admin_client, monkeypatch):
    """The administrator's row decides what the admin allows (superusers have that row)."""
    url = f"/admin/customers/customer/{world.cust_a.pk}/change/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.get("/admin/accounts/user/").status_code == 200
    monkeypatch.delitem(permissions.RIGHTS[Role.ADMIN], "accounts.manage")
    monkeypatch.delitem(permissions.RIGHTS[Role.ADMIN], "customer.change")
    assert admin_client.get("/admin/accounts/user/").status_code == 403
    page = admin_client.get(url)  # view only: no save button, and a post is refused
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.post(url, {"code": "C001", "name": "改名"}).status_code == 403


def test_admin_lists_are_each_models_visible_to(world):
    """A dealer's staff member with admin access sees his dealer's customers only."""
    dealer = make_user("dealer_staffer", Role.DEALER_STAFF, world.dealer_org_a, is_staff=True)
    client = Client()
    client.force_login(dealer)
    page = client.get("/admin/customers/customer/").content.decode()
    assert world.cust_a.name in page and world.cust_b.name not in page
    assert client.get(f"/admin/customers/customer/{world.cust_b.pk}/change/").status_code == 302  # not found
    assert client.get("/admin/accounts/user/").status_code == 403


def test_an_admin_without_the_warranty_right_cannot_move_an_acceptance_date(world):
    """Dealer staff edit their customers' units but not what defines the warranty, in the admin too."""
    dealer = make_user("dealer_staffer", Role.DEALER_STAFF, world.dealer_org_a, is_staff=True)
    client = Client()
    client.force_login(dealer)
    response = client.post(f"/admin/assets/asset/{world.asset_a.pk}/change/",
                           _asset_form(world, acceptance_date="2027-06-10", change_reason="延长保修"))
    assert response.status_code == 200 and "您无权修改保修相关数据。" in response.content.decode()
    world.asset_a.refresh_from_db()
    assert world.asset_a.acceptance_date == dt.date(2026, 1, 10)


def test_adding_a_unit_and_a_contract_in_the_admin_goes_through_the_services(world, admin_client):
    """Created through assets/contracts services: warranty dates derived, one history row each."""
    from shouhou.assets.models import Asset
    from shouhou.contracts.models import Contract

    response = admin_client.post("/admin/assets/asset/add/", {
        "serial_no": "FD-A-0002", "certificate_no": "", "product_model": world.door.pk, "customer": world.cust_a.pk,
        "site": world.site_a.pk, "location": "", "install_date": "", "acceptance_date": "2026-03-01", "notes": ""})
    assert response.status_code == 302, response.content.decode()[:1500]
    unit = Asset.objects.get(serial_no="FD-A-0002")
    assert unit.warranty_end == dt.date(2028, 2, 29) and unit.history.count() == 1
    response = admin_client.post("/admin/contracts/contract/add/", {
        "number": "HT-2026-009", "title": "二期维保", "customer": world.cust_a.pk, "service_level": "B",
        "warranty_months": 36, "warranty_start_rule": "acceptance", "warranty_terms": "", "start_date": "2026-01-01",
        "end_date": "", "sites": [], "assets": [unit.pk]})
    assert response.status_code == 302, response.content.decode()[:1500]
    unit.refresh_from_db()
    assert Contract.objects.get(number="HT-2026-009").assets.get() == unit and unit.warranty_end == dt.date(2029, 2, 28)


def test_inlines_follow_the_rights_of_their_page(world, monkeypatch, admin_client):
    url = f"/admin/customers/customer/{world.cust_a.pk}/change/"
    dealer = make_user("dealer_staffer", Role.DEALER_STAFF, world.dealer_org_a, is_staff=True)
    client = Client()
    client.force_login(dealer)
    assert "id_sites-TOTAL_FORMS" in client.get(url).content.decode()  # his customer: sites editable inline
    monkeypatch.delitem(permissions.RIGHTS[Role.ADMIN], "customer.change")
    page = admin_client.get(url).content.decode()
    assert world.site_a.name in page and 'name="sites-0-name"' not in page  # shown, not editable


def test_a_refusal_by_the_service_is_shown_in_the_admin_and_nothing_is_saved(world, admin_client):
    """The form cannot foresee every rule: "a contract cannot move to another customer" comes from
    contracts.services, inside the admin's transaction."""
    url = f"/admin/contracts/contract/{world.contract_a.pk}/change/"
    response = admin_client.post(url, _contract_form(world, customer=world.cust_b.pk, title="改到西岭"),
                                 follow=True)
    assert response.status_code == 200 and "合同不能转移到其他客户名下" in response.content.decode()
    world.contract_a.refresh_from_db()
    assert world.contract_a.customer == world.cust_a and world.contract_a.title == "华东大厦维保"
