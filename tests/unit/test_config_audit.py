"""Audit settings: events are kept at least HEZHANG_AUDIT_KEEP_DAYS (three years by default, six months at the
least); a checkpoint is signed every HEZHANG_AUDIT_CHECKPOINT_EVERY events."""

from __future__ import annotations

import pytest

from hezhang.config import SettingsError, load_settings


def test_defaults_keep_three_years_and_sign_every_thousand_events() -> None:
    s = load_settings({})
    assert (s.audit_keep_days, s.audit_checkpoint_every) == (1096, 1000)
    s = load_settings({"HEZHANG_AUDIT_KEEP_DAYS": "3653", "HEZHANG_AUDIT_CHECKPOINT_EVERY": "500"})
    assert (s.audit_keep_days, s.audit_checkpoint_every) == (3653, 500)
    assert load_settings({"HEZHANG_AUDIT_KEEP_DAYS": "183"}).audit_keep_days == 183


@pytest.mark.parametrize(
    ("environ", "words"),
    [
        ({"HEZHANG_AUDIT_KEEP_DAYS": "182"}, ("HEZHANG_AUDIT_KEEP_DAYS", "183", "不得少于")),
        ({"HEZHANG_AUDIT_KEEP_DAYS": "0"}, ("HEZHANG_AUDIT_KEEP_DAYS", "six months")),
        ({"HEZHANG_AUDIT_KEEP_DAYS": "three years"}, ("HEZHANG_AUDIT_KEEP_DAYS", "whole number")),
        ({"HEZHANG_AUDIT_CHECKPOINT_EVERY": "0"}, ("HEZHANG_AUDIT_CHECKPOINT_EVERY",)),
        ({"HEZHANG_AUDIT_CHECKPOINT_EVERY": "1e3"}, ("HEZHANG_AUDIT_CHECKPOINT_EVERY", "整数")),
    ],
)
def test_settings_that_would_weaken_the_trail_are_refused_by_name(environ: dict[str, str], words: tuple[str]) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(environ)
    for word in words:
        assert word in str(caught.value)
