"""Issue 6: users (their role, organisation and flags) and organisations are audited; the admin
shows the history; logging in or the password hash never lands in the history."""

import pytest
from django.test import Client

from shouhou.accounts.models import Organisation, User
from tests.conftest import PASSWORD


@pytest.fixture
def admin_client(world):
    client = Client()
    client.force_login(world.admin)
    return client


def test_a_role_change_in_the_admin_is_recorded_with_the_admin(world, admin_client):
    user = world.engineer
    response = admin_client.post(f"/admin/accounts/user/{user.pk}/change/", {
        "username": user.username, "first_name": user.first_name, "last_name": "", "email": "",
        "is_active": "on", "role": "dispatcher", "organisation": world.own.pk, "phone": "",
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00", "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00"})
    assert response.status_code == 302, response.content.decode()[:3000]
    row = User.objects.get(pk=user.pk).history.latest()
    assert (row.history_user, row.role, row.prev_record.role) == (world.admin, "dispatcher", "engineer")
    assert 'name="change_reason"' in admin_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert 'name="change_reason"' not in admin_client.get("/admin/accounts/user/add/").content.decode()
    page = admin_client.get(f"/admin/accounts/user/{user.pk}/history/").content.decode()
    assert "dispatcher" in page or "调度" in page


def test_logging_in_writes_no_history_row_and_no_password_is_kept(world):
    before = world.desk.history.count()
    assert Client().login(username="desk", password=PASSWORD)
    assert world.desk.history.count() == before
    assert "password" not in {f.name for f in User.history.model._meta.fields}


def test_organisations_are_audited(world):
    org = Organisation.objects.get(pk=world.dealer_org_a.pk)
    org.phone = "400-100-2000"
    org.save()
    assert [r.phone for r in org.history.all()] == ["400-100-2000", ""]
