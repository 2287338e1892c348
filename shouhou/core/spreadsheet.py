"""Spreadsheets: the columns each app declares for import/export, and formula-safe cells.

Each domain app owns its columns in its own `spreadsheet.py` (a Sheet per kind of record,
`register_sheet`); `shouhou import` / `shouhou export` (the ops app) dispatch by kind.

Cells that a spreadsheet would run as a formula are written as text (CSV/formula injection).

Excel, LibreOffice and WPS treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, after
trimming, one that starts with a tab or carriage return) as a formula: an exported ticket title
``=HYPERLINK("http://…","点此")`` would become a live link, and DDE payloads can run commands.
Every exported text cell goes through `neutralise`, which prefixes such a value with an
apostrophe — the spreadsheet's own "this is text" marker, shown by no spreadsheet.  Importing
takes the apostrophe off again (`restore`), so an exported file imports unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from .privacy import phone_for

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """`value` unchanged unless it is a string a spreadsheet would evaluate; then "'" + value."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def restore(value):
    """The inverse of `neutralise` for an imported cell."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


# --- the columns each app declares (issue 7) ---------------------------------------------------
# Each domain app owns its import/export columns in its own `spreadsheet.py`, registering a Sheet
# per kind of record; `shouhou import` / `shouhou export` (the ops app) only dispatch by kind.

TRUE = {"是", "y", "yes", "true", "1", "√", "x"}
FALSE = {"否", "n", "no", "false", "0", ""}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class RowError(Exception):
    """One imported cell is not acceptable: `field` names the service input, `message` says why."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class Column:
    """One spreadsheet column.

    `header` is what an export writes (and the first header an import accepts, with `aliases`;
    case-insensitive).  `get(record)` gives the exported cell (None: import only).  `field` is the
    service input an import fills (None: exported only — derived, accepted and ignored on import);
    `parse(value, cells, user)` turns the cell into that input (default: `text`).  A `phone` column
    holds a customer's or reporter's number: it is exported as the exporting user sees it on the
    pages (core.privacy, judged on the record), never in full to a user who sees it masked.
    """

    header: str
    get: Callable[[Any], Any] | None = None
    field: str | None = None
    aliases: tuple[str, ...] = ()
    parse: Callable[[Any, dict, Any], Any] | None = None
    required: bool = False
    phone: bool = False

    def exported_cell(self, record, user):
        value = self.get(record) if self.get is not None else None
        return phone_for(user, value, record) if self.phone else value

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class Sheet:
    """A kind of record as a spreadsheet: its model (scoped by `visible_to`), its columns, and the
    service that creates one from an imported row (None: export only)."""

    kind: str
    model: type
    columns: tuple[Column, ...]
    select_related: tuple[str, ...] = ()
    create: Callable[[Any, dict], Any] | None = None
    # Create-or-update imports (core.imports): the service inputs naming one record among those
    # the user can see (e.g. ("code",)), and the service that changes it, `update(user, obj, data)`.
    key: tuple[str, ...] = ()
    update: Callable[[Any, Any, dict], Any] | None = None
    # The list page's FilterSet: a web export takes the same filters as the list it is linked from.
    filterset: type | None = None
    label: Any = None  # what the kind is called on pages (translated)

    @property
    def exported(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.get is not None)

    @property
    def imported(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.field is not None)

    def header_of(self, field: str | None) -> str | None:
        """The first column header that fills `field` (None: no column does)."""
        return next((c.header for c in self.imported if c.field == field), None)


SHEETS: dict[str, Sheet] = {}


def register_sheet(sheet: Sheet) -> Sheet:
    """Declare (or replace) the spreadsheet of `sheet.kind`; called from an app's spreadsheet.py."""
    SHEETS[sheet.kind] = sheet
    return sheet


def sheets() -> dict[str, Sheet]:
    """Every registered sheet by kind, after importing each installed app's `spreadsheet` module."""
    autodiscover_modules("spreadsheet")
    return SHEETS


# --- cell helpers shared by the apps' columns --------------------------------------------------

def text(value) -> str:
    """An imported cell as trimmed text (Excel's 1001.0 for a typed "1001" becomes "1001")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f")
    return str(restore(value)).strip()


def parse_bool(field_name: str):
    """A parser for a yes/no column (是/否, yes/no, 1/0, √)."""

    def parse(value, cells, user):
        word = text(value).lower()
        if word in TRUE or word in FALSE:
            return word in TRUE
        raise RowError(field_name, _("write 是 or 否, not %(value)s") % {"value": text(value)})

    return parse


def parse_date(field_name: str):
    """A parser for a calendar-date column (2026-01-31, 2026/1/31, 2026年1月31日, …; empty: none)."""

    def parse(value, cells, user):
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text(value), fmt).date()  # noqa: DTZ007 - a calendar date
            except ValueError:
                continue
        raise RowError(field_name, _("not a date: %(value)s (write 2026-01-31)") % {"value": text(value)})

    return parse


PHONE_CHARACTERS = re.compile(r"^[0-9+\-\s()（）转#,，/]*$")


def parse_phone(field_name: str):
    """A parser for a phone column: digits with the usual separators (+86 138-1234-5678,
    021-6123 4567 转 801); letters or other signs are refused, so a shifted column is caught."""

    def parse(value, cells, user):
        number = text(value)
        if not PHONE_CHARACTERS.match(number) or (number and not any(ch.isdigit() for ch in number)):
            raise RowError(field_name, _("not a phone number: %(value)s") % {"value": number})
        return number

    return parse


def optional_text(value, cells, user):
    """Empty: leave the input out (the model's default applies)."""
    return text(value) or None


def yes_no(value) -> str:
    return _("yes") if value else _("no")


def day(value) -> str:
    return value.isoformat() if value else ""


def moment(value) -> str:
    """A time in the project's zone (Asia/Shanghai), to the minute."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def related(obj, *path) -> str:
    """The text of `obj.a.b…`, or "" where a link is empty."""
    for name in path:
        obj = getattr(obj, name, None)
        if obj is None:
            return ""
    return str(obj)


# --- reading an uploaded table against a sheet's columns (web and API imports) ----------------

def read_table(name: str, content: bytes) -> list[list]:
    """The rows of an uploaded .xlsx (first sheet) or .csv (UTF-8 with or without BOM; GB18030,
    as Excel on Chinese Windows saves it, as a fallback), as lists of cell values.
    Raises RowError(field "file") for another type or an unreadable file."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        import io

        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same user error
            raise RowError("file", _("Not a readable XLSX file.")) from exc
        try:
            return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
    if lower.endswith(".csv"):
        import csv
        import io

        try:
            decoded = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            decoded = content.decode("gb18030", errors="replace")
        return list(csv.reader(io.StringIO(decoded)))
    raise RowError("file", _("Unsupported file type: use .xlsx or .csv."))


def parse_rows(sheet: Sheet, rows: list[list], user) -> tuple[list[tuple[int, dict]], list[tuple[int, str | None, str]]]:
    """Each data row of `rows` (the first holds the headers, Chinese or English: the columns'
    names) as service input through its columns' parsers: ([(line, data)], [(line, field, message)]).

    Unknown or missing required headers are errors of line 1; empty rows are skipped; a bad cell is
    reported with its line and field, and the rest of the row is still checked."""
    if not rows:
        return [], [(1, None, _("The file is empty."))]
    names = {alias.lower(): column for column in sheet.columns for alias in column.names}
    mapping: dict[int, Column] = {}
    errors: list[tuple[int, str | None, str]] = []
    for index, cell in enumerate(rows[0]):
        name = str(cell or "").strip().rstrip("*").strip().lower()
        if not name:
            continue
        if name not in names:
            errors.append((1, None, _("unknown column %(name)s") % {"name": str(cell)}))
        elif names[name].field is not None:
            mapping[index] = names[name]
    present = {column.field for column in mapping.values()}
    for column in sheet.imported:
        if column.required and column.field not in present:
            errors.append((1, column.field, _("missing column %(name)s") % {"name": column.header}))
    if errors:
        return [], errors
    parsed: list[tuple[int, dict]] = []
    for line, row in enumerate(rows[1:], start=2):
        cells = {column.field: row[index] if index < len(row) else None for index, column in mapping.items()}
        if all(text(value) == "" for value in cells.values()):
            continue
        data: dict = {}
        bad = False
        for column in mapping.values():
            value = cells[column.field]
            try:
                if column.required and text(value) == "":
                    raise RowError(column.field, _("required"))
                converted = column.parse(value, cells, user) if column.parse else text(value)
            except RowError as exc:
                errors.append((line, exc.field, exc.message))
                bad = True
                continue
            if converted is not None:
                data[column.field] = converted
        if not bad:
            parsed.append((line, data))
    return parsed, errors


def parse_decimal(field_name: str, places: int = 2):
    """A parser for an amount column (1234.5, "1,234.50", "¥12.80"; empty: none): a Decimal, never a float."""

    def parse(value, cells, user):
        if value in (None, ""):
            return None
        raw = text(value).replace(",", "").replace("¥", "").replace("￥", "").strip()
        try:
            amount = Decimal(raw)
        except ArithmeticError:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0:
            raise RowError(field_name, _("not an amount: %(value)s") % {"value": text(value)})
        if amount != amount.quantize(Decimal(1).scaleb(-places)):
            raise RowError(field_name, _("more than %(places)s decimal places: %(value)s") % {
                "places": places, "value": text(value)})
        return amount.quantize(Decimal(1).scaleb(-places))

    return parse
