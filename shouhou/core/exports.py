"""Exporting a list page to Excel (the web and the API), scoped and filtered like the list.

`export_response(request, sheet)` takes the records through the model's one scoping function
(`visible_to(user)`) and the list page's own FilterSet (`Sheet.filterset`) with the request's
query, so the file holds exactly the rows the list shows (all pages of them).  Phone columns are
written as the list shows them to this user (Column(phone=True), core.privacy); every text cell is
neutralised (no formula runs on opening).  The workbook is written row by row (openpyxl's
write-only mode) into a temporary file, read from the database in chunks, and sent from that file
in blocks: memory stays flat for a list of a million rows.  Every export is logged (ExportLog).
"""

from __future__ import annotations

import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .rights import require
from .services import log_export
from .spreadsheet import Sheet, neutralise

CHUNK = 2000  # rows read from the database at a time


def scoped_records(request, sheet: Sheet):
    """The records of the list page behind `sheet`, as the request's filters narrow them."""
    queryset = sheet.model.objects.visible_to(request.user).select_related(*sheet.select_related)
    if sheet.filterset is not None:
        filterset = sheet.filterset(request.GET or None, queryset=queryset, request=request)
        if filterset.is_bound and filterset.is_valid():
            queryset = filterset.qs
    return queryset if queryset.ordered else queryset.order_by("pk")


def _workbook_file(header: list[str], rows) -> tuple[object, int]:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
        count += 1
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # removed when the response closes it
    workbook.save(handle)
    handle.seek(0)
    return handle, count


def export_response(request, sheet: Sheet, channel: str = "web") -> FileResponse:
    """The .xlsx download of the list behind `sheet` (needs "data.export"; 403 otherwise)."""
    user = request.user
    require(user, "data.export", message=_("You may not export data."))
    records = scoped_records(request, sheet)
    columns = sheet.exported
    rows = ([column.exported_cell(obj, user) for column in columns] for obj in records.iterator(CHUNK))
    handle, count = _workbook_file([column.header for column in columns], rows)
    name = f"{sheet.kind}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    filters = {key: request.GET.getlist(key) if len(request.GET.getlist(key)) > 1 else request.GET[key]
               for key in request.GET}
    log_export(user, model=sheet.model, filters={"kind": sheet.kind, **filters}, rows=count, channel=channel,
               destination=name)  # PIPL: exports of personal data are logged
    return FileResponse(handle, as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def template_response(sheet: Sheet) -> FileResponse:
    """A blank import file for `sheet`: its columns' Chinese headers, required ones marked "*"."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    page = workbook.active
    page.title = str(sheet.label or sheet.kind)[:31]
    columns = sheet.imported
    page.append([f"{c.header}*" if c.required else c.header for c in columns])
    for index, column in enumerate(columns, start=1):
        page.cell(row=1, column=index).font = Font(bold=True)
        page.column_dimensions[page.cell(row=1, column=index).column_letter].width = max(12, len(column.header) * 3)
    page.freeze_panes = "A2"
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{sheet.kind}-template.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
