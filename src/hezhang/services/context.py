"""Who is calling a service, from where, in which request: the face (CLI, web, job) builds it once per request.

A service never trusts a name typed by the caller: the context carries the signed-in user's id (from a session
the face has checked) and everything else the service needs about that user is loaded, and decided on, inside
the transaction of the work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utc_now() -> datetime:
    return datetime.now(UTC)


def _request_id() -> str:
    return uuid4().hex


@dataclass(frozen=True, slots=True)
class Context:
    """The acting user, the source address the request came from, and a request id shared by its audit events."""

    user_id: UUID
    source: str = "local"
    request_id: str = field(default_factory=_request_id)
    clock: Callable[[], datetime] = utc_now

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        """The business day in China (agreements, training and assignments are dated in Asia/Shanghai)."""
        return self.clock().astimezone(SHANGHAI).date()
