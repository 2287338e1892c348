"""`shouhou export customers|sites|assets|contracts|tickets FILE.xlsx|FILE.csv [--as USERNAME]`.

Each app declares its columns (its spreadsheet.py; core.spreadsheet); this command dispatches.
Exports through the same scoping as every screen: with `--as`, exactly the records that user may
see (`Model.objects.visible_to(user)`), with phone numbers masked as that user's pages show them;
without it, as the system actor, everything.  Customers,
sites and assets are written with the headers `shouhou import` reads, so a file round-trips.
Times are shown in Asia/Shanghai (the project's TIME_ZONE).  CSV is UTF-8 with a BOM so that
Excel opens the Chinese text correctly.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from shouhou.accounts.permissions import require
from shouhou.core.errors import PermissionDeniedError
from shouhou.core.services import log_export
from shouhou.core.spreadsheet import neutralise, sheets

from .import_data import acting_user


def scoped_rows(kind: str, user):
    """The records of `kind` that `user` may see (all for the system actor), oldest id first.

    Exporting needs "data.export" (accounts.permissions); customer users export nothing here.
    """
    require(user, "data.export", message=_("You may not export data."))
    sheet = sheets()[kind]
    return sheet.model.objects.visible_to(user).select_related(*sheet.select_related).order_by("pk")


def write_file(path: Path, header: list[str], rows) -> int:
    """Write `rows` under `header`; every text cell is neutralised (no formula runs on opening)."""
    count = 0
    rows = ([neutralise(cell) for cell in row] for row in rows)
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                count += 1
        return count
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)  # streams rows: exports of a million tickets stay small in memory
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        count += 1
    workbook.save(path)
    return count


class Command(BaseCommand):
    help = (
        "Export customers, sites, assets, contracts or tickets to .xlsx or .csv, scoped to --as USERNAME "
        "(default: everything, for an operator).  Customer, site and asset files use the headers "
        "`shouhou import` reads."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(sheets()))
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", help="Export only what this user may see.")

    def handle(self, kind, file, username=None, **options):
        path = Path(file)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError(_("Unsupported file type %(suffix)s: use .xlsx or .csv.") % {"suffix": path.suffix})
        with translation.override(settings.LANGUAGE_CODE):
            user = acting_user(username)
            sheet = sheets()[kind]
            try:
                records = scoped_rows(kind, user)
            except PermissionDeniedError as refused:
                raise CommandError(str(refused.message)) from refused
            rows = ([column.exported_cell(obj, user) for column in sheet.exported] for obj in records.iterator(2000))
            count = write_file(path, [column.header for column in sheet.exported], rows)
            log_export(user, model=sheet.model, filters={"kind": kind, "as": username or None}, rows=count,
                       channel="cli", destination=path.name)  # PIPL: exports of personal data are logged
            self.stdout.write(_("Exported %(count)s row(s) to %(path)s.") % {"count": count, "path": path})
