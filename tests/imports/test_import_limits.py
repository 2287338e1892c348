"""`shouhou import` refuses an over-long text like any other bad value: the row's line number and
the field's Chinese name, nothing imported (issue 6, hardening: every text has a documented
maximum — docs/limits.md — enforced by model validation, not left to the database)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from shouhou.assets.models import Asset
from shouhou.core import limits
from shouhou.customers.models import Customer, Site

from .test_import_export import write_csv, write_xlsx

# kind, header, a good row, the column to overfill, its Chinese name, its documented maximum
CASES = [
    ("customers", ["客户编号", "客户名称", "备注"], ["C009", "东方商场", "老客户"], "备注", "备注", limits.TEXT),
    ("customers", ["客户编号", "客户名称", "地址"], ["C009", "东方商场", "南京路"], "地址", "地址", 300),
    ("sites", ["客户编号", "项目名称", "地址"], ["C001", "华东大厦二期", "浦东"], "项目名称", "名称", 200),
    ("assets", ["序列号", "产品型号", "客户编号", "备注"], ["SN-900", "FM-100", "C001", "三楼"], "备注", "备注",
     limits.TEXT),
]
MODEL = {"customers": Customer, "sites": Site, "assets": Asset}


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("kind, header, row, column, label, maximum", CASES,
                         ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_an_over_long_field_is_refused_with_its_line_and_chinese_name(world, tmp_path, capsys, writer, kind, header,
                                                                      row, column, label, maximum):
    before = MODEL[kind].objects.count()
    long_row = list(row)
    long_row[header.index(column)] = "长" * (maximum + 1)
    path = writer(tmp_path / f"in{'.csv' if writer is write_csv else '.xlsx'}", header, [row, long_row])
    with pytest.raises(CommandError):
        call_command("import_data", kind, str(path))
    err = capsys.readouterr().err
    assert f"第 3 行：{label}：" in err and str(maximum) in err
    assert "第 2 行" not in err
    assert MODEL[kind].objects.count() == before  # all or nothing


def test_a_text_of_exactly_the_maximum_is_imported(world, tmp_path):
    path = write_csv(tmp_path / "c.csv", ["客户编号", "客户名称", "备注"], [["C009", "东方商场", "长" * limits.TEXT]])
    call_command("import_data", "customers", str(path))
    assert len(Customer.objects.get(code="C009").notes) == limits.TEXT
