"""Lockout: attackers are slowed down, but never lock the owner out from their usual address, nor for good."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.security.lockout import (
    ACCOUNT_FREE_FAILURES,
    FORGET_AFTER,
    MAX_COOLOFF,
    SOURCE_FREE_FAILURES,
    Decision,
    Failures,
    check,
    cooloff,
    record_failure,
    reset,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ATTACKER = "10.0.0.66"
HOME = "192.0.2.10"
USUAL = frozenset({HOME})


class Counters:
    """A tiny in-memory store of the two kinds of counters, as the real store keeps them."""

    def __init__(self) -> None:
        self.pairs: dict[tuple[str, str], Failures | None] = {}
        self.sources: dict[str, Failures | None] = {}

    def fail(self, account: str, addr: str, now: datetime) -> None:
        self.pairs[account, addr] = record_failure(self.pairs.get((account, addr)), now)
        self.sources[addr] = record_failure(self.sources.get(addr), now)

    def succeed(self, account: str, addr: str) -> None:
        self.pairs[account, addr], self.sources[addr] = reset(self.pairs.get((account, addr)), self.sources.get(addr))

    def check(self, account: str, addr: str, now: datetime, usual: frozenset[str] = USUAL) -> Decision:
        return check(
            now,
            account_from_source=self.pairs.get((account, addr)),
            source=self.sources.get(addr),
            usual_sources=usual,
            source_addr=addr,
        )


def test_attacker_elsewhere_does_not_lock_out_the_owner() -> None:
    store = Counters()
    now = T0
    for _ in range(50):
        store.fail("A", ATTACKER, now)
        now += timedelta(seconds=1)
    home = store.check("A", HOME, now)
    assert home.allowed
    assert home.retry_after is None
    away = store.check("A", ATTACKER, now)
    assert not away.allowed
    assert away.retry_after is not None
    assert timedelta(0) < away.retry_after <= MAX_COOLOFF
    assert "秒后再试" in away.reason_zh
    assert "try again" in away.reason_en
    # finite: once the cool-off has passed the attacker's address may try again (and is throttled again after)
    assert store.check("A", ATTACKER, now + away.retry_after).allowed


def test_owner_is_judged_by_own_failures_from_the_usual_address() -> None:
    store = Counters()
    for i in range(ACCOUNT_FREE_FAILURES):
        store.fail("A", HOME, T0 + timedelta(seconds=i))
    now = T0 + timedelta(seconds=ACCOUNT_FREE_FAILURES)
    assert store.check("A", HOME, now).allowed  # typing mistakes cost nothing
    store.fail("A", HOME, now)
    decision = store.check("A", HOME, now)
    assert not decision.allowed
    assert decision.retry_after == timedelta(seconds=2)
    assert store.check("A", HOME, now + timedelta(seconds=2)).allowed


def test_spraying_source_is_throttled_for_every_account() -> None:
    store = Counters()
    now = T0
    for i in range(100):
        store.fail(f"user{i}", ATTACKER, now)
    for account in ("user0", "user99", "never-tried"):
        decision = store.check(account, ATTACKER, now, usual=frozenset())
        assert not decision.allowed
        assert decision.retry_after == MAX_COOLOFF
        assert "来源地址" in decision.reason_zh
    # other addresses are unaffected, and so is an account whose usual address this is
    assert store.check("user0", HOME, now).allowed
    assert store.check("never-tried", ATTACKER, now, usual=frozenset({ATTACKER})).allowed


def test_a_few_colleagues_behind_one_address_are_not_throttled() -> None:
    store = Counters()
    for i in range(SOURCE_FREE_FAILURES):
        store.fail(f"colleague{i}", "198.51.100.1", T0)
    assert store.check("colleague0", "198.51.100.1", T0, usual=frozenset()).allowed
    store.fail("colleague0", "198.51.100.1", T0)
    assert not store.check("someone", "198.51.100.1", T0, usual=frozenset()).allowed


def test_cooloff_grows_exponentially_then_stays_at_the_cap() -> None:
    waits = [cooloff(n) for n in range(0, 30)]
    assert waits[: ACCOUNT_FREE_FAILURES + 1] == [timedelta(0)] * (ACCOUNT_FREE_FAILURES + 1)
    assert waits[4:9] == [timedelta(seconds=s) for s in (2, 4, 8, 16, 32)]
    assert waits == sorted(waits)
    assert max(waits) == MAX_COOLOFF
    assert waits[-1] == MAX_COOLOFF
    assert cooloff(10**9) == MAX_COOLOFF


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**6))
def test_cooloff_is_always_finite_and_capped(count: int) -> None:
    assert timedelta(0) <= cooloff(count) <= MAX_COOLOFF
    assert timedelta(0) <= cooloff(count, free=SOURCE_FREE_FAILURES) <= MAX_COOLOFF


def test_success_resets_the_pair_but_not_the_source() -> None:
    store = Counters()
    for _ in range(8):
        store.fail("A", HOME, T0)
    assert not store.check("A", HOME, T0 + timedelta(seconds=1)).allowed
    later = T0 + MAX_COOLOFF
    assert store.check("A", HOME, later).allowed
    store.succeed("A", HOME)
    assert store.pairs["A", HOME] is None
    store.fail("A", HOME, later)
    assert store.pairs["A", HOME] == Failures(1, later)
    assert store.check("A", HOME, later).allowed
    # a sprayer that logs into one account it controls keeps its source record
    sprayer = Counters()
    for i in range(50):
        sprayer.fail(f"user{i}", ATTACKER, T0)
    sprayer.succeed("mine", ATTACKER)
    assert not sprayer.check("user1", ATTACKER, T0, usual=frozenset()).allowed


def test_old_failures_are_forgotten() -> None:
    old = Failures(40, T0)
    assert record_failure(old, T0 + FORGET_AFTER) == Failures(1, T0 + FORGET_AFTER)
    assert record_failure(old, T0 + timedelta(hours=1)) == Failures(41, T0 + timedelta(hours=1))


def test_naive_or_non_utc_times_are_refused() -> None:
    with pytest.raises(ValueError):
        record_failure(None, datetime(2026, 3, 2, 9, 0))
    with pytest.raises(ValueError):
        check(
            datetime(2026, 3, 2, 9, 0),
            account_from_source=None,
            source=None,
            usual_sources=frozenset(),
            source_addr=HOME,
        )
