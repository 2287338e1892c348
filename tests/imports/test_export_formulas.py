"""Exports never carry a live spreadsheet formula (issue 6, hardening: CSV/formula injection)."""

import csv

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from shouhou.customers.models import Customer

PAYLOADS = ['=HYPERLINK("http://evil.example/","点此")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
            "\t=1+1", "\r=1+1"]


@pytest.fixture
def hostile_customers(world):
    for n, payload in enumerate(PAYLOADS):
        Customer.objects.create(code=f"X{n}", name=payload, notes=payload)
    return PAYLOADS


def test_csv_export_prefixes_every_formula_cell_with_an_apostrophe(hostile_customers, tmp_path):
    """Given customer names that start with =, +, -, @, tab or CR, the CSV cells start with ' instead."""
    path = tmp_path / "customers.csv"
    call_command("export_data", "customers", str(path))
    rows = {r[0]: r for r in csv.reader(path.open(encoding="utf-8-sig", newline=""))}
    for n, payload in enumerate(hostile_customers):
        assert rows[f"X{n}"][1] == "'" + payload
    assert rows["C001"][1] == "华东大厦"  # ordinary text is untouched


def test_xlsx_export_writes_no_formula_cell(hostile_customers, tmp_path):
    """openpyxl would write a string starting with = as a formula; the export writes text."""
    path = tmp_path / "customers.xlsx"
    call_command("export_data", "customers", str(path))
    cells = [cell for row in load_workbook(path).active.iter_rows() for cell in row]
    assert not [c.value for c in cells if c.data_type == "f"]
    names = {str(c.value) for c in cells}
    assert "'" + hostile_customers[0] in names


def test_neutralised_export_imports_back_to_the_original_text(hostile_customers, tmp_path):
    """The apostrophe is the spreadsheet's text marker, not data: a round trip keeps the name."""
    path = tmp_path / "customers.csv"
    call_command("export_data", "customers", str(path))
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline="")))
    again = [[f"R{r[0]}", *r[1:]] for r in rows[1:] if r[0] == "X0"]
    copy = tmp_path / "again.csv"
    with copy.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([rows[0], *again])
    call_command("import_data", "customers", str(copy))
    assert Customer.objects.get(code="RX0").name == hostile_customers[0]
