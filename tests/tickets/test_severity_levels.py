"""Issue 8, "Severity levels as data": a company names its own levels and definitions (困人 for an
elevator company, four levels where a plan has four) and the intake form shows them; the P5.1
definitions are the seeded (demo) company's, and existing severity values keep working."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from shouhou.sla.models import Clock, ServicePlan, Target
from shouhou.tickets import services
from shouhou.tickets.forms import TicketReportForm
from shouhou.tickets.severity import SeverityLevel, forget_levels

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def elevator_levels():
    """An elevator company's four levels: trapped passengers come first."""
    forget_levels()
    SeverityLevel.objects.filter(rank=1).update(name="一级 – 困人", definition="电梯困人，乘客被困轿厢内。")
    SeverityLevel.objects.create(rank=4, name="四级 – 咨询", definition="使用咨询，不影响运行。")
    forget_levels()
    yield
    forget_levels()


def test_the_p5_1_definitions_are_seeded_and_old_values_keep_their_names(world):
    forget_levels()
    assert list(SeverityLevel.objects.values_list("rank", flat=True)) == [1, 2, 3]
    assert "10 分钟" in SeverityLevel.objects.get(rank=1).definition  # P5.1 level 1
    ticket = services.open_ticket(world.desk, title="门禁系统瘫痪", severity=1)
    assert ticket.get_severity_display() == "一级 – 重大故障"


def test_the_intake_form_shows_the_companys_own_levels_with_definitions(world, elevator_levels):
    choices = dict(TicketReportForm(user=world.desk).fields["severity"].choices)
    assert choices[1] == "一级 – 困人：电梯困人，乘客被困轿厢内。"
    assert 4 in choices
    html = client_for(world.desk).get("/tickets/new/").content.decode()
    assert "电梯困人" in html and "四级 – 咨询" in html


def test_a_fourth_level_is_reported_and_scopes_a_plans_target(world, elevator_levels):
    plan = ServicePlan.objects.create(name="电梯维保", is_default=True)
    Target.objects.create(plan=plan, kind="callback", name="咨询 1 日内回复", amount=Decimal(24), unit="hours",
                          start_event="received", stop_event="contacted", severities=[4])
    ticket = services.open_ticket(world.desk, title="怎么设置楼层", severity=4)
    assert ticket.get_severity_display() == "四级 – 咨询"
    assert [c.name for c in Clock.objects.filter(ticket=ticket)] == ["咨询 1 日内回复"]


def test_an_unknown_level_is_refused_by_the_api(world, api_as):
    response = api_as("desk").post("/api/v1/tickets/", {"title": "x", "severity": 7}, format="json")
    assert response.status_code == 400 and "severity" in response.json()


def test_the_service_manager_edits_levels_on_the_page_and_the_desk_only_reads(world):
    forget_levels()
    data = {"levels-TOTAL_FORMS": 4, "levels-INITIAL_FORMS": 3, "levels-MIN_NUM_FORMS": 0,
            "levels-MAX_NUM_FORMS": 1000}
    for i, level in enumerate(SeverityLevel.objects.order_by("rank")):
        data.update({f"levels-{i}-id": level.pk, f"levels-{i}-rank": level.rank, f"levels-{i}-name": level.name,
                     f"levels-{i}-definition": level.definition, f"levels-{i}-active": "on"})
    data.update({"levels-3-rank": 4, "levels-3-name": "四级 – 困人", "levels-3-definition": "电梯困人。",
                 "levels-3-active": "on"})
    assert client_for(world.desk).post("/sla/severities/", data).status_code == 403
    assert client_for(world.desk).get("/sla/severities/").status_code == 200
    assert not SeverityLevel.objects.filter(rank=4).exists()
    response = client_for(world.dispatcher).post("/sla/severities/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    level = SeverityLevel.objects.get(rank=4)
    assert level.history.first().history_user == world.dispatcher
