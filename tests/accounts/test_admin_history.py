"""Issue 6: every audited model's admin change page offers the history button and the optional
reason, and its history page opens (SimpleHistoryAdmin through core.admin.AuditedAdmin)."""

import pytest
from django.contrib import admin
from django.test import Client

from shouhou.accounts.models import Team
from shouhou.core import audit
from shouhou.customers.models import Contact
from shouhou.notify.models import WebhookEndpoint


def _plan_data(model, world):
    from shouhou.sla.models import (
        PlanClauses,
        PlanPenaltyCap,
        PlanZoneRule,
        ServicePlan,
        Target,
        TargetPenalty,
    )

    plan, target = ServicePlan.objects.order_by("pk").first(), Target.objects.order_by("pk").first()
    makers = {
        TargetPenalty: lambda: TargetPenalty.objects.create(target=target, rate=30),
        PlanPenaltyCap: lambda: PlanPenaltyCap.objects.create(plan=plan, monthly_cap=200),
        PlanZoneRule: lambda: PlanZoneRule.objects.create(plan=plan, zone=world.zone),
        PlanClauses: lambda: PlanClauses.objects.update_or_create(plan=plan, defaults={"unsigned_is_not_done": True}),
    }
    if model in makers:
        makers[model]()


def _charging_data(model):
    from shouhou.charging.models import ChargingRule, Part

    makers = {Part: lambda: Part.objects.create(code="BM-60", name="液压闭门器"),
              ChargingRule: lambda: ChargingRule.objects.create(name="默认收费规则", is_default=True)}
    if model in makers:
        makers[model]()


def audited_admins():
    return sorted((m for m in admin.site._registry if audit.is_audited(m)), key=lambda m: m._meta.label)


def test_the_reference_data_admins_are_audited():
    labels = {m._meta.label for m in audited_admins()}
    assert {"accounts.User", "accounts.Organisation", "customers.Customer", "customers.Site", "customers.Contact",
            "customers.ServiceZone", "assets.ProductModel", "assets.Asset", "contracts.Contract",
            "sla.ServicePlan", "sla.WorkingCalendar"} <= labels


@pytest.mark.parametrize("model", audited_admins(), ids=lambda m: m._meta.label)
def test_change_and_history_pages_open_with_the_history_button(world, model):
    if model is Contact:
        Contact.objects.create(customer=world.cust_a, name="王经理")
    if model is WebhookEndpoint:
        WebhookEndpoint.objects.create(name="值班群", url="https://robot.example.com/hook", format="wecom")
    if model is Team:
        Team.objects.create(name="浦东服务站").members.add(world.engineer)
    _plan_data(model, world)  # issue 8: penalties, caps, zone rules, clauses of a seeded plan
    _charging_data(model)  # issue 11: the part catalogue and charging rules
    obj = model._default_manager.order_by("pk").first()  # plans and calendars: the seeded ones
    assert obj is not None
    client = Client()
    client.force_login(world.admin)
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}"
    page = client.get(f"{base}/change/")
    assert page.status_code == 200
    assert f"{base}/history/" in page.content.decode()
    assert 'name="change_reason"' in page.content.decode()
    assert client.get(f"{base}/history/").status_code == 200
