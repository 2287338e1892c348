"""Quotes (报价单) on a service request, their acceptance, and the ledger of charges.

The engineer (or the desk, or the dealer's staff on their own jobs: "charge.quote") records parts
from the catalogue, hours of labour and travel on a draft; every change prices the whole quote
again (charging.pricing) by the request's charging rule, the price list version in force on the
day of the work and the VAT rates of that day; what the entitlement covers is free, with the rule
named on the line.  Sent to the customer, the quote is accepted or declined ("charge.accept": the
customer user, or the desk with the customer's signed copy).  Acceptance posts one ledger entry
per line (append-only; a correction is a reversal entry, "charge.correct", with a reason).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core.errors import REFUSED, PermissionDeniedError, ServiceError
from shouhou.core.services import require, require_reason
from shouhou.sla.choices import DayKind
from shouhou.sla.models import CalendarDay, WorkingCalendar
from shouhou.sla.services.clocks import calendar_value, default_calendar
from shouhou.tickets.choices import TERMINAL_STATES
from shouhou.tickets.models import Ticket

from .. import pricing
from ..choices import EntryKind, LineKind, QuoteStatus
from ..models import ChargeEntry, ChargingRule, Part, PriceListVersion, Quote, QuoteLine, VatRate
from .decisions import decide_entitlement, rule_for_ticket

TIME_CLASS_LABELS = {pricing.NIGHT: gettext_lazy("Night"), pricing.REST_DAY: gettext_lazy("Rest day"),
                     pricing.HOLIDAY: gettext_lazy("Holiday")}


def _require_on_ticket(user, action: str, ticket: Ticket, message) -> None:
    if not Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists():
        raise PermissionDeniedError(REFUSED, message)
    require(user, action, ticket)


def _lock(quote: Quote) -> Quote:
    return Quote.objects.select_for_update(of=("self",)).select_related(
        "ticket", "rule", "price_list_version__price_list").get(
        pk=quote.pk)


def _draft(user, quote: Quote) -> Quote:
    quote = _lock(quote)
    _require_on_ticket(user, "charge.quote", quote.ticket, _("You may not write quotes on this request."))
    if not quote.is_draft:
        raise ServiceError("not_editable", _("Only a draft quote can be changed; write a new quote instead."))
    return quote


def rule_calendar(rule: ChargingRule) -> WorkingCalendar | None:
    return rule.calendar or default_calendar()


def time_classes(rule: ChargingRule, at: datetime) -> list[str]:
    """Night / rest day / holiday for work at `at`, on the rule's working calendar."""
    calendar = rule_calendar(rule)
    if calendar is None:
        local = timezone.localtime(at)
        holiday, working = False, local.weekday() < 5
    else:
        local = at.astimezone(calendar_value(calendar).zone)
        kind = CalendarDay.objects.filter(calendar=calendar, date=local.date()).values_list("kind", flat=True).first()
        holiday = kind == DayKind.HOLIDAY
        working = bool(calendar_value(calendar).day_pattern(local.date()))
    return list(pricing.time_classes_of(local.hour * 60 + local.minute, holiday=holiday, working_day=working,
                                        night=rule.night_minutes()))


def _percent(value: Decimal | None) -> str:
    return format((value or Decimal(0)).normalize(), "f")


def _note(line: pricing.PricedLine, rule: ChargingRule, version: PriceListVersion | None, entitled: str) -> str:
    listed = {"list": version.price_list.name, "version": version.number} if version else {"list": "—", "version": "—"}
    if line.basis == pricing.COVERED:
        return _("Free: %(entitlement)s (charging rule %(rule)s)") % {"entitlement": entitled, "rule": rule.name}
    if line.basis == pricing.FREE:
        return _("Not charged (charging rule %(rule)s)") % {"rule": rule.name}
    if line.kind == LineKind.SURCHARGE:
        return _("%(percent)s%% of labour (charging rule %(rule)s)") % {"percent": _percent(line.percent),
                                                                        "rule": rule.name}
    if line.basis == pricing.LIST:
        return _("List price (%(list)s, version %(version)s)") % listed
    if line.basis == pricing.LIST_PERCENT:
        return _("%(percent)s%% of list price %(price)s (%(list)s, version %(version)s)") % {
            **listed, "percent": _percent(line.percent), "price": line.list_price}
    if line.basis == pricing.COST:
        return _("At cost (%(list)s, version %(version)s)") % listed
    if line.basis == pricing.ACTUAL:
        return _("At actual cost, no markup (charging rule %(rule)s)") % {"rule": rule.name}
    return _("At the rate of charging rule %(rule)s") % {"rule": rule.name}


def reprice(quote: Quote) -> Quote:
    """Price every recorded line of `quote` again and derive its surcharge line and totals."""
    rule, version = quote.rule, quote.price_list_version
    entitled = str(quote.get_entitlement_status_display())
    recorded = list(quote.lines.filter(derived=False).select_related("part").order_by("position", "id"))
    prices = {}
    if version is not None:
        prices = {line.part_id: line for line in version.lines.filter(part__in=[r.part_id for r in recorded if r.part_id])}
    inputs = []
    for line in recorded:
        listed = prices.get(line.part_id)
        inputs.append(pricing.LineInput(
            kind=line.kind, quantity=line.quantity, description=line.description,
            code=line.part.code if line.part_id else "", vat_kind=line.part.vat_kind if line.part_id else "goods",
            list_price=listed.unit_price if listed else None, cost_price=listed.unit_cost if listed else None,
            entered_price=line.entered_price))
    rates = VatRate.rates_on(timezone.localdate(quote.work_at))
    try:
        priced = pricing.price(inputs, rule.pricing_rule(), frozenset(quote.covered), rates, quote.time_classes)
    except pricing.MissingPrice as exc:
        raise ServiceError("no_price", _("%(part)s has no %(what)s on the price list in force.") % {
            "part": exc.line.code or exc.line.description, "what": _("cost price") if exc.what == "cost price"
            else _("price")}, "part") from None
    except KeyError as exc:
        raise ServiceError("no_vat_rate", _("No VAT rate is set for %(kind)s.") % {"kind": exc.args[0]}) from None
    quote.lines.filter(derived=True).delete()
    for line, result in zip(recorded, priced.lines, strict=False):
        for name in ("list_price", "unit_price", "amount", "vat_kind", "vat_rate", "tax", "basis"):
            setattr(line, name, getattr(result, name))
        line.note = _note(result, rule, version, entitled)
        line.save()
    for result in priced.lines[len(recorded):]:
        QuoteLine.objects.create(
            quote=quote, position=len(recorded) + 1, kind=result.kind, derived=True, quantity=result.quantity,
            description=_("%(when)s surcharge") % {"when": TIME_CLASS_LABELS[result.time_class]},
            unit_price=result.unit_price, amount=result.amount, vat_kind=result.vat_kind, vat_rate=result.vat_rate,
            tax=result.tax, basis=result.basis, note=_note(result, rule, version, entitled))
    quote.total, quote.tax_total = priced.total, priced.tax_total
    Quote.objects.filter(pk=quote.pk).update(total=quote.total, tax_total=quote.tax_total, updated_at=timezone.now())
    return quote


@transaction.atomic
def create_quote(user, ticket: Ticket, *, work_at: datetime | None = None, lines=()) -> Quote:
    """A draft quote on `ticket` for work at `work_at` (default: now), with its first `lines`
    (dicts for add_quote_line).  Raises PermissionDeniedError, ServiceError `ticket_closed`, `no_rule`."""
    _require_on_ticket(user, "charge.quote", ticket, _("You may not write quotes on this request."))
    if ticket.status in TERMINAL_STATES:
        raise ServiceError("ticket_closed", _("This service request is closed; no quote can be written on it."))
    decided = decide_entitlement(ticket, user)
    rule = decided.rule or rule_for_ticket(ticket)
    if rule is None:
        raise ServiceError("no_rule", _("No charging rule applies to this request: set up a default rule."))
    work_at = work_at or timezone.now()
    version = rule.price_list.version_on(timezone.localdate(work_at)) if rule.price_list is not None else None
    quote = Quote.objects.create(
        ticket=ticket, rule=rule, rule_version=rule.version, price_list_version=version,
        entitlement_status=decided.status, entitlement_reason=decided.reason, covered=list(decided.covered),
        work_at=work_at, time_classes=time_classes(rule, work_at), created_by=user)
    for line in lines:
        _add_line(quote, **line)
    return reprice(quote)


def _add_line(quote: Quote, *, kind: str, quantity, part: Part | None = None, description: str = "",
              entered_price=None) -> QuoteLine:
    if kind not in pricing.LINE_KINDS:
        raise ServiceError("bad_kind", _("A line is parts, labour or travel."), "kind")
    if kind == LineKind.PARTS and (part is None or not part.active):
        raise ServiceError("part_required", _("Choose an active part from the catalogue."), "part")
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ServiceError("bad_quantity", _("The quantity must be more than zero."), "quantity")
    default: dict[str, str] = {LineKind.PARTS: part.name if part else "", LineKind.LABOUR: _("Labour"),
                               LineKind.TRAVEL: _("Travel")}
    position = quote.lines.filter(derived=False).count() + 1
    return QuoteLine.objects.create(
        quote=quote, position=position, kind=kind, part=part if kind == LineKind.PARTS else None,
        description=(description or default[kind])[:200], unit=part.unit if part and kind == LineKind.PARTS else (
            _("hour") if kind == LineKind.LABOUR else ""),
        quantity=quantity, entered_price=entered_price, vat_kind="goods", basis="")


@transaction.atomic
def add_quote_line(user, quote: Quote, **line) -> QuoteLine:
    """Record a part, hours of labour or travel on a draft quote; the quote is priced again."""
    quote = _draft(user, quote)
    added = _add_line(quote, **line)
    reprice(quote)
    added.refresh_from_db()
    return added


@transaction.atomic
def remove_quote_line(user, line: QuoteLine) -> Quote:
    quote = _draft(user, line.quote)
    if line.derived:
        raise ServiceError("derived_line", _("A surcharge follows from the rule; remove the labour instead."))
    QuoteLine.objects.filter(pk=line.pk, quote=quote).delete()
    return reprice(quote)


@transaction.atomic
def propose_quote(user, quote: Quote) -> Quote:
    """Send a draft to the customer for acceptance.  Raises ServiceError `empty_quote`, `not_editable`."""
    quote = _draft(user, quote)
    if not quote.lines.exists():
        raise ServiceError("empty_quote", _("Record at least one line before sending the quote."))
    quote.status, quote.proposed_at = QuoteStatus.PROPOSED, timezone.now()
    quote.save(update_fields=["status", "proposed_at", "updated_at"])
    return quote


def _decide(user, quote: Quote) -> Quote:
    quote = _lock(quote)
    _require_on_ticket(user, "charge.accept", quote.ticket, _("You may not accept quotes on this request."))
    if quote.status != QuoteStatus.PROPOSED:
        raise ServiceError("not_proposed", _("Only a quote sent to the customer can be accepted or declined."))
    return quote


@transaction.atomic
def accept_quote(user, quote: Quote) -> Quote:
    """The customer accepts: the quote is final and each line is posted to the ledger."""
    quote = _decide(user, quote)
    quote.status, quote.decided_at, quote.decided_by = QuoteStatus.ACCEPTED, timezone.now(), user
    quote.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    ChargeEntry.objects.bulk_create([
        ChargeEntry(ticket=quote.ticket, quote=quote, line=line, description=f"{line.description} · {line.note}"[:300],
                    amount=line.amount, tax=line.tax, created_by=user)
        for line in quote.lines.order_by("derived", "position", "id")])
    return quote


@transaction.atomic
def decline_quote(user, quote: Quote, reason: str = "") -> Quote:
    quote = _decide(user, quote)
    quote.status, quote.decided_at, quote.decided_by = QuoteStatus.DECLINED, timezone.now(), user
    quote.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    return quote


@transaction.atomic
def reverse_charge(user, entry: ChargeEntry, reason: str) -> ChargeEntry:
    """Post the reversal of a charge (the ledger is never changed).  Raises ServiceError `already_reversed`,
    `not_a_charge`, `reason_required`."""
    _require_on_ticket(user, "charge.correct", entry.ticket, _("You may not correct charges."))
    reason = require_reason(reason)
    entry = ChargeEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.kind != EntryKind.CHARGE:
        raise ServiceError("not_a_charge", _("Only a charge can be reversed."))
    if ChargeEntry.objects.filter(reverses=entry).exists():
        raise ServiceError("already_reversed", _("This charge is already reversed."))
    reversal = ChargeEntry(ticket=entry.ticket, quote=entry.quote, line=entry.line, kind=EntryKind.REVERSAL,
                           description=entry.description, amount=-entry.amount, tax=-entry.tax, reverses=entry,
                           reason=reason, created_by=user)
    reversal.save()
    return reversal
