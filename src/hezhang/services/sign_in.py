"""Sign-in with a password and a second factor, sessions, sign-out.

    signed = sign_in(store, "wang.fang", password, "123456", "cli:wang@host")  # -> SignedIn(token, context)
    ctx = resume(store, signed.token, "cli:wang@host")                         # every later request
    sign_out(store, signed.token)

A sign-in needs the password and then either a TOTP code (a step never used before: a replayed code is refused)
or one of the user's recovery codes (each works once). Before anything is checked, the lockout counters
(`security.lockout`) decide whether this name may be tried from this address now: failures are counted per
(account, address) and per address, so an attacker elsewhere never locks the owner out of their usual address,
and every cool-off is finite. An unknown name is verified against a dummy hash, so it takes as long as a known
one; the person is told the same thing for every wrong credential, and the audit trail gets the exact reason.
A successful sign-in with a password hashed under older argon2 parameters stores a fresh hash. A disabled user
cannot sign in, and disabling a user ends their sessions at once.

Every attempt writes an audit event (action "login", outcome allowed or denied, the reason), and so does every
session token refused on use (action "session", see `resume`). An unknown name is
recorded as "(unknown user)", never as typed: a password typed into the name box must not land in the
permanent trail (the lockout counter of a name is keyed by a hash of it for the same reason).

The slow work (argon2) runs outside any transaction; the writes (counters, the used TOTP step or recovery code,
the session) go in one transaction after it, with compare-and-set on the step and the code so that two
concurrent sign-ins with one code cannot both succeed.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from uuid import UUID, uuid4

from hezhang.security import lockout
from hezhang.security.passwords import hash_password, verify_password
from hezhang.security.sessions import hash_token, new_session, validate
from hezhang.security.totp import use_recovery_code, verify_code
from hezhang.services.context import Context, utc_now
from hezhang.services.door import record_event
from hezhang.services.errors import UserError
from hezhang.services.second_factor import totp_secret
from hezhang.services.store_access import Store
from hezhang.store.repositories.logins import ACCOUNT, SOURCE
from hezhang.store.repositories.people import RecoveryCode, User
from hezhang.store.uow import UnitOfWork

__all__ = [
    "UNKNOWN_USER",
    "Attempt",
    "SessionEndedError",
    "SignInError",
    "SignedIn",
    "account_subject",
    "actor_label",
    "check_second_factor",
    "resume",
    "sign_in",
    "sign_out",
]

LOGIN, LOGOUT, SESSION = "login", "logout", "session"
UNKNOWN_USER: Final = "(unknown user)"
SOURCE_LIMIT = 200


class SignInError(UserError):
    """The sign-in was refused; the message is the same for every wrong credential (no oracle)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason  # what the audit trail says: bad_password, replayed_code, locked_out...


class SessionEndedError(UserError):
    """The session token is unknown, ended or timed out: sign in again."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The session token (give it back on every request; hezhang keeps only its hash) and the context."""

    token: str
    context: Context

    def __repr__(self) -> str:
        return f"SignedIn(token=***, context={self.context!r})"


_WRONG = "用户名、密码或验证码不正确 / the name, password or code is wrong"


def account_subject(name: str, source: str) -> str:
    """The lockout key of (name, address): a hash, so that a password typed as a name is never stored."""
    return hashlib.sha256(f"{name.casefold()}\x00{source}".encode()).hexdigest()


def actor_label(user: User | None) -> str:
    """How the trail names the person trying: "name <id>", or UNKNOWN_USER (never the name as typed)."""
    return UNKNOWN_USER if user is None else f"{user.name} <{user.id}>"


@dataclass
class Attempt:
    """A credential check under way: the user (None: unknown), the first failure, and what to mark used."""

    user: User | None
    failure: str | None = None
    totp_step: int | None = None
    recovery_code_id: UUID | None = None
    new_hash: str | None = None


def check_second_factor(store: Store, attempt: Attempt, code: str | None, recovery: str | None,
                        codes: list[RecoveryCode], at: datetime) -> None:  # fmt: skip
    """The user's enrolled second factor: a TOTP `code` (never a step used before) or one of their `codes` (the
    unused recovery codes) matching `recovery`; sets the step or code to mark used, or the failure."""
    user = attempt.user
    assert user is not None
    if recovery is not None:
        ok, remaining = use_recovery_code(recovery, [c.code_hash for c in codes])
        used = [c.id for c in codes if c.code_hash not in remaining]
        if ok and used:
            attempt.recovery_code_id = used[0]
        else:
            attempt.failure = "bad_recovery_code"
        return
    secret = totp_secret(store.keyring, user)
    if secret is None:
        attempt.failure = "no_second_factor"
        return
    result = verify_code(secret, code or "", now=at, last_used_step=user.totp_last_step)
    if result.ok:
        attempt.totp_step = result.step
    elif verify_code(secret, code or "", now=at, last_used_step=None).ok:
        attempt.failure = "replayed_code"
    else:
        attempt.failure = "bad_code"


def sign_in(
    store: Store, name: str, password: str, code: str | None, source: str, *, recovery_code: str | None = None,
    now: datetime | None = None,
) -> SignedIn:  # fmt: skip
    """Check the password and the second factor (a TOTP `code`, or a `recovery_code`); open a session.

    Raises `SignInError` (the same message for every wrong credential; a lockout says how long to wait)."""
    at = now or utc_now()
    request_id = uuid4().hex
    name, source = name.strip(), source[:SOURCE_LIMIT]
    subject = account_subject(name, source)
    with store.work([]) as (uow, _):
        user = uow.people.by_name(name) if name else None
        usual = uow.logins.usual_sources(user.id, at) if user is not None else frozenset()
        pair, by_source = uow.logins.failures(ACCOUNT, subject), uow.logins.failures(SOURCE, source)
        gate = lockout.check(at, account_from_source=pair, source=by_source, usual_sources=usual, source_addr=source)
        wants_codes = gate.allowed and user is not None and recovery_code is not None
        codes = uow.people.unused_recovery_codes(user.id) if wants_codes and user is not None else []
    if not gate.allowed:
        reason = f"locked_out: retry after {gate.retry_after}"
        _record(store, user, source, "denied", reason, request_id)
        raise SignInError(f"{gate.reason_zh} / {gate.reason_en}", "locked_out")
    attempt = Attempt(user)
    verification = verify_password(user.password_hash if user is not None else None, password)
    if user is None:
        attempt.failure = "unknown_user"
    elif not verification.ok:
        attempt.failure = "bad_password"
    elif not user.active:
        attempt.failure = "disabled"
    else:
        check_second_factor(store, attempt, code, recovery_code, codes, at)
    if attempt.failure is None and verification.needs_rehash:
        attempt.new_hash = hash_password(password)
    token = _settle(store, attempt, subject, source, at, request_id)
    if token is None or user is None:
        raise SignInError(_WRONG, attempt.failure or "refused")
    return SignedIn(token, Context(user_id=user.id, source=source, request_id=request_id))


def _settle(store: Store, attempt: Attempt, subject: str, source: str, at: datetime, request_id: str) -> str | None:
    """Write the outcome in one transaction: the used step or code (compare-and-set), the counters, the session,
    and the audit event of the attempt."""
    with store.work([]) as (uow, _):
        token = _settle_in(uow, attempt, subject, source, at)
        user = attempt.user
        uow.audit.record(at=at, actor=actor_label(user), source=source, action=LOGIN, client=None,
                         resource="" if user is None else f"users:{user.id}", data_classes=("S0",),
                         outcome="denied" if token is None else "allowed", reason=attempt.failure or "",
                         request_id=request_id)  # fmt: skip
        return token


def _settle_in(uow: UnitOfWork, attempt: Attempt, subject: str, source: str, at: datetime) -> str | None:
    """The used step or code (compare-and-set), the lockout counters and, on success, the session."""
    people, logins, user = uow.people, uow.logins, attempt.user
    logins.lock_counters(f"{ACCOUNT}:{subject}", f"{SOURCE}:{source}")
    if attempt.failure is None and user is not None:
        if attempt.totp_step is not None and not people.use_totp_step(user.id, attempt.totp_step):
            attempt.failure = "replayed_code"
        if attempt.recovery_code_id is not None and not people.use_recovery_code(attempt.recovery_code_id, at):
            attempt.failure = "bad_recovery_code"
    if attempt.failure is not None or user is None:
        logins.save_failures(ACCOUNT, subject, lockout.record_failure(logins.failures(ACCOUNT, subject), at))
        logins.save_failures(SOURCE, source, lockout.record_failure(logins.failures(SOURCE, source), at))
        return None
    pair, kept = lockout.reset(logins.failures(ACCOUNT, subject), logins.failures(SOURCE, source))
    logins.save_failures(ACCOUNT, subject, pair)
    logins.save_failures(SOURCE, source, kept)
    if attempt.new_hash is not None:
        people.rehash_password(user.id, attempt.new_hash)
    if attempt.totp_step is not None:
        people.mark_enrolled(user.id, at)
    token, session = new_session(str(user.id), at)
    logins.add_session(session, source)
    return token


def _record(store: Store, user: User | None, source: str, outcome: str, reason: str, request_id: str,
            action: str = LOGIN) -> None:  # fmt: skip
    resource = "" if user is None else f"users:{user.id}"
    record_event(store, actor=actor_label(user), source=source, action=action, outcome=outcome, reason=reason,
                 request_id=request_id, resource=resource)  # fmt: skip


def resume(store: Store, token: str, source: str, now: datetime | None = None) -> Context:
    """The context of a live session: checks the token, the user, the idle and absolute timeouts, and records the
    use. A session refused for its age, idleness or a disabled user is ended. Raises `SessionEndedError`.

    Every refused token is an audit event (action "session", outcome denied, from `source`): "unknown_session" for a
    token no session has (forged, or from another store), else the session's user and why ("ended",
    "expired_idle", "expired_absolute", "disabled"), written in the transaction that ends the session."""
    at = now or utc_now()
    source = source[:SOURCE_LIMIT]
    with store.work([]) as (uow, _):
        found = uow.logins.session(hash_token(token))
        user, validation = None, None
        if found is not None:
            session = found[0]
            user = uow.people.user(UUID(session.user_id))
            validation = validate(session, token, at, user_active=user is not None and user.active)
            if validation.session != session:
                uow.logins.save_session(validation.session)
        if validation is None or not validation.ok:
            reason = "unknown_session" if validation is None else validation.code
            uow.audit.record(at=at, actor=actor_label(user), source=source, action=SESSION, client=None,
                             resource="" if user is None else f"users:{user.id}", data_classes=("S0",),
                             outcome="denied", reason=reason, request_id=uuid4().hex)  # fmt: skip
    if validation is None:
        raise SessionEndedError("会话凭证无效，请重新登录 / the session token is not valid: sign in again")
    if not validation.ok:
        raise SessionEndedError(f"{validation.reason_zh} / {validation.reason_en}")
    return Context(user_id=UUID(validation.session.user_id), source=source)


def sign_out(store: Store, token: str, now: datetime | None = None, source: str = "") -> bool:
    """End the session of `token` (False when there was no live one); recorded as a "logout" event from `source`
    (default: where the session was opened), allowed, or denied for a token that is unknown ("unknown_session") or
    already ended ("ended")."""
    at = now or utc_now()
    with store.work([]) as (uow, _):
        found = uow.logins.session(hash_token(token))
        user = None if found is None else uow.people.user(UUID(found[0].user_id))
        where = (source or (found[1] if found is not None else "") or "")[:SOURCE_LIMIT]
        if found is None or found[0].revoked_at is not None:
            uow.audit.record(at=at, actor=actor_label(user), source=where, action=LOGOUT, client=None,
                             resource="" if user is None else f"users:{user.id}", data_classes=("S0",),
                             outcome="denied", reason="unknown_session" if found is None else "ended",
                             request_id=uuid4().hex)  # fmt: skip
            return False
        uow.logins.save_session(dataclasses.replace(found[0], revoked_at=at))
    _record(store, user, where, "allowed", "", uuid4().hex, action=LOGOUT)
    return True
