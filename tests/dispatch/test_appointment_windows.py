"""Issue 8, "What a plan can say": "Working windows for appointments: a maintenance contract's hours
(Mon–Fri 08:30–17:00, no holidays) refuse or warn about an appointment outside them."

Exact instants (Asia/Shanghai): 2027-01-01 (Friday) is a statutory holiday of the plan's calendar,
2027-01-02 is a Saturday, 2027-01-04 a Monday; 2027-02-20 (Saturday) a make-up working day.  Hours
are half-open: 08:30 and 16:59 are inside, 08:29 and 17:00 outside.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from shouhou.core.errors import ServiceError
from shouhou.dispatch import services
from shouhou.sla.choices import DayKind
from shouhou.sla.models import CalendarDay, PlanClauses, ServicePlan, WorkingCalendar
from shouhou.sla.services import editor, plan_terms
from shouhou.tickets.choices import EventKind

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
WINDOW = {"appointment_days": [1, 2, 3, 4, 5], "appointment_hours": "08:30-17:00", "appointment_skip_holidays": True}


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def calendar(db):
    cal = WorkingCalendar.objects.create(code="win-5x8", name="维保日历", statutory="")
    CalendarDay.objects.create(calendar=cal, date=date(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    CalendarDay.objects.create(calendar=cal, date=date(2027, 2, 20), kind=DayKind.MAKEUP, name="春节调休上班")
    return cal


def window_plan(world, calendar, mode):
    plan = editor.create_plan(world.dispatcher, name="维保合同服务时段", contract=world.contract_a, calendar=calendar)
    plan_terms.save_clauses(world.dispatcher, plan, {"appointment_window": mode, **WINDOW}, version=None)
    editor.publish(world.dispatcher, plan)
    return plan


@pytest.fixture
def assigned(world, ticket):
    return services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)


@pytest.mark.parametrize("at, why", [
    (sh(2027, 1, 1, 10, 0), "2027-01-01"),   # New Year's Day, a Friday: a holiday of the calendar
    (sh(2027, 1, 2, 10, 0), "星期六"),        # a Saturday
    (sh(2027, 1, 4, 17, 0), "17:00"),        # Monday at closing time: the end is outside
    (sh(2027, 1, 4, 8, 29), "08:29"),        # Monday before opening
])
def test_refuse_mode_refuses_an_appointment_outside_the_window_naming_the_field(world, calendar, assigned, at, why):
    window_plan(world, calendar, "refuse")
    with pytest.raises(ServiceError) as exc:
        services.book_appointment(world.engineer, assigned, at, "物业王经理")
    assert exc.value.code == "appointment_outside_window" and exc.value.field == "appointment_at"
    message = str(exc.value.message)
    assert "预约时间" in message and "服务时段" in message and why in message
    assert "星期一、星期二、星期三、星期四、星期五 08:30-17:00" in message
    assert not assigned.visits.exists()
    assert not assigned.events.filter(kind=EventKind.APPOINTMENT).exists()


@pytest.mark.parametrize("at", [sh(2027, 1, 4, 8, 30), sh(2027, 1, 4, 16, 59), sh(2027, 2, 20, 10, 0)])
def test_inside_the_window_and_on_a_make_up_working_day_is_booked_plainly(world, calendar, assigned, at):
    window_plan(world, calendar, "refuse")
    visit = services.book_appointment(world.engineer, assigned, at, "")
    assert visit.appointment_at == at and visit.appointment_warning == ""


def test_without_not_on_holidays_only_the_weekday_counts(world, calendar, assigned):
    plan = window_plan(world, calendar, "refuse")
    PlanClauses.objects.filter(plan=plan).update(appointment_skip_holidays=False)
    visit = services.book_appointment(world.engineer, assigned, sh(2027, 1, 1, 10, 0), "")  # a Friday
    assert visit.appointment_warning == ""


def test_warn_mode_books_and_keeps_the_warning_on_the_visit_and_the_timeline(world, calendar, assigned):
    window_plan(world, calendar, "warn")
    visit = services.book_appointment(world.engineer, assigned, sh(2027, 1, 2, 10, 0), "客户周六在场")
    assert visit.appointment_at == sh(2027, 1, 2, 10, 0)
    assert "星期六" in visit.appointment_warning and "已按与客户的约定预约" in visit.appointment_warning
    event = assigned.events.get(kind=EventKind.APPOINTMENT)
    assert event.data["window_warning"] == visit.appointment_warning and event.body == visit.appointment_warning


def test_no_window_no_check(world, assigned):
    visit = services.book_appointment(world.engineer, assigned, sh(2027, 1, 2, 10, 0), "")
    assert visit.appointment_warning == ""


def test_the_booking_form_shows_the_refusal_on_the_appointment_field(world, calendar, assigned, client):
    window_plan(world, calendar, "refuse")
    client.force_login(world.engineer)
    response = client.post(reverse("dispatch:appointment", args=[assigned.pk]),
                           {"appointment_at": "2027-01-02T10:00", "note": "", "version": assigned.version})
    assert response.status_code == 200
    form = response.context["form"]
    assert "星期六" in " ".join(form.errors["appointment_at"])


def test_the_booking_form_books_with_a_visible_warning(world, calendar, assigned, client):
    window_plan(world, calendar, "warn")
    client.force_login(world.engineer)
    response = client.post(reverse("dispatch:appointment", args=[assigned.pk]),
                           {"appointment_at": "2027-01-02T10:00", "note": "", "version": assigned.version},
                           follow=True)
    assert response.status_code == 200
    assert any("星期六" in str(m) and m.level_tag == "warning" for m in response.context["messages"])
    visit = assigned.visits.get()
    page = client.get(reverse("tickets:detail", args=[assigned.pk])).content.decode()
    assert visit.appointment_warning in page


def test_the_api_refuses_naming_the_field_and_shows_a_warning_on_the_visit(world, calendar, assigned, api_as):
    plan = window_plan(world, calendar, "refuse")
    client = api_as("engineer")
    url = f"/api/v1/tickets/{assigned.pk}/actions/"
    response = client.post(url, {"action": "book_appointment", "appointment_at": "2027-01-01T10:00:00+08:00",
                                 "version": assigned.version}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "appointment_outside_window" and response.json()["field"] == "appointment_at"
    PlanClauses.objects.filter(plan=plan).update(appointment_window="warn")
    response = client.post(url, {"action": "book_appointment", "appointment_at": "2027-01-01T10:00:00+08:00",
                                 "version": assigned.version}, format="json")
    assert response.status_code == 200, response.json()
    visits = client.get(f"/api/v1/visits/?ticket={assigned.pk}").json()
    rows = visits["results"] if isinstance(visits, dict) else visits
    assert "2027-01-01" in rows[0]["appointment_warning"]


def test_the_plan_editor_sets_the_working_window(world, calendar, client):
    plan = editor.create_plan(world.dispatcher, name="维保合同服务时段", contract=world.contract_a, calendar=calendar)
    plan.refresh_from_db()
    client.force_login(world.dispatcher)
    base = {"name": plan.name, "calendar": calendar.pk, "description": "", "version": plan.version,
            "targets-TOTAL_FORMS": 0, "targets-INITIAL_FORMS": 0, "targets-MIN_NUM_FORMS": 0,
            "targets-MAX_NUM_FORMS": 1000, "rules-TOTAL_FORMS": 0, "rules-INITIAL_FORMS": 0,
            "rules-MIN_NUM_FORMS": 0, "rules-MAX_NUM_FORMS": 1000, "zone_rules-TOTAL_FORMS": 0,
            "zone_rules-INITIAL_FORMS": 0, "zone_rules-MIN_NUM_FORMS": 0, "zone_rules-MAX_NUM_FORMS": 1000,
            "terms-appointment_window": "refuse", "terms-appointment_days": ["1", "2", "3", "4", "5"]}
    response = client.post(f"/sla/plans/{plan.pk}/edit/", base)  # hours missing: refused on that field
    assert response.status_code == 400 and "appointment_hours" in response.context["terms"].errors
    response = client.post(f"/sla/plans/{plan.pk}/edit/", {**base, "terms-appointment_hours": "08:30-17:00",
                                                           "terms-appointment_skip_holidays": "on"})
    assert response.status_code == 302
    clauses = PlanClauses.objects.get(plan=plan)
    assert (clauses.appointment_window, clauses.appointment_days, clauses.appointment_hours,
            clauses.appointment_skip_holidays) == ("refuse", [1, 2, 3, 4, 5], "08:30-17:00", True)
    assert PlanClauses.history.filter(plan_id=plan.pk, appointment_window="refuse").exists()  # audited


def test_the_plan_api_writes_the_working_window_and_refuses_bad_hours(world, calendar, api_as):
    plan = editor.create_plan(world.dispatcher, name="维保合同服务时段", contract=world.contract_a, calendar=calendar)
    plan.refresh_from_db()
    client = api_as("dispatcher")
    bad = client.patch(f"/api/v1/service-plans/{plan.pk}/", {"clauses": {
        "appointment_window": "warn", "appointment_days": [1, 2, 3, 4, 5], "appointment_hours": "8点半到5点"}},
        format="json", HTTP_IF_MATCH=f'"{plan.version}"')
    assert bad.status_code == 400 and "appointment_hours" in str(bad.json())
    plan = ServicePlan.objects.get(pk=plan.pk)
    response = client.patch(f"/api/v1/service-plans/{plan.pk}/", {"clauses": {
        "appointment_window": "warn", **WINDOW}, "reason": "合同约定服务时段"},
        format="json", HTTP_IF_MATCH=f'"{plan.version}"')
    assert response.status_code == 200, response.json()
    clauses = response.json()["clauses"]
    assert clauses["appointment_window"] == "warn" and clauses["appointment_days"] == [1, 2, 3, 4, 5]
    assert clauses["appointment_hours"] == "08:30-17:00" and clauses["appointment_skip_holidays"] is True
