"""A user's second factor: a TOTP secret sealed under the keyring, and single-use recovery codes.

`prepare_enrollment` does the slow part (argon2id hashes of the recovery codes) outside any transaction;
`store_enrollment` writes it inside the transaction of the work. The plain secret and codes are handed back once,
in the `Enrollment`, to be shown to the person and never stored or logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from hezhang.security.keyring import KeyringBackend
from hezhang.security.secret_seal import SealedSecret, open_secret, rewrap_secret, seal_secret
from hezhang.security.totp import hash_recovery_code, new_recovery_codes, new_secret, provisioning_uri
from hezhang.store.repositories.people import PeopleRepository, User

TABLE, COLUMN = "users", "totp_secret"
RECOVERY_CODES = 10


@dataclass(frozen=True, slots=True)
class Enrollment:
    """Shown once to the new user: the TOTP secret, the otpauth:// URI for an authenticator app (a QR code), and
    the recovery codes (each works once). hezhang keeps only the sealed secret and the codes' hashes."""

    secret: str
    uri: str
    recovery_codes: tuple[str, ...]

    def __repr__(self) -> str:  # never print a secret by accident (a traceback, a log line)
        return f"Enrollment(secret=***, uri=***, recovery_codes=<{len(self.recovery_codes)} hidden>)"


@dataclass(frozen=True, slots=True)
class PreparedEnrollment:
    enrollment: Enrollment
    sealed: SealedSecret
    code_hashes: tuple[str, ...]


def prepare_enrollment(keyring: KeyringBackend, user_id: UUID, name: str) -> PreparedEnrollment:
    secret = new_secret()
    codes = new_recovery_codes(RECOVERY_CODES)
    sealed = seal_secret(keyring, TABLE, COLUMN, str(user_id), secret.encode("ascii"))
    enrollment = Enrollment(secret, provisioning_uri(secret, name), tuple(codes))
    return PreparedEnrollment(enrollment, sealed, tuple(hash_recovery_code(c) for c in codes))


def store_enrollment(people: PeopleRepository, user_id: UUID, prepared: PreparedEnrollment) -> None:
    """Replace the user's second factor (secret and recovery codes); enrolment completes at the first sign-in
    with a valid code from the new secret."""
    sealed = prepared.sealed
    people.set_totp(user_id, sealed.ciphertext, sealed.wrapped_key, sealed.key_version)
    people.add_recovery_codes(user_id, list(prepared.code_hashes))


def totp_secret(keyring: KeyringBackend, user: User) -> str | None:
    """The user's TOTP secret, opened with the keyring; None when the user has none."""
    if user.totp_secret is None or user.totp_key is None or user.totp_key_version is None:
        return None
    sealed = SealedSecret(user.totp_secret, user.totp_key, user.totp_key_version)
    return open_secret(keyring, TABLE, COLUMN, str(user.id), sealed).decode("ascii")


def rewrap_second_factors(keyring: KeyringBackend, people: PeopleRepository) -> int:
    """Move every user's wrapped TOTP data key onto the keyring's current version (call it beside the clients'
    rewrap, in the same transaction); returns how many moved. A keyring version may be retired only when
    `people.totp_key_versions()` no longer names it, or those users lose their second factor."""
    moved = 0
    current = keyring.current_version
    for user in people.users():
        if user.totp_secret is None or user.totp_key is None or user.totp_key_version in (None, current):
            continue
        assert user.totp_key_version is not None
        sealed = rewrap_secret(keyring, SealedSecret(user.totp_secret, user.totp_key, user.totp_key_version))
        people.rewrap_totp_key(user.id, sealed.wrapped_key, sealed.key_version)
        moved += 1
    return moved
