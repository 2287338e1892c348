"""The explicit system actor replaces `user=None` (issue 6): CLI runs and escalations act as it."""

from __future__ import annotations

import csv

import pytest
from django.core.management import CommandError, call_command

from shouhou.accounts.permissions import system_user
from shouhou.customers.models import Customer
from tests.conftest import make_user


def test_an_import_without_as_acts_as_the_system_actor_and_its_history_names_it(world, tmp_path):
    path = tmp_path / "customers.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["客户编号", "客户名称"], ["C900", "新客户"]])
    call_command("import_data", "customers", str(path))
    customer = Customer.objects.get(code="C900")
    assert customer.history.get().history_user == system_user()


def test_an_export_as_a_user_without_the_export_right_is_refused(world, tmp_path):
    make_user("orphan_dealer", "dealer_staff")  # a dealer account with no organisation has no rights
    with pytest.raises(CommandError):
        call_command("export_data", "customers", str(tmp_path / "x.csv"), "--as", "orphan_dealer")
    assert not (tmp_path / "x.csv").exists()


def test_the_system_actor_cannot_be_named_with_as(world, tmp_path):
    system_user()
    with pytest.raises(CommandError):
        call_command("export_data", "customers", str(tmp_path / "x.csv"), "--as", "system")
