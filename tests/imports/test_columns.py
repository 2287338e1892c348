"""Each domain app owns its import/export columns (issue 7): the ops commands only dispatch."""

import ast
import csv
from importlib import import_module
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from shouhou.core import spreadsheet
from shouhou.core.spreadsheet import Column, Sheet, register_sheet, sheets
from shouhou.customers.models import Customer

COMMANDS = Path(__file__).resolve().parents[2] / "shouhou" / "ops" / "management" / "commands"


def test_every_kind_is_declared_by_the_app_that_owns_its_model():
    found = sheets()
    assert set(found) == {"customers", "sites", "contacts", "assets", "contracts", "tickets", "parts",
                          "price_list_lines"}
    for sheet in found.values():
        module = import_module(f"shouhou.{sheet.model._meta.app_label}.spreadsheet")
        assert sheet in vars(module).values()


@pytest.mark.parametrize("command", ["import_data.py", "export_data.py"])
def test_the_import_and_export_commands_name_no_domain_model(command):
    tree = ast.parse((COMMANDS / command).read_text(encoding="utf-8"))
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not {m for m in modules if m.endswith((".models", ".services")) and m.split(".")[1] not in ("accounts", "core")}


@pytest.mark.django_db
def test_a_kind_an_app_registers_is_imported_and_exported_without_touching_the_commands(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheet, "SHEETS", dict(sheets()))  # discovered first, restored after
    register_sheet(Sheet("prospects", Customer, (
        Column("编号", lambda c: c.code, "code", ("prospect no.",), required=True),
        Column("名称", lambda c: c.name, "name", ("prospect",), required=True),
    ), create=lambda user, data: Customer.objects.create(**data)))
    source = tmp_path / "prospects.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["编号", "prospect"], ["P-1", "北区仓库"], ["P-2", "南区工厂"]])
    call_command("import_data", "prospects", str(source), stdout=StringIO())
    assert set(Customer.objects.values_list("code", "name")) == {("P-1", "北区仓库"), ("P-2", "南区工厂")}
    target = tmp_path / "out.csv"
    call_command("export_data", "prospects", str(target), stdout=StringIO())
    rows = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert rows == [["编号", "名称"], ["P-1", "北区仓库"], ["P-2", "南区工厂"]]
