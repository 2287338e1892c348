"""The audit trail of reference data (issue 6): who changed what, when, before/after, and why.

django-simple-history keeps one history row per change of every audited model (customers, sites,
contacts, zones, product models, assets, contracts, service plans with their targets and
escalation rules, working calendars with their days, users and organisations).  This module is
the house's use of it:

- `AuditedRecords()` is the `history = …` declaration each audited model carries;
- `stamp(obj, user, reason)`: a service names its acting user and the reason on the instance
  before saving (`_history_user`, `_change_reason`).  Web and API requests are covered by
  HistoryRequestMiddleware too; the CLI operator (no user) is recorded as the system;
- `record_change(obj)`: the history row for a change written with a queryset UPDATE
  (core.versioning.save_versioned, derived warranty dates), which sends no post_save;
- `one_row(obj)`: several writes (fields, many-to-many coverage, derived dates) recorded as one row;
- `entries(…)` / `trail(obj)`: the rows as people read them — who, when, which field (its
  verbose name) from → to (readable values) and why — scoped by the caller (only for an object
  the user may see, without the fields the user may not see).
"""

from __future__ import annotations

import json
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords
from simple_history.utils import get_m2m_reverse_field_name

# `history_date` says when; `version` is kept (it matches the versions API clients see in 409s).
UNTRACKED = ("created_at", "updated_at")
NOT_SHOWN = frozenset({"version"})  # implied by every change
TRAIL_ROWS = 50  # on a detail page
API_ROWS = 500  # paged through by GET …/{id}/history/
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
ACTION_LABELS = {"created": gettext_lazy("created"), "changed": gettext_lazy("changed"),
                 "deleted": gettext_lazy("deleted")}

_records: dict[type, AuditedRecords] = {}
_part_specs: list[tuple[type, str]] = []  # (model, foreign key to the parent whose trail shows its rows)


class AuditedRecords(HistoricalRecords):
    """`HistoricalRecords` with the house defaults.

    - created_at / updated_at are not copied (history_date is the time of the change);
    - a save that only touches untracked fields (a user's `last_login` on every login) writes no row;
    - every audited model is registered here, so services can write the row for an UPDATE;
    - `part_of="plan"`: the rows also show in the trail of the object that foreign key names
      (a plan's targets on the plan's page, a calendar's days on the calendar's);
    - `labels={"pause_statuses": Status.choices}`: readable names for the codes a field without
      choices holds (e.g. a JSON list of statuses), shown instead of the codes.
    """

    def __init__(self, *, excluded_fields=(), part_of: str | None = None, labels=None, **kwargs):
        super().__init__(excluded_fields=[*UNTRACKED, *excluded_fields], **kwargs)
        self.part_of = part_of
        self.labels = {name: dict(choices) for name, choices in (labels or {}).items()}

    def finalize(self, sender, **kwargs):
        if sender is self.cls:  # only the fields the model has (get_instance() looks each one up)
            names = {f.name for f in sender._meta.local_fields}
            self.excluded_fields = [n for n in self.excluded_fields if n in names or n not in UNTRACKED]
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            _records[sender] = self
            if self.part_of:
                _part_specs.append((sender, self.part_of))

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not created and update_fields is not None:
            tracked = {f.name for f in self.fields_included(instance)} | {f.attname for f in self.fields_included(instance)}
            if not tracked.intersection(update_fields):
                return
        super().post_save(instance, created, using=using, **kwargs)


def is_audited(model) -> bool:
    return model in _records


def stamp(obj, user, reason=None):
    """Name who makes the change (None: the system, e.g. the CLI operator) and, if given, why."""
    obj._history_user = user if getattr(user, "pk", None) else None
    if reason:
        obj._change_reason = str(reason)
    return obj


def record_change(obj, history_type: str = "~", default_reason=None) -> None:
    """Write the history row for a change saved without post_save (a queryset UPDATE).

    `default_reason` applies when no reason was stamped on `obj` (e.g. "warranty re-derived")."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True) or hasattr(obj, "skip_history_when_saving"):
        return
    records = _records.get(type(obj))
    if records is None:
        return
    if default_reason and not getattr(obj, "_change_reason", None):
        obj._change_reason = str(default_reason)
    records.create_historical_record(obj, history_type)


@contextmanager
def one_row(obj, history_type: str = "~"):
    """Record the writes inside the block (save, m2m set, derived fields) as one history row."""
    obj.skip_history_when_saving = True
    try:
        yield obj
    finally:
        obj.__dict__.pop("skip_history_when_saving", None)
    record_change(obj, history_type)


# ------------------------------------------------------------------------------------ reading

@dataclass
class FieldChange:
    """One field of one history row: raw values (as text, JSON for lists) and readable ones."""

    field: str
    label: str
    old: str | None
    new: str | None
    old_display: str
    new_display: str


@dataclass
class Entry:
    id: int
    at: datetime
    action: str
    user_id: int | None
    user_name: str
    reason: str
    subject: str = ""  # for rows of a part (a calendar day, a plan's target): which one
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


def history_queryset(obj):
    """The object's history rows, newest first (with their users)."""
    return obj.history.select_related("history_user").order_by("-history_date", "-history_id")


def _m2m_fields(model):
    records = _records.get(model)
    return list(records.m2m_models.items()) if records else []


def _m2m_values(model, rows) -> dict[int, dict[str, frozenset]]:
    """{history_id: {m2m field name: frozenset of related ids}} in one query per m2m field."""
    out: dict[int, dict[str, frozenset]] = defaultdict(dict)
    ids = [r.history_id for r in rows]
    for m2m_field, m2m_model in _m2m_fields(model):
        target = m2m_model._meta.get_field(get_m2m_reverse_field_name(m2m_field)).attname
        found = defaultdict(set)
        for history_id, value in m2m_model.objects.filter(history_id__in=ids).values_list("history_id", target):
            found[history_id].add(value)
        for history_id in ids:
            out[history_id][m2m_field.name] = frozenset(found.get(history_id, ()))
    return out


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {} or value is False or value == frozenset()


def _raw(model_field, value) -> str | None:
    if value is None:
        return None
    if isinstance(value, frozenset):
        return json.dumps(sorted(value))
    if isinstance(model_field, models.JSONField):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _display(model_field, value, names, labels=None) -> str:
    if _is_empty(value) and not isinstance(value, bool):
        return "—"
    if labels:  # a list of codes, or codes joined by commas (e.g. an approval step's roles)
        items = value if isinstance(value, list) else str(value).split(",")
        return "、".join(str(labels.get(v, v)) for v in items)
    if isinstance(value, frozenset):
        related = model_field.related_model
        return "、".join(sorted(names.get((related, pk), f"#{pk}") for pk in value))
    if model_field.is_relation:
        return names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list) and all(not isinstance(v, list | dict) for v in value):
        return "、".join(str(v) if v != "" else "—" for v in value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _values(model, row, m2m) -> dict[str, object]:
    history_model = type(row)
    values = {f.name: getattr(row, f.attname) for f in history_model.tracked_fields}
    values.update(m2m.get(row.history_id, {}))
    return values


def _fields(model, hidden) -> list[models.Field]:
    history_model = model.history.model
    tracked = [f for f in history_model.tracked_fields
               if not f.primary_key and f.name not in NOT_SHOWN and f.name not in hidden]
    return tracked + [f for f, _m in _m2m_fields(model) if f.name not in hidden]


def entries(model, rows, bases=None, hidden=(), subject: str = "") -> list[Entry]:
    """Readable entries for history rows of `model` (newest first, of one or several objects).

    Each row is compared with the next older row of the same object — found among `rows`, else in
    `bases` ({object id: row}), else looked up.  Rows whose every change is hidden are left out.
    `subject` (a part's model name) prefixes each entry's name of the object it is about.
    """
    rows = list(rows)
    bases = dict(bases or {})
    older: dict[int, object] = {}
    seen: dict[object, object] = {}
    for row in reversed(rows):  # oldest first: each row's base is the last one seen for its object
        if row.id in seen:
            older[row.history_id] = seen[row.id]
        seen[row.id] = row
    missing = [r for r in rows if r.history_id not in older and r.history_type != "+" and r.id not in bases]
    for row in missing:
        base = type(row).objects.filter(id=row.id, history_date__lt=row.history_date).order_by("-history_date").first()
        if base is not None:
            bases[row.id] = base
    for row in rows:
        if row.history_id not in older and row.id in bases and row.history_type != "+":
            base = bases[row.id]
            if base.history_date < row.history_date:
                older[row.history_id] = base
    m2m = _m2m_values(model, rows + list(older.values()))
    fields = _fields(model, set(hidden))
    raw_changes = []
    for row in rows:
        after = _values(model, row, m2m)
        base = older.get(row.history_id)
        before = _values(model, base, m2m) if base is not None else None
        if before is None or row.history_type == "-":
            # a creation (or an object's first recorded row) lists what it set; a deletion lists nothing
            changed = [] if row.history_type == "-" else [
                (f, None, after.get(f.name)) for f in fields if not _is_empty(after.get(f.name))]
        else:
            changed = [(f, before.get(f.name), after.get(f.name)) for f in fields
                       if before.get(f.name) != after.get(f.name)]
        raw_changes.append((row, before is not None, changed))
    names = _names(raw_changes)
    labels = _records[model].labels
    out = []
    for row, has_base, changed in raw_changes:
        if row.history_type == "~" and not changed:
            continue
        unknown = _("(not recorded)") if row.history_type == "~" and not has_base else None
        user = row.history_user
        out.append(Entry(
            id=row.history_id, at=row.history_date, action=ACTIONS[row.history_type],
            user_id=row.history_user_id, user_name=(user.get_full_name() or user.username) if user else _("System"),
            reason=row.history_change_reason or "", subject=f"{subject} {row.instance}" if subject else "",
            changes=[FieldChange(
                field=f.name, label=str(f.verbose_name), old=_raw(f, old), new=_raw(f, new),
                old_display=unknown or _display(f, old, names, labels.get(f.name)),
                new_display=_display(f, new, names, labels.get(f.name)))
                for f, old, new in changed]))
    return out


def _names(raw_changes) -> dict[tuple[type, object], str]:
    """str() of every related object named by a change, one query per related model."""
    wanted = defaultdict(set)
    for _row, _has_base, changed in raw_changes:
        for f, old, new in changed:
            if f.is_relation:
                for value in (old, new):
                    if isinstance(value, frozenset):
                        wanted[f.related_model].update(value)
                    elif value is not None:
                        wanted[f.related_model].add(value)
    names = {}
    for related, pks in wanted.items():
        for pk, obj in related._base_manager.in_bulk(pks).items():
            names[(related, pk)] = str(obj)
    return names


@dataclass
class Part:
    """Rows of another audited model shown in a parent's trail (a calendar's days, a plan's targets)."""

    model: type
    fk: str  # the attname pointing at the parent, e.g. "calendar_id"


def parts_of(model) -> list[Part]:
    """The audited models declared `part_of` a foreign key to `model`."""
    out = []
    for part_model, name in _part_specs:
        fk = part_model._meta.get_field(name)
        if fk.related_model is model:
            out.append(Part(part_model, fk.attname))
    return out


def trail(obj, *, hidden=(), limit: int = TRAIL_ROWS) -> tuple[list[Entry], bool]:
    """The newest `limit` entries of `obj` and of its parts, and whether there are more."""
    model = type(obj)
    rows = list(history_queryset(obj)[: limit + 1])
    more = len(rows) > limit
    found = entries(model, rows[:limit], bases={r.id: r for r in rows[limit:]}, hidden=hidden)
    for part in parts_of(model):
        part_rows = list(part.model.history.model.objects.filter(**{part.fk: obj.pk}).select_related("history_user")
                         .order_by("-history_date", "-history_id")[: limit + 1])
        more = more or len(part_rows) > limit
        parent = part.model._meta.get_field(part.fk.removesuffix("_id")).name  # the same on every row
        found += entries(part.model, part_rows[:limit], hidden={*hidden, parent},
                         subject=str(part.model._meta.verbose_name))
    found.sort(key=lambda e: (e.at, e.id), reverse=True)
    return found[:limit], more or len(found) > limit


def section(request, obj, *, hidden=()) -> dict:
    """The "change history" panel of a detail page: {"title", "html"} like core.hooks sections."""
    found, more = trail(obj, hidden=hidden)
    html = render_to_string("core/_audit_trail.html", {"entries": found, "more": more, "limit": TRAIL_ROWS}, request)
    return {"title": _("Change history"), "html": html}
