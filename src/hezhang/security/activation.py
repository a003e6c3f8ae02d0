"""One-time activation codes: how a person takes over the account a firm admin made or reset for them.

The admin is given a code, never a password or a second factor; the person enters the code, chooses their own
password and enrols their own authenticator (see `services.activation`). A code is 16 random characters from the
recovery codes' 31-symbol alphabet (no look-alikes), shown as 4-4-4-4 groups: about 79 bits, stored only as an
argon2id hash, usable once, for `ACTIVATION_VALID_FOR` after it was issued. Wrong codes count against the sign-in
lockout like wrong passwords.

Everything here is pure but the argon2 work; no code is logged or stored in the clear.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Final

from hezhang.security.passwords import hash_password, verify_password
from hezhang.security.totp import RECOVERY_ALPHABET

#: How long an activation code can be used after it was issued (the firm admin hands it over in person or by a
#: second channel; three days cover a weekend).
ACTIVATION_VALID_FOR: Final = timedelta(hours=72)
GROUPS: Final = 4
GROUP_LENGTH: Final = 4


def new_activation_code() -> str:
    """A fresh code such as "7kq3-mx9p-2hde-w4rt" (show it once to the admin; store `hash_activation_code` of it)."""
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def normalize_activation_code(code: str) -> str | None:
    """The canonical form of a typed code (lower case, no spaces or hyphens), or None if it cannot be one."""
    raw = "".join(ch for ch in code.casefold() if ch not in "- \t")
    if len(raw) != GROUPS * GROUP_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in raw):
        return None
    return raw


def looks_like_activation_code(text: str) -> bool:
    """Whether `text` has the shape of an activation code (a new password may not: `passwords.check_new_password`)."""
    return normalize_activation_code(text) is not None


def hash_activation_code(code: str) -> str:
    raw = normalize_activation_code(code)
    if raw is None:
        raise ValueError("not an activation code / 不是激活码")
    return hash_password(raw)


def activation_code_matches(stored_hash: str | None, code: str) -> bool:
    """Does `code` match `stored_hash`? With None (no such user, no open activation) or a malformed code, a dummy
    argon2 verification still runs, so every answer takes as long."""
    raw = normalize_activation_code(code)
    if stored_hash is None or raw is None:
        verify_password(None, code)
        return False
    return verify_password(stored_hash, raw).ok


def expiry(issued_at: datetime) -> datetime:
    return issued_at + ACTIVATION_VALID_FOR
