"""The charging app's printed documents (core.documents): the quote (报价单) and the receipt (收据).

A receipt is not a tax invoice (发票): it says what was charged on the request, line by line with
the rule that priced it and the VAT inside each tax-inclusive amount, and the total in capital
numerals (大写) as Chinese money documents require.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core.documents import Column, DocumentTemplate, Field, Fields, Table, Text, register

from .numerals import capital_amount


def _percent(rate: Decimal) -> str:
    return f"{format((rate * 100).normalize(), 'f')}%"


def document_context(quote) -> dict[str, Any]:
    """What the quote and receipt print, from an accepted (or proposed) quote."""
    ticket = quote.ticket
    lines = [{
        "description": line.description, "note": line.note, "quantity": line.quantity.normalize(),
        "unit": line.unit, "unit_price": line.unit_price, "amount": line.amount, "vat": _percent(line.vat_rate),
        "tax": line.tax,
    } for line in quote.lines.order_by("derived", "position", "id")]
    return {
        "number": quote.number, "receipt_number": quote.receipt_number or quote.number,
        "ticket": {"number": ticket.number, "title": ticket.title},
        "customer": ticket.customer.name if ticket.customer_id else "",
        "asset": ticket.asset.serial_no if ticket.asset_id else "",
        "rule": quote.rule.name, "entitlement": quote.get_entitlement_status_display(),
        "reason": quote.entitlement_reason,
        "work_at": quote.work_at, "decided_at": quote.decided_at or timezone.now(),
        "lines": lines, "total": quote.total, "tax_total": quote.tax_total, "total_in_words": capital_amount(quote.total),
    }


LINE_COLUMNS = (
    Column(_("Item"), "description", width=2.2), Column(_("Charging rule"), "note", width=3.2),
    Column(_("Qty"), "quantity", "number", width=0.8), Column(_("Unit price"), "unit_price", "money", width=1.3),
    Column(_("VAT rate"), "vat", width=0.9, align="RIGHT"), Column(_("VAT"), "tax", "money", width=1.1),
    Column(_("Amount"), "amount", "money", width=1.3),
)


def _blocks(date_label, date_key):
    return (
        Fields(items=(
            Field(_("Customer"), "customer"), Field(_("Service request"), "ticket.number"),
            Field(_("Equipment"), "asset"), Field(date_label, date_key, "datetime"),
            Field(_("Entitlement"), "entitlement"), Field(_("Charging rule"), "rule"),
        )),
        Text(_("Reason"), "reason"),
        Table(key="lines", columns=LINE_COLUMNS, heading=_("Lines (tax included)"), total_label=_("Total"),
              total_key="total", empty=_("No lines.")),
        Fields(items=(Field(_("Total in words"), "total_in_words"), Field(_("VAT included"), "tax_total", "money"))),
    )


def _sample() -> dict[str, Any]:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    return {
        "number": "BJ00000001", "receipt_number": "SJ00000001", "ticket": {"number": "SR00000042", "title": "闭门器漏油"},
        "customer": "华东大厦", "asset": "FD-A-0001", "rule": "统一价目表 8 折", "entitlement": "不在保",
        "reason": "保修期已于 2026-01-09 结束：按收费规则收费。",
        "work_at": dt.datetime(2026, 3, 2, 21, 40, tzinfo=shanghai),
        "decided_at": dt.datetime(2026, 3, 2, 22, 5, tzinfo=shanghai),
        "lines": [{"description": "液压闭门器", "note": "价目表价 ¥150.00 的 80%", "quantity": Decimal(1),
                   "unit": "件", "unit_price": Decimal("120.00"), "amount": Decimal("120.00"), "vat": "13%",
                   "tax": Decimal("13.81")}],
        "total": Decimal("120.00"), "tax_total": Decimal("13.81"), "total_in_words": capital_amount(Decimal("120")),
    }


QUOTE = register(DocumentTemplate(name="charging_quote", title=_("Quotation"), number_key="number",
                                  number_label=_("Quote no."), blocks=_blocks(_("Work at"), "work_at"),
                                  sample=_sample))
RECEIPT = register(DocumentTemplate(name="charging_receipt", title=_("Receipt"), number_key="receipt_number",
                                    number_label=_("Receipt no."), blocks=_blocks(_("Accepted at"), "decided_at"),
                                    sample=_sample))
