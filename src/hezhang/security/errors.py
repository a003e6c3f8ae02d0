"""Errors of the crypto half of `security/`. Every message is Chinese first, then English."""

from __future__ import annotations


class SecurityError(Exception):
    """Base of the errors below: carries the message in Chinese and in English."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en

    def __str__(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


class DecryptError(SecurityError):
    """A blob or wrapped key that does not decrypt: wrong key, wrong associated data, tampered or truncated.

    The message never says which, on purpose: to an attacker every failure looks the same.
    """

    def __init__(
        self,
        message_zh: str = "解密失败：密钥或关联数据不符，或密文已被篡改",
        message_en: str = "decryption failed: wrong key or associated data, or the ciphertext was tampered with",
    ) -> None:
        super().__init__(message_zh, message_en)


class KeyringError(SecurityError):
    """The keyring file cannot be created, read or changed as asked (permissions, format, refused operation)."""


class UnknownKeyVersion(SecurityError, KeyError):  # noqa: N818 - the name the issue uses
    """A key-encryption key version that the keyring does not hold (never created, or retired)."""

    def __init__(self, version: int) -> None:
        super().__init__(
            f"密钥环中没有第 {version} 版密钥（不存在或已停用）",
            f"the keyring holds no key version {version} (never created, or retired)",
        )
        self.version = version
