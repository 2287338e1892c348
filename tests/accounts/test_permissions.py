"""The one permission layer (issue 6, "Permissions declared once"): declaration, system actor,
refusal code, team scope, read-only roles, the generated matrix."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from shouhou.accounts import permissions
from shouhou.accounts.choices import Role
from shouhou.accounts.matrix import render
from shouhou.core.errors import REFUSED, PermissionDeniedError
from shouhou.tickets.models import Ticket, TicketEvent
from tests.conftest import PASSWORD, make_user


def test_the_committed_matrix_is_generated_from_the_declaration(tmp_path):
    """docs/permissions.md is the rendering of RIGHTS; regenerate with `manage.py permissions_matrix`."""
    committed = apps.get_app_config("accounts").path.rsplit("/shouhou/", 1)[0] + "/docs/permissions.md"
    with open(committed, encoding="utf-8") as fh:
        assert fh.read() == render()
    call_command("permissions_matrix", file=str(tmp_path / "m.md"))
    assert (tmp_path / "m.md").read_text(encoding="utf-8") == render()


def test_every_declared_scope_is_one_its_model_can_filter_by():
    """A role granted "team" on a model that cannot judge "team" would silently see nothing."""
    unsupported = []
    for role, row in permissions.RIGHTS.items():
        for action, scope in row.items():
            model = apps.get_model(permissions.BY_NAME[action].model)
            supported = getattr(model._default_manager.get_queryset(), "supported_scopes", {permissions.ALL})
            if scope not in supported:
                unsupported.append(f"{role}: {action}={scope} ({model.__name__})")
    assert unsupported == []


def test_every_role_has_a_row_and_every_action_is_declared():
    assert set(permissions.RIGHTS) == set(Role)
    for row in permissions.RIGHTS.values():
        assert set(row) <= set(permissions.BY_NAME) and set(row.values()) <= set(permissions.SCOPES)


def test_a_refusal_by_the_layer_carries_the_one_refusal_code(world):
    with pytest.raises(PermissionDeniedError) as refused:
        permissions.require(world.finance, "ticket.reply")
    assert refused.value.code == REFUSED == "not_permitted"


@pytest.mark.django_db
def test_the_system_actor_exists_after_migrate_has_every_right_and_cannot_log_in():
    system = permissions.system_user()
    assert system.username == "system" and system.role == Role.SYSTEM and not system.has_usable_password()
    assert all(permissions.may(system, action.name) for action in permissions.ACTIONS)
    # even with a password set by mistake, the login backend refuses it
    system.set_password(PASSWORD)
    system.save()
    assert not Client().login(username="system", password=PASSWORD)


def test_anonymous_and_inactive_users_have_no_rights_and_see_nothing(org_world):
    from django.contrib.auth.models import AnonymousUser

    org_world.desk.is_active = False
    for user in (None, AnonymousUser(), org_world.desk):
        assert permissions.rights_of(user) == {}
        assert not permissions.may(user, "ticket.view")
        assert not Ticket.objects.visible_to(user).exists()
    assert Ticket.objects.exists()


def test_has_perm_and_the_layer_give_the_same_answer(org_world):
    """rules is the registry: Django's has_perm (admin, DRF) asks the same table, object by object."""
    engineer, ticket_a, ticket_b = org_world.engineer, org_world.ticket_a, org_world.ticket_b
    assert engineer.has_perm("ticket.reply", ticket_a) and permissions.may(engineer, "ticket.reply", ticket_a)
    assert not engineer.has_perm("ticket.reply", ticket_b) and not permissions.may(engineer, "ticket.reply", ticket_b)


def test_a_dealer_without_organisation_has_no_rights(world):
    orphan = make_user("orphan", Role.DEALER_STAFF)
    assert permissions.rights_of(orphan) == {}


# --- team scope: a branch manager sees his branch's jobs -----------------------------------------

def test_branch_manager_sees_the_jobs_of_his_team_and_no_others(org_world, client_as):
    """Issue 6: "a branch manager sees his branch"; the team is accounts.Team."""
    client = client_as("branch_manager")
    listed = {row["id"] for row in client.get("/api/v1/tickets/").data["results"]}
    assert listed == {org_world.ticket_a.pk}
    assert client.get(f"/api/v1/tickets/{org_world.ticket_c.pk}/").status_code == 404
    # a new member's job joins the branch's scope; leaving the team takes it out again
    org_world.branch.members.add(org_world.engineer2)
    org_world.ticket_c.assignee = org_world.engineer2
    org_world.ticket_c.save(update_fields=["assignee"])
    assert client.get(f"/api/v1/tickets/{org_world.ticket_c.pk}/").status_code == 200
    org_world.branch.members.remove(org_world.engineer2)
    assert client.get(f"/api/v1/tickets/{org_world.ticket_c.pk}/").status_code == 404


def test_an_engineer_sees_only_his_own_jobs_even_in_a_team(org_world, client_as):
    listed = {row["id"] for row in client_as("engineer").get("/api/v1/tickets/").data["results"]}
    assert listed == {org_world.ticket_a.pk}


# --- read-only roles stay read-only -------------------------------------------------------------

@pytest.mark.parametrize("persona", ["finance", "leadership"])
def test_read_only_roles_cannot_reply_note_or_attach(org_world, client_as, persona):
    """Issue 6: leadership and finance could post customer-visible replies, internal notes and
    attachments on any ticket.  They read; they write nothing."""
    client = client_as(persona)
    url = f"/api/v1/tickets/{org_world.ticket_a.pk}/"
    assert client.get(url).status_code == 200
    for internal in (False, True):
        response = client.post(url + "comments/", {"body": "收到", "internal": internal}, format="json")
        assert response.status_code == 403 and response.data["code"] == REFUSED
        upload = SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff\xe0jpeg", content_type="image/jpeg")
        response = client.post(url + "attachments/", {"file": upload, "internal": internal}, format="multipart")
        assert response.status_code == 403 and response.data["code"] == REFUSED
    assert not TicketEvent.objects.filter(actor=org_world.users[persona]).exists()


@pytest.mark.parametrize("persona", ["finance", "leadership"])
def test_read_only_roles_get_no_comment_or_upload_form(org_world, persona):
    browser = Client()
    browser.force_login(org_world.users[persona])
    page = browser.get(f"/tickets/{org_world.ticket_a.pk}/").content.decode()
    assert f"/tickets/{org_world.ticket_a.pk}/comments/" not in page
    assert f"/tickets/{org_world.ticket_a.pk}/attachments/" not in page
    assert browser.post(f"/tickets/{org_world.ticket_a.pk}/comments/", {"body": "收到"}).status_code == 403


def test_the_complaint_desk_registers_reports(org_world, client_as):
    """Issue 6 / P7.4, P12.5: the complaint desk registers reports (opens requests)."""
    response = client_as("complaint_desk").post("/api/v1/tickets/", {"title": "投诉：维修超时", "serial": "FD-A-0001"},
                                                format="json")
    assert response.status_code == 201
    assert Ticket.objects.get(pk=response.data["id"]).created_by == org_world.users["complaint_desk"]


def test_the_technical_department_writes_fault_analysis_reports_and_internal_notes_only(org_world, client_as):
    """Issue 6 / P5.4: the technical department writes fault analyses; it does not talk to customers."""
    client = client_as("technical")
    response = client.post("/api/v1/fault-reports/", {
        "ticket": org_world.ticket_c.pk, "cause": "密封圈批次缺陷", "fix": "更换密封圈", "prevention": "更换供应商"},
        format="json")
    assert response.status_code == 201
    url = f"/api/v1/tickets/{org_world.ticket_c.pk}/comments/"
    assert client.post(url, {"body": "批次问题，已通知质量部", "internal": True}, format="json").status_code == 201
    refused = client.post(url, {"body": "您好", "internal": False}, format="json")
    assert refused.status_code == 403 and refused.data["code"] == REFUSED


def test_the_technical_department_page_offers_only_internal_notes(org_world):
    browser = Client()
    browser.force_login(org_world.technical)
    response = browser.post(f"/tickets/{org_world.ticket_c.pk}/comments/", {"body": "批次问题"})
    assert response.status_code == 302
    assert TicketEvent.objects.get(actor=org_world.technical, body="批次问题").internal is True


def test_me_shows_the_users_rights(client_as):
    data = client_as("engineer").get("/api/v1/me/").data
    assert data["rights"]["ticket.view"] == "own" and "ticket.edit" not in data["rights"]
    assert data["is_internal"] is True
