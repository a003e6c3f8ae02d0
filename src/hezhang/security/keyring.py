"""A versioned keyring of key-encryption keys (KEKs) that wrap the clients' data keys.

The embedded default keeps the KEKs in a local JSON file, outside the database and never inside a data
backup: readable by its owner only (0600; a file that group or others may read is refused), replaced
atomically (temporary file, fsync, rename) so a crash leaves either the old or the new keyring. Changes
take an exclusive lock and re-read the file first, so two processes rotating at once lose no version.

A data key is wrapped with AES-256-GCM under the current KEK; the associated data binds the KEK version,
so a wrapped key relabelled with another version does not unwrap. Rotation adds a version and makes it
current; `rewrap` moves a wrapped key onto it; an old version can then be retired. A key still wrapped
under a retired version is lost (that is crypto-shredding, when it is meant). `derive` makes a key for one
purpose from a KEK with HKDF (the audit checkpoints' signing key), so it rotates with the keyring.

`KeyringBackend` is what the rest of hezhang depends on; a KMS or HSM can implement it later, chosen in
configuration. `Keyring` is the local-file implementation and the only one that exists.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hezhang.security.errors import DecryptError, KeyringError, UnknownKeyVersion

#: Written into the file so that a wrong file is recognised before any key is used.
FILE_FORMAT = "hezhang-keyring"
FILE_FORMAT_VERSION = 1
_KEK_BYTES = 32
_NONCE_BYTES = 12
_WRAP_CONTEXT = b"hezhang kek wrap v1"


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """A data key encrypted under KEK `version`: `blob` is the 12-byte nonce followed by ciphertext and tag."""

    version: int
    blob: bytes


@runtime_checkable
class KeyringBackend(Protocol):
    """The key-encryption service the store and services use; `Keyring` is the local-file implementation."""

    @property
    def current_version(self) -> int: ...

    def versions(self) -> list[int]: ...

    def rotate(self) -> int: ...

    def retire(self, version: int) -> None: ...

    def wrap(self, dek: bytes) -> WrappedKey: ...

    def unwrap(self, wrapped: WrappedKey) -> bytes: ...

    def rewrap(self, wrapped: WrappedKey) -> WrappedKey: ...

    def derive(self, info: bytes, version: int | None = None) -> tuple[int, bytes]: ...


def _aad(version: int) -> bytes:
    return _WRAP_CONTEXT + version.to_bytes(4, "big")


class Keyring:
    """KEKs by version, kept in a 0600 file. Build with `Keyring.create(path)` or `Keyring.open(path)`."""

    def __init__(self, path: Path, keys: dict[int, bytes], current: int) -> None:
        """Use `create` or `open`; this only holds what they read."""
        self._path = path
        self._keys = keys
        self._current = current

    # -- construction ---------------------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike[str]) -> Keyring:
        """Create a new keyring file holding one fresh KEK (version 1). Refuses to overwrite any file."""
        target = Path(path)
        if target.exists() or target.is_symlink():
            raise KeyringError(
                f"密钥环文件已存在，拒绝覆盖：{target}",
                f"the keyring file already exists, refusing to overwrite it: {target}",
            )
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        keyring = cls(target, {1: AESGCM.generate_key(bit_length=256)}, 1)
        keyring._write(exclusive=True)
        return keyring

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Keyring:
        """Read an existing keyring file; refuse it if group or others may access it, or if it is malformed."""
        target = Path(path)
        keys, current = _read(target)
        return cls(target, keys, current)

    # -- versions -------------------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self._path

    @property
    def current_version(self) -> int:
        """The version new data keys are wrapped with."""
        return self._current

    def versions(self) -> list[int]:
        """Every version still held, oldest first."""
        return sorted(self._keys)

    def rotate(self) -> int:
        """Add a fresh KEK as a new version, make it current, save; return the new version."""
        with self._locked():
            version = max(self._keys) + 1
            self._keys[version] = AESGCM.generate_key(bit_length=256)
            self._current = version
            self._write()
        return version

    def retire(self, version: int) -> None:
        """Destroy an old KEK and save. The current version cannot be retired.

        Every data key still wrapped under `version` becomes unreadable for good: rewrap first.
        """
        with self._locked():
            if version not in self._keys:
                raise UnknownKeyVersion(version)
            if version == self._current:
                raise KeyringError(
                    f"不能停用当前密钥版本 {version}，请先轮换",
                    f"cannot retire the current key version {version}; rotate first",
                )
            del self._keys[version]
            self._write()

    # -- wrapping -------------------------------------------------------------------------------------

    def wrap(self, dek: bytes) -> WrappedKey:
        """Encrypt a data key under the current KEK."""
        version = self._current
        nonce = os.urandom(_NONCE_BYTES)
        blob = nonce + AESGCM(self._keys[version]).encrypt(nonce, dek, _aad(version))
        return WrappedKey(version, blob)

    def unwrap(self, wrapped: WrappedKey) -> bytes:
        """Decrypt a wrapped data key with the KEK of its version.

        Raises `UnknownKeyVersion` when that version is not held (after re-reading the file, in case
        another process rotated), `DecryptError` when the blob was tampered with or relabelled.
        """
        if wrapped.version not in self._keys:
            self._reload()
        key = self._keys.get(wrapped.version)
        if key is None:
            raise UnknownKeyVersion(wrapped.version)
        nonce, sealed = wrapped.blob[:_NONCE_BYTES], wrapped.blob[_NONCE_BYTES:]
        if len(nonce) < _NONCE_BYTES:
            raise DecryptError()
        try:
            return AESGCM(key).decrypt(nonce, sealed, _aad(wrapped.version))
        except InvalidTag:
            raise DecryptError() from None

    def rewrap(self, wrapped: WrappedKey) -> WrappedKey:
        """Unwrap with the key's own version and wrap again under the current one."""
        return self.wrap(self.unwrap(wrapped))

    # -- derived keys ---------------------------------------------------------------------------------

    def derive(self, info: bytes, version: int | None = None) -> tuple[int, bytes]:
        """A 32-byte key for one purpose (`info`), derived with HKDF-SHA256 from the KEK of `version` (default:
        the current one); returns (version, key). Rotating the keyring rotates every derived key with it.

        `info` names the purpose, so a derived key never equals the KEK or a key derived for another purpose.
        """
        if not info:
            raise ValueError("a derived key needs a purpose (info)")
        version = self._current if version is None else version
        if version not in self._keys:
            self._reload()
        key = self._keys.get(version)
        if key is None:
            raise UnknownKeyVersion(version)
        return version, HKDF(algorithm=hashes.SHA256(), length=_KEK_BYTES, salt=None, info=info).derive(key)

    # -- the file -------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive lock on a sidecar lock file and work on the keyring as it is on disk now."""
        lock_path = self._path.with_name(self._path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._reload()
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _reload(self) -> None:
        self._keys, self._current = _read(self._path)

    def _write(self, *, exclusive: bool = False) -> None:
        """Write the keyring to a 0600 temporary file in the same folder, fsync it, then move it into place.

        With `exclusive` the final step is a hard link, which fails if the target appeared meanwhile.
        """
        document = {
            "format": FILE_FORMAT,
            "format_version": FILE_FORMAT_VERSION,
            "current": self._current,
            "keys": {str(v): base64.b64encode(k).decode("ascii") for v, k in sorted(self._keys.items())},
        }
        data = json.dumps(document, indent=2).encode("utf-8") + b"\n"
        fd, tmp = tempfile.mkstemp(prefix=f".{self._path.name}.", suffix=".tmp", dir=self._path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:  # mkstemp creates the file with mode 0600
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if exclusive:
                try:
                    os.link(tmp, self._path)
                except FileExistsError:
                    raise KeyringError(
                        f"密钥环文件已存在，拒绝覆盖：{self._path}",
                        f"the keyring file already exists, refusing to overwrite it: {self._path}",
                    ) from None
            else:
                os.replace(tmp, self._path)
            _fsync_dir(self._path.parent)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read(path: Path) -> tuple[dict[int, bytes], int]:
    """Read and check a keyring file: owner-only permissions, known format, 32-byte keys, a held current."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise KeyringError(f"找不到密钥环文件：{path}", f"keyring file not found: {path}") from None
    except OSError as exc:
        raise KeyringError(
            f"无法打开密钥环文件 {path}：{exc.strerror}", f"cannot open the keyring file {path}: {exc.strerror}"
        ) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise KeyringError(f"密钥环不是普通文件：{path}", f"the keyring is not a regular file: {path}")
        if info.st_mode & 0o077:
            mode = stat.S_IMODE(info.st_mode)
            raise KeyringError(
                f"密钥环文件 {path} 的权限为 {mode:04o}，同组或其他用户可以访问；请执行 chmod 600 {path}",
                f"the keyring file {path} has mode {mode:04o}, so group or others can access it; run chmod 600 {path}",
            )
        raw = handle.read()
    return _parse(path, raw)


def _parse(path: Path, raw: bytes) -> tuple[dict[int, bytes], int]:
    malformed = KeyringError(f"密钥环文件格式不正确：{path}", f"the keyring file is malformed: {path}")
    try:
        document = json.loads(raw)
        if document.get("format") != FILE_FORMAT or document.get("format_version") != FILE_FORMAT_VERSION:
            raise malformed
        keys = {int(v): base64.b64decode(k, validate=True) for v, k in document["keys"].items()}
        current = document["current"]
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        raise malformed from None
    if not isinstance(current, int) or current not in keys or any(len(k) != _KEK_BYTES for k in keys.values()):
        raise malformed
    if current != max(keys):
        raise malformed
    return keys, current
