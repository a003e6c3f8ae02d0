"""Firm-level secrets sealed under the keyring: they open only on their own row, and survive rotation."""

from __future__ import annotations

from pathlib import Path

import pytest

from hezhang.security.errors import DecryptError, UnknownKeyVersion
from hezhang.security.keyring import Keyring
from hezhang.security.secret_seal import open_secret, rewrap_secret, seal_secret


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring.create(tmp_path / "keyring.json")


def test_a_sealed_secret_opens_on_its_own_row_only(keyring: Keyring) -> None:
    sealed = seal_secret(keyring, "users", "totp_secret", "u1", b"JBSWY3DPEHPK3PXP")
    assert b"JBSWY3DPEHPK3PXP" not in sealed.ciphertext + sealed.wrapped_key
    assert open_secret(keyring, "users", "totp_secret", "u1", sealed) == b"JBSWY3DPEHPK3PXP"
    with pytest.raises(DecryptError):
        open_secret(keyring, "users", "totp_secret", "u2", sealed)
    with pytest.raises(DecryptError):
        open_secret(keyring, "users", "other_column", "u1", sealed)


def test_each_secret_has_its_own_data_key(keyring: Keyring) -> None:
    a = seal_secret(keyring, "users", "totp_secret", "u1", b"same")
    b = seal_secret(keyring, "users", "totp_secret", "u1", b"same")
    assert a.wrapped_key != b.wrapped_key and a.ciphertext != b.ciphertext


def test_rewrap_moves_the_key_to_the_current_version_and_the_old_one_can_retire(keyring: Keyring) -> None:
    sealed = seal_secret(keyring, "users", "totp_secret", "u1", b"secret")
    keyring.rotate()
    moved = rewrap_secret(keyring, sealed)
    assert (sealed.key_version, moved.key_version) == (1, 2)
    assert moved.ciphertext == sealed.ciphertext
    keyring.retire(1)
    assert open_secret(keyring, "users", "totp_secret", "u1", moved) == b"secret"
    with pytest.raises(UnknownKeyVersion):
        open_secret(keyring, "users", "totp_secret", "u1", sealed)


def test_another_keyring_opens_nothing(keyring: Keyring, tmp_path: Path) -> None:
    sealed = seal_secret(keyring, "users", "totp_secret", "u1", b"secret")
    other = Keyring.create(tmp_path / "other.json")
    with pytest.raises(DecryptError):
        open_secret(other, "users", "totp_secret", "u1", sealed)
