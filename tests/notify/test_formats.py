"""Chat robot message shapes and signatures, checked the way each robot's server checks them (issue 3)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qs, unquote_plus, urlsplit

from shouhou.notify.formats import build_request, robot_error, truncate_bytes

NOW = 1_790_000_000.123  # a fixed signing clock


def test_wecom_markdown_message_shape():
    req = build_request("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K", subject="一级故障超时",
                        body="工单 SR-1 已超时", now=NOW)
    assert req.body == {"msgtype": "markdown", "markdown": {"content": "**一级故障超时**\n工单 SR-1 已超时"}}
    assert req.url.endswith("?key=K")  # WeCom has no signing; the key stays in the URL untouched


def test_wecom_text_message_mentions_mobiles():
    req = build_request("wecom", "http://127.0.0.1/x", subject="S", body="B",
                        payload={"msgtype": "text", "mention_mobiles": ["13800000000"]})
    assert req.body == {"msgtype": "text", "text": {"content": "S\nB", "mentioned_mobile_list": ["13800000000"]}}


def test_wecom_markdown_is_cut_to_4096_bytes_without_breaking_a_character():
    req = build_request("wecom", "http://127.0.0.1/x", subject="超时", body="故" * 3000)
    content = req.body["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096
    content.encode("utf-8").decode("utf-8")  # still valid UTF-8
    assert truncate_bytes("abc", 10) == "abc"


def test_dingtalk_markdown_signed_as_dingtalk_verifies_it():
    secret = "SEC0123456789abcdef"
    req = build_request("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=T", subject="升级通知",
                        body="请处理", secret=secret, now=NOW)
    assert req.body == {"msgtype": "markdown", "markdown": {"title": "升级通知", "text": "#### 升级通知\n\n请处理"},
                        "at": {"atMobiles": [], "isAtAll": False}}
    query = parse_qs(urlsplit(req.url).query)
    assert query["access_token"] == ["T"]
    timestamp = query["timestamp"][0]
    assert timestamp == str(int(NOW * 1000))  # milliseconds
    # DingTalk's server side: sign = base64(HmacSHA256(secret, timestamp + "\n" + secret)).
    expected = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    raw_query_sign = urlsplit(req.url).query.split("sign=")[1]
    assert base64.b64decode(unquote_plus(raw_query_sign)) == expected


def test_dingtalk_without_secret_adds_no_signature():
    req = build_request("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=T", subject="S", body="B")
    assert req.url == "https://oapi.dingtalk.com/robot/send?access_token=T"


def test_feishu_text_signed_as_feishu_verifies_it():
    secret = "feishu-secret"
    req = build_request("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/abc", subject="到场超时",
                        body="请尽快到场", secret=secret, now=NOW)
    assert req.body["msg_type"] == "text"
    assert req.body["content"] == {"text": "到场超时\n请尽快到场"}
    assert req.body["timestamp"] == str(int(NOW))  # seconds, as a string
    # Feishu's server side: HmacSHA256 keyed with timestamp + "\n" + secret over an empty message.
    key = f"{req.body['timestamp']}\n{secret}".encode()
    assert base64.b64decode(req.body["sign"]) == hmac.new(key, b"", hashlib.sha256).digest()


def test_generic_json_carries_payload_and_hmac_header():
    req = build_request("generic", "http://127.0.0.1/x", subject="S", body="B", payload={"ticket": 7},
                        secret="s3", message_id=5, dedupe_key="k1")
    assert json.loads(req.encoded()) == {"id": 5, "dedupe_key": "k1", "subject": "S", "body": "B",
                                         "payload": {"ticket": 7}}
    assert req.headers["X-Shouhou-Signature"] == "sha256=" + hmac.new(b"s3", req.encoded(), hashlib.sha256).hexdigest()


def test_robot_error_codes_in_a_2xx_reply_count_as_failure():
    assert robot_error("wecom", b'{"errcode":0,"errmsg":"ok"}') is None
    assert "93000" in robot_error("wecom", b'{"errcode":93000,"errmsg":"invalid webhook url"}')
    assert "310000" in robot_error("dingtalk", b'{"errcode":310000,"errmsg":"sign not match"}')
    assert robot_error("feishu", b'{"code":0,"msg":"success"}') is None
    assert robot_error("feishu", b'{"StatusCode":0,"StatusMessage":"success"}') is None
    assert "19021" in robot_error("feishu", b'{"code":19021,"msg":"sign match fail"}')
    assert robot_error("dingtalk", b"<html>") is not None
    assert robot_error("generic", b"anything") is None
