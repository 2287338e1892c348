"""The site list (issue 10: every list exports to Excel, scoped and filtered like the list)."""

import io

from openpyxl import load_workbook


def test_the_site_list_is_scoped_and_links_its_filtered_export(browse, world):
    page = browse("dealer_a").get("/customers/sites/", {"q": "大厦"}).content.decode()
    assert "华东大厦一期" in page and "西岭医院门诊楼" not in page
    assert 'href="/data/export/sites.xlsx?q=%E5%A4%A7%E5%8E%A6"' in page and "从 Excel 导入" in page


def test_the_site_export_of_a_customer_user_holds_only_their_sites(browse):
    response = browse("customer_a").get("/data/export/sites.xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["华东大厦一期"]
    page = browse("customer_a").get("/customers/sites/").content.decode()
    assert "导出 Excel" in page and "从 Excel 导入" not in page  # customer users export, never import
