"""Audit settings: events are kept at least HEZHANG_AUDIT_KEEP_DAYS (three years by default, six months at the
least); the witness of the checkpoints is a file beside the keyring unless HEZHANG_AUDIT_WITNESS names another."""

from __future__ import annotations

from pathlib import Path

import pytest

from hezhang.config import SettingsError, load_settings


def test_defaults_keep_three_years_and_the_witness_beside_the_keyring(tmp_path: Path) -> None:
    s = load_settings({"HEZHANG_DATA_DIR": str(tmp_path)})
    assert s.audit_keep_days == 1096
    assert s.audit_witness == tmp_path / "audit-witness.jsonl" == s.keyring_path.with_name("audit-witness.jsonl")
    elsewhere = load_settings({"HEZHANG_DATA_DIR": str(tmp_path), "HEZHANG_KEYRING": str(tmp_path / "k" / "ring")})
    assert elsewhere.audit_witness == tmp_path / "k" / "audit-witness.jsonl"  # beside the keyring, wherever it is
    s = load_settings({"HEZHANG_AUDIT_KEEP_DAYS": "3653", "HEZHANG_AUDIT_WITNESS": str(tmp_path / "w.jsonl")})
    assert (s.audit_keep_days, s.audit_witness) == (3653, tmp_path / "w.jsonl")
    assert load_settings({"HEZHANG_AUDIT_KEEP_DAYS": "183"}).audit_keep_days == 183


@pytest.mark.parametrize(
    ("environ", "words"),
    [
        ({"HEZHANG_AUDIT_KEEP_DAYS": "182"}, ("HEZHANG_AUDIT_KEEP_DAYS", "183", "不得少于")),
        ({"HEZHANG_AUDIT_KEEP_DAYS": "0"}, ("HEZHANG_AUDIT_KEEP_DAYS", "six months")),
        ({"HEZHANG_AUDIT_KEEP_DAYS": "three years"}, ("HEZHANG_AUDIT_KEEP_DAYS", "whole number")),
    ],
)
def test_settings_that_would_weaken_the_trail_are_refused_by_name(environ: dict[str, str], words: tuple[str]) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(environ)
    for word in words:
        assert word in str(caught.value)
