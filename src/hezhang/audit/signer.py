"""The key that signs audit checkpoints: Ed25519, derived from the keyring's key-encryption key.

The private key is never stored: it is HKDF-SHA256(KEK of version v, info=SIGNING_INFO), 32 bytes, used as an
Ed25519 seed. Rotating the keyring therefore rotates the signing key; the store records each public key (with
its keyring version) the first time it signs, so checkpoints signed before a rotation stay verifiable after the
old version is retired. Whoever holds the keyring can sign; whoever holds the public keys can only verify.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hezhang.audit.checkpoint import Checkpoint, key_id, sign_checkpoint
from hezhang.security.keyring import KeyringBackend

__all__ = ["SIGNING_INFO", "CheckpointSigner", "KeyringSigner", "SigningKey"]

SIGNING_INFO = b"hezhang audit checkpoint signing v1"


@dataclass(frozen=True, slots=True)
class SigningKey:
    """One signing key: the keyring version it comes from, its key id and raw public key (worked out once: a
    checkpoint is signed with every transaction that writes events)."""

    keyring_version: int
    private_key: Ed25519PrivateKey
    key_id: str = field(init=False)
    public_raw: bytes = field(init=False)

    def __post_init__(self) -> None:
        public = self.private_key.public_key()
        object.__setattr__(self, "key_id", key_id(public))
        object.__setattr__(self, "public_raw", public.public_bytes(serialization.Encoding.Raw,
                                                                   serialization.PublicFormat.Raw))  # fmt: skip

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    def sign(self, size: int, root: bytes, at: datetime) -> Checkpoint:
        return sign_checkpoint(size, root, at, self.private_key, self.key_id)


class CheckpointSigner(Protocol):
    """What the store needs to sign a checkpoint: the signing key of now."""

    def signing_key(self) -> SigningKey: ...


class KeyringSigner:
    """Signs with the key derived from the keyring's current version (re-derived when the keyring rotates)."""

    def __init__(self, keyring: KeyringBackend) -> None:
        self._keyring = keyring
        self._cached: SigningKey | None = None

    def signing_key(self) -> SigningKey:
        cached = self._cached
        if cached is not None and cached.keyring_version == self._keyring.current_version:
            return cached
        self._cached = self.for_version(self._keyring.current_version)
        return self._cached

    def for_version(self, version: int) -> SigningKey:
        """The signing key of one keyring version (raises `UnknownKeyVersion` once that version is retired)."""
        held, seed = self._keyring.derive(SIGNING_INFO, version)
        return SigningKey(held, Ed25519PrivateKey.from_private_bytes(seed))
