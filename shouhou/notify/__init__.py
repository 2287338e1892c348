"""Notifications: the outbox, the notification policy (event kinds → rules) and each user's inbox."""


def emit(kind_code: str, *, ticket=None, about=None, actor=None, context=None, dedupe: str = "", link: str = "") -> int:
    """Announce event `kind_code` (see notify.policy.emit); `ticket` is shorthand for `about`."""
    from .policy import emit as _emit

    return _emit(kind_code, about=about if about is not None else ticket, actor=actor, context=context,
                 dedupe=dedupe, link=link)
