"""The lists' "export to Excel" links (issue 10): exactly the filtered rows the list shows, scoped
by the same function, phone numbers masked as the list masks them, every export logged."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from shouhou.core.models import ExportLog
from shouhou.customers.models import Customer


def cells(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))


def test_the_customer_list_links_to_its_export_with_the_same_filters(browse):
    page = browse("desk").get("/customers/", {"q": "华东"}).content.decode()
    assert 'href="/data/export/customers.xlsx?q=%E5%8D%8E%E4%B8%9C"' in page and "导出 Excel" in page


def test_the_export_holds_exactly_the_filtered_rows(browse):
    rows = cells(browse("desk").get("/data/export/customers.xlsx", {"q": "西岭"}))
    assert rows[0][:2] == ("客户编号", "客户名称") and [r[0] for r in rows[1:]] == ["C002"]


@pytest.mark.parametrize("kind", ["customers", "sites", "assets", "contracts", "tickets"])
def test_a_dealer_cannot_export_another_dealers_records(browse, kind):
    """Even asking for the other dealer's customer by filter, dealer A gets none of dealer B's rows."""
    client = browse("dealer_a")
    text = " ".join(str(c) for row in cells(client.get(f"/data/export/{kind}.xlsx")) for c in row if c)
    assert "西岭" not in text and "C002" not in text and "FD-B-0001" not in text
    filtered = cells(client.get("/data/export/customers.xlsx", {"q": "C002"}))
    assert filtered[1:] == []


def test_phone_numbers_are_masked_in_the_export_as_on_the_list(browse, world):
    Customer.objects.filter(pk=world.cust_a.pk).update(phone="13812345678")
    finance = cells(browse("finance").get("/data/export/customers.xlsx", {"q": "C001"}))
    assert finance[1][finance[0].index("电话")] == "138****5678"
    desk = cells(browse("desk").get("/data/export/customers.xlsx", {"q": "C001"}))
    assert desk[1][desk[0].index("电话")] == "13812345678"


def test_the_ticket_export_follows_the_ticket_lists_filter(browse, world):
    from shouhou.tickets.services import open_ticket

    open_ticket(world.desk, asset=world.asset_a, title="门闭合器漏油", description="三楼")
    open_ticket(world.desk, asset=world.asset_b, title="门框变形", description="门诊楼")
    rows = cells(browse("desk").get("/data/export/tickets.xlsx", {"customer": world.cust_b.pk}))
    assert [r[1] for r in rows[1:]] == ["门框变形"]


def test_every_web_export_is_logged_with_its_filters(browse, world):
    browse("desk").get("/data/export/assets.xlsx", {"q": "FD-A"})
    log = ExportLog.objects.get()
    assert (log.user, log.channel, log.model, log.row_count, log.filters["q"]) == (
        world.desk, "web", "assets.asset", 1, "FD-A")


def test_an_unknown_kind_is_404(browse):
    assert browse("desk").get("/data/export/secrets.xlsx").status_code == 404
