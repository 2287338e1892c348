"""The import page and `POST /api/v1/imports/` (issue 10): a dry run listing bad rows by line and
column, then an all-or-nothing, audited, idempotent apply that creates or updates by key."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from shouhou.core.models import ImportLog
from shouhou.customers.models import Contact, Customer

CUSTOMER_HEADER = ["客户编号", "客户名称", "电话", "地址"]


def xlsx(header, rows) -> bytes:
    workbook = Workbook()
    for row in [header, *rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")



def dry_run(client, kind, data, **extra):
    return client.post("/data/import/", {"kind": kind, "file": upload(f"{kind}.xlsx", data), **extra})


def test_dry_run_names_line_3s_bad_phone_column_and_saves_nothing(browse):
    """Given a file whose line 3 has letters in 电话, the dry run lists line 3, column 电话, the
    value, and writes nothing; no confirm button is offered."""
    data = xlsx(CUSTOMER_HEADER, [["C100", "东方商场", "021-61234567", "南京路"],
                                  ["C101", "北方仓库", "call me", "天津"]])
    response = dry_run(browse("desk"), "customers", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<tr class="bad-row"><td>3</td><td>电话</td><td>不是电话号码：call me</td></tr>' in page
    assert "确认导入" not in page
    assert not Customer.objects.filter(code__in=["C100", "C101"]).exists()


def test_dry_run_lists_rows_to_create_and_update_then_confirm_applies_them(browse, world):
    client = browse("desk")
    data = xlsx(CUSTOMER_HEADER, [["C001", "华东大厦", "13812345678", "上海市"], ["C100", "东方商场", "", ""]])
    page = dry_run(client, "customers", data).content.decode()
    assert "待新建：1；待更新：1；无变化：0；有错误的行：0。" in page and "确认导入" in page
    assert not Customer.objects.filter(code="C100").exists()  # the dry run wrote nothing
    response = client.post("/data/import/confirm/")
    assert response.status_code == 302
    world.cust_a.refresh_from_db()
    assert (world.cust_a.phone, world.cust_a.address) == ("13812345678", "上海市")
    assert Customer.objects.get(code="C100").name == "东方商场"
    log = ImportLog.objects.get()
    assert (log.kind, log.user, log.created, log.updated, log.channel) == ("customers", world.desk, 1, 1, "web")
    # audited: the update is in the customer's history, by the importing user
    assert world.cust_a.history.latest().history_user == world.desk


def test_re_uploading_the_same_file_updates_by_key_and_never_duplicates(browse):
    client = browse("desk")
    data = xlsx(["客户编号", "姓名", "电话", "主要联系人"], [["C001", "王经理", "13900001111", "是"]])
    dry_run(client, "contacts", data)
    client.post("/data/import/confirm/")
    page = dry_run(client, "contacts", data).content.decode()
    assert "待新建：0；待更新：0；无变化：1" in page
    changed = xlsx(["客户编号", "姓名", "电话"], [["C001", "王经理", "13900002222"]])
    dry_run(client, "contacts", changed)
    client.post("/data/import/confirm/")
    assert list(Contact.objects.values_list("name", "phone")) == [("王经理", "13900002222")]


def test_apply_is_all_or_nothing_when_a_row_turned_bad_after_the_dry_run(browse, world):
    """The confirm runs the file again in one transaction: a row that became bad since the dry run
    (its site's customer was removed from the file's reach) stops every row."""
    client = browse("desk")
    data = xlsx(["客户编号", "项目名称"], [["C001", "华东大厦二期"], ["C002", "西岭医院新楼"]])
    assert "确认导入" in dry_run(client, "sites", data).content.decode()
    Customer.objects.filter(code="C002").update(code="C002-OLD")
    response = client.post("/data/import/confirm/")
    assert response.status_code == 400 and "未导入任何数据" in response.content.decode()
    assert not world.cust_a.sites.filter(name="华东大厦二期").exists()
    assert not ImportLog.objects.exists()


def test_a_dealer_imports_only_into_its_own_customers(browse, world):
    data = xlsx(["客户编号", "项目名称"], [["C001", "东风新项目"], ["C002", "偷偷建的项目"]])
    page = dry_run(browse("dealer_a"), "sites", data).content.decode()
    assert '<tr class="bad-row"><td>3</td><td>客户编号</td>' in page


@pytest.mark.parametrize("name", ["customer_a", "engineer"])
def test_users_without_the_import_right_get_403(browse, name):
    client = browse(name)
    assert client.get("/data/import/").status_code == 403
    data = xlsx(CUSTOMER_HEADER, [["C100", "东方商场", "", ""]])
    assert dry_run(client, "customers", data).status_code == 403
    assert client.get("/data/import/customers/template.xlsx").status_code == 403
    assert not Customer.objects.filter(code="C100").exists()


def test_the_template_has_the_chinese_headers_with_required_ones_marked(browse):
    response = browse("desk").get("/data/import/assets/template.xlsx")
    header = next(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert header[:3] == ("序列号*", "合格证号", "产品型号*") and "保修截止" not in header


def test_the_template_imports_back_once_filled(browse, world):
    client = browse("desk")
    template = load_workbook(io.BytesIO(b"".join(client.get("/data/import/sites/template.xlsx").streaming_content)))
    header = list(next(template.active.iter_rows(values_only=True)))
    row = ["" for _ in header]
    row[header.index("客户编号*")], row[header.index("项目名称*")] = "C001", "华东大厦三期"
    dry_run(client, "sites", xlsx(header, [row]))
    client.post("/data/import/confirm/")
    assert world.cust_a.sites.filter(name="华东大厦三期").exists()


def test_a_warranty_date_changed_by_import_needs_the_reason(browse, world):
    client = browse("desk")
    data = xlsx(["序列号", "产品型号", "客户编号", "验收日期"], [["FD-A-0001", "FM-100", "C001", "2026-02-01"]])
    page = dry_run(client, "assets", data).content.decode()
    assert "<td>2</td><td>变更原因</td>" in page
    page = dry_run(client, "assets", data, reason="验收单补录").content.decode()
    assert "待更新：1" in page and "验收日期" in page


# --- the API ---------------------------------------------------------------------------------

def test_api_dry_run_reports_bad_rows_and_saves_nothing(api_as):
    data = xlsx([*CUSTOMER_HEADER, "经销商"], [["C100", "东方商场", "", "", ""], ["C101", "北方仓库", "x1", "", "无此经销"]])
    response = api_as("desk").post("/api/v1/imports/", {"kind": "customers", "file": upload("c.xlsx", data)},
                                   format="multipart")
    assert response.status_code == 400
    assert {(e["line"], e["column"]) for e in response.json()["errors"]} == {(3, "经销商"), (3, "电话")}
    assert not Customer.objects.filter(code="C100").exists()


def test_api_applies_a_clean_file_and_is_idempotent(api_as):
    data = xlsx(CUSTOMER_HEADER, [["C100", "东方商场", "", ""]])
    client = api_as("desk")
    first = client.post("/api/v1/imports/", {"kind": "customers", "file": upload("c.xlsx", data), "dry_run": "false"},
                        format="multipart")
    assert first.status_code == 201 and [r["line"] for r in first.json()["created"]] == [2]
    again = client.post("/api/v1/imports/", {"kind": "customers", "file": upload("c.xlsx", data), "dry_run": "false"},
                        format="multipart")
    assert again.status_code == 201 and again.json()["created"] == [] and len(again.json()["unchanged"]) == 1
    assert Customer.objects.filter(code="C100").count() == 1


def test_api_refuses_a_customer_user(api_as):
    data = xlsx(CUSTOMER_HEADER, [["C100", "东方商场", "", ""]])
    response = api_as("customer_a").post("/api/v1/imports/", {"kind": "customers", "file": upload("c.xlsx", data)},
                                         format="multipart")
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"
