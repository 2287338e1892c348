"""Contract pages: list and detail (covered sites and units, level, warranty rule); desk-only edits."""


from shouhou.contracts.models import Contract


def test_contract_detail_shows_level_rule_and_covered_units(browse, world):
    page = browse("dealer_a").get(f"/contracts/{world.contract_a.pk}/").content.decode()
    assert all(text in page for text in ("HT-2026-001", "A 级", "自验收签字之日起", "FD-A-0001", "24 个月"))


def test_other_dealer_gets_404_and_empty_list(browse, world):
    assert browse("dealer_b").get(f"/contracts/{world.contract_a.pk}/").status_code == 404
    assert "HT-2026-001" not in browse("dealer_b").get("/contracts/").content.decode()


def test_only_desk_roles_edit_contracts(browse, world):
    assert browse("dealer_a").get("/contracts/new/").status_code == 403
    response = browse("desk").post(f"/contracts/{world.contract_a.pk}/edit/", {
        "number": "HT-2026-001", "title": "华东大厦维保", "service_level": "B", "warranty_months": 12,
        "warranty_start_rule": "day_after_acceptance", "start_date": "2026-01-01", "assets": [world.asset_a.pk],
        "version": 1, "reason": "续签：等级与保修期调整"})
    assert response.status_code == 302
    world.asset_a.refresh_from_db()
    assert str(world.asset_a.warranty_start) == "2026-01-11"
    assert Contract.objects.get(pk=world.contract_a.pk).version == 2


def test_contract_list_query_count_is_constant(browse, world, django_assert_max_num_queries):
    import datetime as dt

    Contract.objects.bulk_create(Contract(number=f"N{i}", title="t", customer=world.cust_a,
                                          start_date=dt.date(2026, 1, 1)) for i in range(40))
    client = browse("desk")
    with django_assert_max_num_queries(8):
        assert client.get("/contracts/").status_code == 200
