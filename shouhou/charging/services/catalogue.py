"""The part catalogue, price lists and charging rules: reference data, audited (core.audit).

Only "pricelist.change" (the desk) writes them.  A price list's prices come in versions imported
from a spreadsheet (charging.spreadsheet: 备件编码, 名称, 单位, 税目, 含税单价, 成本价): all rows or
none — every bad row is reported with its line and field; parts not yet in the catalogue are added
from their row.  A version never changes once recorded; a correction is a new version.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from shouhou.core import audit
from shouhou.core.errors import ServiceError
from shouhou.core.services import pick, require, require_reason
from shouhou.core.spreadsheet import RowError, parse_rows, read_table
from shouhou.core.versioning import save_versioned

from ..models import ChargingRule, Part, PriceList, PriceListLine, PriceListVersion

PART_FIELDS = ("code", "name", "unit", "vat_kind", "active")
PRICE_LIST_FIELDS = ("code", "name")
RULE_FIELDS = (
    "name", "contract", "is_default", "price_list", "parts_basis", "parts_percent", "labour_basis", "labour_rate",
    "labour_vat_kind", "travel_basis", "travel_rate", "travel_vat_kind", "night_surcharge", "night_start",
    "night_end", "rest_day_surcharge", "holiday_surcharge", "calendar", "coverage", "latent_defect_months",
    "maintenance",
)


class BadRows(ServiceError):
    """An import refused: `rows` lists (line, field label, message) for every bad cell."""

    def __init__(self, rows: list[tuple[int, str, str]]):
        self.rows = rows
        text = "；".join(_("line %(line)s: %(field)s: %(message)s") % {"line": line, "field": field, "message": message}
                        for line, field, message in rows)
        super().__init__("bad_rows", _("Nothing was imported: %(rows)s") % {"rows": text}, "file")


def _create(user, model, fields, reason=None):
    obj = audit.stamp(model(**fields), user, reason)
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def create_part(user, data: dict) -> Part:
    """Add a part to the catalogue (also the `shouhou import parts` row service)."""
    require(user, "pricelist.change")
    return _create(user, Part, pick(data, PART_FIELDS), data.get("reason"))


@transaction.atomic
def update_part(user, part: Part, data: dict, version: int | None, reason: str = "") -> Part:
    require(user, "pricelist.change")
    fields = pick(data, PART_FIELDS)
    return save_versioned(audit.stamp(part, user, reason or data.get("reason")), version, fields)


@transaction.atomic
def create_price_list(user, data: dict) -> PriceList:
    require(user, "pricelist.change")
    return _create(user, PriceList, pick(data, PRICE_LIST_FIELDS), data.get("reason"))


def _field_label(field: str | None) -> str:
    from ..spreadsheet import PRICE_LIST_LINES

    if not field or field == "file":
        return _("row")
    for column in PRICE_LIST_LINES.columns:
        if column.field == field:
            return column.header
    return field


@transaction.atomic
def import_price_list(user, price_list: PriceList, *, effective_from: date, filename: str, content: bytes,
                      note: str = "") -> PriceListVersion:
    """Record a new version of `price_list` from an uploaded .xlsx/.csv, in force from `effective_from`.

    Raises BadRows (code `bad_rows`, every bad line and field) and records nothing when any row is bad."""
    from ..spreadsheet import PRICE_LIST_LINES

    require(user, "pricelist.change")
    try:
        rows = read_table(filename, content)
    except RowError as exc:
        raise ServiceError("bad_file", exc.message, "file") from None
    parsed, errors = parse_rows(PRICE_LIST_LINES, rows, user)
    seen: dict[str, int] = {}
    parts = {p.code: p for p in Part.objects.filter(code__in=[d.get("code") for _line, d in parsed])}
    for line, data in parsed:
        code = data["code"]
        if code in seen:
            errors.append((line, "code", _("part %(code)s is already on line %(line)s") % {"code": code, "line": seen[code]}))
        seen[code] = line
        if code not in parts and not data.get("name"):
            errors.append((line, "name", _("part %(code)s is not in the catalogue: give its name") % {"code": code}))
    if errors:
        raise BadRows([(line, _field_label(field), str(message)) for line, field, message in sorted(
            errors, key=lambda e: e[0])])
    number = (price_list.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = audit.stamp(PriceListVersion(price_list=price_list, number=number, effective_from=effective_from,
                                           note=note, source=filename[:200], created_by=user), user,
                          _("Imported from %(file)s.") % {"file": filename})
    version.full_clean()
    version.save()
    lines = []
    for line, data in parsed:
        part = parts.get(data["code"])
        if part is None:
            try:
                part = create_part(user, {"code": data["code"], "name": data["name"], "unit": data.get("unit") or "件",
                                          "vat_kind": data.get("vat_kind") or "goods"})
            except ValidationError as exc:
                raise BadRows([(line, _field_label(f), " ".join(m)) for f, m in exc.message_dict.items()]) from None
            parts[part.code] = part
        lines.append(PriceListLine(version=version, part=part, unit_price=data["unit_price"],
                                   unit_cost=data.get("unit_cost")))
    PriceListLine.objects.bulk_create(lines)
    return version


@transaction.atomic
def create_rule(user, data: dict) -> ChargingRule:
    require(user, "pricelist.change")
    return _create(user, ChargingRule, pick(data, RULE_FIELDS), data.get("reason"))


@transaction.atomic
def update_rule(user, rule: ChargingRule, data: dict, version: int | None, reason: str = "") -> ChargingRule:
    """Change a rule (409 when stale).  It decides what customers pay, so a reason is required;
    quotes already written keep the version that priced them."""
    require(user, "pricelist.change")
    reason = require_reason(reason or data.get("reason"))
    fields = pick(data, RULE_FIELDS)
    return save_versioned(audit.stamp(rule, user, reason), version, fields)
