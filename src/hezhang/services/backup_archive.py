"""The encrypted container of a backup: one file, authenticated in chunks, keyed through the keyring.

    magic "HZBACKUP" | header length (4 bytes, big-endian) | header (JSON, UTF-8) | chunk | chunk | ...
    chunk = final flag (1 byte) | sealed length (4 bytes) | AES-256-GCM ciphertext and tag

A fresh random archive key is made for every archive and wrapped with the keyring's current key-encryption key
(`Keyring.wrap`); the header holds the wrapped key and its version, never a key in the clear, and never the keyring.
The body key is HKDF-SHA256 of the archive key with the header's random salt. Each chunk's associated data is the
SHA-256 of the whole header, the chunk's index and its final flag, and its nonce is its index (unique, as the key is
used once): a changed header, a changed, reordered or dropped chunk, and a cut after any chunk all fail to open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hezhang.security.errors import DecryptError, UnknownKeyVersion
from hezhang.security.keyring import KeyringBackend, WrappedKey
from hezhang.services.errors import UserError

MAGIC = b"HZBACKUP"
FORMAT = "hezhang-backup"
FORMAT_VERSION = 1
CHUNK_BYTES = 1 << 20
_MAX_HEADER = 64 * 1024
_TAG = 16
_FRAME = struct.Struct(">BI")
_BODY_INFO = b"hezhang backup body v1"


class Fault(StrEnum):
    """What is wrong with an archive or a restore (the code tests and the audit trail keep)."""

    NOT_A_BACKUP = "not-a-backup"
    WRONG_KEY = "wrong-key"
    TAMPERED = "tampered"
    TRUNCATED = "truncated"
    HASH_MISMATCH = "hash-mismatch"
    MANIFEST = "manifest"
    DUMP = "dump"
    ROW_COUNTS = "row-counts"
    SCHEMA_REVISION = "schema-revision"
    DECRYPTION_SAMPLE = "decryption-sample"
    TARGET_NOT_EMPTY = "target-not-empty"


@dataclass(frozen=True, slots=True)
class BackupProblem:
    code: Fault
    message_zh: str
    message_en: str

    def __str__(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


class BackupError(UserError):
    """A backup step that cannot go on; `problem` says what and why (Chinese / English)."""

    def __init__(self, code: Fault, message_zh: str, message_en: str) -> None:
        self.problem = BackupProblem(code, message_zh, message_en)
        super().__init__(str(self.problem))

    @property
    def code(self) -> Fault:
        return self.problem.code


def _tampered(where: str) -> BackupError:
    return BackupError(
        Fault.TAMPERED,
        f"备份文件已被改动或损坏（{where}）",
        f"the archive was changed or damaged ({where})",
    )


def _truncated() -> BackupError:
    return BackupError(Fault.TRUNCATED, "备份文件不完整（被截断）", "the archive is incomplete (truncated)")


def _body_key(archive_key: bytes, salt: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_BODY_INFO)
    return AESGCM(hkdf.derive(archive_key))


def _aad(header_digest: bytes, index: int, final: bool) -> bytes:
    return header_digest + struct.pack(">QB", index, int(final))


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


def seal_file(plain: Path, out: BinaryIO, keyring: KeyringBackend) -> int:
    """Encrypt the file `plain` into `out` under a fresh archive key wrapped by the keyring's current version;
    return that version."""
    archive_key = AESGCM.generate_key(bit_length=256)
    wrapped = keyring.wrap(archive_key)
    salt = os.urandom(32)
    header = json.dumps(
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "cipher": "aes-256-gcm",
            "kek_version": wrapped.version,
            "wrapped_key": base64.b64encode(wrapped.blob).decode("ascii"),
            "salt": base64.b64encode(salt).decode("ascii"),
        },
        sort_keys=True,
    ).encode("utf-8")
    prefix = MAGIC + struct.pack(">I", len(header)) + header
    digest = hashlib.sha256(prefix).digest()
    body = _body_key(archive_key, salt)
    out.write(prefix)
    with plain.open("rb") as source:
        chunk = source.read(CHUNK_BYTES)
        index = 0
        while True:
            following = source.read(CHUNK_BYTES)
            final = not following
            sealed = body.encrypt(_nonce(index), chunk, _aad(digest, index, final))
            out.write(_FRAME.pack(int(final), len(sealed)) + sealed)
            if final:
                return wrapped.version
            chunk, index = following, index + 1


def _read_exact(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    if len(data) < size:
        raise _truncated()
    return data


def _read_header(source: BinaryIO) -> tuple[bytes, dict[str, object]]:
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        if len(magic) < len(MAGIC) and MAGIC.startswith(magic) and magic:
            raise _truncated()
        raise BackupError(
            Fault.NOT_A_BACKUP, "这不是核账备份文件（文件头不符）", "not a hezhang backup (wrong file signature)"
        )
    (length,) = struct.unpack(">I", _read_exact(source, 4))
    if length > _MAX_HEADER:
        raise _tampered("文件头长度 / header length")
    raw = _read_exact(source, length)
    try:
        header = json.loads(raw)
    except ValueError:
        raise _tampered("文件头 / header") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _tampered("文件头 / header")
    if header.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            Fault.NOT_A_BACKUP,
            f"不支持的备份格式版本：{header.get('format_version')!r}",
            f"unsupported backup format version: {header.get('format_version')!r}",
        )
    return magic + struct.pack(">I", length) + raw, header


def _unwrap(header: dict[str, object], keyring: KeyringBackend) -> tuple[bytes, bytes]:
    """The archive key and the salt; a key that does not unwrap means another keyring (or a changed header)."""
    try:
        version = header["kek_version"]
        blob = base64.b64decode(str(header["wrapped_key"]), validate=True)
        salt = base64.b64decode(str(header["salt"]), validate=True)
    except (KeyError, binascii.Error):
        raise _tampered("文件头 / header") from None
    if not isinstance(version, int):
        raise _tampered("文件头 / header")
    try:
        return keyring.unwrap(WrappedKey(version, blob)), salt
    except UnknownKeyVersion:
        raise BackupError(
            Fault.WRONG_KEY,
            f"密钥环中没有加密此备份的第 {version} 版密钥：请使用与备份配套的密钥环（或其备份）",
            f"the keyring holds no key version {version}, which sealed this archive: use the keyring (or the "
            "keyring backup) that goes with it",
        ) from None
    except DecryptError:
        raise BackupError(
            Fault.WRONG_KEY,
            "无法用此密钥环解开备份密钥：密钥环不对，或文件头被改动",
            "the archive key does not unwrap with this keyring: a different keyring, or a changed header",
        ) from None


def open_chunks(source: BinaryIO, keyring: KeyringBackend) -> Iterator[bytes]:
    """Yield the plaintext of `source` chunk by chunk; raise `BackupError` at the first thing that is wrong.

    Nothing is yielded before its chunk authenticated; a caller must still treat the output as untrusted until
    the iterator ends without error (a later chunk may be missing)."""
    prefix, header = _read_header(source)
    archive_key, salt = _unwrap(header, keyring)
    body = _body_key(archive_key, salt)
    digest = hashlib.sha256(prefix).digest()
    index = 0
    while True:
        frame = source.read(_FRAME.size)
        if len(frame) < _FRAME.size:
            raise _truncated()
        flag, length = _FRAME.unpack(frame)
        if flag not in (0, 1) or length < _TAG or length > CHUNK_BYTES + _TAG:
            raise _tampered(f"第 {index + 1} 块 / chunk {index + 1}")
        sealed = _read_exact(source, length)
        try:
            yield body.decrypt(_nonce(index), sealed, _aad(digest, index, bool(flag)))
        except InvalidTag:
            raise _tampered(f"第 {index + 1} 块 / chunk {index + 1}") from None
        if flag:
            break
        index += 1
    if source.read(1):
        raise _tampered("末尾多出数据 / data after the last chunk")


def open_file(archive: Path, out: BinaryIO, keyring: KeyringBackend) -> None:
    """Decrypt `archive` into `out` (a temporary file: it holds plaintext only until the caller deletes it)."""
    with archive.open("rb") as source:
        for chunk in open_chunks(source, keyring):
            out.write(chunk)
