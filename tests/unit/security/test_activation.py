"""Activation codes: random, in a typeable shape, checked only against their argon2id hash, and never taken for a
password (a new password may not have their shape)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.security import activation
from hezhang.security.passwords import check_new_password


def test_a_code_is_random_typeable_and_checked_against_its_hash_only() -> None:
    codes = {activation.new_activation_code() for _ in range(50)}
    assert len(codes) == 50
    code = codes.pop()
    assert len(code) == 19 and code.count("-") == 3 and activation.looks_like_activation_code(code)
    stored = activation.hash_activation_code(code)
    assert stored.startswith("$argon2id$") and code not in stored and code.replace("-", "") not in stored
    assert activation.activation_code_matches(stored, code.upper().replace("-", " "))  # as a person may type it
    assert not activation.activation_code_matches(stored, codes.pop())
    assert not activation.activation_code_matches(None, code)  # nothing to check against: a dummy verification


def test_it_expires_72_hours_after_it_was_issued() -> None:
    issued = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert activation.expiry(issued) == datetime(2026, 12, 10, 9, 0, tzinfo=UTC)


@settings(max_examples=30)
@given(st.text(max_size=40))
def test_any_text_is_a_code_shape_or_not_and_never_raises(text: str) -> None:
    assert activation.looks_like_activation_code(text) == (activation.normalize_activation_code(text) is not None)


def test_a_new_password_may_not_look_like_an_activation_code() -> None:
    reasons = check_new_password(activation.new_activation_code(), user_name="wang.fang")
    assert any("激活码" in r and "activation code" in r for r in reasons)
