"""`shouhou import` / `shouhou export`: all-or-nothing imports with line-numbered reasons; scoped exports."""

import csv
import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from shouhou.assets.models import Asset
from shouhou.customers.models import Customer, Site

ASSET_HEADER = ["序列号", "产品型号", "客户编号", "项目名称", "验收日期"]


def good_and_bad_asset_rows():
    return [
        ["SN-100", "FM-100", "C001", "华东大厦一期", "2026-03-01"],   # line 2: good
        ["SN-101", "FM-100", "C001", "华东大厦一期", "2026/3/2"],     # line 3: good
        ["SN-102", "NOPE-1", "C001", "", ""],                          # line 4: unknown product model
        ["SN-103", "FM-100", "C002", "", "2026-03-04"],               # line 5: good
        ["FD-A-0001", "FM-100", "C001", "", ""],                       # line 6: serial already exists
    ]


def write_csv(path, header, rows, encoding="utf-8-sig"):
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path, header, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_three_good_two_bad_rows_import_nothing_and_report_both_lines(world, tmp_path, capsys, writer):
    """Given 3 good rows and 2 bad ones, when imported, then nothing is imported (exit 1) and lines 4
    and 6 are reported with a reason naming the field in Chinese."""
    path = writer(tmp_path / f"assets.{'csv' if writer is write_csv else 'xlsx'}", ASSET_HEADER,
                  good_and_bad_asset_rows())
    with pytest.raises(CommandError) as exc:
        call_command("import_data", "assets", str(path))
    assert exc.value.returncode == 1
    err = capsys.readouterr().err
    assert "第 4 行：产品型号：" in err and "NOPE-1" in err
    assert "第 6 行：序列号：" in err
    assert "第 2 行" not in err and "第 3 行" not in err and "第 5 行" not in err
    assert not Asset.objects.filter(serial_no__in=["SN-100", "SN-101", "SN-103"]).exists()


def test_clean_file_imports_all_rows_through_the_services(world, tmp_path):
    rows = [r for r in good_and_bad_asset_rows() if r[0] in {"SN-100", "SN-101", "SN-103"}]
    call_command("import_data", "assets", str(write_xlsx(tmp_path / "a.xlsx", ASSET_HEADER, rows)))
    imported = Asset.objects.get(serial_no="SN-100")
    assert imported.customer == world.cust_a and imported.site == world.site_a
    # The contract covering the unit is none; product default 24 months from acceptance.
    assert (imported.warranty_start, imported.warranty_end) == (dt.date(2026, 3, 1), dt.date(2028, 2, 29))
    assert Asset.objects.get(serial_no="SN-101").acceptance_date == dt.date(2026, 3, 2)


def test_dry_run_validates_but_imports_nothing(world, tmp_path, capsys):
    path = write_csv(tmp_path / "c.csv", ["customer no.", "name", "key customer"], [["C900", "新客户", "是"]])
    call_command("import_data", "customers", str(path), "--dry-run")
    assert not Customer.objects.filter(code="C900").exists()
    call_command("import_data", "customers", str(path))
    assert Customer.objects.get(code="C900").is_key_customer


def test_gbk_csv_with_english_headers_imports_sites(world, tmp_path):
    path = write_csv(tmp_path / "s.csv", ["Customer No.", "Site", "Address", "Zone"],
                     [["C001", "华东大厦二期", "上海", "city"]], encoding="gbk")
    call_command("import_data", "sites", str(path))
    assert Site.objects.get(name="华东大厦二期").zone == world.zone


def test_unknown_header_is_refused_before_any_row(world, tmp_path):
    path = write_csv(tmp_path / "s.csv", ["客户编号", "项目名称", "颜色"], [["C001", "x", "红"]])
    with pytest.raises(CommandError, match="颜色"):
        call_command("import_data", "sites", str(path))


def test_import_as_dealer_cannot_touch_another_dealers_customer(world, tmp_path, capsys):
    path = write_csv(tmp_path / "s.csv", ["客户编号", "项目名称"], [["C002", "偷偷建的项目"]])
    with pytest.raises(CommandError):
        call_command("import_data", "sites", str(path), "--as", "dealer_a")
    assert "第 2 行：客户：" in capsys.readouterr().err
    assert not Site.objects.filter(name="偷偷建的项目").exists()


@pytest.mark.parametrize("kind", ["customers", "sites", "assets", "contracts", "tickets"])
def test_export_as_dealer_a_never_contains_dealer_b_records(world, tmp_path, kind):
    path = tmp_path / f"{kind}.xlsx"
    call_command("export_data", kind, str(path), "--as", "dealer_a")
    text = " ".join(str(c) for row in load_workbook(path).active.iter_rows(values_only=True) for c in row if c)
    assert "西岭" not in text and "FD-B-0001" not in text and "C002" not in text


def test_export_by_operator_contains_everything_and_its_headers_round_trip(world, tmp_path):
    path = tmp_path / "customers.csv"
    call_command("export_data", "customers", str(path))
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    assert rows[0][:2] == ["客户编号", "客户名称"] and {r[0] for r in rows[1:]} == {"C001", "C002"}
    renumbered = [[f"R{r[0][1:]}", *r[1:]] for r in rows[1:]]
    call_command("import_data", "customers", str(write_csv(tmp_path / "again.csv", rows[0], renumbered)))
    copy = Customer.objects.get(code="R001")
    assert (copy.name, copy.dealer, copy.is_key_customer) == ("华东大厦", world.dealer_org_a, True)


def test_export_as_customer_user_lists_only_their_sites(world, tmp_path):
    sites = tmp_path / "sites.csv"
    call_command("export_data", "sites", str(sites), "--as", "customer_a")
    assert [r[1] for r in csv.reader(sites.open(encoding="utf-8-sig"))][1:] == ["华东大厦一期"]


def test_exported_assets_import_again_derived_warranty_columns_ignored(world, tmp_path):
    path = tmp_path / "assets.xlsx"
    call_command("export_data", "assets", str(path), "--as", "dealer_a")
    sheet = list(load_workbook(path).active.iter_rows(values_only=True))
    assert "保修截止" in sheet[0]
    rows = [["X-" + row[0], *row[1:]] for row in sheet[1:]]
    call_command("import_data", "assets", str(write_xlsx(tmp_path / "again.xlsx", list(sheet[0]), rows)))
    copy = Asset.objects.get(serial_no="X-FD-A-0001")
    assert copy.site == world.site_a and copy.acceptance_date == dt.date(2026, 1, 10)
