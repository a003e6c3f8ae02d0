"""Keys derived from the keyring: one per purpose and version, stable, never the key-encryption key itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from hezhang.security.errors import UnknownKeyVersion
from hezhang.security.keyring import Keyring


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring.create(tmp_path / "keyring.json")


def test_a_derived_key_is_stable_per_purpose_and_version(keyring: Keyring) -> None:
    version, key = keyring.derive(b"purpose one")
    assert version == 1 and len(key) == 32
    assert Keyring.open(keyring.path).derive(b"purpose one") == (1, key)
    assert keyring.derive(b"purpose two")[1] != key


def test_rotation_gives_a_new_derived_key_and_old_versions_stay_derivable(keyring: Keyring) -> None:
    _, first = keyring.derive(b"audit")
    keyring.rotate()
    assert keyring.derive(b"audit")[0] == 2 and keyring.derive(b"audit")[1] != first
    assert keyring.derive(b"audit", version=1) == (1, first)
    keyring.retire(1)
    with pytest.raises(UnknownKeyVersion):
        keyring.derive(b"audit", version=1)


def test_a_derived_key_needs_a_purpose(keyring: Keyring) -> None:
    with pytest.raises(ValueError, match="purpose"):
        keyring.derive(b"")


def test_another_process_rotating_is_seen_when_its_version_is_asked_for(keyring: Keyring) -> None:
    other = Keyring.open(keyring.path)
    other.rotate()
    assert keyring.derive(b"audit", version=2)[0] == 2
