"""Issue 8, "Plans edited by the service manager, not the superuser": the web editor (formsets, no
JSON), per-target pauses, the live preview that equals the clocks a ticket then gets, versions with
effective dates, variants, and the back-test."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from shouhou.core.errors import ConflictError, PermissionDeniedError, ServiceError
from shouhou.sla.models import Clock, ServicePlan
from shouhou.sla.services import editor
from shouhou.sla.services.clocks import effective_targets, plan_for_ticket
from shouhou.sla.services.preview import backtest, preview
from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import TicketEvent

from .conftest import act, open_fault, sh

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _formset(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


ARRIVE = {"kind": "arrival", "name": "半个工作日内到场", "amount": "1", "unit": "working_half_days",
          "start_event": "received", "stop_event": "arrived", "warranty": "any", "order": 0,
          "own_pauses": "on"}  # own pauses, none ticked: waiting for the customer does not pause arrival
REPAIR = {"kind": "resolution", "name": "一级故障 8 小时内修复", "amount": "8", "unit": "hours",
          "start_event": "received", "stop_event": "resolved", "warranty": "any", "order": 1, "severities": ["1"]}


def _create_on_the_page(world, office):
    data = {"name": "华东大厦维保方案", "contract": world.contract_a.pk, "calendar": office.pk,
            "pause_statuses": ["pending_customer"], "description": ""}
    data.update(_formset("targets", [ARRIVE, REPAIR]))
    data.update(_formset("rules", []))
    response = client_for(world.dispatcher).post("/sla/plans/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ServicePlan.objects.get(contract=world.contract_a)


def test_the_service_manager_enters_a_plan_with_formsets_not_json(world, office, frozen):
    """A dispatcher / service manager (not a superuser) creates a draft plan with its targets, a
    half-working-day arrival target with pauses of its own, on the web page."""
    assert not world.dispatcher.is_superuser
    plan = _create_on_the_page(world, office)
    assert plan.status == "draft"
    arrive, repair = plan.targets.order_by("order")
    assert (arrive.unit, arrive.pause_statuses) == ("working_half_days", [])
    assert repair.pause_statuses is None and repair.severities == [1]
    page = client_for(world.dispatcher).get(f"/sla/plans/{plan.pk}/edit/").content.decode()
    assert "半个工作日内到场" in page and 'type="checkbox"' in page
    # The editor previews the saved draft: reported Monday 09:00, half a 5×8 day → 14:00 (lunch excluded).
    assert "此刻报修的一级故障" in page and "2026-03-02 14:00" in page


def test_the_service_desk_may_not_edit_plans(world, office):
    assert client_for(world.desk).get("/sla/plans/new/").status_code == 403
    with pytest.raises(PermissionDeniedError):
        editor.create_plan(world.desk, name="x")


def test_an_escalation_ladder_is_added_on_the_page(world, office, frozen):
    plan = _create_on_the_page(world, office)
    arrive = plan.targets.get(kind="arrival")
    data = {"name": plan.name, "calendar": office.pk, "pause_statuses": ["pending_customer"], "description": "",
            "version": plan.version, "reason": "加上升级"}
    rows = [{**ARRIVE, "id": t.pk} if t.kind == "arrival" else {**REPAIR, "id": t.pk}
            for t in plan.targets.order_by("order")]
    data.update(_formset("targets", rows, initial=2))
    data.update(_formset("rules", [{"level": 1, "name": "75% 通知调度", "target": arrive.pk, "trigger": "share",
                                    "share": "0.75", "action": "notify_dispatcher"}]))
    response = client_for(world.dispatcher).post(f"/sla/plans/{plan.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = plan.escalations.get()
    assert (rule.target_id, rule.share) == (arrive.pk, Decimal("0.750"))
    assert plan.history.first().history_change_reason == "加上升级"


def test_preview_equals_the_clocks_the_ticket_then_gets(world, office, frozen):
    """Issue 8: "a level-1 fault reported now on this site would be due at …" is computed by the
    evaluation real tickets use — the ticket opened at that instant gets exactly those due times."""
    frozen.set(sh(2026, 3, 2, 22, 0))  # a night report: the half working day runs from 09:00
    plan = _create_on_the_page(world, office)
    editor.publish(world.dispatcher, plan)
    rows = preview(plan, severity=1, site=world.site_a)
    page = client_for(world.dispatcher).get(f"/sla/plans/{plan.pk}/try/",
                                            {"severity": 1, "site": world.site_a.pk}).content.decode()
    ticket = open_fault(world, severity=1)
    clocks = {c.target_id: c.due_at for c in Clock.objects.filter(ticket=ticket)}
    assert clocks == {row.target.pk: row.due_at for row in rows}
    # Half of the 5×8 day (8 h) is 4 working hours: 09:00–12:00, then 13:00–14:00 after lunch.
    assert clocks[plan.targets.get(kind="arrival").pk] == sh(2026, 3, 3, 14, 0)
    assert "2026-03-03 14:00" in page


def test_a_target_with_its_own_pauses_runs_while_the_plans_clocks_pause(world, office, frozen):
    """Issue 8: "waiting for the customer pauses the repair clock but not the arrival clock"."""
    frozen.set(sh(2026, 3, 2, 9, 0))
    plan = _create_on_the_page(world, office)
    editor.publish(world.dispatcher, plan)
    ticket = open_fault(world, severity=1)
    frozen.advance(minutes=30)
    act(ticket, world.desk, "accept")
    act(ticket, world.desk, "wait_customer", reason="等客户确认时间")
    frozen.advance(hours=2)
    act(ticket, world.desk, "resume")
    clocks = {c.kind: c for c in Clock.objects.filter(ticket=ticket)}
    assert clocks["arrival"].paused_seconds == 0
    assert clocks["resolution"].paused_seconds == pytest.approx(2 * 3600, abs=60)


def test_a_published_plan_is_not_edited_in_place_and_a_new_version_keeps_open_tickets(world, office, frozen):
    """Issue 8: an edit makes a new version; open tickets keep theirs unless the manager recomputes."""
    frozen.set(sh(2026, 3, 2, 9, 0))
    v1 = _create_on_the_page(world, office)
    editor.publish(world.dispatcher, v1)
    with pytest.raises(ServiceError) as refused:
        editor.save_target(world.dispatcher, v1, v1.targets.first(), {"amount": Decimal(2)}, version=v1.version)
    assert refused.value.code == "plan_published"
    old = open_fault(world, severity=1)
    repair_v1 = Clock.objects.get(ticket=old, kind="resolution")
    frozen.advance(hours=1)
    v2 = editor.new_version(world.dispatcher, v1)
    assert (v2.revision, v2.status, v2.line_id) == (2, "draft", v1.pk)
    repair = v2.targets.get(kind="resolution")
    editor.save_target(world.dispatcher, v2, repair, {"amount": Decimal(4)}, version=v2.version, reason="缩短")
    editor.publish(world.dispatcher, v2)
    new = open_fault(world, severity=1)
    assert plan_for_ticket(old) == v1 and plan_for_ticket(new) == v2
    assert Clock.objects.get(ticket=new, kind="resolution").due_at == sh(2026, 3, 2, 14, 0)
    old_clock = Clock.objects.get(ticket=old, kind="resolution", target=repair_v1.target)
    assert old_clock.due_at == sh(2026, 3, 2, 17, 0)
    # The manager chooses to recompute: the old ticket moves onto v2, the reason on its timeline.
    frozen.advance(minutes=5)
    v3 = editor.new_version(world.dispatcher, v2)
    out = editor.publish(world.dispatcher, v3, recompute=True, reason="合同补充协议生效")
    assert out["recomputed"] == 2 and plan_for_ticket(old) == v3
    assert Clock.objects.get(ticket=old, target__plan=v3, kind="resolution").due_at == sh(2026, 3, 2, 13, 0)
    assert TicketEvent.objects.filter(ticket=old, kind=EventKind.CLOCKS, body="合同补充协议生效").exists()


def test_a_stale_edit_is_refused_with_a_conflict(world, office):
    plan = editor.create_plan(world.dispatcher, name="草稿")
    seen = plan.version
    editor.update_plan(world.dispatcher, plan, {"name": "草稿 2"}, version=seen)
    with pytest.raises(ConflictError):
        editor.save_target(world.dispatcher, plan, None, {**_target_fields(), "name": "迟到的修改"}, version=seen)


def _target_fields():
    return {"kind": "arrival", "name": "4 小时到场", "amount": Decimal(4), "unit": "hours",
            "start_event": "received", "stop_event": "arrived"}


def test_a_variant_overrides_three_targets_of_the_standard_plan(world, office, frozen):
    """Issue 8: a long-term contract overrides three targets of the standard plan instead of copying it."""
    standard = editor.create_plan(world.dispatcher, name="标准方案", calendar=office)
    base = [editor.save_target(world.dispatcher, standard, None,
                               {**_target_fields(), "name": f"目标 {i}", "amount": Decimal(i + 1), "order": i},
                               version=None) for i in range(5)]
    editor.publish(world.dispatcher, standard)
    variant = editor.create_plan(world.dispatcher, name="长期合同方案", contract=world.contract_a, base=standard)
    for t in base[:3]:
        editor.save_target(world.dispatcher, variant, None,
                           {**_target_fields(), "name": f"{t.name}（长协）", "amount": Decimal("0.5"),
                            "replaces": t}, version=None)
    editor.publish(world.dispatcher, variant)
    names = sorted(t.name for t in effective_targets(variant))
    assert names == ["目标 0（长协）", "目标 1（长协）", "目标 2（长协）", "目标 3", "目标 4"]
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = open_fault(world, severity=1)
    dues = sorted((c.name, c.due_at) for c in Clock.objects.filter(ticket=ticket))
    assert dues[0] == ("目标 0（长协）", sh(2026, 3, 2, 9, 30)) and dues[-1] == ("目标 4", sh(2026, 3, 2, 14, 0))


def test_the_backtest_replays_past_tickets_with_their_recorded_events(world, office, frozen):
    """Issue 8: run a draft over the last months' tickets: met / breached per target, before publishing."""
    frozen.set(sh(2026, 3, 2, 9, 0))
    live = _create_on_the_page(world, office)
    editor.publish(world.dispatcher, live)
    fast = open_fault(world, severity=1)
    act(fast, world.desk, "accept")
    act(fast, world.desk, "assign", fields={"assignee": world.engineer})
    frozen.advance(hours=1)
    act(fast, world.engineer, "arrive")
    slow = open_fault(world, severity=1)
    frozen.set(sh(2026, 3, 4, 9, 0))
    act(slow, world.desk, "accept")
    act(slow, world.desk, "assign", fields={"assignee": world.engineer})
    act(slow, world.engineer, "arrive")
    draft = editor.new_version(world.dispatcher, live)
    result = backtest(draft, months=3)
    arrival = next(r for r in result["rows"] if r.target.kind == "arrival")
    assert (result["tickets"], arrival.met, arrival.breached) == (2, 1, 1)
    assert draft.status == "draft" and not Clock.objects.filter(target__plan=draft).exists()
    page = client_for(world.dispatcher).get(f"/sla/plans/{draft.pk}/try/", {"months": 3}).content.decode()
    assert "50.0%" in page


def test_the_editor_previews_unsaved_changes_and_keeps_nothing(world, office, frozen):
    """Issue 8: "with a live preview: a level-1 fault reported now on this site would be due at …" —
    as the manager types, before saving.  The preview of the unsaved page is the evaluation the saved
    plan then gets, and the draft, its targets and its audit trail are unchanged by previewing."""
    frozen.set(sh(2026, 3, 2, 9, 0))
    plan = _create_on_the_page(world, office)
    history = plan.history.count()
    data = {"name": plan.name, "calendar": office.pk, "pause_statuses": ["pending_customer"], "description": "",
            "version": plan.version, "preview": "1", "fragment": "1", "preview-severity": "1"}
    rows = [{**ARRIVE, "id": t.pk, "amount": "2"} if t.kind == "arrival" else {**REPAIR, "id": t.pk}
            for t in plan.targets.order_by("order")]
    data.update(_formset("targets", rows, initial=2))
    data.update(_formset("rules", []))
    client = client_for(world.dispatcher)
    fragment = client.post(f"/sla/plans/{plan.pk}/edit/", data)
    assert fragment.status_code == 200
    text = fragment.content.decode()
    # Two half days of a 5×8 calendar from Monday 09:00 is the whole Monday: due 18:00, not saved.
    assert "尚未保存" in text and "2026-03-02 18:00" in text and "<form" not in text
    plan.refresh_from_db()
    assert plan.targets.get(kind="arrival").amount == 1 and plan.history.count() == history
    # Saving the same page gives the clocks the preview showed.
    del data["preview"], data["fragment"]
    assert client.post(f"/sla/plans/{plan.pk}/edit/", data).status_code == 302
    plan.refresh_from_db()
    editor.publish(world.dispatcher, plan)
    ticket = open_fault(world, severity=1)
    assert Clock.objects.get(ticket=ticket, kind="arrival").due_at == sh(2026, 3, 2, 18, 0)


def test_a_preview_of_an_invalid_page_names_the_fields_to_correct(world, office, frozen):
    plan = _create_on_the_page(world, office)
    data = {"name": "", "calendar": office.pk, "version": plan.version, "preview": "1", "fragment": "1"}
    data.update(_formset("targets", []))
    data.update(_formset("rules", []))
    text = client_for(world.dispatcher).post(f"/sla/plans/{plan.pk}/edit/", data).content.decode()
    assert "请先改正页面上标出的字段" in text


def test_a_new_plan_is_previewed_before_it_is_first_saved(world, office, frozen):
    frozen.set(sh(2026, 3, 2, 9, 0))
    data = {"name": "新方案", "contract": world.contract_a.pk, "calendar": office.pk, "description": "",
            "preview": "1", "preview-severity": "1"}
    data.update(_formset("targets", [ARRIVE]))
    data.update(_formset("rules", []))
    page = client_for(world.dispatcher).post("/sla/plans/new/", data)
    assert page.status_code == 200 and "2026-03-02 14:00" in page.content.decode()
    assert "半个工作日内到场" in page.content.decode()  # the form keeps what was typed
    assert not ServicePlan.objects.filter(name="新方案").exists()
