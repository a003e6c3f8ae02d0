"""Login sessions: opaque random tokens, of which only the SHA-256 is ever stored.

The browser holds the token; the store holds a `Session` keyed by the token's hash, so a copy of the database
does not let anyone act as a logged-in user. A session ends after 30 minutes without use (idle timeout), 12 hours
after login whatever the use (absolute timeout), when revoked, and at once when its user is disabled.
Everything is pure: immutable records in, new records out, and the time is passed in as a tz-aware UTC `now`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

IDLE_TIMEOUT: Final = timedelta(minutes=30)
ABSOLUTE_TIMEOUT: Final = timedelta(hours=12)
TOKEN_BYTES: Final = 32


@dataclass(frozen=True, slots=True)
class Session:
    """What the store keeps of a session: never the token itself, only its SHA-256."""

    id_hash: bytes
    user_id: str
    created_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Validation:
    """The outcome of presenting a token: the session to store next (last use updated, or ended), and `code`, what
    the audit trail records: "valid", "invalid_token", "ended", "disabled", "expired_absolute" or "expired_idle"."""

    ok: bool
    reason_zh: str
    reason_en: str
    session: Session
    code: str = "valid"


def _require_utc(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() != timedelta(0):
        raise ValueError(f"now must be a tz-aware UTC datetime, got {now!r}")


def hash_token(token: str) -> bytes:
    """The SHA-256 of a token: what the store keeps and looks sessions up by."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()  # an odd token from the environment too


def new_session(user_id: str, now: datetime) -> tuple[str, Session]:
    """A fresh token for the browser and the session record for the store."""
    _require_utc(now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, Session(hash_token(token), user_id, now, now)


def _end(session: Session, now: datetime) -> Session:
    return session if session.revoked_at is not None else dataclasses.replace(session, revoked_at=now)


def validate(session: Session, token: str, now: datetime, *, user_active: bool) -> Validation:
    """Is `token` a live session of an active user at `now`?

    On success the returned session has `last_seen_at = now`. A session refused for its user, age or idleness is
    returned ended (`revoked_at = now`) so the store can record it; a wrong token leaves the session untouched.
    Timeouts are exclusive: at exactly 30 minutes idle, or 12 hours old, the session has ended.
    """
    _require_utc(now)
    if not hmac.compare_digest(session.id_hash, hash_token(token)):
        return Validation(False, "会话凭证无效", "invalid session token", session, "invalid_token")
    if session.revoked_at is not None:
        return Validation(
            False, "会话已结束，请重新登录", "the session has ended; please log in again", session, "ended"
        )
    if not user_active:
        return Validation(False, "账户已停用，会话已结束", "the account is disabled; the session has ended",
                          _end(session, now), "disabled")  # fmt: skip
    if now - session.created_at >= ABSOLUTE_TIMEOUT:
        return Validation(False, "会话已超过 12 小时，请重新登录",
                          "the session is older than 12 hours; please log in again", _end(session, now),
                          "expired_absolute")  # fmt: skip
    if now - session.last_seen_at >= IDLE_TIMEOUT:
        return Validation(False, "会话已闲置 30 分钟，请重新登录",
                          "the session was idle for 30 minutes; please log in again", _end(session, now),
                          "expired_idle")  # fmt: skip
    seen = max(session.last_seen_at, now)
    return Validation(True, "会话有效", "session valid", dataclasses.replace(session, last_seen_at=seen))


def revoke_all(sessions: Iterable[Session], user_id: str, now: datetime) -> list[Session]:
    """Every session given, in order, with those of `user_id` ended at `now` (already ended ones keep their time)."""
    _require_utc(now)
    return [_end(s, now) if s.user_id == user_id else s for s in sessions]
