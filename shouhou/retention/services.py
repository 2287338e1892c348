"""The retention service: at the end of a record's retention, anonymise or delete it (issue 6).

`apply_retention(now, dry_run=True)` walks the rules (RetentionRule, one per record kind) and,
for each kind, finds the records whose retention ended before `now` (`kinds.KINDS`):

* anonymise — personal data is removed and the record stays (reporter names, phones, e-mails on
  tickets; signer names and signature images of visit records; phone numbers in timeline and
  message texts; contact persons' names, phones and e-mails);
* delete — the records go, with everything that hangs off them.  This is the only path that
  deletes service evidence outside a demo reset (core.evidence.purge("retention")).

Dry run is the default and changes nothing; it reports what a run would do, per kind.  Work is
done in bounded batches, each in its own transaction; running twice does nothing the second time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from shouhou.accounts.permissions import may, system_user
from shouhou.core import evidence

from .choices import EndAction
from .kinds import KINDS
from .models import RetentionRule


@dataclass
class KindReport:
    """What the rule of one record kind means now: records due, and done in this run."""

    kind: str
    years: int
    action: str
    active: bool
    cutoff: str
    due: dict
    done: dict

    def as_dict(self) -> dict:
        return asdict(self)


def years_before(moment: datetime, years: int) -> datetime:
    """The same wall-clock instant `years` earlier (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def may_apply_retention(user) -> bool:
    """Administrators run retention ("retention.apply"); None is the operator or the periodic
    task, who act as the system actor."""
    return may(system_user() if user is None else user, "retention.apply")


def apply_retention(user=None, *, now: datetime | None = None, dry_run: bool = True,
                    batch_size: int = 500, max_batches: int = 20) -> list[KindReport]:
    """Apply every retention rule at `now`; with `dry_run` (the default) only count.

    Returns one KindReport per rule: `due` counts the records whose retention has ended, by
    model; `done` what this run anonymised or deleted (empty on a dry run or an inactive rule).
    """
    if not may_apply_retention(user):
        raise PermissionDenied("retention")
    now = now or timezone.now()
    reports = []
    for rule in RetentionRule.objects.order_by("kind"):
        kind = KINDS.get(rule.kind)
        cutoff = years_before(now, rule.years)
        due = kind.count_due(cutoff, rule.action) if kind else {}
        done: dict = {}
        if kind and rule.active and not dry_run:
            done = _run(kind, cutoff, rule.action, batch_size, max_batches)
        reports.append(KindReport(kind=rule.kind, years=rule.years, action=rule.action, active=rule.active,
                                  cutoff=cutoff.isoformat(), due=due, done=done))
    return reports


def _run(kind, cutoff, action: str, batch_size: int, max_batches: int) -> dict:
    totals: dict[str, int] = {}
    for _batch in range(max_batches):
        with transaction.atomic():
            if action == EndAction.DELETE:
                with evidence.purge("retention"):
                    counts = kind.delete_batch(cutoff, batch_size)
            else:
                counts = kind.anonymise_batch(cutoff, batch_size)
        for name, n in counts.items():
            totals[name] = totals.get(name, 0) + n
        if not any(counts.values()):
            break
    return totals
