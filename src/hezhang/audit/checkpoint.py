"""Signed checkpoints: an Ed25519 signature over (size, Merkle root, time) of the log, made by every transaction
that appends events and on demand. A checkpoint commits the log's first `size` events; anything changed before it
shows as a root that no longer matches. The signed message and the key id are defined in `verify`.

A restore marker is signed the same way under its own context (`verify.restore_message`): the store was restored
with a trail of `size` events at `at`, so a witness's checkpoints signed before it are of the store that was lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hezhang.audit.event import format_time
from hezhang.audit.verify import checkpoint_message, key_id, restore_message, signature_valid

__all__ = ["Checkpoint", "key_id", "sign_checkpoint", "sign_restore", "verify_checkpoint"]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    size: int
    root: bytes
    at: datetime
    signature: bytes
    key_id: str

    def message(self) -> bytes:
        return checkpoint_message(self.size, self.root, format_time(self.at))


def sign_checkpoint(
    size: int, root: bytes, at: datetime, private_key: Ed25519PrivateKey, kid: str | None = None
) -> Checkpoint:
    """Sign (size, root, at); `kid` is the key's id when the caller already knows it."""
    if size < 0 or len(root) != 32:
        raise ValueError("a checkpoint needs a size >= 0 and a 32-byte root")
    signature = private_key.sign(checkpoint_message(size, root, format_time(at)))
    return Checkpoint(size, root, at, signature, kid or key_id(private_key.public_key()))


def sign_restore(size: int, root: bytes, at: datetime, private_key: Ed25519PrivateKey) -> Checkpoint:
    """A restore marker: the store was restored at `at` with a trail of `size` events whose Merkle root is `root`."""
    if size < 0 or len(root) != 32:
        raise ValueError("a restore marker needs a size >= 0 and a 32-byte root")
    signature = private_key.sign(restore_message(size, root, format_time(at)))
    return Checkpoint(size, root, at, signature, key_id(private_key.public_key()))


def verify_checkpoint(checkpoint: Checkpoint, public_key: Ed25519PublicKey) -> bool:
    """Was this checkpoint signed by this key, over exactly these size, root and time?"""
    return checkpoint.key_id == key_id(public_key) and signature_valid(
        public_key, checkpoint.message(), checkpoint.signature
    )
