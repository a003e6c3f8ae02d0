"""The keyring: a 0600 file of versioned KEKs; wrap, unwrap, rotate, rewrap, retire."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hezhang.security.envelope import new_data_key
from hezhang.security.errors import DecryptError, KeyringError, UnknownKeyVersion
from hezhang.security.keyring import Keyring, KeyringBackend, WrappedKey


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring.create(tmp_path / "keys" / "keyring.json")


def test_created_file_is_owner_only_and_reopens(keyring: Keyring) -> None:
    assert stat.S_IMODE(keyring.path.stat().st_mode) == 0o600
    assert keyring.current_version == 1
    assert keyring.versions() == [1]
    dek = new_data_key()
    wrapped = keyring.wrap(dek)
    assert Keyring.open(keyring.path).unwrap(wrapped) == dek


def test_is_a_keyring_backend(keyring: Keyring) -> None:
    backend: KeyringBackend = keyring
    assert isinstance(backend, KeyringBackend)


def test_create_refuses_to_overwrite(keyring: Keyring) -> None:
    before = keyring.path.read_bytes()
    with pytest.raises(KeyringError, match="already exists"):
        Keyring.create(keyring.path)
    assert keyring.path.read_bytes() == before


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o610])
def test_open_refuses_a_file_others_can_access(keyring: Keyring, mode: int) -> None:
    os.chmod(keyring.path, mode)
    with pytest.raises(KeyringError) as caught:
        Keyring.open(keyring.path)
    message = str(caught.value)
    assert "chmod 600" in message
    assert "权限" in message
    assert "group or others" in message


def test_open_missing_or_malformed_file(tmp_path: Path) -> None:
    with pytest.raises(KeyringError, match="not found"):
        Keyring.open(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    for content in (b"not json", b"[]", b'{"format": "other"}', b"\xff\xfe"):
        bad.write_bytes(content)
        os.chmod(bad, 0o600)
        with pytest.raises(KeyringError, match="malformed"):
            Keyring.open(bad)


def test_open_refuses_a_current_version_it_does_not_hold(keyring: Keyring) -> None:
    document = json.loads(keyring.path.read_text())
    document["current"] = 7
    keyring.path.write_text(json.dumps(document))
    with pytest.raises(KeyringError, match="malformed"):
        Keyring.open(keyring.path)


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dek=st.binary(min_size=16, max_size=32))
def test_wrap_round_trip(keyring: Keyring, dek: bytes) -> None:
    wrapped = keyring.wrap(dek)
    assert wrapped.version == keyring.current_version
    assert dek not in wrapped.blob
    assert keyring.unwrap(wrapped) == dek


def test_every_flipped_byte_of_a_wrapped_key_is_refused(keyring: Keyring) -> None:
    wrapped = keyring.wrap(new_data_key("sm4-gcm"))
    for position in range(len(wrapped.blob)):
        damaged = bytearray(wrapped.blob)
        damaged[position] ^= 0x01
        with pytest.raises(DecryptError):
            keyring.unwrap(WrappedKey(wrapped.version, bytes(damaged)))
    for length in range(len(wrapped.blob)):
        with pytest.raises(DecryptError):
            keyring.unwrap(WrappedKey(wrapped.version, wrapped.blob[:length]))


def test_relabelled_version_is_refused(keyring: Keyring) -> None:
    wrapped = keyring.wrap(new_data_key())
    keyring.rotate()
    with pytest.raises(DecryptError):
        keyring.unwrap(WrappedKey(2, wrapped.blob))


def test_rotate_rewrap_retire(keyring: Keyring) -> None:
    moved, left = new_data_key(), new_data_key()
    wrapped_moved, wrapped_left = keyring.wrap(moved), keyring.wrap(left)

    assert keyring.rotate() == 2
    assert keyring.current_version == 2
    assert keyring.versions() == [1, 2]
    assert keyring.unwrap(wrapped_left) == left  # old versions still unwrap until retired

    rewrapped = keyring.rewrap(wrapped_moved)
    assert rewrapped.version == 2
    assert keyring.unwrap(rewrapped) == moved

    keyring.retire(1)
    assert keyring.versions() == [2]
    reopened = Keyring.open(keyring.path)
    assert reopened.versions() == [2]
    assert reopened.current_version == 2
    assert stat.S_IMODE(keyring.path.stat().st_mode) == 0o600
    for ring in (keyring, reopened):
        assert ring.unwrap(rewrapped) == moved
        with pytest.raises(UnknownKeyVersion) as caught:
            ring.unwrap(wrapped_left)
        assert isinstance(caught.value, KeyError)
        assert caught.value.version == 1
        assert "1" in str(caught.value)


def test_current_and_unknown_versions_cannot_be_retired(keyring: Keyring) -> None:
    with pytest.raises(KeyringError, match="cannot retire the current"):
        keyring.retire(1)
    with pytest.raises(UnknownKeyVersion):
        keyring.retire(5)
    assert Keyring.open(keyring.path).versions() == [1]


def test_version_numbers_are_never_reused(keyring: Keyring) -> None:
    keyring.rotate()
    keyring.retire(1)
    assert keyring.rotate() == 3
    assert keyring.versions() == [2, 3]


def test_two_handles_on_one_file_lose_no_version(keyring: Keyring) -> None:
    other = Keyring.open(keyring.path)
    keyring.rotate()
    wrapped = keyring.wrap(new_data_key())
    # The second handle re-reads before changing the file, and before giving up on an unknown version.
    assert other.rotate() == 3
    assert Keyring.open(keyring.path).versions() == [1, 2, 3]
    assert len(other.unwrap(wrapped)) == 32


def test_no_temporary_files_are_left_behind(keyring: Keyring) -> None:
    keyring.rotate()
    keyring.retire(1)
    names = sorted(p.name for p in keyring.path.parent.iterdir())
    assert names == ["keyring.json", "keyring.json.lock"]
