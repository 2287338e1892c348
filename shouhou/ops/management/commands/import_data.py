"""`shouhou import customers|sites|assets FILE [--dry-run] [--as USERNAME]`.

Reads .xlsx (first sheet) or .csv (UTF-8 with or without BOM; GB18030/GBK as a fallback).  The
first row holds the column headers, in Chinese or English: each app declares its columns in its
spreadsheet.py (core.spreadsheet; docs/import.md), and this command dispatches by kind.
Every row goes through the same service as the web form and the API, so the same validation
applies.  All rows are imported in one transaction: if any row is bad, nothing is imported, each
bad row is reported with its line number and reason, and the command exits with status 1.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from shouhou.accounts.choices import Role
from shouhou.accounts.models import User
from shouhou.accounts.permissions import system_user
from shouhou.core.errors import ServiceError
from shouhou.core.spreadsheet import RowError, Sheet, sheets, text


def importable() -> dict[str, Sheet]:
    """The kinds of record an import can create, each with the columns its app declares."""
    return {kind: sheet for kind, sheet in sorted(sheets().items()) if sheet.create is not None}


def read_rows(path: Path) -> list[list]:
    """All rows of the first sheet (.xlsx) or of the .csv, as lists of cell values."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
    if path.suffix.lower() == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")  # Excel on Chinese Windows saves CSV as GBK
        return list(csv.reader(io.StringIO(text)))
    raise CommandError(_("Unsupported file type %(suffix)s: use .xlsx or .csv.") % {"suffix": path.suffix})


def header_map(sheet: Sheet, header: list) -> dict[int, str]:
    """Column index -> field name; unknown headers are an error (a typo would silently drop data)."""
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
        raise CommandError(
            _("Line 1 (headers): unknown columns %(unknown)s; missing columns %(missing)s.")
            % {"unknown": "、".join(unknown) or "—", "missing": "、".join(sorted(missing)) or "—"}
        )
    return mapping


def convert(sheet: Sheet, cells: dict[str, object], user) -> dict:
    """One row's cells as service input, each through its column's parser (references resolved
    among the records the acting user can see)."""
    parsers = {column.field: column.parse for column in sheet.imported}
    data = {}
    for name, value in cells.items():
        parse = parsers.get(name)
        converted = parse(value, cells, user) if parse else text(value)
        if converted is not None:
            data[name] = converted
    return data


class Command(BaseCommand):
    help = (
        "Import customers, sites or assets from .xlsx or .csv.  Headers (Chinese or English): "
        + " | ".join(
            f"{kind}: " + ", ".join(f"{names[0]}/{next(n for n in names if n.isascii())}" for names in cols)
            for kind, cols in ((kind, [c.names for c in sheet.imported]) for kind, sheet in importable().items())
        )
        + ".  Sites name their customer by 客户编号; assets their product model by 产品型号 (code) and their "
        "site by 项目名称 (with 客户编号 when names repeat).  Bad rows are reported by line number; if any "
        "row is bad nothing is imported and the exit status is 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(importable()))
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Validate every row, import nothing.")
        parser.add_argument("--as", dest="username", help="Act as this user (scoping and rights); default: the system actor.")

    def handle(self, kind, file, dry_run=False, username=None, **options):
        with translation.override(settings.LANGUAGE_CODE):
            return self.run(kind, Path(file), dry_run, username)

    def run(self, kind, path, dry_run, username):
        if not path.exists():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        user = acting_user(username)
        rows = read_rows(path)
        if not rows:
            raise CommandError(_("The file is empty."))
        sheet = importable()[kind]
        mapping = header_map(sheet, rows[0])
        errors, created = [], 0
        with transaction.atomic():
            for line, row in enumerate(rows[1:], start=2):
                cells = {field: row[index] if index < len(row) else None for index, field in mapping.items()}
                if all(text(v) == "" for v in cells.values()):
                    continue
                try:
                    with transaction.atomic():
                        sheet.create(user, convert(sheet, cells, user))
                    created += 1
                except RowError as exc:
                    errors.append((line, exc.field, exc.message))
                except ServiceError as exc:
                    errors.append((line, exc.field, str(exc.message)))
                except ValidationError as exc:
                    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
                    errors.extend((line, field, " ".join(messages)) for field, messages in items)
            if errors or dry_run:
                transaction.set_rollback(True)
        for line, field, message in errors:
            self.stderr.write(_("Line %(line)s: %(field)s: %(message)s") % {
                "line": line, "field": field_label(sheet, field), "message": message})
        if errors:
            raise CommandError(
                _("%(bad)s bad row(s); nothing was imported.") % {"bad": len({e[0] for e in errors})}, returncode=1
            )
        if dry_run:
            self.stdout.write(_("Dry run: %(count)s row(s) are valid; nothing was imported.") % {"count": created})
        else:
            self.stdout.write(_("Imported %(count)s row(s).") % {"count": created})


def acting_user(username):
    """The user whose rights and scope apply; the system actor (an operator's run) without --as."""
    if not username:
        return system_user()
    user = User.objects.filter(username=username, is_active=True).exclude(role=Role.SYSTEM).first()
    if user is None:
        raise CommandError(_("No active user %(name)s.") % {"name": username})
    return user


def field_label(sheet: Sheet, field: str | None) -> str:
    """A field's name as people know it: the model's (translated) verbose name."""
    if not field or field in ("__all__", "id"):
        return _("row")
    try:
        return str(sheet.model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # a service may name an input that is not a model field
        return field
