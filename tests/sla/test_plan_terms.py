"""Issue 8: penalties, the monthly cap, zone rules and clauses are part of the plan in the editor
and the API, under the same version rules as targets (a published version is never edited in
place; a new version carries them over)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shouhou.core.errors import ConflictError, ServiceError
from shouhou.customers.models import ServiceZone
from shouhou.sla.models import PlanClauses, PlanPenaltyCap, PlanZoneRule, ServicePlan, Target, TargetPenalty
from shouhou.sla.services import editor, plan_terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def termed_plan(world, office):
    plan = editor.create_plan(world.dispatcher, name="罚则方案", contract=world.contract_a, calendar=office)
    target = editor.save_target(world.dispatcher, plan, None, {
        "kind": "arrival", "name": "4 小时到场", "amount": Decimal(4), "unit": "hours", "start_event": "received",
        "stop_event": "arrived"}, version=None)
    plan_terms.save_penalty(world.dispatcher, plan, target, {"rate": Decimal("30"), "basis": "started_hour",
                                                             "cap_per_ticket": Decimal("200")}, version=None)
    plan_terms.save_cap(world.dispatcher, plan, {"monthly_cap": Decimal("500")}, version=None)
    plan_terms.save_clauses(world.dispatcher, plan, {"unsigned_is_not_done": True, "loaner_until_resolved": True},
                            version=None)
    zone = ServiceZone.objects.create(code="nearby", name="市内")
    plan_terms.save_zone_rule(world.dispatcher, plan, None, {"zone": zone, "province": "江苏省", "city": "苏州市"},
                              version=None)
    return plan


def test_a_new_version_copies_penalties_cap_zone_rules_and_clauses(world, termed_plan):
    editor.publish(world.dispatcher, termed_plan)
    draft = editor.new_version(world.dispatcher, ServicePlan.objects.get(pk=termed_plan.pk))
    target = Target.objects.get(plan=draft)
    penalty = TargetPenalty.objects.get(target=target)
    assert (penalty.rate, penalty.basis, penalty.cap_per_ticket) == (Decimal("30"), "started_hour", Decimal("200"))
    assert PlanPenaltyCap.objects.get(plan=draft).monthly_cap == Decimal("500")
    clauses = PlanClauses.objects.get(plan=draft)
    assert clauses.unsigned_is_not_done and clauses.loaner_until_resolved and not clauses.leave_needs_consent
    assert [(r.zone.code, r.province, r.city) for r in PlanZoneRule.objects.filter(plan=draft)] == [
        ("nearby", "江苏省", "苏州市")]
    # The published version keeps its own rows.
    assert TargetPenalty.objects.filter(target__plan=termed_plan).count() == 1


def test_a_published_plans_terms_are_not_edited_in_place(world, termed_plan):
    editor.publish(world.dispatcher, termed_plan)
    plan = ServicePlan.objects.get(pk=termed_plan.pk)
    with pytest.raises(ServiceError) as exc:
        plan_terms.save_clauses(world.dispatcher, plan, {"unsigned_is_not_done": False}, version=None)
    assert exc.value.code == "plan_published"
    with pytest.raises(ServiceError):
        plan_terms.save_penalty(world.dispatcher, plan, plan.targets.get(), None, version=None)


def test_a_stale_version_is_refused_for_terms_too(world, termed_plan):
    stale = termed_plan.version - 1
    with pytest.raises(ConflictError):
        plan_terms.save_cap(world.dispatcher, termed_plan, {"monthly_cap": Decimal("1")}, version=stale)


def test_the_editor_changes_and_removes_a_targets_penalty(world, office, termed_plan, client):
    client.force_login(world.dispatcher)
    target = termed_plan.targets.get()
    page = client.get(f"/sla/plans/{termed_plan.pk}/edit/").content.decode()
    assert "罚则：每超时一小时金额（元）" in page and 'name="targets-0-penalty_rate" value="30.00"' in page
    plan = ServicePlan.objects.get(pk=termed_plan.pk)
    data = {"name": plan.name, "calendar": office.pk, "description": "", "version": plan.version,
            "targets-TOTAL_FORMS": 1, "targets-INITIAL_FORMS": 1, "targets-MIN_NUM_FORMS": 0,
            "targets-MAX_NUM_FORMS": 1000, "targets-0-id": target.pk, "targets-0-kind": "arrival",
            "targets-0-name": target.name, "targets-0-amount": "4", "targets-0-unit": "hours",
            "targets-0-start_event": "received", "targets-0-stop_event": "arrived", "targets-0-warranty": "any",
            "targets-0-order": 0, "targets-0-penalty_rate": "", "rules-TOTAL_FORMS": 0, "rules-INITIAL_FORMS": 0,
            "rules-MIN_NUM_FORMS": 0, "rules-MAX_NUM_FORMS": 1000}
    response = client.post(f"/sla/plans/{plan.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not TargetPenalty.objects.filter(target=target).exists()
    # A post without the zone-rule and clause parts leaves them as they were.
    assert PlanClauses.objects.get(plan=plan).unsigned_is_not_done and plan.zone_rules.count() == 1


def test_the_api_replaces_zone_rules_and_removes_the_cap(world, termed_plan, api_as):
    client = api_as("dispatcher")
    plan = client.get(f"/api/v1/service-plans/{termed_plan.pk}/").json()
    assert plan["penalty_cap"]["monthly_cap"] == "500.00" and plan["targets"][0]["penalty"]["rate"] == "30.00"
    ServiceZone.objects.create(code="other", name="外省")
    answer = client.patch(f"/api/v1/service-plans/{plan['id']}/", {
        "penalty_cap": None, "zone_rules": [{"zone": "other", "province": "", "city": "", "order": 9}],
        "reason": "改为全国统一"}, format="json", HTTP_IF_MATCH=f'"{plan["version"]}"')
    assert answer.status_code == 200, answer.json()
    assert answer.json()["penalty_cap"] is None
    assert answer.json()["zone_rules"] == [{"zone": "other", "province": "", "city": "", "district": "", "order": 9}]
    stale = client.patch(f"/api/v1/service-plans/{plan['id']}/", {"clauses": {"unsigned_is_not_done": False}},
                         format="json", HTTP_IF_MATCH=f'"{plan["version"]}"')
    assert stale.status_code == 409
    assert PlanClauses.objects.get(plan=termed_plan).unsigned_is_not_done


def test_the_preview_places_a_site_by_the_plans_zone_rules_as_tickets_are(world, termed_plan, frozen):
    """A site with no hand-set zone in 苏州 is "nearby" by the plan's rule: the preview shows the
    nearby-only arrival target, as the ticket's clocks would (it showed nothing before)."""
    from shouhou.sla.services.preview import preview

    from .conftest import sh

    Target.objects.filter(plan=termed_plan).update(zones=["nearby"])
    site = world.site_a
    site.zone, site.province, site.city = None, "江苏省", "苏州市"
    site.save()
    frozen.set(sh(2026, 3, 2, 9, 0))
    rows = preview(termed_plan, severity=1, site=site)
    assert [(row.target.name, row.due_at) for row in rows] == [("4 小时到场", sh(2026, 3, 2, 13, 0))]
    site.city = "南京市"
    site.save()
    assert preview(termed_plan, severity=1, site=site) == []


def test_a_variant_without_clauses_of_its_own_takes_its_base_plans(world, termed_plan):
    """Issue 8, variants: a long-term contract overrides some targets of the standard plan; what it
    does not restate — here the clauses (unsigned means not done) — is the base plan's."""
    from shouhou.sla.models_clauses import clauses_of

    editor.publish(world.dispatcher, termed_plan)
    variant = editor.create_plan(world.dispatcher, name="长期合同变体", base=ServicePlan.objects.get(pk=termed_plan.pk))
    assert not PlanClauses.objects.filter(plan=variant).exists()
    assert clauses_of(variant).unsigned_is_not_done
    plan_terms.save_clauses(world.dispatcher, variant, {"unsigned_is_not_done": False}, version=None)
    assert not clauses_of(ServicePlan.objects.get(pk=variant.pk)).unsigned_is_not_done
