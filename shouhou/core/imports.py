"""Importing a spreadsheet through the apps' Sheets: one engine for the CLI, the web page and the API.

`run_import(sheet, rows, user, apply=…)` reads every row through its columns' parsers, finds the
record the row's key names among those the user can see (`Sheet.key`, create-or-update imports),
and calls the app's service — the same one the forms and the API call, so the same validation and
rights apply and every change lands in the record's audit history.  All rows run in one
transaction: a dry run (apply=False) or a file with any bad row is rolled back whole, so an import
is never half-written; each bad row is reported with its line number, its column and the reason.
An applied import is logged (ImportLog) in that same transaction.

Re-importing the same file changes nothing: a row whose key names a record with the same values
is "unchanged" (no service call, no history row); a key repeated within one file is a bad row.

core is the ground floor: the Sheets, services and scoping rules come from the apps' own
spreadsheet modules (core.spreadsheet registry); this module imports no domain app.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .errors import ServiceError
from .models import ImportLog
from .spreadsheet import RowError, Sheet, sheets, text

MAX_ROWS = 20_000  # rows per file (docs/limits.md): a bigger file is split, or imported by the CLI


class ImportFileError(Exception):
    """The file as a whole cannot be imported (type, headers, size): nothing was read as rows."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def importable() -> dict[str, Sheet]:
    """The kinds of record an import can create, each with the columns its app declares."""
    return {kind: sheet for kind, sheet in sorted(sheets().items()) if sheet.create is not None}


def read_rows(name: str, data: bytes) -> list[list]:
    """All rows of the first sheet (.xlsx) or of the .csv (UTF-8, else GB18030), as lists of cells."""
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
            raise ImportFileError(_("This is not a readable .xlsx file.")) from exc
        try:
            return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
    if suffix == ".csv":
        try:
            decoded = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            decoded = data.decode("gb18030", errors="replace")  # Excel on Chinese Windows saves CSV as GBK
        return list(csv.reader(io.StringIO(decoded)))
    raise ImportFileError(_("Unsupported file type %(suffix)s: use .xlsx or .csv.") % {"suffix": suffix or name})


def header_map(sheet: Sheet, header: list) -> dict[int, str]:
    """Column index -> field name; unknown headers are an error (a typo would silently drop data).
    A trailing "*" (the template's mark of a required column) is ignored."""
    aliases = {alias.lower(): column.field for column in sheet.columns for alias in column.names}
    mapping, unknown = {}, []
    for index, cell in enumerate(header):
        name = str(cell or "").strip().rstrip("*").strip().lower()
        if not name:
            continue
        if name not in aliases:
            unknown.append(str(cell))
        elif aliases[name] is not None:  # None: a derived column, accepted and ignored
            mapping[index] = aliases[name]
    missing = [c.header for c in sheet.imported if c.required and c.field not in mapping.values()]
    if unknown or missing:
        raise ImportFileError(
            _("Line 1 (headers): unknown columns %(unknown)s; missing columns %(missing)s.")
            % {"unknown": "、".join(unknown) or "—", "missing": "、".join(sorted(missing)) or "—"}
        )
    return mapping


def convert(sheet: Sheet, cells: dict[str, object], user) -> dict:
    """One row's cells as service input, each through its column's parser (references resolved
    among the records the acting user can see)."""
    parsers = {column.field: column.parse for column in sheet.imported}
    data, errors = {}, []
    for name, value in cells.items():
        parse = parsers.get(name)
        try:
            converted = parse(value, cells, user) if parse else text(value)
        except RowError as exc:  # every bad cell of the row is reported, not only the first
            errors.append(exc)
            continue
        if converted is not None:
            data[name] = converted
    if errors:
        raise BadCells(errors)
    return data


class BadCells(Exception):
    """Several cells of one row are bad (RowError each)."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e.message) for e in errors))
        self.errors = errors


@dataclass
class Problem:
    """A bad row: its line in the file (the header is line 1), the input it concerns and why."""

    line: int
    field: str | None
    message: str
    column: str = ""


@dataclass
class Done:
    """A good row: its line, the record (its text) and, for an update, the columns it changes."""

    line: int
    record: str
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    kind: str
    applied: bool = False
    created: list[Done] = field(default_factory=list)
    updated: list[Done] = field(default_factory=list)
    unchanged: list[Done] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def bad_lines(self) -> list[int]:
        return sorted({p.line for p in self.problems})

    def as_dict(self) -> dict:
        def rows(items):
            return [vars(item).copy() for item in items]

        return {"kind": self.kind, "applied": self.applied, "created": rows(self.created),
                "updated": rows(self.updated), "unchanged": rows(self.unchanged), "errors": rows(self.problems)}


def field_label(sheet: Sheet, name: str | None) -> str:
    """A field's name as people know it: the model's (translated) verbose name."""
    if not name or name in ("__all__", "id"):
        return _("row")
    if name == "reason":
        return _("Reason for the change")
    try:
        return str(sheet.model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a service may name an input that is not a model field
        return name


def column_label(sheet: Sheet, name: str | None) -> str:
    """The column a problem is in, as the file's header names it (else the field's name)."""
    return sheet.header_of(name) or field_label(sheet, name)


def _same(current, value) -> bool:
    if isinstance(current, models.Model) or isinstance(value, models.Model):
        return getattr(current, "pk", None) == getattr(value, "pk", None)
    return current == value


def find_existing(sheet: Sheet, user, data: dict):
    """The visible record the row's key names (None: a new record)."""
    if not sheet.key or any(name not in data for name in sheet.key):
        return None
    found = list(sheet.model.objects.visible_to(user).filter(**{name: data[name] for name in sheet.key})[:2])
    if len(found) > 1:
        raise RowError(sheet.key[-1], _("several records match this row; change them one by one on their pages"))
    return found[0] if found else None


def _problems_of(exc: Exception, line: int) -> list[Problem]:
    if isinstance(exc, BadCells):
        return [Problem(line, e.field, str(e.message)) for e in exc.errors]
    if isinstance(exc, RowError):
        return [Problem(line, exc.field, str(exc.message))]
    if isinstance(exc, ServiceError):
        return [Problem(line, exc.field, str(exc.message))]
    assert isinstance(exc, ValidationError)
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
    return [Problem(line, name, " ".join(messages)) for name, messages in items]


def _import_row(sheet: Sheet, user, data: dict, line: int, report: ImportReport, update_existing: bool) -> None:
    existing = find_existing(sheet, user, data) if update_existing and sheet.update else None
    if existing is None:
        report.created.append(Done(line, str(sheet.create(user, data))))  # type: ignore[misc]
        return
    changes = [name for name, value in data.items() if name != "reason" and not _same(getattr(existing, name), value)]
    if not changes:
        report.unchanged.append(Done(line, str(existing)))
        return
    sheet.update(user, existing, {name: data[name] for name in (*changes, "reason") if name in data})  # type: ignore[misc]
    report.updated.append(Done(line, str(existing), [column_label(sheet, name) for name in changes]))


def run_import(sheet: Sheet, rows: list[list], user, *, apply: bool, update_existing: bool = True,
               reason: str = "", filename: str = "", channel: str = "web", digest: str = "") -> ImportReport:
    """Import `rows` (the header first) as `user`; see the module's docstring.

    `update_existing`: a row whose key names a visible record updates it (the web page and the
    API); False keeps the CLI's create-only behaviour (an existing key is a bad row).  `reason`
    goes to every created or changed record's history (and lets an import change a unit's
    warranty-defining dates, which need one).  Raises ImportFileError for a file that cannot be
    read as this sheet (headers, size)."""
    if not rows:
        raise ImportFileError(_("The file is empty."))
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
    mapping = header_map(sheet, rows[0])
    report = ImportReport(sheet.kind)
    seen: dict[tuple, int] = {}
    with transaction.atomic():
        for line, row in enumerate(rows[1:], start=2):
            cells = {name: row[index] if index < len(row) else None for index, name in mapping.items()}
            if all(text(v) == "" for v in cells.values()):
                continue
            try:
                with transaction.atomic():
                    data = convert(sheet, cells, user)
                    key = tuple(getattr(data.get(n), "pk", data.get(n)) for n in sheet.key)
                    if sheet.key and update_existing and key in seen:
                        raise RowError(sheet.key[-1], _("the same record as line %(line)s") % {"line": seen[key]})
                    seen[key] = line
                    if reason:
                        data["reason"] = reason
                    _import_row(sheet, user, data, line, report, update_existing)
            except (BadCells, RowError, ServiceError, ValidationError) as exc:
                report.problems.extend(_problems_of(exc, line))
        for problem in report.problems:
            problem.column = column_label(sheet, problem.field)
        report.applied = apply and not report.problems
        if report.applied:
            ImportLog.objects.create(
                user=user if getattr(user, "pk", None) else None, kind=sheet.kind, channel=channel,
                filename=filename[:300], sha256=digest, created=len(report.created), updated=len(report.updated),
                unchanged=len(report.unchanged), reason=reason[:500])
        else:
            transaction.set_rollback(True)
    return report


def import_file(sheet: Sheet, name: str, data: bytes, user, *, apply: bool, reason: str = "",
                channel: str = "web") -> ImportReport:
    """`run_import` of an uploaded file's bytes (the web page and the API)."""
    return run_import(sheet, read_rows(name, data), user, apply=apply, reason=reason, filename=name,
                      channel=channel, digest=hashlib.sha256(data).hexdigest())
