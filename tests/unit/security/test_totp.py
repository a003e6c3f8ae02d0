"""TOTP: drift window, replay refused, provisioning; recovery codes: random, hashed, single use."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qs, unquote, urlparse

import pyotp
import pytest

from hezhang.security.totp import (
    INTERVAL,
    TotpResult,
    hash_recovery_code,
    new_recovery_codes,
    new_secret,
    provisioning_uri,
    step_at,
    use_recovery_code,
    verify_code,
)

SECRET = new_secret()
NOW = datetime(2024, 6, 3, 9, 30, 15, tzinfo=UTC)


def code_at(when: datetime, secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).at(when)


def test_secret_is_random_base32() -> None:
    assert re.fullmatch(r"[A-Z2-7]{32}", SECRET)
    assert new_secret() != new_secret()


def test_provisioning_uri() -> None:
    uri = provisioning_uri(SECRET, "zhang.san@firm.cn")
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    assert unquote(parsed.path) == "/hezhang 核账:zhang.san@firm.cn"
    query = parse_qs(parsed.query)
    assert query["secret"] == [SECRET] and query["issuer"] == ["hezhang 核账"]


def test_current_code_accepted_and_step_returned() -> None:
    result = verify_code(SECRET, code_at(NOW), now=NOW, last_used_step=None)
    assert result == TotpResult(ok=True, step=step_at(NOW))
    assert step_at(NOW) == int(NOW.timestamp()) // INTERVAL


@pytest.mark.parametrize("drift_steps", [-1, 1])
def test_one_step_of_drift_accepted(drift_steps: int) -> None:
    when = NOW + timedelta(seconds=INTERVAL * drift_steps)
    assert verify_code(SECRET, code_at(when), now=NOW, last_used_step=None) == TotpResult(True, step_at(when))


@pytest.mark.parametrize("drift_steps", [-3, -2, 2, 3])
def test_more_drift_refused(drift_steps: int) -> None:
    when = NOW + timedelta(seconds=INTERVAL * drift_steps)
    assert verify_code(SECRET, code_at(when), now=NOW, last_used_step=None) == TotpResult(False, None)


def test_replay_refused() -> None:
    code = code_at(NOW)
    first = verify_code(SECRET, code, now=NOW, last_used_step=None)
    assert first.ok
    assert verify_code(SECRET, code, now=NOW, last_used_step=first.step) == TotpResult(False, None)
    later = NOW + timedelta(seconds=20)  # same code, still inside the drift window
    assert verify_code(SECRET, code, now=later, last_used_step=first.step) == TotpResult(False, None)


def test_earlier_step_refused_after_a_later_one_was_used() -> None:
    newest = verify_code(SECRET, code_at(NOW + timedelta(seconds=INTERVAL)), now=NOW, last_used_step=None)
    assert newest.ok and newest.step == step_at(NOW) + 1
    assert not verify_code(SECRET, code_at(NOW), now=NOW, last_used_step=newest.step).ok
    following = NOW + timedelta(seconds=2 * INTERVAL)
    assert verify_code(SECRET, code_at(following), now=following, last_used_step=newest.step).ok


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "１２３４５６"])
def test_malformed_codes_refused(code: str) -> None:
    assert verify_code(SECRET, code, now=NOW, last_used_step=None) == TotpResult(False, None)


def test_spaces_ignored_and_other_secret_refused() -> None:
    code = code_at(NOW)
    assert verify_code(SECRET, f"{code[:3]} {code[3:]}", now=NOW, last_used_step=None).ok
    other = new_secret()
    if code_at(NOW, other) != code:
        assert not verify_code(other, code, now=NOW, last_used_step=None).ok


def test_time_zone_of_now_does_not_matter_but_is_required() -> None:
    beijing = NOW.astimezone(timezone(timedelta(hours=8)))
    assert verify_code(SECRET, code_at(NOW), now=beijing, last_used_step=None).step == step_at(NOW)
    with pytest.raises(ValueError):
        verify_code(SECRET, code_at(NOW), now=NOW.replace(tzinfo=None), last_used_step=None)


def test_recovery_codes_are_random_and_human_friendly() -> None:
    codes = new_recovery_codes()
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}", c) for c in codes)
    assert len(new_recovery_codes(3)) == 3


def test_recovery_code_works_once() -> None:
    codes = new_recovery_codes(3)
    hashes = [hash_recovery_code(c) for c in codes]
    assert all(h.startswith("$argon2id$") and codes[i] not in h for i, h in enumerate(hashes))
    ok, remaining = use_recovery_code(codes[1].upper().replace("-", " "), hashes)  # typed loosely
    assert ok and remaining == [hashes[0], hashes[2]]
    again, still = use_recovery_code(codes[1], remaining)
    assert not again and still == remaining
    ok, last = use_recovery_code(codes[0], remaining)
    assert ok and last == [hashes[2]]


def test_wrong_or_malformed_recovery_code_refused() -> None:
    codes = new_recovery_codes(2)
    hashes = [hash_recovery_code(c) for c in codes]
    fresh = next(c for c in new_recovery_codes(5) if c not in codes)
    for attempt in (fresh, "", "0000-0000-0000", codes[0] + "x"):
        assert use_recovery_code(attempt, hashes) == (False, hashes)
    with pytest.raises(ValueError):
        hash_recovery_code("not a code")
