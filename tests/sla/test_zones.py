"""Zones from geography (issue 8, "Zones from geography"): a site's zone follows from its
province / city / district by the plan's zone rules (nearby, same province, other provinces,
remote), with a default zone for "the rest of the country"."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhou.customers.models import ServiceZone, Site
from shouhou.sla.models import Clock, PlanZoneRule, ServicePlan, Target
from shouhou.sla.zones import Place, ZoneRule, normalise, resolve_zone
from shouhou.tickets import services as tickets

from .conftest import sh

RULES = [ZoneRule("nearby", "江苏省", "苏州市"), ZoneRule("nearby", "江苏", "苏州", "工业园区"),
         ZoneRule("province", "江苏省"), ZoneRule("remote", "西藏自治区"), ZoneRule("other")]


def test_zone_most_specific_rule_wins():
    assert resolve_zone(RULES, Place("江苏省", "苏州市", "工业园区")) == "nearby"
    assert resolve_zone(RULES, Place("江苏", "南京", "玄武区")) == "province"
    assert resolve_zone(RULES, Place("西藏", "拉萨市")) == "remote"


def test_zone_rest_of_the_country_and_no_place_get_the_default_zone():
    assert resolve_zone(RULES, Place("四川省", "成都市")) == "other"
    assert resolve_zone(RULES, None) == "other"
    assert resolve_zone(RULES[:4], Place("四川省", "成都市")) is None  # no default rule: no zone


def test_zone_names_compare_without_administrative_suffixes():
    assert normalise(" 上海市 ") == "上海" and normalise("广西壮族自治区") == "广西" and normalise("浦东新区") == "浦东新区"


names = st.sampled_from(["江苏省", "江苏", "四川省", "西藏自治区", "上海市", ""])


@given(names, names)
def test_zone_property_a_default_rule_always_gives_a_zone(province, city):
    assert resolve_zone(RULES, Place(province, city)) is not None


@pytest.fixture
def zone_plan(world):
    """Arrival within 2 h nearby, 4 h in the province, 24 h elsewhere, 48 h remote (hours, 7×24)."""
    zones = {code: ServiceZone.objects.create(code=code, name=name) for code, name in
             [("nearby", "市内"), ("province", "省内"), ("other", "外省"), ("remote", "偏远")]}
    plan = ServicePlan.objects.create(name="分区方案", contract=world.contract_a)
    for code, hours in [("nearby", 2), ("province", 4), ("other", 24), ("remote", 48)]:
        Target.objects.create(plan=plan, kind="arrival", name=f"{zones[code].name}{hours}小时到场", amount=Decimal(hours),
                              unit="hours", start_event="received", stop_event="arrived", zones=[code])
    for order, (code, province, city) in enumerate([("nearby", "江苏省", "苏州市"), ("province", "江苏省", ""),
                                                    ("remote", "西藏自治区", ""), ("other", "", "")]):
        PlanZoneRule.objects.create(plan=plan, zone=zones[code], province=province, city=city, order=order)
    return plan


def arrival_due(ticket):
    return Clock.objects.get(ticket=ticket, kind="arrival").due_at


def site_of(world, province, city, zone=None):
    site = Site.objects.create(customer=world.cust_a, name=f"{city}项目", province=province, city=city, zone=zone)
    world.contract_a.sites.add(site)
    return site


@pytest.mark.parametrize(("province", "city", "hours"), [("江苏省", "苏州市", 2), ("江苏省", "南京市", 4),
                                                          ("四川省", "成都市", 24), ("西藏自治区", "拉萨市", 48)])
def test_zone_a_site_without_a_hand_set_zone_gets_its_arrival_clock(world, zone_plan, frozen, province, city, hours):
    frozen.set(sh(2026, 3, 2, 22, 15))
    site = site_of(world, province, city)
    ticket = tickets.open_ticket(world.desk, title="防火门无法关闭", severity=2, site=site)
    assert ticket.contract == world.contract_a
    assert arrival_due(ticket) == sh(2026, 3, 2, 22, 15) + timedelta(hours=hours)


def test_zone_a_hand_set_zone_wins_over_the_rules(world, zone_plan, frozen):
    frozen.set(sh(2026, 3, 2, 9, 0))
    site = site_of(world, "四川省", "成都市", zone=ServiceZone.objects.get(code="nearby"))
    ticket = tickets.open_ticket(world.desk, title="防火门无法关闭", severity=2, site=site)
    assert arrival_due(ticket) == sh(2026, 3, 2, 11, 0)


def test_zone_a_report_without_a_site_on_a_site_scoped_contract_gets_the_default_zone(world, zone_plan, frozen):
    """The contract covers sites only; a call naming the customer but no site still gets clocks."""
    world.contract_a.assets.clear()
    world.contract_a.sites.add(world.site_a)
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = tickets.open_ticket(world.desk, title="大楼门禁故障", severity=2, customer=world.cust_a)
    assert ticket.site is None and ticket.contract == world.contract_a
    assert arrival_due(ticket) == sh(2026, 3, 3, 9, 0)  # the default zone "other": 24 h
