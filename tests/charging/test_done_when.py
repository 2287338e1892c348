"""Issue 11, "Done when" (first slice): on a ticket for an out-of-warranty unit the engineer records
two parts from the catalogue, priced by the contract's rule (80 % of list, a night surcharge on a
make-up Saturday), the customer accepts the quote and gets a receipt PDF in Chinese; on an
in-warranty ticket the same parts are free and the reason names the rule.  Browser and API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from shouhou.charging import services
from shouhou.charging.models import ChargeEntry, Quote
from shouhou.core.documents.testing import glyph_problems, pdf_text

from .conftest import report

D = Decimal
pytestmark = pytest.mark.django_db

# The receipt as a reader sees it (line breaks inside table cells depend on the layout, so the
# comparison ignores whitespace): every line with the rule and the price list version that priced
# it, the VAT rate and the VAT inside it, the total, and the total in capital numerals.
RECEIPT_TEXT = """
售后服务 收据 收据编号：SJ{n:08d}
客户： 华东大厦 工单： SR{t:08d}
设备： FD-A-0009 确认时间： 2026年2月14日 22:30
保修判定： 不在保 收费规则： 华东大厦维保收费规则
原因 保修期已于 2021-12-31 结束：按收费规则收费。
明细（含税） 项目 收费规则 数量 单价 税率 税额 金额
液压闭门器 价目表价 150.00 的 80%（统一价目表，第 1 版） 1 ¥120.00 13% ¥13.81 ¥120.00
不锈钢合页 价目表价 45.50 的 80%（统一价目表，第 1 版） 2 ¥36.40 13% ¥8.38 ¥72.80
人工 按费率计（收费规则：华东大厦维保收费规则） 1.5 ¥80.00 13% ¥13.81 ¥120.00
夜间加收 人工费的 50%（收费规则：华东大厦维保收费规则） 1 ¥60.00 13% ¥6.90 ¥60.00
合计 ¥372.80
合计（大写）： 叁佰柒拾贰元捌角整 其中税额： ¥42.90
第 1 页，共 1 页
"""


def squeezed(text: str) -> str:
    return "".join(text.split())


def quote_for(world, ticket, parts):
    return services.create_quote(world.engineer, ticket, lines=[
        {"kind": "parts", "part": parts["BM-60"], "quantity": 1},
        {"kind": "parts", "part": parts["HY-304"], "quantity": 2},
        {"kind": "labour", "quantity": D("1.5")},
    ])


def test_out_of_warranty_parts_at_80_percent_with_a_night_surcharge_on_a_make_up_saturday(
        world, clock, rule, old_asset, parts):
    ticket = report(world, old_asset)
    assert ticket.entitlement.status == "uncovered"
    assert ticket.entitlement.reason == "保修期已于 2021-12-31 结束：按收费规则收费。"
    quote = quote_for(world, ticket, parts)
    lines = [(x.description, x.unit_price, x.amount, x.tax, x.basis) for x in quote.lines.order_by("derived", "position")]
    assert lines == [
        ("液压闭门器", D("120.00"), D("120.00"), D("13.81"), "list_percent"),
        ("不锈钢合页", D("36.40"), D("72.80"), D("8.38"), "list_percent"),
        ("人工", D("80.00"), D("120.00"), D("13.81"), "rate"),
        ("夜间加收", D("60.00"), D("60.00"), D("6.90"), "rate"),  # 50 % of labour; a make-up day is no rest day
    ]
    assert quote.time_classes == ["night"]
    assert (quote.total, quote.tax_total) == (D("372.80"), D("42.90"))
    assert quote.lines.get(position=1).note == "价目表价 150.00 的 80%（统一价目表，第 1 版）"
    assert quote.price_list_version.number == 1 and quote.rule_version == rule.version


def test_the_same_parts_are_free_in_warranty_and_the_reason_names_the_rule(world, clock, rule, parts):
    ticket = report(world, world.asset_a)
    assert ticket.entitlement.reason == "在保修期内，至 2028-01-09（验收日期 2026-01-10 起 2 年）。免费：配件、人工、差旅。"
    quote = quote_for(world, ticket, parts)
    assert quote.total == D("0.00") and quote.tax_total == D("0.00")
    assert {x.basis for x in quote.lines.all()} == {"covered"}  # no surcharge on free labour
    assert {x.note for x in quote.lines.all()} == {"免费：保修期内（收费规则：华东大厦维保收费规则）"}


def test_the_customer_accepts_in_the_browser_and_gets_a_receipt_in_chinese(client, world, clock, rule, old_asset, parts):
    ticket = report(world, old_asset)
    quote = quote_for(world, ticket, parts)
    client.force_login(world.engineer)
    page = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert "保修期已于 2021-12-31 结束" in page.content.decode() and "¥372.80" in page.content.decode()
    assert client.post(reverse("charging:quote_step", args=[quote.pk, "propose"])).status_code == 302
    client.force_login(world.customer_a)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "接受报价" in page
    assert client.post(reverse("charging:quote_step", args=[quote.pk, "accept"])).status_code == 302
    quote.refresh_from_db()
    assert quote.status == "accepted" and quote.decided_by == world.customer_a
    assert ChargeEntry.objects.filter(quote=quote).count() == 4
    assert sum(e.amount for e in ChargeEntry.objects.filter(ticket=ticket)) == D("372.80")
    pdf = client.get(reverse("charging:quote_pdf", args=[quote.pk, "receipt"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    expected = RECEIPT_TEXT.format(n=quote.pk, t=ticket.pk)
    assert squeezed(pdf_text(pdf.content)) == squeezed(expected)
    assert glyph_problems(pdf.content, expected=expected) == []


def test_the_same_flow_through_the_api(world, clock, rule, old_asset, parts, api_as):
    ticket = report(world, old_asset)
    engineer = api_as("engineer")
    created = engineer.post("/api/v1/quotes/", {"ticket": ticket.pk, "new_lines": [
        {"kind": "parts", "part": parts["BM-60"].pk, "quantity": "1"},
        {"kind": "parts", "part": parts["HY-304"].pk, "quantity": "2"}]}, format="json")
    assert created.status_code == 201, created.json()
    quote_id = created.json()["id"]
    added = engineer.post(f"/api/v1/quotes/{quote_id}/lines/", {"kind": "labour", "quantity": "1.5"}, format="json")
    assert added.status_code == 201 and added.json()["total"] == "372.80"
    assert engineer.post(f"/api/v1/quotes/{quote_id}/propose/").status_code == 200
    assert api_as("customer_b").post(f"/api/v1/quotes/{quote_id}/accept/").status_code == 404  # another customer
    assert engineer.post(f"/api/v1/quotes/{quote_id}/accept/").status_code == 403  # the engineer may not accept
    accepted = api_as("customer_a").post(f"/api/v1/quotes/{quote_id}/accept/")
    assert accepted.status_code == 200 and accepted.json()["receipt_number"] == f"SJ{quote_id:08d}"
    receipt = api_as("customer_a").get(f"/api/v1/quotes/{quote_id}/receipt/")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    charges = api_as("customer_a").get(f"/api/v1/charges/?ticket={ticket.pk}").json()
    assert charges["count"] == 4 and Quote.objects.get(pk=quote_id).total == D("372.80")
