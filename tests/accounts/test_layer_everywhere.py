"""Rights formerly decided by role checks scattered over the apps now come from the one
declaration (issue 6, "Permissions declared once"): changing a role's row in RIGHTS changes the
behaviour — full phone numbers, the approvals menu, repair task forms, retention — with no other edit."""

from __future__ import annotations

import pytest
from django.test import Client

from shouhou.accounts import permissions
from shouhou.accounts.choices import Role
from shouhou.core.errors import PermissionDeniedError
from shouhou.core.privacy import phone_for
from shouhou.dispatch.repair_forms import services as repair_forms
from shouhou.retention.services import may_apply_retention
from tests.conftest import PASSWORD

PHONE = "13812345678"


def test_who_sees_full_phone_numbers_is_the_layers_customer_view_full_phone(org_world, monkeypatch):
    """P-PIPL masking: desk always; the engineer on his job; dealer staff on their customers' records."""
    w = org_world
    assert phone_for(w.desk, PHONE) == PHONE
    assert phone_for(w.engineer, PHONE, w.ticket_a) == PHONE
    assert phone_for(w.engineer, PHONE, w.ticket_b) == "138****5678"
    assert phone_for(w.engineer, PHONE) == "138****5678"  # no record: only scope "all" sees numbers in full
    assert phone_for(w.dealer_a, PHONE, w.cust_a) == PHONE and phone_for(w.dealer_a, PHONE, w.cust_b) != PHONE
    assert phone_for(w.finance, PHONE, w.ticket_a) != PHONE
    monkeypatch.delitem(permissions.RIGHTS[Role.SERVICE_DESK], "customer.view_full_phone")
    monkeypatch.setitem(permissions.RIGHTS[Role.FINANCE], "customer.view_full_phone", permissions.ALL)
    assert phone_for(w.desk, PHONE, w.ticket_a) == "138****5678"
    assert phone_for(w.finance, PHONE, w.ticket_a) == PHONE


def _nav(user) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client.get("/").content.decode()


def test_the_my_approvals_menu_is_shown_to_whoever_has_approval_view(org_world, monkeypatch):
    assert 'data-nav="approvals"' in _nav(org_world.finance)
    assert 'data-nav="approvals"' not in _nav(org_world.dealer_a)
    monkeypatch.delitem(permissions.RIGHTS[Role.FINANCE], "approval.view")
    assert 'data-nav="approvals"' not in _nav(org_world.finance)


def test_repair_task_forms_are_written_by_whoever_has_repair_form_write(org_world, monkeypatch):
    """P13.8: the desk writes them — because the declaration says so."""
    w = org_world
    assert repair_forms.can_write(w.desk, w.ticket_a) and not repair_forms.can_write(w.technical, w.ticket_a)
    monkeypatch.delitem(permissions.RIGHTS[Role.SERVICE_DESK], "repair_form.write")
    monkeypatch.setitem(permissions.RIGHTS[Role.TECHNICAL], "repair_form.write", permissions.ALL)
    assert repair_forms.can_write(w.technical, w.ticket_a) and not repair_forms.can_write(w.desk, w.ticket_a)
    with pytest.raises(PermissionDeniedError):
        repair_forms.create_repair_form(w.desk, w.ticket_a)


def test_only_staff_who_may_see_repair_task_forms_may_lead_one(org_world, monkeypatch):
    leaders = permissions.users_with("repair_form.view")
    assert {org_world.engineer, org_world.finance, org_world.admin} <= set(leaders)
    assert not {org_world.dealer_a, org_world.customer_a} & set(leaders)
    monkeypatch.delitem(permissions.RIGHTS[Role.FINANCE], "repair_form.view")
    assert org_world.finance not in set(permissions.users_with("repair_form.view"))


def test_retention_is_applied_by_whoever_has_retention_apply(org_world, monkeypatch):
    assert may_apply_retention(org_world.admin) and may_apply_retention(None)  # None: the system actor
    assert not may_apply_retention(org_world.dispatcher)
    monkeypatch.setitem(permissions.RIGHTS[Role.DISPATCHER], "retention.apply", permissions.ALL)
    assert may_apply_retention(org_world.dispatcher)
