"""Group robots' rate limit: how many waiting messages go out one by one, in a digest, or later.

WeCom, DingTalk and Feishu group robots accept about 20 messages a minute; past that they answer
with an error and drop the message.  Pure arithmetic, no Django: `services.deliver_due` counts
the robot's posts in the last `WINDOW_SECONDS` and asks `plan` what to do with the waiting ones.
"""

from __future__ import annotations

from dataclasses import dataclass

WINDOW_SECONDS = 60
DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class Plan:
    """`single` messages are posted one by one, the next `digested` as one digest post, and the
    last `deferred` wait until the window has room again."""

    single: int
    digested: int
    deferred: int

    @property
    def posts(self) -> int:
        return self.single + (1 if self.digested else 0)


def plan(posted_in_window: int, waiting: int, limit: int = DEFAULT_LIMIT) -> Plan:
    """Never more than `limit` posts in the window; when the waiting messages do not fit, the last
    free slot carries all the rest as one digest; with no free slot everything waits."""
    waiting = max(0, waiting)
    room = max(0, limit - max(0, posted_in_window))
    if waiting <= room:
        return Plan(waiting, 0, 0)
    if room == 0:
        return Plan(0, 0, waiting)
    return Plan(room - 1, waiting - room + 1, 0)
