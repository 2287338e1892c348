"""The only code that changes the duty roster, and the coverage check (P2.2, P14.11).

Shifts and patterns are reference data: every change names its user and reason in the audit
trail (core.audit).  Generated shifts are derived from their audited pattern and are bulk-written
without history rows; editing a generated shift by hand detaches it from its pattern (a swap
stays a swap when the pattern generates further ahead).

Coverage: every published plan with a promise measured round the clock (hours, minutes, calendar
days, or working time on a 00:00–24:00 calendar) needs somebody on duty, all the time, in each
zone its promises name (else each zone of its zone rules, else everywhere).  The pure
roster.coverage computes what the shifts leave uncovered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.accounts.models import User
from shouhou.accounts.permissions import is_assignable, require
from shouhou.core.audit import stamp
from shouhou.customers.models import ServiceZone

from . import coverage as cov
from .models import WEEKDAYS, DutyPattern, DutyShift

HORIZON_DAYS = 28  # how far ahead patterns generate shifts
CHECK_DAYS = 14  # the roster page and the dashboard look this far ahead
NOTIFY_DAYS = 3  # the daily job tells the service managers of gaps this close
SHIFT_FIELDS = ("engineer", "team", "zone", "contract", "starts_at", "ends_at", "note")
PATTERN_FIELDS = ("name", "engineer", "team", "zone", "contract", "weekdays", "start_time", "end_time", "valid_from",
                  "valid_until", "active")


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _refuse(user) -> None:
    require(user, "roster.edit", None, _("Only service managers and dispatchers edit the duty roster."))


# ----------------------------------------------------------------------------------- shifts
@transaction.atomic
def save_shift(user, shift: DutyShift | None, fields: dict, *, reason: str = "") -> DutyShift:
    """Add a shift or change one; a generated shift changed by hand no longer follows its pattern."""
    _refuse(user)
    shift = shift or DutyShift()
    for name in SHIFT_FIELDS:
        if name in fields:
            setattr(shift, name, fields[name])
    if shift.pk and shift.pattern_id:
        shift.pattern = None
    shift.full_clean(exclude=["pattern"])
    stamp(shift, user, reason or (_("Duty shift changed.") if shift.pk else _("Duty shift added."))).save()
    return shift


@transaction.atomic
def delete_shift(user, shift: DutyShift, *, reason: str = "") -> None:
    """Remove a shift (the audit trail keeps it); a generated one is not generated again."""
    _refuse(user)
    stamp(shift, user, reason or _("Duty shift removed.")).delete()


# ----------------------------------------------------------------------------------- patterns
@transaction.atomic
def save_pattern(user, pattern: DutyPattern | None, fields: dict, *, reason: str = "",
                 today: date | None = None) -> DutyPattern:
    """Add or change a weekly duty pattern, then (re)generate its shifts from now on: its future
    generated shifts are replaced; shifts already begun and hand-edited ones stay."""
    _refuse(user)
    pattern = pattern or DutyPattern()
    for name in PATTERN_FIELDS:
        if name in fields:
            setattr(pattern, name, fields[name])
    pattern.weekdays = sorted({int(d) for d in pattern.weekdays or []})
    pattern.full_clean(exclude=["generated_until"])
    stamp(pattern, user, reason or (_("Duty pattern changed.") if pattern.pk else _("Duty pattern added."))).save()
    now = timezone.now()
    DutyShift.objects.filter(pattern=pattern, starts_at__gt=now).delete()
    DutyPattern.objects.filter(pk=pattern.pk).update(generated_until=None)
    pattern.generated_until = None
    _generate(pattern, today or timezone.localdate(), HORIZON_DAYS, after=now)
    return pattern


def _generate(pattern: DutyPattern, today: date, horizon: int, after: datetime | None = None) -> int:
    """Write the pattern's shifts for the days not yet generated up to `today + horizon`."""
    last = today + timedelta(days=horizon)
    if pattern.valid_until and pattern.valid_until < last:
        last = pattern.valid_until
    first = max(pattern.valid_from, today - timedelta(days=1))
    if pattern.generated_until and pattern.generated_until >= first:
        first = pattern.generated_until + timedelta(days=1)
    if not pattern.active or first > last:
        return 0
    taken = set(DutyShift.objects.filter(pattern=pattern, starts_at__date__gte=first - timedelta(days=1))
                .values_list("starts_at", flat=True))
    rows = [
        DutyShift(pattern=pattern, engineer_id=pattern.engineer_id, team_id=pattern.team_id, zone_id=pattern.zone_id,
                  contract_id=pattern.contract_id, starts_at=start, ends_at=end)
        for start, end in cov.weekly_occurrences(pattern.weekdays, pattern.start_time, pattern.end_time, first, last,
                                                 local_zone())
        if start not in taken and (after is None or end > after)
    ]
    DutyShift.objects.bulk_create(rows, ignore_conflicts=True)
    DutyPattern.objects.filter(pk=pattern.pk).update(generated_until=last)  # not a change anyone made: no history
    pattern.generated_until = last
    return len(rows)


def generate_shifts(today: date | None = None, horizon: int = HORIZON_DAYS) -> int:
    """Every active pattern's shifts up to `horizon` days ahead (idempotent: each day once)."""
    today = today or timezone.localdate()
    written = 0
    for pattern in DutyPattern.objects.filter(active=True).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)).order_by("pk"):
        with transaction.atomic():
            written += _generate(pattern, today, horizon)
    return written


# ----------------------------------------------------------------------------------- who is on duty
def shifts_between(start: datetime, end: datetime):
    return (DutyShift.objects.filter(starts_at__lt=end, ends_at__gt=start)
            .select_related("engineer", "team", "zone", "contract").order_by("starts_at", "id"))


def on_duty_now(at: datetime | None = None) -> list[DutyShift]:
    """The shifts running at `at` (default: now)."""
    at = at or timezone.now()
    return list(shifts_between(at, at + timedelta(microseconds=1)))


def engineers_on_duty(at: datetime | None = None) -> dict[int, DutyShift]:
    """{engineer id: his shift} for the field engineers on duty at `at`: named on a shift, or members
    of a team on duty."""
    out: dict[int, DutyShift] = {}
    for shift in on_duty_now(at):
        people: list[User] = []
        if shift.engineer is not None:
            people = [shift.engineer]
        elif shift.team is not None:
            people = list(shift.team.members.all())
        for person in people:
            if is_assignable(person):
                out.setdefault(person.pk, shift)
    return out


# ----------------------------------------------------------------------------------- coverage
def _round_the_clock(target, plan_calendar) -> bool:
    from shouhou.sla.models import WORKING_UNITS

    if target.unit not in WORKING_UNITS:
        return True
    calendar = target.calendar or plan_calendar
    return calendar is not None and all(day == "00:00-24:00" for day in calendar.week or [])


def round_the_clock_needs(at: datetime | None = None) -> set[cov.Need]:
    """The places (zone, contract) some published plan of a running contract promises round the clock."""
    from shouhou.sla.choices import PlanStatus
    from shouhou.sla.models import ServicePlan
    from shouhou.sla.services.clocks import effective_targets, plan_calendar, plan_in_effect

    at = at or timezone.now()
    today = timezone.localdate(at)
    heads = (ServicePlan.objects.filter(is_template=False, status=PlanStatus.PUBLISHED, line__isnull=True)
             .filter(Q(contract__isnull=True, is_default=True)
                     | Q(contract__start_date__lte=today + timedelta(days=CHECK_DAYS),
                         contract__end_date__isnull=True)
                     | Q(contract__start_date__lte=today + timedelta(days=CHECK_DAYS), contract__end_date__gte=today)))
    heads = heads.select_related("calendar").prefetch_related("targets__calendar", "zone_rules__zone")
    versioned = set(ServicePlan.objects.filter(line__in=heads, status=PlanStatus.PUBLISHED, effective_from__lte=at)
                    .values_list("line_id", flat=True))
    needs: set[cov.Need] = set()
    for head in heads.order_by("pk"):
        plan = plan_in_effect(head, at) if head.pk in versioned else head
        simple = plan.base_id is None
        calendar = plan.calendar if simple else plan_calendar(plan)
        targets = [t for t in (plan.targets.all() if simple else effective_targets(plan))
                   if _round_the_clock(t, calendar)]
        if not targets:
            continue
        zones: set[str | None] = {code for t in targets for code in t.zones or ()}
        if any(not t.zones for t in targets):
            ruled: set[str | None] = {rule.zone.code for rule in plan.zone_rules.all()}
            zones |= ruled or {None}
        needs |= {cov.Need(zone, head.contract_id) for zone in zones}
    return needs


def _pure(shift: DutyShift) -> cov.Shift:
    return cov.Shift(shift.starts_at, shift.ends_at, shift.zone.code if shift.zone is not None else None,
                     shift.contract_id)


@dataclass(frozen=True)
class CoverageGap:
    """A gap as people read it: when, where (zone name, contract number)."""

    start: datetime
    end: datetime
    zone: str
    contract: str

    @property
    def where(self) -> str:
        return " · ".join(p for p in (self.zone, self.contract) if p) or _("all zones")

    @property
    def label(self) -> str:
        return _("%(when)s in %(where)s") % {"when": when_label(self.start, self.end), "where": self.where}


def when_label(start: datetime, end: datetime) -> str:
    """"Sat 12-05 02:00–08:00"; an end on another day names that day ("Sat 12-05 20:00–Sun 12-06 08:00"),
    except midnight, which reads 24:00."""
    names = dict(WEEKDAYS)
    a, b = timezone.localtime(start, local_zone()), timezone.localtime(end, local_zone())
    head = f"{names[a.weekday()]} {a:%m-%d %H:%M}"
    if b.date() == a.date():
        return f"{head}–{b:%H:%M}"
    if b.date() == a.date() + timedelta(days=1) and (b.hour, b.minute, b.second) == (0, 0, 0):
        return f"{head}–24:00"
    return f"{head}–{names[b.weekday()]} {b:%m-%d %H:%M}"


def coverage_gaps(days: int = CHECK_DAYS, now: datetime | None = None) -> list[CoverageGap]:
    """The intervals of the next `days` days in which a round-the-clock promise has nobody on duty."""
    now = now or timezone.now()
    return gaps_between(now, now + timedelta(days=days))


def gaps_between(now: datetime, end: datetime) -> list[CoverageGap]:
    """The uncovered intervals of [now, end) of every round-the-clock promise (the needs of `now`)."""
    if end <= now:
        return []
    shifts = [_pure(s) for s in shifts_between(now, end)]
    named = {s.contract for s in shifts if s.contract is not None}
    # A contract without its own duty is answered by the general roster: one need per zone, not per contract.
    needs = {cov.Need(n.zone, n.contract if n.contract in named else None) for n in round_the_clock_needs(now)}
    gaps = cov.coverage_gaps(needs, shifts, now, end)
    zone_names = dict(ServiceZone.objects.values_list("code", "name"))
    from shouhou.contracts.models import Contract

    numbers = dict(Contract.objects.filter(pk__in={g.need.contract for g in gaps if g.need.contract})
                   .values_list("pk", "number"))
    return [CoverageGap(g.start, g.end, zone_names.get(g.need.zone or "", g.need.zone or ""),
                        numbers.get(g.need.contract or 0, "")) for g in gaps]


def notify_gaps(now: datetime | None = None, days: int = NOTIFY_DAYS) -> int:
    """Tell the service managers / dispatchers ("roster.gap" rule) of each gap in the next `days` days;
    each gap once (the dedupe key names its place and interval)."""
    from shouhou.notify import emit

    link = reverse("dispatch:roster")
    sent = 0
    for gap in coverage_gaps(days, now):
        key = f"roster:gap:{gap.zone}:{gap.contract}:{gap.start.isoformat()}:{gap.end.isoformat()}"
        emit("roster.gap", dedupe=key, link=link,
             context={"when": when_label(gap.start, gap.end), "where": gap.where, "link": link})
        sent += 1
    return sent


def check_roster(today: date | None = None) -> dict:
    """The daily job: generate shifts ahead, then announce the gaps of the next days."""
    return {"generated": generate_shifts(today), "gaps": notify_gaps()}


def duty_people() -> list[User]:
    from shouhou.accounts.permissions import assignable_engineers

    return list(assignable_engineers().order_by("username"))
