"""Sealing a firm-level secret (a staff member's TOTP secret) so that the database alone never opens it.

The secret cannot be hashed (the server must compute TOTP codes from it), so it is encrypted, with the same
envelope as a client's data: a fresh 256-bit data key per secret encrypts it with AES-256-GCM
(`envelope.FieldCipher`), with associated data naming (firm, table, column, row id), so a sealed secret copied
onto another row does not open; the data key is wrapped by the keyring's current key-encryption key. The three
parts are stored side by side (ciphertext, wrapped key, keyring version). `rewrap_secret` moves the wrapped key
onto the keyring's current version without touching the ciphertext, so keyring rotation covers these secrets
exactly as it covers the clients' data keys.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

from hezhang.security.envelope import Aad, FieldCipher, decrypt, new_data_key
from hezhang.security.keyring import KeyringBackend, WrappedKey

#: The "client" part of the associated data of firm-level secrets (no client owns them).
FIRM: Final = "firm"


@dataclass(frozen=True, slots=True)
class SealedSecret:
    ciphertext: bytes  # envelope blob (AES-256-GCM under the data key)
    wrapped_key: bytes  # the data key, wrapped by the keyring
    key_version: int  # the keyring version that wrapped it


def _aad(table: str, column: str, row_id: str) -> Aad:
    return Aad(FIRM, table, column, row_id)


def seal_secret(keyring: KeyringBackend, table: str, column: str, row_id: str, plaintext: bytes) -> SealedSecret:
    """Encrypt `plaintext` under a fresh data key bound to (firm, table, column, row id); wrap the key."""
    dek = new_data_key("aes-256-gcm")
    ciphertext = FieldCipher("aes-256-gcm").encrypt(dek, _aad(table, column, row_id), plaintext)
    wrapped = keyring.wrap(dek)
    return SealedSecret(ciphertext, wrapped.blob, wrapped.version)


def open_secret(keyring: KeyringBackend, table: str, column: str, row_id: str, sealed: SealedSecret) -> bytes:
    """The plaintext of `sealed`; raises `DecryptError` (or `UnknownKeyVersion`) when it does not open here."""
    dek = keyring.unwrap(WrappedKey(sealed.key_version, sealed.wrapped_key))
    return decrypt(dek, _aad(table, column, row_id), sealed.ciphertext)


def rewrap_secret(keyring: KeyringBackend, sealed: SealedSecret) -> SealedSecret:
    """The same secret with its data key wrapped by the keyring's current version."""
    wrapped = keyring.rewrap(WrappedKey(sealed.key_version, sealed.wrapped_key))
    return replace(sealed, wrapped_key=wrapped.blob, key_version=wrapped.version)
