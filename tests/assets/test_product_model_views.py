"""Product model pages (issue 10: the catalogue had only the admin): list, detail, create, edit —
permission-checked ("productmodel.change"), audited, in Chinese; a new default warranty needs a reason."""

from __future__ import annotations

import pytest

from shouhou.assets.models import ProductModel


def test_the_list_and_detail_show_the_catalogue_in_chinese(browse, world):
    page = browse("engineer").get("/assets/models/", {"q": "防火"}).content.decode()
    assert "产品型号" in page and "FM-100" in page and "默认保修期（月）" in page
    assert "新建产品型号" not in page  # an engineer reads the catalogue, never edits it
    detail = browse("desk").get(f"/assets/models/{world.door.pk}/").content.decode()
    assert "钢质防火门" in detail and "设备（2 台）" in detail and "编辑" in detail


def test_a_dealer_sees_the_count_of_its_own_units_only(browse, world):
    detail = browse("dealer_a").get(f"/assets/models/{world.door.pk}/").content.decode()
    assert "设备（1 台）" in detail and "FD-A-0001" in detail and "FD-B-0001" not in detail


def test_the_desk_creates_a_product_model_and_its_history_names_them(browse, world):
    response = browse("desk").post("/assets/models/new/", {
        "code": "FM-200", "name": "木质防火门", "category": "防火门", "default_warranty_months": 36})
    model = ProductModel.objects.get(code="FM-200")
    assert response.status_code == 302 and response["Location"] == f"/assets/models/{model.pk}/"
    assert model.history.get().history_user == world.desk


def test_a_new_default_warranty_needs_a_reason(browse, world):
    client = browse("desk")
    form = {"code": "FM-100", "name": "钢质防火门", "category": "防火门", "default_warranty_months": 36,
            "version": world.door.version}
    refused = client.post(f"/assets/models/{world.door.pk}/edit/", form)
    assert refused.status_code == 200 and "请填写变更原因。" in refused.content.decode()
    world.door.refresh_from_db()
    assert world.door.default_warranty_months == 24
    client.post(f"/assets/models/{world.door.pk}/edit/", {**form, "reason": "新合同条款"})
    world.door.refresh_from_db()
    assert world.door.default_warranty_months == 36
    assert world.door.history.latest().history_change_reason == "新合同条款"


@pytest.mark.parametrize("name", ["engineer", "dealer_a", "customer_a", "finance"])
def test_only_the_desk_roles_create_or_edit_product_models(browse, world, name):
    client = browse(name)
    assert client.get("/assets/models/new/").status_code == 403
    assert client.post(f"/assets/models/{world.door.pk}/edit/", {"code": "X", "name": "X",
                                                                  "default_warranty_months": 1}).status_code == 403
    world.door.refresh_from_db()
    assert world.door.code == "FM-100"
