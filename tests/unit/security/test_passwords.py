"""Passwords: round trips, wrong passwords, unknown users still pay for a verification, rehash, weak passwords."""

from __future__ import annotations

from unittest import mock

import pytest
from argon2 import PasswordHasher
from argon2.low_level import Type
from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.security import passwords
from hezhang.security.passwords import (
    MEMORY_COST,
    PARALLELISM,
    TIME_COST,
    Verification,
    check_new_password,
    hash_password,
    verify_password,
    weak_passwords,
)

GOOD = "Tea-kettle 7 harbour!"


@pytest.fixture(scope="module")
def good_hash() -> str:
    return hash_password(GOOD)


def test_hash_is_argon2id_with_the_module_parameters(good_hash: str) -> None:
    assert good_hash.startswith("$argon2id$")
    assert f"m={MEMORY_COST},t={TIME_COST},p={PARALLELISM}" in good_hash
    assert GOOD not in good_hash
    assert hash_password(GOOD) != good_hash  # a fresh salt every time


def test_round_trip(good_hash: str) -> None:
    assert verify_password(good_hash, GOOD) == Verification(ok=True, needs_rehash=False)


@pytest.mark.parametrize("attempt", ["tea-kettle 7 harbour!", GOOD + " ", "", "Tea-kettle 7 harbour"])
def test_wrong_password_fails(good_hash: str, attempt: str) -> None:
    assert verify_password(good_hash, attempt) == Verification(ok=False, needs_rehash=False)


@pytest.mark.parametrize("stored", ["", "not a hash", "$argon2id$v=19$m=65536,t=3,p=4$broken"])
def test_corrupt_stored_hash_fails_without_raising(stored: str) -> None:
    assert verify_password(stored, GOOD) == Verification(ok=False, needs_rehash=False)


def test_unknown_user_runs_a_real_verification(good_hash: str) -> None:
    with mock.patch.object(PasswordHasher, "verify", autospec=True, side_effect=PasswordHasher.verify) as spy:
        unknown = verify_password(None, GOOD)
        known = verify_password(good_hash, "a wrong password")
    assert unknown == known == Verification(ok=False, needs_rehash=False)
    assert spy.call_count == 2
    (_, dummy, typed), (_, stored, _) = (call.args for call in spy.call_args_list)
    assert typed == GOOD
    assert stored == good_hash
    # the dummy costs what a real hash costs: same algorithm and parameters
    assert dummy.startswith("$argon2id$") and not passwords._hasher().check_needs_rehash(dummy)


@pytest.mark.parametrize(
    "old",
    [
        PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1),
        PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST, parallelism=PARALLELISM, type=Type.I),
    ],
    ids=["weaker-parameters", "argon2i"],
)
def test_rehash_when_parameters_differ(old: PasswordHasher) -> None:
    stored = old.hash(GOOD)
    assert verify_password(stored, GOOD) == Verification(ok=True, needs_rehash=True)
    assert verify_password(stored, "wrong") == Verification(ok=False, needs_rehash=False)
    fresh = hash_password(GOOD)
    assert verify_password(fresh, GOOD) == Verification(ok=True, needs_rehash=False)


def test_strong_password_accepted() -> None:
    assert check_new_password(GOOD, user_name="zhangsan") == []
    assert check_new_password("对账-2024-星期三-下雨") == []


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Sh0rt!pw", ["12"]),
        ("", ["12"]),
        ("123456", ["12", "common", "one class"]),
        ("WOAINI1314", ["12", "common"]),
        ("1qaz2wsx3edc", ["common"]),
        ("qwertyuiop12", ["common"]),
        ("Password2024!", ["common"]),
        ("!!Woaini1314520", ["common"]),
        ("correcthorsebattery", ["one class"]),
        ("84736251904857", ["one class"]),
        ("qazwsxedcrfv1", ["easy to guess"]),  # a keyboard run
        ("abcdefghijk1", ["easy to guess"]),  # a sequence
        ("aaaaaaaaaaaa1", ["easy to guess"]),  # repeats
    ],
)
def test_weak_passwords_refused_with_reasons(password: str, expected: list[str]) -> None:
    reasons = check_new_password(password)
    assert len(reasons) == len(expected)
    for reason, key in zip(reasons, expected, strict=True):
        assert key in reason
        zh, en = reason.split(" / ", 1)
        assert zh and not zh.isascii() and en.isascii()


def test_long_passwords_are_judged_by_their_start() -> None:
    """zxcvbn takes at most 72 characters: a long pass phrase is accepted, a long repeated run is not."""
    phrase = "我们的对账 correct horse battery staple, 每月一次, then tea and a long walk by the river 2026"
    assert len(phrase) > 72 and check_new_password(phrase) == []
    run = "qwerty123" * 9
    assert len(run) > 72 and any("easy to guess" in reason for reason in check_new_password(run))


def test_password_containing_the_user_name_refused() -> None:
    reasons = check_new_password("Hello-ZhangSan-2024", user_name="zhangsan")
    assert len(reasons) == 1 and "user name" in reasons[0]
    assert check_new_password("Hello-ZhangSan-2024", user_name="li") == []  # too short a name to test for
    assert check_new_password("Hello-ZhangSan-2024", user_name="wangwu") == []


def test_reasons_never_quote_the_password() -> None:
    password = "zhangsan"
    for reason in check_new_password(password, user_name="zhangsan"):
        assert password not in reason.casefold()


def test_bundled_list_is_loaded_and_folded() -> None:
    common = weak_passwords()
    assert len(common) >= 200
    assert {"123456", "password", "qwerty", "111111", "1q2w3e4r", "woaini1314", "a123456"} <= common
    assert all(entry == entry.casefold() and entry.strip() == entry for entry in common)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40) | st.text(min_size=60, max_size=200), st.none() | st.text(max_size=20))
def test_any_text_gets_reasons_never_an_error(password: str, user_name: str | None) -> None:
    reasons = check_new_password(password, user_name=user_name)
    assert all(" / " in reason for reason in reasons)
