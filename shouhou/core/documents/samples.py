"""The sample document: a service record (服务记录单) filled with made-up values.

It shows every block a document can have — header fields, a priced table of parts with a total,
free text, signature boxes (one signed, one awaiting the customer) — so a user can see what the
pipeline prints (`shouhou document sample_service_record`) before an app prints real records from
its own data.  The engineer's service record signed by the customer is P12.3 / P10.4.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageDraw

from .layout import Column, DocumentTemplate, Field, Fields, Signature, Signatures, Table, Text
from .registry import register

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _signature_image() -> bytes:
    """A stand-in for a captured signature: a few pen strokes on white."""
    image = Image.new("RGB", (360, 120), "white")
    pen = ImageDraw.Draw(image)
    pen.line([(20, 80), (60, 30), (90, 90), (130, 40), (170, 85), (210, 35), (250, 80), (330, 60)], fill="navy", width=5)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def sample_service_record() -> dict[str, Any]:
    parts: list[dict[str, Any]] = [
        {"name": "液压闭门器", "code": "BM-60", "quantity": Decimal("1"), "unit_price": Decimal("380.00")},
        {"name": "不锈钢合页（对）", "code": "HY-304", "quantity": Decimal("2"), "unit_price": Decimal("45.50")},
        {"name": "防火密封条（米）", "code": "MF-12", "quantity": Decimal("3.5"), "unit_price": Decimal("12.80")},
    ]
    for part in parts:
        part["amount"] = (part["quantity"] * part["unit_price"]).quantize(Decimal("0.01"))
    return {
        "number": "FW-2026-000123",
        "ticket": {"number": "SR-2026-0042"},
        "customer": {"name": "华东大厦", "contact": "张先生，13800000000"},
        "site": {"name": "华东大厦一期", "address": "上海市浦东新区世纪大道100号B1层"},
        "asset": {"name": "钢质防火门 FM-100", "serial_no": "FD-A-0001"},
        "engineer": "李工",
        "arrived_at": dt.datetime(2026, 3, 2, 9, 40, tzinfo=SHANGHAI),
        "left_at": dt.datetime(2026, 3, 2, 11, 15, tzinfo=SHANGHAI),
        "fault": "防火门闭门器漏油，门扇无法自动关闭；消防检查前需修复。",
        "work_done": "更换液压闭门器，更换两对合页并调整门扇；重新粘贴密封条。试运行十次，门扇均能自动关闭、关闭严密。",
        "parts": parts,
        "parts_total": sum((p["amount"] for p in parts), Decimal("0.00")),
        "engineer_signature": _signature_image(),
        "engineer_signed_on": dt.date(2026, 3, 2),
        "customer_signature": None,
        "customer_signer": "",
        "customer_signed_on": None,
    }


SERVICE_RECORD = register(DocumentTemplate(
    name="sample_service_record",
    title=_("Service record"),
    number_key="number",
    number_label=_("Record no."),
    blocks=(
        Fields(items=(
            Field(_("Customer"), "customer.name"),
            Field(_("Service request"), "ticket.number"),
            Field(_("Site"), "site.name"),
            Field(_("Contact"), "customer.contact"),
            Field(_("Address"), "site.address"),
            Field(_("Equipment"), "asset.name"),
            Field(_("Serial no."), "asset.serial_no"),
            Field(_("Engineer"), "engineer"),
            Field(_("Arrived at"), "arrived_at", "datetime"),
            Field(_("Left at"), "left_at", "datetime"),
        )),
        Text(_("Fault reported"), "fault"),
        Text(_("Work done"), "work_done"),
        Table(
            key="parts",
            heading=_("Parts used"),
            columns=(
                Column(_("Part"), "name", width=3),
                Column(_("Part no."), "code", width=1.6),
                Column(_("Quantity"), "quantity", "number", width=1),
                Column(_("Unit price"), "unit_price", "money", width=1.4),
                Column(_("Amount"), "amount", "money", width=1.4),
            ),
            total_label=_("Total"),
            total_key="parts_total",
            empty=_("No parts used"),
        ),
        Signatures(slots=(
            Signature(_("Engineer"), "engineer_signature", name_key="engineer", date_key="engineer_signed_on"),
            Signature(_("Customer"), "customer_signature", name_key="customer_signer", date_key="customer_signed_on"),
        )),
    ),
    sample=sample_service_record,
))
