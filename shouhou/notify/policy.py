"""`emit`: an app says what happened; the policy rows decide who is told, where, in which words.

    from shouhou.notify.policy import emit
    emit("ticket.assign", about=ticket, actor=user, context={"number": …}, dedupe=f"ticket-event:{event.pk}")

Runs inside the caller's transaction (style rule 5): the in-app notifications and the outbox rows
commit or roll back with the event that caused them; workers send after commit.  For every
active rule of the kind: the recipients (roles ∪ relations, minus the actor when the rule says
so, minus anyone who may not see `about`) each get one in-app notification and the personal
channels the rule and their preferences agree on; the group robots get one message.  The same
`dedupe` never notifies anybody twice on the same channel, however many rules match him.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from shouhou.core.errors import ServiceError
from shouhou.core.formats import absolute_url
from shouhou.core.privacy import mask_phones_in_text, may_see_full_phone

from . import chatapps, relations, sms
from .choices import PERSONAL_CHANNELS, ROBOT_FORMATS, Channel, RuleChannel
from .models import (
    ChatAccount,
    EventKind,
    Notification,
    NotificationPreference,
    NotificationRule,
    WebhookEndpoint,
)
from .render import render
from .services import enqueue

logger = logging.getLogger("shouhou.notify")


def _key(*parts) -> str:
    key = ":".join(str(p) for p in parts)
    if len(key) <= 255:
        return key
    return key[:200] + ":" + hashlib.sha256(key.encode()).hexdigest()[:40]


def may_see(user, about) -> bool:
    """Nobody is told about an object he may not see: the object's own `visible_to(user)`."""
    if about is None:
        return True
    scoped = getattr(type(about)._default_manager, "visible_to", None)
    return True if scoped is None else scoped(user).filter(pk=about.pk).exists()


def _users_with_roles(roles: list[str]):
    from shouhou.accounts.models import User

    if not roles:
        return []
    rule = Q(role__in=roles)
    if "admin" in roles:
        rule |= Q(is_superuser=True)  # superusers act as administrators (accounts.permissions.role_of)
    return list(User.objects.filter(rule, is_active=True).order_by("pk"))


def recipients(rule: NotificationRule, about, actor, context: dict) -> tuple[list, list]:
    """(users, addresses) a rule reaches for one event, each once, in a stable order."""
    found: list = list(_users_with_roles(rule.roles))
    for code in rule.relations:
        found += relations.resolve(code, about, context)
    users, addresses, seen = [], [], set()
    for who in found:
        if isinstance(who, relations.Address):
            if who not in seen and (who.email or who.phone):
                seen.add(who)
                addresses.append(who)
            continue
        if who.pk in seen or not who.is_active:
            continue
        seen.add(who.pk)
        if rule.skip_actor and actor is not None and who.pk == actor.pk:
            continue
        if may_see(who, about):
            users.append(who)
    # A reporter who is also a recipient with an account is reached once, through the account.
    emails, phones = {u.email for u in users if u.email}, {u.phone for u in users if u.phone}
    addresses = [relations.Address(a.name, "" if a.email in emails else a.email, "" if a.phone in phones else a.phone)
                 for a in addresses]
    return users, [a for a in addresses if a.email or a.phone]


def personal_channels(user, kind: EventKind, rule_channels) -> set[str]:
    """The rule's personal channels, narrowed by the user's preference for the kind (else his
    global one); with no preference, all of the rule's."""
    offered = set(rule_channels) & set(PERSONAL_CHANNELS)
    prefs = {p.kind_id: p.channels for p in NotificationPreference.objects.filter(user=user)
             .filter(Q(kind=kind) | Q(kind__isnull=True))}
    chosen = prefs.get(kind.pk, prefs.get(None))
    return offered if chosen is None else offered & set(chosen)


def _wording(rule: NotificationRule, values: dict) -> tuple[str, str]:
    language = settings.LANGUAGE_CODE
    template = rule.template_for(language)
    if template is None:
        return str(values.get("kind", rule.kind.code)), ""
    with translation.override(template.language):
        return render(template.subject, values)[:255], render(template.body, values)


def _queue(channel, recipient, subject, body, key, about, **extra):
    try:
        return enqueue(channel=channel, recipient=recipient, subject=subject, body=body, dedupe_key=key,
                       about=about, **extra)
    except ServiceError as exc:  # e.g. a malformed phone number: that person is not reachable there
        logger.info("notify: %s to %r skipped: %s", channel, recipient, exc.code)
        return None


def _sms_payload(rule: NotificationRule, values: dict) -> dict:
    return {"template_code": rule.sms_template,
            "params": {name: str(values.get(name, ""))[:100] for name in rule.sms_params}}


def _deliver_to_user(rule, kind, user, about, values, base, link, about_fields) -> int:
    subject, body = _wording(rule, {**values, "recipient": user.display_name})
    if not may_see_full_phone(user, about):
        subject, body = mask_phones_in_text(subject), mask_phones_in_text(body)
    _, created = Notification.objects.get_or_create(
        user=user, dedupe_key=_key(base), defaults={"kind": kind, "subject": subject, "body": body[:4000],
                                                   "link": link[:500], **about_fields})
    count = int(created)
    channels = personal_channels(user, kind, rule.channels)
    if RuleChannel.EMAIL in channels and user.email:
        count += bool(_queue(Channel.EMAIL, user.email, subject, body, _key(base, "email", user.pk), about))
    if RuleChannel.SMS in channels and rule.sms_template and sms.configured() and user.phone:
        count += bool(_queue(Channel.SMS, user.phone, subject, body, _key(base, "sms", user.pk), about,
                             payload=_sms_payload(rule, values)))
    if RuleChannel.CHAT in channels:
        account = ChatAccount.objects.filter(user=user).first()
        if account is not None and chatapps.configured(account.app):
            count += bool(_queue(Channel.CHAT, account.account_id, subject, body, _key(base, "chat", user.pk),
                                 about, format=account.app))
    return count


def _deliver_to_address(rule, address, about, values, base) -> int:
    subject, body = _wording(rule, {**values, "recipient": address.name})
    subject, body = mask_phones_in_text(subject), mask_phones_in_text(body)
    count = 0
    if RuleChannel.EMAIL in rule.channels and address.email:
        count += bool(_queue(Channel.EMAIL, address.email, subject, body, _key(base, "email", address.email), about))
    if RuleChannel.SMS in rule.channels and rule.sms_template and sms.configured() and address.phone:
        count += bool(_queue(Channel.SMS, address.phone, subject, body, _key(base, "sms", address.phone), about,
                             payload=_sms_payload(rule, values)))
    return count


def _deliver_to_robots(rule, about, values, base) -> int:
    """Team group robots: one message per robot, phone numbers always masked (a group reads it)."""
    subject, body = _wording(rule, {**values, "recipient": ""})
    subject, body = mask_phones_in_text(subject), mask_phones_in_text(body)
    endpoints = list(rule.endpoints.filter(active=True)) or list(
        WebhookEndpoint.objects.active().filter(format__in=ROBOT_FORMATS).order_by("pk"))
    return sum(bool(_queue(Channel.WEBHOOK, e.url, subject, body, _key(base, "robot", e.pk), about,
                           format=e.format, endpoint=e)) for e in endpoints)


def emit(code: str, *, about=None, actor=None, context: dict | None = None, dedupe: str = "", link: str = "") -> int:
    """Notify whoever the policy says about event `code`; returns how many notifications and
    messages were written (0 when no active kind or rule matches).

    `about` is the object concerned (a ticket): it scopes the recipients and the outbox rows.
    `context` holds the plain values the templates may use.  `dedupe` names the cause once
    (e.g. the timeline event); without it every call counts as a new event.
    """
    kind = EventKind.objects.filter(code=code, active=True).first()
    if kind is None:
        return 0
    rules = list(kind.rules.filter(active=True).prefetch_related("templates", "endpoints"))
    if not rules:
        return 0
    if not dedupe:
        dedupe = f"{code}:{timezone.now().timestamp()}:{secrets.token_hex(6)}"  # a new event each call
    about_fields = ({"about_type": ContentType.objects.get_for_model(about), "about_id": about.pk}
                    if about is not None else {})
    # Messages leave the site: their link is absolute; the in-app notification keeps the path.
    values = {"kind": kind.name, "actor": getattr(actor, "display_name", "") if actor else "",
              "link": absolute_url(link),
              **(context or {})}
    written = 0
    for rule in rules:
        base = f"n:{dedupe}"
        try:
            with transaction.atomic():  # a savepoint: one broken rule must not refuse the service's step
                users, addresses = recipients(rule, about, actor, values)
                for user in users:
                    written += _deliver_to_user(rule, kind, user, about, values, base, link, about_fields)
                for address in addresses:
                    written += _deliver_to_address(rule, address, about, values, base)
                if RuleChannel.ROBOT in rule.channels:
                    written += _deliver_to_robots(rule, about, values, _key(base, "r", rule.pk))
        except Exception:
            logger.exception("notify: rule %s of %s failed", rule.pk, code)
    return written
