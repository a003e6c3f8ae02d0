"""Field encryption with a client's data key (the inner half of envelope encryption).

Each client has its own data key (DEK), wrapped by the keyring. Every S2 value is encrypted with it,
with associated data naming the client, table, column and row, so a ciphertext copied anywhere else
does not decrypt. The blob describes itself, so decryption needs no configuration:

    byte 0      format version (1)
    byte 1      algorithm (1 = AES-256-GCM, 2 = SM4-GCM)
    bytes 2-13  random 96-bit nonce
    rest        ciphertext followed by the 16-byte GCM tag

The two header bytes are authenticated with the associated data. AES-256-GCM is the default; SM4-GCM
(国密, GB/T 32907) is a configuration choice with the same construction and the same guarantees.
Random nonces are safe far beyond any one client's number of values (the bound is about 2**32 per key).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal, TypeAlias

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hezhang.security.errors import DecryptError

Algorithm: TypeAlias = Literal["aes-256-gcm", "sm4-gcm"]

DEFAULT_ALGORITHM: Final[Algorithm] = "aes-256-gcm"
#: Data key length in bytes, by algorithm.
KEY_BYTES: Final[dict[Algorithm, int]] = {"aes-256-gcm": 32, "sm4-gcm": 16}

_FORMAT_VERSION: Final = 1
_ALGORITHM_IDS: Final[dict[Algorithm, int]] = {"aes-256-gcm": 1, "sm4-gcm": 2}
_ALGORITHM_BY_ID: Final[dict[int, Algorithm]] = {v: k for k, v in _ALGORITHM_IDS.items()}
_NONCE_BYTES: Final = 12
_TAG_BYTES: Final = 16
_HEADER_BYTES: Final = 2
_AAD_CONTEXT: Final = b"hezhang field v1"


def _check_algorithm(algorithm: str) -> Algorithm:
    for known in KEY_BYTES:
        if algorithm == known:
            return known
    raise ValueError(
        f"不支持的加密算法：{algorithm!r}（可选 aes-256-gcm 或 sm4-gcm）"
        f" / unsupported algorithm: {algorithm!r} (choose aes-256-gcm or sm4-gcm)"
    )


def new_data_key(algorithm: Algorithm = DEFAULT_ALGORITHM) -> bytes:
    """A fresh random data key: 32 bytes for AES-256-GCM, 16 for SM4-GCM."""
    return os.urandom(KEY_BYTES[_check_algorithm(algorithm)])


@dataclass(frozen=True, slots=True)
class Aad:
    """Where a value lives: the associated data that binds a ciphertext to its client, table, column and row."""

    client_id: str
    table: str
    column: str
    row_id: str

    def encode(self) -> bytes:
        """Canonical bytes: a context label, then each part as a 4-byte big-endian length and its UTF-8."""
        return _aad_head(self.client_id, self.table, self.column) + _part(self.row_id)


def _part(text: str) -> bytes:
    data = text.encode("utf-8")
    return len(data).to_bytes(4, "big") + data


@lru_cache(maxsize=4096)
def _aad_head(client_id: str, table: str, column: str) -> bytes:
    """The label and the first three parts: the same for every row of one client's column (kept, not rebuilt)."""
    return _AAD_CONTEXT + _part(client_id) + _part(table) + _part(column)


class FieldCipher:
    """Encrypts with the configured algorithm; decrypts whatever algorithm the blob names."""

    def __init__(self, algorithm: Algorithm = DEFAULT_ALGORITHM) -> None:
        self.algorithm: Algorithm = _check_algorithm(algorithm)
        self._header = bytes((_FORMAT_VERSION, _ALGORITHM_IDS[self.algorithm]))
        self._aes: tuple[bytes, AESGCM] | None = None  # the last key's cipher object: a unit of work seals with one

    def encrypt(self, dek: bytes, aad: Aad, plaintext: bytes) -> bytes:
        """Encrypt `plaintext` under `dek`, bound to `aad`; return the self-describing blob."""
        if len(dek) != KEY_BYTES[self.algorithm]:
            raise ValueError(
                f"数据密钥长度应为 {KEY_BYTES[self.algorithm]} 字节 / "
                f"the data key must be {KEY_BYTES[self.algorithm]} bytes for {self.algorithm}"
            )
        header = self._header
        nonce = os.urandom(_NONCE_BYTES)
        associated = header + aad.encode()
        if self.algorithm == "aes-256-gcm":
            if self._aes is None or self._aes[0] != dek:
                self._aes = (dek, AESGCM(dek))
            sealed = self._aes[1].encrypt(nonce, plaintext, associated)
        else:
            encryptor = Cipher(algorithms.SM4(dek), modes.GCM(nonce)).encryptor()
            encryptor.authenticate_additional_data(associated)
            sealed = encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag
        return header + nonce + sealed

    def decrypt(self, dek: bytes, aad: Aad, blob: bytes) -> bytes:
        """Decrypt a blob made by `encrypt`. Raises `DecryptError` on any mismatch or damage."""
        return decrypt(dek, aad, blob)


def decrypt(dek: bytes, aad: Aad, blob: bytes) -> bytes:
    """Decrypt a blob made by `FieldCipher.encrypt` with any algorithm; raise `DecryptError` on any failure."""
    if len(blob) < _HEADER_BYTES + _NONCE_BYTES + _TAG_BYTES or blob[0] != _FORMAT_VERSION:
        raise DecryptError()
    algorithm = _ALGORITHM_BY_ID.get(blob[1])
    if algorithm is None or len(dek) != KEY_BYTES[algorithm]:
        raise DecryptError()
    header, nonce = blob[:_HEADER_BYTES], blob[_HEADER_BYTES : _HEADER_BYTES + _NONCE_BYTES]
    sealed = blob[_HEADER_BYTES + _NONCE_BYTES :]
    associated = header + aad.encode()
    try:
        if algorithm == "aes-256-gcm":
            return AESGCM(dek).decrypt(nonce, sealed, associated)
        ciphertext, tag = sealed[:-_TAG_BYTES], sealed[-_TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(dek), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(associated)
        return decryptor.update(ciphertext) + decryptor.finalize()
    except InvalidTag:
        raise DecryptError() from None


def encrypt_text(dek: bytes, aad: Aad, value: str | None, *, algorithm: Algorithm = DEFAULT_ALGORITHM) -> bytes | None:
    """Encrypt a text value as UTF-8; `None` stays `None` (an empty string is encrypted like any other)."""
    if value is None:
        return None
    return FieldCipher(algorithm).encrypt(dek, aad, value.encode("utf-8"))


def decrypt_text(dek: bytes, aad: Aad, blob: bytes | None) -> str | None:
    """Decrypt a blob made by `encrypt_text`; `None` stays `None`. Raises `DecryptError` on any failure."""
    if blob is None:
        return None
    try:
        return decrypt(dek, aad, blob).decode("utf-8")
    except UnicodeDecodeError:  # authentic but not text: not something encrypt_text wrote
        raise DecryptError() from None
