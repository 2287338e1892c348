"""`shouhou retention [--apply] [--at YYYY-MM-DD]`: apply the retention rules (dry run by default).

Prints, per record kind, the rule (years, action), the cutoff, how many records' retention has
ended and — with --apply — how many were anonymised or deleted.  The last line is one JSON object.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.retention.choices import EndAction, RecordKind
from shouhou.retention.services import apply_retention


def counted(counts: dict) -> str:
    names = {"tickets": _("service requests"), "outbox messages": _("outbox messages"), "contacts": _("contacts")}
    return ", ".join(f"{names.get(name, name)} {n}" for name, n in counts.items()) or "—"


class Command(BaseCommand):
    help = "Apply the retention rules: anonymise or delete records whose retention ended (dry run by default)."

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", dest="apply", action="store_false", default=False,
                          help="only count what a run would do (the default)")
        mode.add_argument("--apply", dest="apply", action="store_true", help="anonymise or delete for real")
        parser.add_argument("--at", help="evaluate as of this date (YYYY-MM-DD), e.g. to preview a future run")

    def handle(self, *args, apply, at=None, **options):
        now = timezone.now()
        if at:
            try:
                day = dt.date.fromisoformat(at)
            except ValueError as exc:
                raise CommandError(_("--at must be a date: YYYY-MM-DD")) from exc
            now = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))
        reports = apply_retention(None, now=now, dry_run=not apply)
        self.stdout.write(_("Retention as of %(at)s (%(mode)s):") % {
            "at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"), "mode": _("applied") if apply else _("dry run")})
        for report in reports:
            due = counted(report.due)
            line = _("  %(kind)s: %(years)s years, then %(action)s; ended before %(cutoff)s: %(due)s") % {
                "kind": RecordKind(report.kind).label, "years": report.years, "action": EndAction(report.action).label,
                "cutoff": report.cutoff[:10], "due": due}
            if apply:
                line += _("; done: %(done)s") % {"done": counted(report.done)}
            if not report.active:
                line += _(" (rule inactive)")
            self.stdout.write(line)
        self.stdout.write(json.dumps({"applied": apply, "at": now.isoformat(),
                                      "kinds": {r.kind: {"due": r.due, "done": r.done} for r in reports}},
                                     ensure_ascii=False))
