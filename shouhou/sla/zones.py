"""A site's service zone from its geography (issue 8, "Zones from geography") — pure.

A plan's zone rules map a province / city / district to a zone code ("nearby", "same province",
"other provinces", "remote"); the most specific matching rule wins (district > city > province),
and the rule that names no place at all is the default zone for "the rest of the country".

A rule names a place by its parts, each optional but nested: a city rule gives its province and
city, a district rule all three.  Names are compared after trimming and without the usual
administrative suffixes, so "上海市" matches "上海" and "浦东新区" matches "浦东新区" only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Place", "ZoneRule", "normalise", "resolve_zone"]

_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def normalise(name: str) -> str:
    """"上海市" → "上海", "广东省" → "广东"; a district keeps its name ("浦东新区")."""
    name = (name or "").strip()
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class Place:
    province: str = ""
    city: str = ""
    district: str = ""

    @property
    def is_known(self) -> bool:
        return bool(normalise(self.province) or normalise(self.city))


@dataclass(frozen=True)
class ZoneRule:
    zone: str
    province: str = ""
    city: str = ""
    district: str = ""

    @property
    def specificity(self) -> int:
        """3 district, 2 city, 1 province, 0 the default zone."""
        return 3 if self.district else 2 if self.city else 1 if self.province else 0

    def matches(self, place: Place) -> bool:
        pairs = ((self.province, place.province), (self.city, place.city), (self.district, place.district))
        return all(not rule or normalise(rule) == normalise(have) for rule, have in pairs)


def resolve_zone(rules: Iterable[ZoneRule], place: Place | None) -> str | None:
    """The zone code of the most specific rule matching `place`; the default rule's zone when no
    place is known or nothing else matches; None when the plan has no rule that applies.

    Two rules of the same specificity that both match are ambiguous: the first (in the given
    order) wins, so rule order is the tie-break the plan editor shows.
    """
    best: ZoneRule | None = None
    for rule in rules:
        if rule.specificity and (place is None or not rule.matches(place)):
            continue
        if best is None or rule.specificity > best.specificity:
            best = rule
    return best.zone if best else None
