"""`shouhou import customers|sites|assets FILE [--dry-run] [--as USERNAME]`.

Reads .xlsx (first sheet) or .csv (UTF-8 with or without BOM; GB18030/GBK as a fallback).  The
first row holds the column headers, in Chinese or English: each app declares its columns in its
spreadsheet.py (core.spreadsheet; docs/import.md), and this command dispatches by kind.
Every row goes through the same service as the web form and the API, so the same validation
applies.  All rows are imported in one transaction: if any row is bad, nothing is imported, each
bad row is reported with its line number and reason, and the command exits with status 1.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from shouhou.accounts.choices import Role
from shouhou.accounts.models import User
from shouhou.accounts.permissions import system_user
from shouhou.core.imports import ImportFileError, field_label, importable, read_rows, run_import


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
        parser.add_argument("--update", action="store_true",
                            help="A row whose key names an existing record updates it (as the web import does).")
        parser.add_argument("--as", dest="username", help="Act as this user (scoping and rights); default: the system actor.")

    def handle(self, kind, file, dry_run=False, username=None, update=False, **options):
        with translation.override(settings.LANGUAGE_CODE):
            return self.run(kind, Path(file), dry_run, username, update)

    def run(self, kind, path, dry_run, username, update=False):
        if not path.exists():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        user = acting_user(username)
        sheet = importable()[kind]
        try:
            report = run_import(sheet, read_rows(path.name, path.read_bytes()), user, apply=not dry_run,
                                update_existing=update, filename=path.name, channel="cli")
        except ImportFileError as exc:
            raise CommandError(str(exc.message)) from exc
        errors = [(p.line, p.field, p.message) for p in report.problems]
        created = len(report.created) + len(report.updated) + len(report.unchanged)
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
