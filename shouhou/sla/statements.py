"""A contract's monthly compensation statement as a table: rows for the page, CSV and XLSX (issue 8).

Money stays Decimal to the end: CSV writes its text ("120.00"), XLSX a number cell formatted to
two places.  Text cells pass through core.spreadsheet.neutralise (no formula injection).
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from shouhou.core.formats import duration
from shouhou.core.spreadsheet import neutralise

from .services.penalties import Statement

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header() -> list[str]:
    return [_("Service request"), _("Promise"), _("Stopped"), _("Late by"), _("Amount per hour late (CNY)"),
            _("Counted"), _("Amount (CNY)"), _("Status"), _("Payable (CNY)")]


def rows(statement: Statement) -> list[list]:
    out = []
    for line in statement.lines:
        c = line.compensation
        stopped = c.clock.stopped_at
        out.append([c.ticket.number, c.clock.name, stopped.isoformat(timespec="minutes") if stopped else "",
                    duration(c.late_seconds), c.rate, c.get_basis_display(), c.amount, c.get_status_display(),
                    line.payable])
    return out


def footer(statement: Statement) -> list[list]:
    cap = statement.cap if statement.cap is not None else "—"
    return [[_("Monthly cap (CNY)"), cap], [_("Assessed (CNY)"), statement.assessed],
            [_("Exempted (CNY)"), statement.exempted], [_("Total payable (CNY)"), statement.total]]


def as_csv(statement: Statement) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in [header(), *rows(statement), [], *footer(statement)]:
        writer.writerow([neutralise(str(cell)) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel/WPS read the Chinese right


def as_xlsx(statement: Statement) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = statement.month
    for row in [header(), *rows(statement), [], *footer(statement)]:
        sheet.append([neutralise(cell) for cell in row])
    for line in sheet.iter_rows():
        for cell in line:
            if not isinstance(cell.value, str) and cell.value is not None:
                cell.number_format = "0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(statement: Statement, suffix: str) -> str:
    return f"compensation-{statement.contract.number}-{statement.month}.{suffix}"
