"""SMS through a provider's HTTP API, with approved template codes and delivery receipts.

Chinese SMS providers send only messages built from a template they approved, under an approved
sign name (签名); the free text is not sent.  This adapter speaks a generic JSON form that a
small shim (or a provider offering it) maps to its own API:

    POST NOTIFY_SMS_URL
    Authorization: Bearer NOTIFY_SMS_KEY
    {"to": "13812345678", "sign_name": NOTIFY_SMS_SIGN_NAME, "template_code": "SMS_1234",
     "params": {"number": "SR00000012"}, "out_id": "<outbox id>"}
    → 200 {"code": "OK", "message_id": "<provider id>"}   (code 0 / "0" / "OK" is success)

The provider later reports delivery to POST /notify/sms/receipts/ (views.sms_receipt) with the
shared token NOTIFY_SMS_RECEIPT_TOKEN; services.record_sms_receipts stores what it says.
"""

from __future__ import annotations

from django.conf import settings

from .transport import DeliveryError, call_json

OK_CODES = (0, "0", "OK", "ok", "Ok", "success")


def configured() -> bool:
    return bool(getattr(settings, "NOTIFY_SMS_URL", ""))


def send(message) -> str:
    """Send one outbox SMS row; returns the provider's message id (for its receipt)."""
    if not configured():
        raise DeliveryError("no SMS provider configured (NOTIFY_SMS_URL)", permanent=True)
    payload = message.payload or {}
    template = payload.get("template_code")
    if not template:
        raise DeliveryError("no approved SMS template code on the message", permanent=True)
    body = {"to": message.recipient, "sign_name": getattr(settings, "NOTIFY_SMS_SIGN_NAME", ""),
            "template_code": template, "params": payload.get("params") or {}, "out_id": str(message.pk)}
    key = getattr(settings, "NOTIFY_SMS_KEY", "")
    answer = call_json(settings.NOTIFY_SMS_URL, body, headers={"Authorization": f"Bearer {key}"} if key else {})
    code = answer.get("code", 0)
    if code not in OK_CODES:
        raise DeliveryError(f"sms provider code {code}: {str(answer.get('message', ''))[:200]}")
    return str(answer.get("message_id") or answer.get("biz_id") or "")[:100]


DELIVERED_WORDS = {"delivered", "delivrd", "success", "ok", "0", "true"}
FAILED_WORDS = {"failed", "fail", "undelivered", "undeliv", "rejected", "expired", "false"}


def receipt_state(value) -> str | None:
    """"delivered", "failed" or None (unknown) for a provider's status word."""
    word = str(value if value is not None else "").strip().lower()
    if word in DELIVERED_WORDS:
        return "delivered"
    if word in FAILED_WORDS:
        return "failed"
    return None
