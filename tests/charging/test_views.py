"""Charging pages and the price list API: the import page reports bad rows by line and field; a
right the user lacks is refused; the ticket page's charges panel shows only to who may see it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from .conftest import HEADER, PRICES, report, xlsx

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(rows, name="价目表.xlsx"):
    return SimpleUploadedFile(name, xlsx(rows), content_type=XLSX)


def test_the_desk_imports_a_new_version_on_the_price_list_page(client, world, price_list):
    client.force_login(world.desk)
    url = reverse("charging:price_list", args=[price_list.pk])
    bad = client.post(url, {"file": upload([HEADER, ["BM-60", "", "", "", "一百", ""]]), "effective_from": "2026-06-01"})
    assert bad.status_code == 400
    assert "第 2 行，含税单价：不是金额：一百" in bad.content.decode()
    good = client.post(url, {"file": upload([HEADER, *PRICES]), "effective_from": "2026-06-01", "note": "年中调价"})
    assert good.status_code == 302 and price_list.versions.count() == 2
    page = client.get(url).content.decode()
    assert "v2" in page and "年中调价" in page and "¥150.00" in page and "¥95.00" in page  # the desk sees costs


def test_an_engineer_reads_the_price_list_but_neither_imports_nor_sees_costs(client, world, price_list):
    client.force_login(world.engineer)
    url = reverse("charging:price_list", args=[price_list.pk])
    page = client.get(url).content.decode()
    assert "¥150.00" in page and "¥95.00" not in page and 'type="file"' not in page
    assert client.post(url, {"effective_from": "2026-06-01"}).status_code == 403


def test_customers_do_not_see_the_catalogue(client, world, price_list):
    client.force_login(world.customer_a)
    assert client.get(reverse("charging:price_list", args=[price_list.pk])).status_code == 404


def test_the_api_import_answers_every_bad_row(world, price_list, api_as):
    response = api_as("desk").post(f"/api/v1/price-lists/{price_list.pk}/import/", {
        "file": upload([HEADER, ["BM-60", "", "", "", "-5", ""], ["", "无编码", "", "", "1", ""]]),
        "effective_from": "2026-06-01"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_rows"
    assert response.json()["rows"] == [{"line": 2, "field": "含税单价", "message": "不是金额：-5"},
                                       {"line": 3, "field": "备件编码", "message": "必填"}]
    assert api_as("engineer").post(f"/api/v1/price-lists/{price_list.pk}/import/", {
        "file": upload([HEADER, *PRICES]), "effective_from": "2026-06-01"}, format="multipart").status_code == 403


def test_the_charges_panel_is_on_the_ticket_page_for_who_may_see_it(client, world, clock, rule, old_asset):
    ticket = report(world, old_asset)
    client.force_login(world.engineer)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'data-section="charging"' in page and "新建报价" in page
    client.force_login(world.customer_a)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'data-section="charging"' in page and "新建报价" not in page  # the customer reads, accepts, never writes
    created = client.post(reverse("charging:quote_create", args=[ticket.pk]), {})
    assert created.status_code == 403


def test_the_engineer_records_a_part_from_the_page(client, world, clock, rule, old_asset, parts):
    ticket = report(world, old_asset)
    client.force_login(world.engineer)
    assert client.post(reverse("charging:quote_create", args=[ticket.pk]),
                       {"work_at": "2026-02-14T22:30"}).status_code == 302
    quote = ticket.quotes.get()
    assert client.post(reverse("charging:quote_line_add", args=[quote.pk]),
                       {"kind": "parts", "part": parts["BM-60"].pk, "quantity": "1"}).status_code == 302
    quote.refresh_from_db()
    assert str(quote.total) == "120.00" and quote.work_at == dt.datetime(2026, 2, 14, 14, 30, tzinfo=dt.UTC)
