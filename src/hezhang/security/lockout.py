"""Login throttling that an attacker cannot turn against the account owner.

Failures are counted in two records, kept by the store:

- per (account, source address) pair: the account is throttled only for the address its failures came from,
  so an attacker elsewhere never locks the owner out;
- per source address, over all accounts: an address that sprays many accounts is throttled for every account.

An address in the user's usual sources is judged by its own (account, source) failures only: failures against
other accounts, or from other addresses, never count against it. There is no global per-account counter on purpose
(it is exactly what lets an attacker lock a user out); slowing an attacker who spreads over many addresses is the
job of the password rules and MFA.

The cool-off grows exponentially with the count and is capped, so nobody is ever locked out for good. Everything
is pure: immutable records in, new records out, and the time is passed in as a tz-aware UTC `now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

ACCOUNT_FREE_FAILURES: Final = 3
"""Failures of one account from one address that cost nothing (typing mistakes)."""
SOURCE_FREE_FAILURES: Final = 10
"""Failures from one address over all accounts that cost nothing (colleagues behind one office address)."""
MAX_COOLOFF: Final = timedelta(minutes=15)
FORGET_AFTER: Final = timedelta(hours=24)
"""A failure this long after the previous one starts the count again."""


@dataclass(frozen=True, slots=True)
class Failures:
    """Consecutive failed logins of one counter (a pair or a source address) and when the last one happened."""

    count: int
    last_at: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether a login attempt may be tried now; if not, how long until it may (always finite)."""

    allowed: bool
    retry_after: timedelta | None
    reason_zh: str
    reason_en: str


def _require_utc(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() != timedelta(0):
        raise ValueError(f"now must be a tz-aware UTC datetime, got {now!r}")


def cooloff(count: int, *, free: int = ACCOUNT_FREE_FAILURES) -> timedelta:
    """The wait after `count` failures: none for the first `free`, then 2, 4, 8 ... seconds, at most `MAX_COOLOFF`."""
    if count <= free:
        return timedelta(0)
    exponent = count - free
    if exponent >= 20:  # 2**20 s is far beyond the cap; avoids huge integers for absurd counts
        return MAX_COOLOFF
    return min(timedelta(seconds=2**exponent), MAX_COOLOFF)


def _wait(failures: Failures | None, now: datetime, free: int) -> timedelta | None:
    """How long `failures` still bar an attempt at `now`, or None when they do not."""
    if failures is None:
        return None
    remaining = failures.last_at + cooloff(failures.count, free=free) - now
    return remaining if remaining > timedelta(0) else None


def check(
    now: datetime,
    *,
    account_from_source: Failures | None,
    source: Failures | None,
    usual_sources: frozenset[str],
    source_addr: str,
) -> Decision:
    """May the account try to log in from `source_addr` at `now`?

    `account_from_source` holds this account's failures from `source_addr`, `source` the failures from
    `source_addr` over all accounts, `usual_sources` the addresses the user normally logs in from.
    """
    _require_utc(now)
    pair_wait = _wait(account_from_source, now, ACCOUNT_FREE_FAILURES)
    source_wait = None if source_addr in usual_sources else _wait(source, now, SOURCE_FREE_FAILURES)
    if source_wait is not None and (pair_wait is None or source_wait >= pair_wait):
        seconds = _seconds(source_wait)
        return Decision(
            False,
            source_wait,
            f"该来源地址登录失败次数过多，请 {seconds} 秒后再试",
            f"too many failed logins from this address; try again in {seconds} s",
        )
    if pair_wait is not None:
        seconds = _seconds(pair_wait)
        return Decision(
            False,
            pair_wait,
            f"该账户从此地址登录失败次数过多，请 {seconds} 秒后再试",
            f"too many failed logins of this account from this address; try again in {seconds} s",
        )
    return Decision(True, None, "允许登录尝试", "login attempt allowed")


def _seconds(wait: timedelta) -> int:
    """Whole seconds to show, rounded up so that retrying after them is always allowed."""
    whole = int(wait.total_seconds())
    return whole + 1 if timedelta(seconds=whole) < wait else whole


def record_failure(failures: Failures | None, now: datetime) -> Failures:
    """The counter after one more failure at `now` (a first failure, or one long after the last, counts 1)."""
    _require_utc(now)
    if failures is None or now - failures.last_at >= FORGET_AFTER:
        return Failures(1, now)
    return Failures(failures.count + 1, now)


def reset(account_from_source: Failures | None, source: Failures | None) -> tuple[Failures | None, Failures | None]:
    """The counters after a successful login: (pair, source).

    The pair counter is cleared (None: the store deletes it). The source counter is kept on purpose: an address
    spraying many accounts must not clear its record by logging into one account it controls.
    """
    del account_from_source
    return None, source
