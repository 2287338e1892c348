"""Charging services: the price list import (bad rows by line and field), versions in force by
date, surcharges on the working calendar (a make-up Saturday, an ordinary Saturday, 除夕), the
entitlement override (permission, reason, audit), the append-only ledger and its reversals, and
scoping (issue 11; P2.3, P14.5, P11.1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shouhou.charging import services
from shouhou.charging.models import ChargeEntry, Part, PriceListLine
from shouhou.charging.services.catalogue import BadRows
from shouhou.charging.services.quotes import time_classes
from shouhou.core.errors import PermissionDeniedError, ServiceError

from .conftest import HEADER, report, sh, xlsx

D = Decimal
pytestmark = pytest.mark.django_db


def test_a_price_list_import_reports_every_bad_row_by_line_and_field_and_imports_nothing(world, price_list):
    rows = [HEADER, ["BM-60", "液压闭门器", "件", "货物", 160, 95], ["ZZ-1", "", "件", "", 10, ""],
            ["HY-304", "不锈钢合页", "对", "木头", "12.345", ""], ["GS-1", "感应器", "个", "货物", "abc", ""],
            [], ["BM-60", "液压闭门器", "件", "货物", 165, 95]]
    with pytest.raises(BadRows) as refused:
        services.import_price_list(world.desk, price_list, effective_from=dt.date(2026, 6, 1), filename="新价.xlsx",
                                   content=xlsx(rows))
    assert refused.value.rows == [
        (3, "名称", "备件 ZZ-1 不在目录中：请填写名称"),
        (4, "税目", "未知税目 木头"),
        (4, "含税单价", "小数位超过 2 位：12.345"),
        (5, "含税单价", "不是金额：abc"),
        (7, "备件编码", "备件 BM-60 已在第 2 行"),  # an empty line 6 is skipped, the numbering kept
    ]
    assert price_list.versions.count() == 1 and not Part.objects.filter(code="ZZ-1").exists()


def test_unknown_headers_are_refused_on_line_1(world, price_list):
    with pytest.raises(BadRows) as refused:
        services.import_price_list(world.desk, price_list, effective_from=dt.date(2026, 6, 1), filename="x.csv",
                                   content="备件编码,价格\nBM-60,1\n".encode())
    assert refused.value.rows == [(1, "整行", "未知列 价格"), (1, "含税单价", "缺少列 含税单价")]


def test_a_new_version_applies_from_its_effective_date_and_adds_new_parts(world, price_list):
    services.import_price_list(world.desk, price_list, effective_from=dt.date(2026, 6, 1), filename="v2.csv",
                               content="备件编码,名称,单位,税目,含税单价\nBM-60,,,,160\nGS-1,感应器,个,货物,88.8\n".encode())
    assert price_list.version_on(dt.date(2026, 5, 31)).number == 1
    v2 = price_list.version_on(dt.date(2026, 6, 1))
    assert v2.number == 2 and v2.lines.get(part__code="BM-60").unit_price == D("160.00")
    assert Part.objects.get(code="GS-1").name == "感应器"
    assert PriceListLine.objects.filter(version__number=1, part__code="BM-60").get().unit_price == D("150.00")


def test_only_the_desk_imports_price_lists(world, price_list):
    with pytest.raises(PermissionDeniedError):
        services.import_price_list(world.engineer, price_list, effective_from=dt.date(2026, 6, 1), filename="x.csv",
                                   content=b"")


@pytest.mark.parametrize("at, expected", [
    (sh(2026, 2, 14, 22, 30), ["night"]),  # make-up working Saturday (春节调休), at night
    (sh(2026, 2, 14, 10, 0), []),  # the same Saturday by day: a working day, no surcharge
    (sh(2026, 3, 7, 10, 0), ["rest_day"]),  # an ordinary Saturday
    (sh(2026, 2, 16, 23, 0), ["night", "holiday"]),  # 除夕 2026, a statutory holiday, at night
    (sh(2026, 2, 21, 10, 0), ["rest_day"]),  # a swapped rest day of the Spring Festival
])
def test_surcharges_follow_the_working_calendar(rule, at, expected):
    assert time_classes(rule, at) == expected


def test_a_holiday_surcharge_on_new_years_eve_at_night_is_the_higher_one(world, clock, rule, old_asset):
    clock.now = sh(2026, 2, 16, 23, 0)
    ticket = report(world, old_asset)
    quote = services.create_quote(world.engineer, ticket, lines=[{"kind": "labour", "quantity": 2}])
    surcharge = quote.lines.get(derived=True)
    assert (surcharge.description, surcharge.amount) == ("节假日加收", D("160.00"))


def test_an_override_needs_the_right_and_a_reason_and_is_audited(world, clock, rule, old_asset):
    ticket = report(world, old_asset)
    record = ticket.entitlement
    with pytest.raises(PermissionDeniedError):
        services.override_entitlement(world.engineer, record, status="warranty", covered=["parts"], reason="客户关系")
    with pytest.raises(ServiceError, match="原因"):
        services.override_entitlement(world.dispatcher, record, status="warranty", covered=["parts"], reason=" ")
    done = services.override_entitlement(world.dispatcher, record, status="warranty", covered=["parts"],
                                         reason="技术部鉴定为质量问题")
    assert (done.status, done.covered, done.overridden) == ("warranty", ["parts"], True)
    latest = done.history.order_by("-history_id").first()
    assert latest.history_user == world.dispatcher and latest.history_change_reason == "技术部鉴定为质量问题"
    assert services.decide_entitlement(ticket).status == "warranty"  # a new decision keeps the override
    quote = services.create_quote(world.engineer, ticket, lines=[{"kind": "parts", "part": Part.objects.get(code="BM-60"),
                                                                  "quantity": 1}])
    assert quote.total == D("0.00") and quote.entitlement_reason.startswith("调度李 人工更改：")


def test_p14_5_latent_defect_period_and_p11_1_maintenance_with_free_parts(world, clock, rule, old_asset):
    services.update_rule(world.desk, rule, {"latent_defect_months": 60}, rule.version, "潜在缺陷保修期五年")
    ticket = report(world, old_asset)
    assert ticket.entitlement.status == "latent_defect"
    assert ticket.entitlement.reason.startswith("在潜在缺陷保修期内，至 2026-12-31（保修期于 2021-12-31 结束后 5 年）。")
    rule.refresh_from_db()
    services.update_rule(world.desk, rule, {"latent_defect_months": 0, "maintenance": True,
                                            "coverage": {"maintenance": ["parts"]}}, rule.version, "维保合同含备件")
    again = services.decide_entitlement(ticket)
    assert (again.status, again.covered) == ("maintenance", ["parts"])
    assert again.reason == "在合同 HT-2026-001 的终身维保期内。免费：配件。"


def test_the_ledger_is_append_only_and_a_correction_is_a_reversal(world, clock, rule, old_asset, parts):
    ticket = report(world, old_asset)
    quote = services.create_quote(world.engineer, ticket, lines=[{"kind": "parts", "part": parts["BM-60"], "quantity": 1}])
    services.accept_quote(world.customer_a, services.propose_quote(world.engineer, quote))
    entry = ChargeEntry.objects.get(ticket=ticket)
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        ChargeEntry.objects.filter(pk=entry.pk).update(amount=0)
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(PermissionDeniedError):
        services.reverse_charge(world.engineer, entry, "错误")
    reversal = services.reverse_charge(world.finance, entry, "客户投诉后减免")
    assert (reversal.amount, reversal.reverses) == (D("-120.00"), entry)
    assert sum(e.amount for e in ChargeEntry.objects.filter(ticket=ticket)) == D("0.00")
    with pytest.raises(ServiceError, match="已冲销"):
        services.reverse_charge(world.finance, entry, "再次")


def test_an_accepted_quote_never_changes(world, clock, rule, old_asset, parts):
    ticket = report(world, old_asset)
    quote = services.create_quote(world.engineer, ticket, lines=[{"kind": "labour", "quantity": 1}])
    services.accept_quote(world.customer_a, services.propose_quote(world.engineer, quote))
    with pytest.raises(ServiceError) as refused:
        services.add_quote_line(world.engineer, quote, kind="parts", part=parts["BM-60"], quantity=1)
    assert refused.value.code == "not_editable"


def test_quotes_are_scoped_by_the_ticket(world, clock, rule, old_asset, parts, api_as):
    ticket = report(world, old_asset)
    services.create_quote(world.engineer, ticket, lines=[{"kind": "labour", "quantity": 1}])
    assert api_as("engineer").get("/api/v1/quotes/").json()["count"] == 1
    assert api_as("engineer2").get("/api/v1/quotes/").json()["count"] == 0  # not his job
    assert api_as("customer_b").get("/api/v1/quotes/").json()["count"] == 0
    assert api_as("customer_a").get("/api/v1/quotes/").json()["count"] == 1
    assert api_as("dealer_a").get("/api/v1/quotes/").json()["count"] == 1  # the dealer's customer
    with pytest.raises(PermissionDeniedError):
        services.create_quote(world.engineer2, ticket, lines=[])
