"""TOTP second factor (RFC 6238 via pyotp) and single-use recovery codes.

`verify_code` accepts the code of the current 30-second step and of one step either side (clock drift),
and refuses any step at or before the last one used: a code, once accepted, can never be accepted again,
not even a code of an earlier step still inside the window. The caller stores the returned step.

Recovery codes are 12 random characters from a 31-symbol alphabet without look-alikes (0/o, 1/l/i),
shown as 4-4-4 groups (about 59 bits each). They are stored hashed with argon2id (`passwords.hash_password`),
not with a fast salted SHA-256: 59 bits is within reach of a GPU farm against a fast hash once the table
leaks, while argon2 puts it far out of reach; the price, at most `n` verifications when a code is used, is
paid rarely (a lost device) and is bounded by lockout. A used code is removed, so it works once.

Resetting a password must not bypass MFA: a reset proves control of the mailbox or of an administrator, not
of the second factor, so the enrolled TOTP secret and the recovery codes survive it and are still required at
the next login. The service layer enforces this; nothing here clears a second factor.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import pyotp

from hezhang.security.passwords import hash_password, verify_password

INTERVAL: Final = 30  # seconds per step
DIGITS: Final = 6
DRIFT_STEPS: Final = 1  # steps accepted either side of the current one
DEFAULT_ISSUER: Final = "hezhang 核账"

RECOVERY_ALPHABET: Final = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_GROUPS: Final = 3
RECOVERY_GROUP_LENGTH: Final = 4


@dataclass(frozen=True, slots=True)
class TotpResult:
    """`ok` when the code was accepted; `step` is then the step it belongs to (store it), else `None`."""

    ok: bool
    step: int | None


def new_secret() -> str:
    """A fresh random base32 TOTP secret (32 characters, 160 bits)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, account: str, issuer: str = DEFAULT_ISSUER) -> str:
    """The otpauth:// URI an authenticator app reads (usually shown as a QR code)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(name=account, issuer_name=issuer)


def step_at(now: datetime) -> int:
    """The TOTP step (counter) of the instant `now`, which must carry a time zone."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware / now 必须带时区")
    return int(now.timestamp()) // INTERVAL


def verify_code(secret: str, code: str, *, now: datetime, last_used_step: int | None) -> TotpResult:
    """Accept `code` if it is the code of a step within ±`DRIFT_STEPS` of `now` and later than `last_used_step`.

    Spaces in the code are ignored; anything but `DIGITS` digits fails. Every candidate step is compared
    (constant-time), so the time taken does not tell which step matched.
    """
    candidate = "".join(code.split())
    if len(candidate) != DIGITS or not (candidate.isascii() and candidate.isdigit()):
        return TotpResult(ok=False, step=None)
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    current = step_at(now)
    matched: int | None = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), candidate) and (
            last_used_step is None or step > last_used_step
        ):
            matched = step
    return TotpResult(ok=matched is not None, step=matched)


def new_recovery_codes(n: int = 10) -> list[str]:
    """`n` fresh random recovery codes such as "7kq3-mx9p-2hde" (show once, store only their hashes)."""
    length = RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH
    codes = []
    for _ in range(n):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(length))
        codes.append("-".join(raw[i : i + RECOVERY_GROUP_LENGTH] for i in range(0, length, RECOVERY_GROUP_LENGTH)))
    return codes


def normalize_recovery_code(code: str) -> str | None:
    """The canonical form (lower case, no spaces or hyphens) of a typed code, or `None` if it cannot be one."""
    raw = "".join(ch for ch in code.casefold() if ch not in "- \t")
    if len(raw) != RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in raw):
        return None
    return raw


def hash_recovery_code(code: str) -> str:
    """The argon2id hash of the canonical form of `code` (see the module docstring for why argon2)."""
    raw = normalize_recovery_code(code)
    if raw is None:
        raise ValueError("not a recovery code / 不是恢复码")
    return hash_password(raw)


def use_recovery_code(code: str, hashes: Sequence[str]) -> tuple[bool, list[str]]:
    """Try `code` against the stored `hashes`: `(True, hashes without the matching one)` or `(False, hashes)`.

    The caller stores the remaining hashes, so the same code never works twice.
    """
    remaining = list(hashes)
    raw = normalize_recovery_code(code)
    if raw is None:
        return False, remaining
    for index, stored in enumerate(remaining):
        if verify_password(stored, raw).ok:
            del remaining[index]
            return True, remaining
    return False, remaining
