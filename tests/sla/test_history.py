"""Issue 6: service plans (with their targets and escalation rules) and working calendars (with their
days) keep an audit trail shown on their pages and through …/{id}/history/; seeding the statutory
days from chinese_calendar is summarised in one row instead of thousands."""

from django.test import Client

from shouhou.sla.models import CalendarDay, ServicePlan, Target, WorkingCalendar
from shouhou.sla.services import create_plan_from_template

from .conftest import template


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_plan_built_from_a_template_starts_its_history_with_the_acting_user(world):
    plan = create_plan_from_template(world.dispatcher, template("P13"), world.contract_a)
    assert [(r.history_type, r.history_user) for r in plan.history.all()] == [("+", world.dispatcher)]
    target_users = {r.history_user for r in Target.history.filter(plan_id=plan.pk)}
    assert target_users == {world.dispatcher}


def test_plan_page_lists_target_edits_with_who_and_from_to(world):
    plan = create_plan_from_template(world.dispatcher, template("P13"), world.contract_a)
    target = plan.targets.order_by("order").first()
    old = target.amount
    client = client_for(world.admin)
    response = client.post(f"/admin/sla/serviceplan/{plan.pk}/change/", _plan_admin_form(plan, target, amount="7"))
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client_for(world.dispatcher).get(f"/sla/plans/{plan.pk}/").content.decode()
    assert "变更记录" in page
    assert f"时限：{old.normalize():f} → 7" in page
    assert "管理员" in page or "admin" in page


def test_attaching_a_plan_shows_on_the_contracts_history(world, api_as):
    plan = create_plan_from_template(world.dispatcher, template("P5"), world.contract_a)
    entries = api_as("desk").get(f"/api/v1/contracts/{world.contract_a.pk}/history/").json()["results"]
    attach = next(e for e in entries if e["subject"].startswith("服务方案"))
    assert attach["action"] == "created" and attach["user"] == world.dispatcher.pk
    assert attach["subject"] == f"服务方案 {plan.name}"
    assert "contract" not in {c["field"] for c in attach["changes"]}  # implied by the page it is on


def test_plan_history_api_is_scoped_like_the_plan(world, api_as):
    plan = create_plan_from_template(world.dispatcher, template("P13"), world.contract_a)
    assert api_as("dealer_a").get(f"/api/v1/service-plans/{plan.pk}/history/").status_code == 200
    assert api_as("dealer_b").get(f"/api/v1/service-plans/{plan.pk}/history/").status_code == 404


def test_a_calendar_day_saved_on_the_page_shows_in_the_calendars_history(world):
    calendar = WorkingCalendar.objects.get(code="cn-5x8")
    response = client_for(world.admin).post(f"/sla/calendars/{calendar.pk}/", {
        "date": "2027-10-09", "kind": "holiday", "name": "公司周年庆", "hours": ""})
    assert response.status_code == 302
    row = CalendarDay.history.get(calendar_id=calendar.pk, date="2027-10-09")
    assert row.history_user == world.admin
    page = client_for(world.engineer).get(f"/sla/calendars/{calendar.pk}/").content.decode()
    assert "公司周年庆" in page and "日历例外" in page


def test_seeded_statutory_days_are_one_summary_row_not_one_per_day(world, api_as):
    # A calendar of its own: the migration-seeded one is re-created when a PostgreSQL-only
    # transactional test flushes the database, which says nothing about this rule.
    calendar = WorkingCalendar.objects.create(code="cn-audit", name="审计 5×8", statutory="CN",
                                              week=["09:00-18:00"] * 5 + ["", ""])
    assert calendar.days.count() > 100
    assert not CalendarDay.history.filter(calendar_id=calendar.pk).exists()
    summary = calendar.history.filter(history_change_reason__contains="chinese_calendar")
    assert summary.count() == 1
    entries = api_as("engineer").get(f"/api/v1/calendars/{calendar.pk}/history/").json()["results"]
    assert entries and entries[-1]["action"] == "created"


def _plan_admin_form(plan: ServicePlan, target, amount):
    """The admin change form of `plan` as posted, with one target's duration changed."""
    data = {"name": plan.name, "contract": plan.contract_id or "", "source": plan.source,
            "description": plan.description, "calendar": plan.calendar_id or "",
            "pause_statuses": '["pending_customer"]', "zone_names": "{}", "created_from": plan.created_from_id or ""}
    targets = list(plan.targets.order_by("order", "id"))
    data.update({"targets-TOTAL_FORMS": len(targets), "targets-INITIAL_FORMS": len(targets),
                 "escalations-TOTAL_FORMS": 0, "escalations-INITIAL_FORMS": 0})
    for i, t in enumerate(targets):
        for name in ("kind", "name", "commitment", "unit", "start_event", "stop_event", "warranty", "order"):
            data[f"targets-{i}-{name}"] = getattr(t, name)
        data.update({f"targets-{i}-id": t.pk, f"targets-{i}-plan": plan.pk,
                     f"targets-{i}-amount": amount if t.pk == target.pk else t.amount,
                     f"targets-{i}-calendar": t.calendar_id or "", f"targets-{i}-severities": _json(t.severities),
                     f"targets-{i}-service_levels": _json(t.service_levels), f"targets-{i}-zones": _json(t.zones)})
    return data


def _json(value):
    import json

    return json.dumps(value)


def test_status_codes_in_a_plans_history_read_as_their_names(world, api_as):
    from shouhou.tickets.choices import Status

    plan = create_plan_from_template(world.dispatcher, template("P13"), world.contract_a)
    results = api_as("desk").get(f"/api/v1/service-plans/{plan.pk}/history/").json()["results"]
    created = next(e for e in results if e["subject"] == "")  # the plan's own row, not a target's
    pauses = next(c for c in created["changes"] if c["field"] == "pause_statuses")
    assert pauses["new_display"] == "、".join(str(Status(s).label) for s in plan.pause_statuses)
    assert pauses["new"] == json_dumps(plan.pause_statuses)


def json_dumps(value):
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True)
