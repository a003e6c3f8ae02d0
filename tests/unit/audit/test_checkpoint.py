"""Signed checkpoints: valid only for the key that signed them and only over exactly the size, root and time."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.audit.checkpoint import Checkpoint, key_id, sign_checkpoint, verify_checkpoint

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
AT = datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
ROOT = bytes.fromhex("ab" * 32)


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8 % len(out)] ^= 1 << (bit % 8)
    return bytes(out)


def test_a_checkpoint_verifies_with_its_key_and_names_it() -> None:
    cp = sign_checkpoint(10_000, ROOT, AT, KEY)
    assert verify_checkpoint(cp, KEY.public_key())
    assert cp.key_id == key_id(KEY.public_key()) and len(cp.key_id) == 16
    assert not verify_checkpoint(cp, Ed25519PrivateKey.generate().public_key())


@settings(max_examples=200)
@given(st.sampled_from(["size", "root", "at", "signature"]), st.integers(0, 1023))
def test_any_bit_changed_in_a_checkpoint_breaks_its_signature(name: str, bit: int) -> None:
    cp = sign_checkpoint(10_000, ROOT, AT, KEY)
    changed: Checkpoint
    if name == "size":
        changed = dataclasses.replace(cp, size=cp.size ^ (1 << (bit % 40)))
    elif name == "at":
        changed = dataclasses.replace(cp, at=cp.at + timedelta(microseconds=1 << (bit % 40)))
    else:
        changed = dataclasses.replace(cp, **{name: flip(getattr(cp, name), bit)})  # type: ignore[arg-type]
    assert not verify_checkpoint(changed, KEY.public_key())


def test_a_checkpoint_claiming_another_key_id_does_not_verify() -> None:
    cp = sign_checkpoint(1, ROOT, AT, KEY)
    assert not verify_checkpoint(dataclasses.replace(cp, key_id="0" * 16), KEY.public_key())
