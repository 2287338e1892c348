"""`shouhou export … --as USER` shows phone numbers exactly as the pages do for that user
(issue 6, personal data: masked for roles that do not need them) and logs the export (PIPL)."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from shouhou.core.models import ExportLog
from tests.conftest import PASSWORD

PHONE = "13812345678"


def _exported_phone(tmp_path, username):
    path = tmp_path / f"{username}.csv"
    call_command("export_data", "customers", str(path), "--as", username, stdout=StringIO())
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = {row["客户编号"]: row["电话"] for row in csv.DictReader(fh)}
    return rows["C001"]


def _page_shows_full_number(username) -> bool:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return PHONE in client.get("/customers/").content.decode()


@pytest.mark.parametrize("username, full", [("desk", True), ("dealer_a", True), ("engineer", False),
                                            ("finance", False), ("customer_a", False)])
def test_the_export_masks_phone_numbers_exactly_as_the_pages_do(world, tmp_path, username, full):
    world.cust_a.phone = PHONE
    world.cust_a.save()
    assert _page_shows_full_number(username) is full
    assert _exported_phone(tmp_path, username) == (PHONE if full else "138****5678")
    entry = ExportLog.objects.get()
    assert entry.user.username == username and entry.channel == "cli" and entry.model == "customers.customer"
