"""PIPL: every export of personal data is logged — who, when, what (model, filters, row count) —
and the log is visible to administrators in the admin (and only there, read-only)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client

from shouhou.core.models import ExportLog


def test_the_cli_export_logs_who_what_filters_and_rows(world, tmp_path):
    call_command("export_data", "customers", str(tmp_path / "c.csv"), "--as", "dealer_a", stdout=StringIO())
    call_command("export_data", "tickets", str(tmp_path / "t.xlsx"), stdout=StringIO())
    dealer_run, operator_run = ExportLog.objects.order_by("pk")
    assert dealer_run.user == world.dealer_a and dealer_run.actor == "dealer_a" and dealer_run.channel == "cli"
    assert dealer_run.model == "customers.customer" and dealer_run.row_count == 1  # dealer A sees one customer
    assert dealer_run.filters == {"kind": "customers", "as": "dealer_a"} and dealer_run.destination == "c.csv"
    assert operator_run.user.is_system and operator_run.actor.startswith("operator")  # no --as: the system actor
    assert operator_run.model == "tickets.ticket" and operator_run.row_count == 0 and operator_run.created_at


def test_administrators_read_the_export_log_in_the_admin_and_nobody_edits_or_deletes_it(world, tmp_path):
    call_command("export_data", "customers", str(tmp_path / "c.csv"), stdout=StringIO())
    entry = ExportLog.objects.get()
    admin = Client()
    admin.force_login(world.admin)
    page = admin.get("/admin/core/exportlog/")
    assert page.status_code == 200 and "customers.customer" in page.content.decode()
    assert admin.post(f"/admin/core/exportlog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    desk = Client()
    desk.force_login(world.desk)
    assert desk.get("/admin/core/exportlog/").status_code == 302  # not staff: to the admin login
    with pytest.raises(ProtectedError), transaction.atomic():
        entry.delete()
    assert ExportLog.objects.count() == 1
