"""Fixtures of the charging tests: a unified price list imported from Excel, contract A's charging
rule (parts at 80 % of list, labour at a rate, night / rest-day / holiday surcharges on the seeded
mainland calendar), an out-of-warranty unit on contract A, and frozen time."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from openpyxl import Workbook

from shouhou.assets.models import Asset
from shouhou.charging import services
from shouhou.charging.models import ChargingRule
from shouhou.sla.models import WorkingCalendar
from shouhou.sla.services.schedules import fill_statutory_days
from shouhou.tickets.services import open_ticket, perform_action

SH = ZoneInfo("Asia/Shanghai")
HEADER = ["备件编码", "名称", "单位", "税目", "含税单价", "成本价"]
PRICES = [["BM-60", "液压闭门器", "件", "货物", 150, 95], ["HY-304", "不锈钢合页", "对", "货物", "45.50", 30]]


def sh(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class Clock:
    def __init__(self, now):
        self.now = now


@pytest.fixture
def clock(monkeypatch):
    """Frozen time: Saturday 2026-02-14 22:30 in Shanghai, a make-up working day (春节调休), at night."""
    frozen = Clock(sh(2026, 2, 14, 22, 30))
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen


@pytest.fixture
def calendar(db):
    calendar = WorkingCalendar.objects.get(code="cn-5x8")
    fill_statutory_days(calendar, dt.date(2026, 12, 3))
    calendar.refresh_from_db()
    return calendar


@pytest.fixture
def price_list(world):
    unified = services.create_price_list(world.desk, {"code": "unified", "name": "统一价目表"})
    services.import_price_list(world.desk, unified, effective_from=dt.date(2026, 1, 1), filename="价目表.xlsx",
                               content=xlsx([HEADER, *PRICES]))
    return unified


@pytest.fixture
def rule(world, price_list, calendar):
    """Contract A's rule: parts at 80 % of the unified list, labour ¥80/h (13 %), surcharges 50 % at night
    and on rest days, 100 % on statutory holidays."""
    return services.create_rule(world.desk, {
        "name": "华东大厦维保收费规则", "contract": world.contract_a, "price_list": price_list,
        "parts_basis": "list_percent", "parts_percent": Decimal(80), "labour_basis": "rate",
        "labour_rate": Decimal(80), "night_surcharge": Decimal(50), "rest_day_surcharge": Decimal(50),
        "holiday_surcharge": Decimal(100), "calendar": calendar,
    })


@pytest.fixture
def old_asset(world):
    """A door on contract A accepted on 2020-01-01: its two-year warranty ended on 2021-12-31."""
    asset = Asset.objects.create(serial_no="FD-A-0009", product_model=world.door, customer=world.cust_a,
                                 site=world.site_a, acceptance_date=dt.date(2020, 1, 1),
                                 warranty_start=dt.date(2020, 1, 1), warranty_end=dt.date(2021, 12, 31))
    world.contract_a.assets.add(asset)
    return asset


def report(world, asset, engineer="engineer"):
    ticket = open_ticket(world.desk, title="闭门器漏油", serial=asset.serial_no, severity=2)
    return perform_action(world.dispatcher, ticket, "assign", assignee=world.users[engineer].pk)


@pytest.fixture
def parts(price_list):
    from shouhou.charging.models import Part

    return {p.code: p for p in Part.objects.all()}


__all__ = ["ChargingRule", "report", "sh", "xlsx"]
