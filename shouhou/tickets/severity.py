"""Severity levels as data (issue 8): a company names its own fault levels and their definitions.

`Ticket.severity` holds a level's rank (1 = most severe).  The seeded levels 1–3 carry the P5.1
definitions (the demo company's), so existing values keep working; a company renames them,
rewrites the definitions or adds a fourth ("困人" for an elevator company) — the intake form, the
plan editor and the API offer exactly the active levels.
"""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core import limits
from shouhou.core.audit import AuditedRecords

from .choices import SEVERITY_HELP, Severity

_CACHE: dict[str, object] = {}
_TTL = 60.0  # seconds another process's edit may take to show in labels


class SeverityLevel(models.Model):
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True, validators=[MinValueValidator(1)],
                                            help_text=_("1 is the most severe."))
    name = models.CharField(_("name"), max_length=50)
    definition = models.TextField(_("definition"), blank=True, max_length=limits.SHORT_TEXT,
                                  help_text=_("Shown next to the level to whoever chooses it."))
    active = models.BooleanField(_("in use"), default=True)

    history = AuditedRecords()

    class Meta:
        verbose_name = _("severity level")
        verbose_name_plural = _("severity levels")
        ordering = ["rank"]

    def __str__(self):
        return self.name

    # The dashboard and filters read levels like the old choices.
    @property
    def value(self) -> int:
        return self.rank

    @property
    def label(self) -> str:
        return self.name


def _levels() -> list[tuple[int, str, str, bool]]:
    cached = _CACHE.get("levels")
    if cached is None or time.monotonic() - float(_CACHE.get("at", 0)) > _TTL:
        cached = list(SeverityLevel.objects.order_by("rank").values_list("rank", "name", "definition", "active"))
        _CACHE.update(levels=cached, at=time.monotonic())
    return cached  # type: ignore[return-value]


def forget_levels(**kwargs) -> None:
    """Drop the cached levels (connected to the model's save and delete)."""
    _CACHE.clear()


def active_levels() -> list[SeverityLevel]:
    return list(SeverityLevel.objects.filter(active=True).order_by("rank"))


def severity_label(rank) -> str:
    """A rank's name: the company's level, else the built-in P5.1 label, else the number."""
    for value, name, _definition, _active in _levels():
        if value == rank:
            return name
    try:
        return str(Severity(rank).label)
    except ValueError:
        return str(rank)


def severity_choices() -> list[tuple[int, str]]:
    """(rank, "name：definition") for every active level — the intake form's radio buttons."""
    rows = [(value, f"{name}：{definition}" if definition else name)
            for value, name, definition, active in _levels() if active]
    if rows:
        return rows
    return [(int(level), f"{level.label}：{SEVERITY_HELP[level]}") for level in Severity]


def plain_choices() -> list[tuple[int, str]]:
    rows = [(value, name) for value, name, _d, active in _levels() if active]
    return rows or [(int(level), str(level.label)) for level in Severity]


def validate_severity(value) -> None:
    """A severity must name a defined level (any level, active or not, so old tickets stay valid)."""
    known = {row[0] for row in _levels()} or {int(level) for level in Severity}
    if value not in known:
        raise ValidationError(_("Unknown severity level %(value)s."), params={"value": value}, code="invalid_choice")
