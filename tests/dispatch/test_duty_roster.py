"""Duty rosters (P2.2 "dealers serve 24 h a day", P14.11 "two named engineers per project; 24 h duty").

Who is on call when; a plan's round-the-clock promises are checked against the roster and a gap
in coverage is shown (roster page, dashboard, API) and announced to the service managers before
it happens; the assignment form shows (and suggests) who is on duty now.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhou.accounts.models import Team
from shouhou.core import audit
from shouhou.core.errors import PermissionDeniedError
from shouhou.dispatch.roster import services as roster
from shouhou.dispatch.roster.models import DutyPattern, DutyShift
from shouhou.notify.models import Notification
from shouhou.sla.models import ServicePlan, Target
from shouhou.sla.services import create_plan_from_template
from shouhou.tickets.services import open_ticket

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 12, 7)


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


class Clock:
    def __init__(self, now):
        self.now = now


@pytest.fixture
def frozen(monkeypatch):
    clock = Clock(sh(2026, 12, 7, 9, 0))  # Monday morning
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def p13(world):
    """Contract A on the P13 plan: every promise in hours and minutes, i.e. round the clock."""
    template = ServicePlan.objects.get(is_template=True, source="P13")
    return create_plan_from_template(world.dispatcher, template, world.contract_a)


@pytest.fixture
def week_roster(world, frozen):
    """Day duty 08–20 every day (工程师张), night duty 20–08 every night but Saturday's (工程师赵)."""
    day = roster.save_pattern(world.dispatcher, None, {
        "name": "白班", "engineer": world.engineer, "weekdays": list(range(7)), "start_time": time(8),
        "end_time": time(20), "valid_from": MONDAY}, reason="冬季值班")
    night = roster.save_pattern(world.dispatcher, None, {
        "name": "夜班", "engineer": world.engineer2, "weekdays": [0, 1, 2, 3, 4, 6], "start_time": time(20),
        "end_time": time(8), "valid_from": MONDAY})
    return day, night


def labels(gaps):
    return [g.label for g in gaps]


# --------------------------------------------------------------------------------------------- patterns
def test_a_weekly_pattern_generates_its_shifts_four_weeks_ahead_once(world, week_roster):
    day, night = week_roster
    assert day.shifts.count() == 29  # Mon 12-07 … Mon 01-04
    first = day.shifts.order_by("starts_at").first()
    assert (first.starts_at, first.ends_at, first.engineer) == (sh(2026, 12, 7, 8), sh(2026, 12, 7, 20), world.engineer)
    assert night.shifts.order_by("starts_at").first().ends_at == sh(2026, 12, 8, 8)  # into the next morning
    assert roster.generate_shifts(MONDAY) == 0  # idempotent
    assert roster.generate_shifts(MONDAY + timedelta(days=1)) == 2  # the daily job adds the next day


def test_a_shift_changed_by_hand_is_a_swap_the_pattern_does_not_undo(world, week_roster):
    day, _night = week_roster
    shift = day.shifts.get(starts_at=sh(2026, 12, 9, 8))
    roster.save_shift(world.dispatcher, shift, {"engineer": world.engineer2}, reason="与工程师张调班")
    shift.refresh_from_db()
    assert (shift.pattern, shift.engineer) == (None, world.engineer2)
    roster.generate_shifts(MONDAY + timedelta(days=3))
    assert DutyShift.objects.filter(starts_at=sh(2026, 12, 9, 8)).count() == 1


def test_roster_changes_are_audited_with_who_and_why(world, week_roster):
    day, _night = week_roster
    rows, _more = audit.trail(day)
    assert rows[0].user_id == world.dispatcher.pk and rows[0].reason == "冬季值班"
    shift = roster.save_shift(world.dispatcher, None, {"engineer": world.engineer, "starts_at": sh(2026, 12, 12, 20),
                                                       "ends_at": sh(2026, 12, 13, 8)}, reason="补周六夜班")
    assert audit.trail(shift)[0][0].reason == "补周六夜班"


def test_an_engineer_cannot_edit_the_roster(world, frozen):
    with pytest.raises(PermissionDeniedError):
        roster.save_shift(world.engineer, None, {"engineer": world.engineer, "starts_at": sh(2026, 12, 8, 8),
                                                 "ends_at": sh(2026, 12, 8, 20)})
    assert not DutyShift.objects.exists()


def test_a_shift_names_an_engineer_or_a_team_and_ends_after_it_starts(world, frozen):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="engineer"):
        roster.save_shift(world.dispatcher, None, {"starts_at": sh(2026, 12, 8, 8), "ends_at": sh(2026, 12, 8, 20)})
    with pytest.raises(ValidationError, match="ends_at"):
        roster.save_shift(world.dispatcher, None, {"engineer": world.engineer, "starts_at": sh(2026, 12, 8, 8),
                                                   "ends_at": sh(2026, 12, 8, 8)})


# --------------------------------------------------------------------------------------------- coverage
def test_a_24_hour_plan_shows_the_missing_saturday_night_as_a_gap_before_it_happens_p2_2(world, p13, week_roster):
    gaps = roster.coverage_gaps()
    assert [(g.start, g.end) for g in gaps] == [(sh(2026, 12, 12, 20), sh(2026, 12, 13, 8)),
                                                (sh(2026, 12, 19, 20), sh(2026, 12, 20, 8))]
    assert gaps[0].label == "周六 12-12 20:00–周日 12-13 08:00（所有区域）"


def test_without_a_round_the_clock_plan_nothing_needs_night_duty(world, week_roster):
    assert roster.coverage_gaps() == []


def test_a_plan_measured_only_in_working_days_on_an_office_calendar_needs_no_roster(world, p13, week_roster):
    Target.objects.filter(plan=p13).update(unit="working_days")
    assert roster.coverage_gaps() == []


def test_a_zone_promise_is_covered_only_by_duty_in_that_zone_or_everywhere_p14_11(world, p13, frozen):
    from shouhou.customers.models import ServiceZone

    province = ServiceZone.objects.create(code="province", name="省内外地")
    Target.objects.filter(plan=p13).update(zones=["city"])
    roster.save_pattern(world.dispatcher, None, {"engineer": world.engineer, "zone": province,
                                                 "weekdays": list(range(7)), "start_time": time(0),
                                                 "end_time": time(0), "valid_from": MONDAY})
    assert [g.zone for g in roster.coverage_gaps()] == ["市内"]  # the province's duty does not answer the city
    roster.save_pattern(world.dispatcher, None, {"engineer": world.engineer2, "zone": world.zone,
                                                 "weekdays": list(range(7)), "start_time": time(0),
                                                 "end_time": time(0), "valid_from": MONDAY})
    assert roster.coverage_gaps() == []


def test_a_contract_with_duty_of_its_own_is_checked_on_its_own(world, p13, week_roster, frozen):
    roster.save_shift(world.dispatcher, None, {"engineer": world.engineer, "contract": world.contract_a,
                                               "starts_at": sh(2026, 12, 12, 20), "ends_at": sh(2026, 12, 13, 8)})
    gaps = roster.coverage_gaps()
    assert [(g.start, g.contract) for g in gaps] == [(sh(2026, 12, 19, 20), "HT-2026-001")]


def test_the_daily_job_tells_the_service_managers_of_gaps_in_the_next_three_days_once(world, p13, week_roster,
                                                                                      frozen):
    assert roster.check_roster()["gaps"] == 0  # Monday: Saturday night is 5 days away
    frozen.now = sh(2026, 12, 10, 9)  # Thursday
    assert roster.check_roster()["gaps"] == 1
    roster.check_roster()
    notes = Notification.objects.filter(user=world.dispatcher)
    assert list(notes.values_list("subject", flat=True)) == ["值班空档：周六 12-12 20:00–周日 12-13 08:00（所有区域）"]
    assert not Notification.objects.filter(user=world.engineer).exists()


def test_the_daily_job_is_declared_with_the_other_background_jobs():
    from shouhou.core.worker import default_jobs

    job = {j.name: j for j in default_jobs()}["check_roster"]
    assert job.path == "shouhou.dispatch.tasks.check_roster" and job.every == 86400


# --------------------------------------------------------------------------------------------- on duty now
def test_who_is_on_duty_now_follows_the_shifts_and_a_teams_engineers(world, week_roster, frozen):
    assert set(roster.engineers_on_duty()) == {world.engineer.pk}
    frozen.now = sh(2026, 12, 7, 23)
    assert set(roster.engineers_on_duty()) == {world.engineer2.pk}
    team = Team.objects.create(name="夜间抢修组")
    team.members.add(world.engineer, world.engineer2, world.desk)  # the desk is no field engineer
    roster.save_shift(world.dispatcher, None, {"team": team, "starts_at": sh(2026, 12, 7, 22),
                                               "ends_at": sh(2026, 12, 8, 6)})
    assert set(roster.engineers_on_duty()) == {world.engineer.pk, world.engineer2.pk}


def test_the_assign_form_shows_and_suggests_the_engineer_on_duty_at_night(world, week_roster, frozen, client):
    frozen.now = sh(2026, 12, 7, 23, 30)
    ticket = open_ticket(world.desk, title="夜间报警", serial=world.asset_a.serial_no, severity=1)
    client.force_login(world.dispatcher)
    page = client.get(reverse("dispatch:assign", args=[ticket.pk])).content.decode()
    assert "当前值班：工程师赵（所有区域）" in page
    assert f'<option value="{world.engineer2.pk}" selected>工程师赵（在办 0 单） · 值班中</option>' in page


# --------------------------------------------------------------------------------------------- pages
def test_the_roster_page_shows_the_week_with_shifts_gaps_and_who_is_on_duty(world, p13, week_roster, client):
    client.force_login(world.dispatcher)
    page = client.get(reverse("dispatch:roster") + "?week=2026-12-09").content.decode()
    assert "<th>08:00–20:00</th>" in page and "<th>20:00–08:00</th>" in page
    assert "值班空档：周六 12-12 20:00–周日 12-13 08:00（所有区域）" in page
    assert "新增值班" in page
    assert page.count("工程师张") >= 7


def test_an_engineer_sees_his_own_duty_and_no_edit_buttons(world, week_roster, client):
    client.force_login(world.engineer2)
    page = client.get(reverse("dispatch:roster")).content.decode()
    assert "工程师赵" in page and "工程师张" not in page
    assert "新增值班" not in page
    shift = DutyShift.objects.filter(engineer=world.engineer2).first()
    assert client.get(reverse("dispatch:roster_shift_edit", args=[shift.pk])).status_code == 403


def test_customers_and_dealers_do_not_see_the_roster(world, week_roster, client):
    for name in ("customer_a", "dealer_a"):
        client.force_login(world.users[name])
        assert client.get(reverse("dispatch:roster")).status_code == 403


def test_a_service_manager_adds_a_shift_from_the_form(world, p13, week_roster, client):
    client.force_login(world.dispatcher)
    response = client.post(reverse("dispatch:roster_shift_create"), {
        "engineer": world.engineer.pk, "starts_at": "2026-12-12T20:00", "ends_at": "2026-12-13T08:00",
        "reason": "补周六夜班"})
    assert response.status_code == 302
    assert [(g.start, g.end) for g in roster.coverage_gaps()] == [(sh(2026, 12, 19, 20), sh(2026, 12, 20, 8))]


def test_a_service_manager_enters_a_weekly_pattern_from_the_form(world, frozen, client):
    client.force_login(world.dispatcher)
    response = client.post(reverse("dispatch:roster_pattern_create"), {
        "name": "周末白班", "engineer": world.engineer.pk, "weekdays": ["5", "6"], "start_time": "08:00",
        "end_time": "20:00", "valid_from": "2026-12-07", "active": "on"})
    assert response.status_code == 302
    pattern = DutyPattern.objects.get()
    assert pattern.weekdays == [5, 6] and pattern.shifts.count() == 8


def test_the_dispatchers_dashboard_shows_the_gap_and_the_engineers_does_not(world, p13, week_roster, client):
    client.force_login(world.dispatcher)
    page = client.get(reverse("dashboard")).content.decode()
    assert "值班空档：周六 12-12 20:00–周日 12-13 08:00（所有区域）" in page
    assert "当前值班" in page
    client.force_login(world.engineer)
    assert "值班空档" not in client.get(reverse("dashboard")).content.decode()


# --------------------------------------------------------------------------------------------- API
def test_the_api_writes_shifts_for_service_managers_with_their_history(world, api_as, frozen):
    api = api_as("dispatcher")
    response = api.post("/api/v1/duty-shifts/", {"engineer": world.engineer.pk, "zone": "city",
                                                 "starts_at": "2026-12-12T20:00:00+08:00",
                                                 "ends_at": "2026-12-13T08:00:00+08:00", "reason": "补周六夜班"})
    assert response.status_code == 201, response.content
    assert response.json()["where"] == "市内"
    pk = response.json()["id"]
    history = api.get(f"/api/v1/duty-shifts/{pk}/history/").json()["results"]
    assert history[0]["reason"] == "补周六夜班" and history[0]["user"] == world.dispatcher.pk
    assert api.patch(f"/api/v1/duty-shifts/{pk}/", {"engineer": world.engineer2.pk}).status_code == 200
    assert api.delete(f"/api/v1/duty-shifts/{pk}/").status_code == 204
    assert not DutyShift.objects.exists()


def test_an_engineer_cannot_edit_the_roster_through_the_api_but_reads_his_own(world, api_as, week_roster):
    api = api_as("engineer")
    body = {"engineer": world.engineer.pk, "starts_at": "2026-12-12T20:00:00+08:00",
            "ends_at": "2026-12-13T08:00:00+08:00"}
    assert api.post("/api/v1/duty-shifts/", body).status_code == 403
    shift = DutyShift.objects.filter(engineer=world.engineer).first()
    assert api.patch(f"/api/v1/duty-shifts/{shift.pk}/", {"note": "x"}).status_code == 403
    listed = api.get("/api/v1/duty-shifts/").json()
    assert listed["count"] == 29 and {r["engineer"] for r in listed["results"]} == {world.engineer.pk}
    other = DutyShift.objects.filter(engineer=world.engineer2).first()
    assert api.get(f"/api/v1/duty-shifts/{other.pk}/").status_code == 404


def test_a_customer_cannot_see_the_roster_through_the_api(world, api_as, week_roster):
    for path in ("/api/v1/duty-shifts/", "/api/v1/duty-patterns/", "/api/v1/duty-coverage/",
                 "/api/v1/duty-shifts/on-duty/"):
        assert api_as("customer_a").get(path).status_code == 403, path
        assert api_as("dealer_a").get(path).status_code == 403, path


def test_the_api_answers_who_is_on_duty_and_the_coverage_gaps(world, api_as, p13, week_roster):
    api = api_as("desk")
    on_duty = api.get("/api/v1/duty-shifts/on-duty/", {"at": "2026-12-07T23:00:00+08:00"}).json()
    assert [s["engineer"] for s in on_duty] == [world.engineer2.pk]
    gaps = api.get("/api/v1/duty-coverage/", {"days": 7}).json()
    assert [(g["start"], g["end"]) for g in gaps] == [("2026-12-12T20:00:00+08:00", "2026-12-13T08:00:00+08:00")]
    assert api.get("/api/v1/duty-coverage/", {"days": 365}).status_code == 400


def test_the_api_writes_a_weekly_pattern_that_generates_shifts(world, api_as, frozen):
    response = api_as("dispatcher").post("/api/v1/duty-patterns/", {
        "name": "夜班", "engineer": world.engineer2.pk, "weekdays": [0, 1, 2, 3, 4], "start_time": "20:00",
        "end_time": "08:00", "valid_from": "2026-12-07"})
    assert response.status_code == 201, response.content
    assert DutyPattern.objects.get().shifts.count() == 21  # Mon–Fri from 12-07 to 01-04


def test_the_coverage_check_does_not_query_per_contract(world, p13, week_roster):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shouhou.contracts.models import Contract

    def queries():
        with CaptureQueriesContext(connection) as captured:
            roster.coverage_gaps()
        return len(captured)

    one = queries()
    template = ServicePlan.objects.get(is_template=True, source="P8")
    for n in range(3):
        contract = Contract.objects.create(number=f"HT-2026-10{n}", title="维保", customer=world.cust_b,
                                           start_date=date(2026, 1, 1))
        create_plan_from_template(world.dispatcher, template, contract)
    assert queries() == one
