"""Issue 6, done-when: an edit of a contract's service level is visible in its history with who and
why — on the contract's page and through GET /api/v1/contracts/{id}/history/.  Coverage changes
and the warranty dates they move are audited too (P8.3, P13.1: warranty-defining data)."""

from django.test import Client

from shouhou.contracts import services
from shouhou.contracts.models import Contract

EDIT = {"number": "HT-2026-001", "title": "华东大厦维保", "warranty_months": 24, "warranty_start_rule": "acceptance",
        "start_date": "2026-01-01"}


def test_service_level_edit_on_the_page_shows_in_its_history_with_who_and_why(browse, world):
    client = browse("desk")
    response = client.post(f"/contracts/{world.contract_a.pk}/edit/", {
        **EDIT, "service_level": "B", "assets": [world.asset_a.pk], "version": 1,
        "reason": "客户续签，降为 B 级服务"})
    assert response.status_code == 302
    page = browse("dealer_a").get(f"/contracts/{world.contract_a.pk}/").content.decode()
    assert "变更记录" in page
    assert "服务等级：A 级 → B 级" in page
    assert "小王" in page  # the desk user who edited
    assert "客户续签，降为 B 级服务" in page


def test_the_edit_form_offers_an_optional_reason(browse, world):
    page = browse("desk").get(f"/contracts/{world.contract_a.pk}/edit/").content.decode()
    assert 'name="reason"' in page
    assert 'name="reason"' not in browse("desk").get("/contracts/new/").content.decode()


def test_service_level_edit_through_the_api_is_in_its_history_with_who_and_why(api_as, world):
    url = f"/api/v1/contracts/{world.contract_a.pk}/"
    response = api_as("desk").patch(url, {"service_level": "C", "version": 1, "reason": "合同变更单 2026-07"},
                                    format="json")
    assert response.status_code == 200, response.content
    assert "reason" not in response.json()  # write-only
    history = api_as("dealer_a").get(url + "history/")
    assert history.status_code == 200
    newest = history.json()["results"][0]
    assert newest["action"] == "changed"
    assert (newest["user"], newest["user_name"], newest["reason"]) == (world.desk.pk, "小王", "合同变更单 2026-07")
    change = next(c for c in newest["changes"] if c["field"] == "service_level")
    assert (change["old"], change["new"], change["old_display"], change["new_display"]) == ("A", "C", "A 级", "C 级")
    assert change["label"] == "服务等级"


def test_history_is_scoped_like_the_contract(api_as, browse, world):
    services.update_contract(world.desk, world.contract_a, {"service_level": "B"}, 1, reason="续签")
    assert api_as("dealer_b").get(f"/api/v1/contracts/{world.contract_a.pk}/history/").status_code == 404
    assert api_as("customer_b").get(f"/api/v1/contracts/{world.contract_a.pk}/history/").status_code == 404
    assert api_as("customer_a").get(f"/api/v1/contracts/{world.contract_a.pk}/history/").status_code == 200


def test_fields_and_coverage_of_one_edit_are_one_history_row(world):
    contract = Contract.objects.get(pk=world.contract_a.pk)
    before = contract.history.count()
    services.update_contract(world.desk, contract, {"service_level": "B", "sites": [world.site_a]}, 1,
                             reason="补充协议")
    assert contract.history.count() == before + 1
    row = contract.history.latest()
    assert row.history_user == world.desk
    assert {r.site_id for r in row.sites.all()} == {world.site_a.pk}


def test_a_contract_created_through_the_service_starts_its_history_with_its_coverage(world):
    contract = services.create_contract(world.desk, {
        "number": "HT-2026-009", "title": "西岭医院维保", "customer": world.cust_b, "service_level": "A",
        "start_date": "2026-02-01", "assets": [world.asset_b]})
    rows = list(contract.history.all())
    assert [r.history_type for r in rows] == ["+"]
    assert rows[0].history_user == world.desk
    assert [r.asset_id for r in rows[0].assets.all()] == [world.asset_b.pk]


def test_warranty_dates_a_contract_moves_are_in_each_units_history(world):
    asset = world.asset_a
    services.update_contract(world.desk, world.contract_a, {"warranty_months": 36}, 1, reason="延保协议")
    row = asset.history.latest()
    assert row.history_user == world.desk
    assert str(row.warranty_end) == "2029-01-09"
    assert "HT-2026-001" in row.history_change_reason


def test_an_admin_edit_is_one_row_and_the_admin_shows_the_history(world):
    client = Client()
    client.force_login(world.admin)
    contract = world.contract_a
    before = contract.history.count()
    response = client.post(f"/admin/contracts/contract/{contract.pk}/change/", {
        "number": contract.number, "title": contract.title, "customer": world.cust_a.pk, "service_level": "C",
        "warranty_months": 24, "warranty_start_rule": "acceptance", "warranty_terms": "", "start_date": "2026-01-01",
        "sites": [world.site_a.pk], "assets": [world.asset_a.pk], "change_reason": "补签一期项目"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert contract.history.count() == before + 1
    row = contract.history.latest()
    assert (row.history_user, row.service_level, [s.site_id for s in row.sites.all()]) == (world.admin, "C",
                                                                                          [world.site_a.pk])
    assert row.history_change_reason == "补签一期项目"
    change_page = client.get(f"/admin/contracts/contract/{contract.pk}/change/").content.decode()
    assert f"/admin/contracts/contract/{contract.pk}/history/" in change_page
    assert client.get(f"/admin/contracts/contract/{contract.pk}/history/").status_code == 200
