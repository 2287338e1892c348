"""App messages to one staff member's own WeCom, DingTalk or Feishu account.

Each app first hands out an access token for the company's app (cached until shortly before it
expires), then takes a message for a user id (notify.ChatAccount).  The base URLs are settings,
so tests and on-premise gateways point them elsewhere:

* WeCom (企业微信应用消息): GET {base}/cgi-bin/gettoken?corpid&corpsecret →
  POST {base}/cgi-bin/message/send?access_token= {"touser", "msgtype": "text", "agentid", "text"}.
* DingTalk (钉钉工作通知): GET {base}/gettoken?appkey&appsecret →
  POST {base}/topapi/message/corpconversation/asyncsend_v2?access_token= {"agent_id", "userid_list", "msg"}.
* Feishu (飞书): POST {base}/open-apis/auth/v3/tenant_access_token/internal {"app_id", "app_secret"} →
  POST {base}/open-apis/im/v1/messages?receive_id_type=user_id, Bearer token, {"receive_id", "msg_type", "content"}.

Settings: NOTIFY_CHAT_APPS = {"wecom": {"base_url", "corp_id", "secret", "agent_id"},
"dingtalk": {"base_url", "app_key", "app_secret", "agent_id"}, "feishu": {"base_url", "app_id", "app_secret"}}.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache

from .formats import truncate_bytes
from .transport import DeliveryError, call_json

REQUIRED = {"wecom": ("corp_id", "secret", "agent_id"), "dingtalk": ("app_key", "app_secret", "agent_id"),
            "feishu": ("app_id", "app_secret")}
DEFAULT_BASE = {"wecom": "https://qyapi.weixin.qq.com", "dingtalk": "https://oapi.dingtalk.com",
                "feishu": "https://open.feishu.cn"}
# Codes meaning "the token is no longer valid": drop it and try again later.
STALE_TOKEN = {40014, 42001, 40001, 99991663, 99991668}
TEXT_LIMIT = 2000


def app_settings(app: str) -> dict:
    return dict((getattr(settings, "NOTIFY_CHAT_APPS", None) or {}).get(app) or {})


def configured(app: str) -> bool:
    conf = app_settings(app)
    return app in REQUIRED and all(conf.get(name) for name in REQUIRED[app])


def _base(app: str) -> str:
    return (app_settings(app).get("base_url") or DEFAULT_BASE[app]).rstrip("/")


def _code(answer: dict) -> int | str:
    return answer.get("errcode", answer.get("code", 0))


def _check(app: str, answer: dict) -> dict:
    code = _code(answer)
    if code in (0, "0", None):
        return answer
    if code in STALE_TOKEN:
        cache.delete(f"notify:chat-token:{app}")
    raise DeliveryError(f"{app} errcode {code}: {str(answer.get('errmsg', answer.get('msg', '')))[:200]}")


def access_token(app: str) -> str:
    key = f"notify:chat-token:{app}"
    token = cache.get(key)
    if token:
        return token
    conf, base = app_settings(app), _base(app)
    if app == "wecom":
        query = urlencode({"corpid": conf["corp_id"], "corpsecret": conf["secret"]})
        answer = _check(app, call_json(f"{base}/cgi-bin/gettoken?{query}", method="GET"))
        token, ttl = answer.get("access_token"), answer.get("expires_in", 7200)
    elif app == "dingtalk":
        query = urlencode({"appkey": conf["app_key"], "appsecret": conf["app_secret"]})
        answer = _check(app, call_json(f"{base}/gettoken?{query}", method="GET"))
        token, ttl = answer.get("access_token"), answer.get("expires_in", 7200)
    else:
        answer = _check(app, call_json(f"{base}/open-apis/auth/v3/tenant_access_token/internal",
                                       {"app_id": conf["app_id"], "app_secret": conf["app_secret"]}))
        token, ttl = answer.get("tenant_access_token"), answer.get("expire", 7200)
    if not token:
        raise DeliveryError(f"{app}: no access token in the reply")
    cache.set(key, token, max(60, int(ttl) - 300))
    return token


def send(message) -> None:
    """Send one outbox chat row (format = the app, recipient = the user's id in it)."""
    app = message.format
    if not configured(app):
        raise DeliveryError(f"chat app {app} is not configured (NOTIFY_CHAT_APPS)", permanent=True)
    conf, base, token = app_settings(app), _base(app), access_token(app)
    text = truncate_bytes(f"{message.subject}\n{message.body}".strip(), TEXT_LIMIT)
    if app == "wecom":
        answer = _check(app, call_json(f"{base}/cgi-bin/message/send?{urlencode({'access_token': token})}", {
            "touser": message.recipient, "msgtype": "text", "agentid": int(conf["agent_id"]),
            "text": {"content": text}}))
        if answer.get("invaliduser"):
            raise DeliveryError(f"wecom: unknown user {answer['invaliduser']}", permanent=True)
    elif app == "dingtalk":
        query = urlencode({"access_token": token})
        _check(app, call_json(f"{base}/topapi/message/corpconversation/asyncsend_v2?{query}", {
            "agent_id": int(conf["agent_id"]), "userid_list": message.recipient,
            "msg": {"msgtype": "text", "text": {"content": text}}}))
    else:
        _check(app, call_json(f"{base}/open-apis/im/v1/messages?receive_id_type=user_id", {
            "receive_id": message.recipient, "msg_type": "text", "content": json.dumps({"text": text})},
            headers={"Authorization": f"Bearer {token}"}))
