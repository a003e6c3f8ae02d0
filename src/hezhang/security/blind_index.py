"""Blind indexes: keyed hashes for equality lookups of encrypted values, so SQL never needs the plaintext.

The index key is derived from the client's data key (HKDF-SHA256, info "hezhang blind index v1"), so
equal values of one client and column give equal indexes, other clients' indexes differ, and shredding
the data key makes the indexes meaningless too. The value is normalized first (NFKC, whitespace removed,
upper case; account numbers keep their digits only), so "6222 0212 3456" and "6222021234 56" meet.
The HMAC-SHA256 is truncated to 16 bytes: ample against collisions inside one client's data.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from typing import Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INDEX_BYTES: Final = 16
_INFO: Final = b"hezhang blind index v1"
_NOT_DIGITS: Final = re.compile(r"[^0-9]")


def normalize(value: str, *, account_number: bool = False) -> str:
    """The form of `value` that is indexed: NFKC, no whitespace, upper case; digits only for account numbers.

    An account number without any digit (such as "N/A") falls back to the general form rather than to "".
    """
    text = "".join(unicodedata.normalize("NFKC", value).split()).upper()
    if account_number:
        digits = _NOT_DIGITS.sub("", text)  # ASCII 0-9 only (NFKC has made full-width digits ASCII)
        if digits:
            return digits
    return text


class BlindIndexer:
    """Derives the index key from one client's data key once, then indexes many values."""

    def __init__(self, dek: bytes) -> None:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO)
        self._key = hkdf.derive(dek)

    def index(self, column: str, value: str, *, account_number: bool = False) -> bytes:
        """16 bytes of HMAC-SHA256 over the length-prefixed column name and the normalized value."""
        name = column.encode("utf-8")
        message = len(name).to_bytes(4, "big") + name + normalize(value, account_number=account_number).encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()[:INDEX_BYTES]


def blind_index(dek: bytes, column: str, value: str, *, account_number: bool = False) -> bytes:
    """The blind index of `value` in `column` under a client's data key (see `BlindIndexer` for many values)."""
    return BlindIndexer(dek).index(column, value, account_number=account_number)
