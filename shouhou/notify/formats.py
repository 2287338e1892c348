"""Webhook message shapes and signatures of the chat group robots — pure functions, no Django.

The formats follow each vendor's published group-robot API:

* WeCom (企业微信群机器人): ``{"msgtype": "markdown", "markdown": {"content": …}}`` or
  ``{"msgtype": "text", "text": {"content": …, "mentioned_mobile_list": […]}}``; no signing
  (the robot's key is part of its URL).  Replies ``{"errcode": 0, "errmsg": "ok"}``.
* DingTalk (钉钉自定义机器人): ``{"msgtype": "markdown", "markdown": {"title", "text"}, "at": …}``;
  with 加签 the URL gets ``&timestamp=<ms>&sign=<urlencoded base64 HMAC-SHA256(secret,
  "<ms>\\n<secret>")>``.  Replies ``{"errcode": 0, …}``.
* Feishu / Lark (飞书自定义机器人): ``{"msg_type": "text", "content": {"text": …}}``; with 签名校验
  the body gets ``"timestamp": "<s>"`` and ``"sign": base64 HMAC-SHA256(key="<s>\\n<secret>", msg=b"")``.
  Replies ``{"code": 0, …}`` (older versions ``{"StatusCode": 0}``).
* Generic: ``{"subject", "body", "payload", "id", "dedupe_key"}``; with a secret the header
  ``X-Shouhou-Signature: sha256=<hex HMAC-SHA256(secret, body)>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

from shouhou.core.privacy import mask_phones_in_text  # pure, no Django

WECOM_MARKDOWN_LIMIT = 4096  # bytes, per WeCom's robot API
WECOM_TEXT_LIMIT = 2048
DINGTALK_LIMIT = 20000
FEISHU_LIMIT = 20000


@dataclass
class WebhookRequest:
    """What to POST: the final URL (signatures may add query parameters), JSON body and headers."""

    url: str
    body: dict
    headers: dict = field(default_factory=dict)

    def encoded(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def truncate_bytes(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` UTF-8 bytes without splitting a character."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[: limit - 3].decode("utf-8", errors="ignore") + "…"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: base64(HMAC-SHA256(key=secret, msg="<ms>\\n<secret>")), URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu 签名校验: base64(HMAC-SHA256(key="<s>\\n<secret>", msg=b""))."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def generic_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _with_query(url: str, **params) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    # The DingTalk sign is already URL-encoded by its definition; keep it as is.
    return urlunsplit(parts._replace(query=urlencode(query, safe="%")))


def build_request(fmt: str, url: str, *, subject: str, body: str, payload: dict | None = None,
                  secret: str = "", message_id: int | None = None, dedupe_key: str = "",
                  now: float | None = None) -> WebhookRequest:
    """The request for one message in format `fmt` (generic, wecom, dingtalk, feishu).

    `payload` may carry robot options: ``msgtype`` ("markdown" or "text") and ``mention_mobiles``
    (a list of phone numbers to @-mention).  `now` fixes the signing clock in tests.
    """
    payload = payload or {}
    now = time.time() if now is None else now
    if fmt in ("wecom", "dingtalk", "feishu"):
        # A group chat is read by everyone in it: never a phone number in full (the @-mention
        # list is staff numbers the robot resolves to names, not shown as text).
        subject, body = mask_phones_in_text(subject), mask_phones_in_text(body)
    mobiles = [str(m) for m in payload.get("mention_mobiles", [])]
    if fmt == "wecom":
        if payload.get("msgtype") == "text":
            text = {"content": truncate_bytes(f"{subject}\n{body}".strip(), WECOM_TEXT_LIMIT)}
            if mobiles:
                text["mentioned_mobile_list"] = mobiles
            return WebhookRequest(url, {"msgtype": "text", "text": text})
        content = truncate_bytes(f"**{subject}**\n{body}".strip(), WECOM_MARKDOWN_LIMIT)
        return WebhookRequest(url, {"msgtype": "markdown", "markdown": {"content": content}})
    if fmt == "dingtalk":
        if payload.get("msgtype") == "text":
            message = {"msgtype": "text", "text": {"content": truncate_bytes(f"{subject}\n{body}", DINGTALK_LIMIT)}}
        else:
            text = truncate_bytes(f"#### {subject}\n\n{body}", DINGTALK_LIMIT)
            message = {"msgtype": "markdown", "markdown": {"title": subject, "text": text}}
        message["at"] = {"atMobiles": mobiles, "isAtAll": False}
        if secret:
            timestamp_ms = int(now * 1000)
            url = _with_query(url, timestamp=str(timestamp_ms), sign=dingtalk_sign(secret, timestamp_ms))
        return WebhookRequest(url, message)
    if fmt == "feishu":
        message = {"msg_type": "text", "content": {"text": truncate_bytes(f"{subject}\n{body}".strip(), FEISHU_LIMIT)}}
        if secret:
            timestamp_s = int(now)
            message = {"timestamp": str(timestamp_s), "sign": feishu_sign(secret, timestamp_s), **message}
        return WebhookRequest(url, message)
    request = WebhookRequest(url, {"id": message_id, "dedupe_key": dedupe_key, "subject": subject,
                                   "body": body, "payload": payload})
    if secret:
        request.headers["X-Shouhou-Signature"] = generic_signature(secret, request.encoded())
    return request


def robot_error(fmt: str, response_body: bytes) -> str | None:
    """The robot's own error in a 2xx reply, or None when the reply means success.

    WeCom and DingTalk answer HTTP 200 with ``errcode`` != 0 on failure (bad key, rate limit,
    bad sign); Feishu with ``code`` != 0 (or the older ``StatusCode``).  Generic receivers are
    judged by the HTTP status alone.
    """
    if fmt not in ("wecom", "dingtalk", "feishu"):
        return None
    try:
        data = json.loads(response_body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return f"{fmt}: reply is not JSON: {response_body[:200]!r}"
    if not isinstance(data, dict):
        return f"{fmt}: unexpected reply {data!r:.200}"
    if fmt in ("wecom", "dingtalk"):
        code, text = data.get("errcode", 0), data.get("errmsg", "")
    else:
        code = data.get("code", data.get("StatusCode", 0))
        text = data.get("msg", data.get("StatusMessage", ""))
    if code not in (0, "0", None):
        return f"{fmt} errcode {code}: {text}"
    return None
