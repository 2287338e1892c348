"""The REST API writes working calendars' days and takes the State Council notice (issue 8)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from shouhou.sla.models import Clock, WorkingCalendar

from .conftest import open_fault, sh

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _keep_the_language():
    """API requests activate the negotiated language in this thread; later tests expect the default."""
    language = translation.get_language()
    yield
    translation.activate(language)


def test_admin_adds_changes_and_removes_a_day_through_the_api(api_as, office):
    client = api_as("admin")
    url = f"/api/v1/calendars/{office.pk}/days/"
    response = client.post(url, {"date": "2027-03-08", "kind": "rest", "name": "公司日"}, format="json")
    assert response.status_code == 200 and response.json()["kind"] == "rest"
    assert response.json()["provisional"] is False
    listed = client.get(url, {"year": 2027}).json()["results"]
    assert {"date": "2027-03-08", "kind": "rest"}.items() <= next(
        d for d in listed if d["date"] == "2027-03-08").items()
    assert client.delete(f"{url}2027-03-08/").status_code == 204
    assert not office.days.filter(date=date(2027, 3, 8)).exists()


def test_a_bad_day_type_is_a_400_and_non_admins_get_403(api_as, office):
    url = f"/api/v1/calendars/{office.pk}/days/"
    assert api_as("admin").post(url, {"date": "2027-03-08", "kind": "maybe"}, format="json").status_code == 400
    assert api_as("dispatcher").post(url, {"date": "2027-03-08", "kind": "rest"}, format="json").status_code == 403
    assert api_as("dispatcher").delete(f"{url}2027-01-01/").status_code == 403
    assert office.days.get(date=date(2027, 1, 1)).provisional


def test_the_notice_through_the_api_previews_then_saves_and_recomputes(api_as, world, report_plan, frozen):
    frozen.set(sh(2027, 2, 4, 10, 0))
    ticket = open_fault(world)
    calendar = report_plan.calendar
    url = f"/api/v1/calendars/{calendar.pk}/notice/"
    text = (DATA / "notice_2027_sample.txt").read_text("utf-8")
    preview = api_as("admin").post(url, {"text": text, "preview": True}, format="json").json()
    assert preview["saved"] is False and preview["year"] == 2027 and len(preview["warnings"]) == 1
    assert {"date": "2027-02-20", "kind": "makeup", "name": "春节调休"} in preview["days"]
    assert not calendar.days.filter(date=date(2027, 2, 20)).exists()
    saved = api_as("admin").post(url, {"text": text}, format="json").json()
    assert saved["saved"] is True and saved["known_until"] == "2027-12-31" and saved["changed_clocks"] >= 1
    assert Clock.objects.get(ticket=ticket, kind="report").due_at == sh(2027, 2, 17, 18, 0)
    assert 2027 not in WorkingCalendar.objects.get(pk=calendar.pk).provisional_years()


def test_an_unreadable_notice_is_a_400_with_the_reason(api_as, office):
    response = api_as("admin").post(f"/api/v1/calendars/{office.pk}/notice/",
                                    {"text": "一、元旦：1月1日（周四）放假1天。", "year": 2027}, format="json")
    assert response.status_code == 400 and "星期" in str(response.json())
