"""Sessions: only the token's hash is stored; idle, absolute, revoked and disabled-user sessions are refused."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from hezhang.security.sessions import (
    Session,
    hash_token,
    new_session,
    revoke_all,
    validate,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)
IDLE_TIMEOUT = timedelta(minutes=30)  # the numbers, not the module's constants
ABSOLUTE_TIMEOUT = timedelta(hours=12)


def test_token_is_random_and_never_stored() -> None:
    token, session = new_session("u1", T0)
    other, _ = new_session("u1", T0)
    assert token != other
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    assert session.id_hash == hashlib.sha256(token.encode()).digest() == hash_token(token)
    assert session == Session(session.id_hash, "u1", T0, T0, None)
    for value in dataclasses.astuple(session):
        assert token not in repr(value)
        if isinstance(value, bytes):
            assert token.encode() not in value
    assert token not in repr(session)


def test_valid_use_updates_last_seen() -> None:
    token, session = new_session("u1", T0)
    now = T0 + timedelta(minutes=10)
    result = validate(session, token, now, user_active=True)
    assert result.ok
    assert result.session == dataclasses.replace(session, last_seen_at=now)


def test_wrong_token_is_refused_and_leaves_the_session_alone() -> None:
    token, session = new_session("u1", T0)
    result = validate(session, token + "x", T0, user_active=True)
    assert not result.ok
    assert result.session == session
    assert "无效" in result.reason_zh
    assert "invalid" in result.reason_en


def test_idle_timeout_boundary() -> None:
    token, session = new_session("u1", T0)
    assert validate(session, token, T0 + IDLE_TIMEOUT - TICK, user_active=True).ok
    result = validate(session, token, T0 + IDLE_TIMEOUT, user_active=True)
    assert not result.ok
    assert "闲置" in result.reason_zh
    assert result.session.revoked_at == T0 + IDLE_TIMEOUT


def test_activity_keeps_the_session_alive_until_the_absolute_timeout() -> None:
    token, session = new_session("u1", T0)
    now = T0
    while now + timedelta(minutes=20) < T0 + ABSOLUTE_TIMEOUT:
        now += timedelta(minutes=20)
        result = validate(session, token, now, user_active=True)
        assert result.ok
        session = result.session
    almost = validate(session, token, T0 + ABSOLUTE_TIMEOUT - TICK, user_active=True)
    assert almost.ok
    result = validate(almost.session, token, T0 + ABSOLUTE_TIMEOUT, user_active=True)
    assert not result.ok
    assert "12 小时" in result.reason_zh
    assert "12 hours" in result.reason_en


def test_revoked_session_is_refused() -> None:
    token, session = new_session("u1", T0)
    revoked = dataclasses.replace(session, revoked_at=T0 + timedelta(minutes=1))
    result = validate(revoked, token, T0 + timedelta(minutes=2), user_active=True)
    assert not result.ok
    assert result.session == revoked  # keeps the time it ended
    assert "已结束" in result.reason_zh


def test_disabled_user_is_refused_at_once() -> None:
    token, session = new_session("u1", T0)
    result = validate(session, token, T0 + timedelta(seconds=1), user_active=False)
    assert not result.ok
    assert "停用" in result.reason_zh
    assert "disabled" in result.reason_en
    assert result.session.revoked_at == T0 + timedelta(seconds=1)
    assert not validate(result.session, token, T0 + timedelta(seconds=2), user_active=True).ok


def test_revoke_all_ends_every_session_of_one_user_only() -> None:
    issued = [new_session(user, T0) for user in ("u1", "u2", "u1", "u1")]
    earlier = dataclasses.replace(issued[3][1], revoked_at=T0)
    sessions = [issued[0][1], issued[1][1], issued[2][1], earlier]
    now = T0 + timedelta(minutes=5)
    after = revoke_all(sessions, "u1", now)
    assert [s.revoked_at for s in after] == [now, None, now, T0]
    for (token, _), session in zip(issued, after, strict=True):
        assert validate(session, token, now, user_active=True).ok == (session.user_id == "u2")


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        new_session("u1", datetime(2026, 3, 2, 9, 0))
