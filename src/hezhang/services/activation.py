"""Activation: a person takes over the account a firm admin made or reset, with a one-time code, and the admin never
sees or chooses their password or second factor.

    code = people.add_user(store, admin, "wang", Role.ACCOUNTANT)[1]   # the admin hands code.code over
    pending = check_activation(store, "wang", code.code, source)      # the person: the code is right
    shown = pending.enrollment                                        # a new authenticator, shown to them once
    done = complete_activation(store, "wang", code.code, Answers(new_password=..., code=<from the app>), source,
                               enrollment=pending.enrollment)        # -> signed in, recovery codes shown once

What the person does depends on why the code was issued (`Activation.new_password`, `.new_second_factor`):
a new user chooses a password and enrols an authenticator; after a password reset they choose a password and
prove the second factor they have (a TOTP code or a recovery code: a reset never bypasses it); after a
second-factor reset they prove the password they have and enrol a new authenticator. A new authenticator counts
only once a code from it is confirmed. The code is checked like a password: the sign-in lockout gates it
(per name and address, and per address), every wrong code counts, an unknown name is verified against a dummy hash
and gets the same message as a wrong code.

Audit events: "activation.issue" (allowed, written with the admin's "user.manage" event), "activation.use"
(allowed, with a "login" event for the session it opens; denied with the reason: unknown_user, no_activation,
bad_activation_code, expired, disabled, locked_out, bad_password, bad_new_code, bad_code, replayed_code,
bad_recovery_code, used).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import NoReturn
from uuid import UUID, uuid4

from hezhang.security import lockout
from hezhang.security.activation import (
    activation_code_matches,
    expiry,
    hash_activation_code,
    looks_like_activation_code,
    new_activation_code,
)
from hezhang.security.passwords import check_new_password, hash_password, verify_password
from hezhang.security.sessions import new_session
from hezhang.security.totp import verify_code
from hezhang.services.context import Context, utc_now
from hezhang.services.door import Passage, record_event
from hezhang.services.errors import UserError
from hezhang.services.second_factor import PreparedEnrollment, prepare_enrollment, store_enrollment
from hezhang.services.sign_in import (
    LOGIN,
    SOURCE_LIMIT,
    Attempt,
    SignedIn,
    SignInError,
    account_subject,
    actor_label,
    check_second_factor,
)
from hezhang.services.store_access import Store
from hezhang.store.repositories.logins import ACCOUNT, SOURCE
from hezhang.store.repositories.people import Activation, RecoveryCode, User
from hezhang.store.uow import UnitOfWork

__all__ = [
    "Activated",
    "ActivationCode",
    "ActivationError",
    "ActivationInputError",
    "Answers",
    "PendingActivation",
    "PreparedCode",
    "check_activation",
    "complete_activation",
    "issue",
    "looks_like_activation_code",
    "password_problems",
    "prepare_code",
]

ISSUE, USE = "activation.issue", "activation.use"
_WRONG = "用户名或激活码不正确 / the name or the activation code is wrong"


class ActivationError(SignInError):
    """The activation was refused; the message is the same for a wrong code and an unknown name."""


class ActivationInputError(UserError):
    """The person's answers cannot be used (a password the checks refuse); nothing was counted or consumed."""


@dataclass(frozen=True, slots=True)
class ActivationCode:
    """What the firm admin is shown once and hands to the person: the code, until when, and what it will ask."""

    user_id: UUID
    name: str
    code: str
    expires_at: datetime
    new_password: bool
    new_second_factor: bool

    def __repr__(self) -> str:  # never print a code by accident
        return f"ActivationCode(name={self.name!r}, code=***, expires_at={self.expires_at.isoformat()})"


@dataclass(frozen=True, slots=True)
class PreparedCode:
    """A code and its argon2 hash (and, for a code that sets the password, the hash of a random password nobody
    knows, to hold until then), made before the transaction: no lock is held while hashing."""

    code: str
    code_hash: str
    placeholder_hash: str | None

    def __repr__(self) -> str:
        return "PreparedCode(code=***)"


def prepare_code(*, placeholder_password: bool) -> PreparedCode:
    code = new_activation_code()
    placeholder = hash_password(secrets.token_urlsafe(32)) if placeholder_password else None
    return PreparedCode(code, hash_activation_code(code), placeholder)


def issue(passage: Passage, ctx: Context, user: User, prepared: PreparedCode, *, new_password: bool,
          new_second_factor: bool) -> ActivationCode:  # fmt: skip
    """Inside the firm admin's door: a new activation code for `user` (replacing an open one, whose demands it keeps:
    a password still to choose, an authenticator still to enrol), recorded as "activation.issue"."""
    people, at = passage.uow.people, ctx.now()
    pending = people.open_activation(user.id)
    if pending is not None:
        new_password |= pending.new_password
        new_second_factor |= pending.new_second_factor
    new_second_factor |= user.totp_secret is None
    until = expiry(at)
    people.add_activation(user.id, prepared.code_hash, new_password=new_password, new_second_factor=new_second_factor,
                          issued_by=passage.name, at=at, expires_at=until)  # fmt: skip
    asks = ", ".join(n for n, on in (("new password", new_password), ("new second factor", new_second_factor)) if on)
    passage.uow.audit.record(at=at, actor=passage.label, source=ctx.source, action=ISSUE, client=None,
                             resource=f"users:{user.id}", data_classes=("S0", "S3"), outcome="allowed",
                             reason=f"for {user.name}: {asks}; expires {until.isoformat()}",
                             request_id=ctx.request_id)  # fmt: skip
    return ActivationCode(user.id, user.name, prepared.code, until, new_password, new_second_factor)


@dataclass(frozen=True)
class PendingActivation:
    """The code is right: what the person is asked next, and, when they enrol, the new authenticator to show them
    (its secret and otpauth:// URI; the recovery codes come once it is confirmed)."""

    name: str
    new_password: bool
    new_second_factor: bool
    expires_at: datetime
    enrollment: PreparedEnrollment | None = field(repr=False)


@dataclass(frozen=True)
class Answers:
    """The person's answers: a password to set (`new_password`) or the one they have (`current_password`), and a
    TOTP `code` (from the new authenticator, or the enrolled one) or, to prove an enrolled factor, a recovery code."""

    new_password: str | None = field(default=None, repr=False)
    current_password: str | None = field(default=None, repr=False)
    code: str | None = field(default=None, repr=False)
    recovery_code: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Activated:
    """The session the activation opened, and the recovery codes of a newly enrolled second factor (shown once)."""

    signed: SignedIn
    recovery_codes: tuple[str, ...] = field(repr=False)


@dataclass
class _Try:
    user: User | None
    activation: Activation | None
    subject: str
    source: str
    at: datetime
    request_id: str
    codes: list[RecoveryCode]
    gate: lockout.Decision


def _load(store: Store, name: str, source: str, at: datetime, *, recovery: bool) -> _Try:
    name, source = name.strip(), source[:SOURCE_LIMIT]
    subject = account_subject(name, source)
    with store.work([]) as (uow, _):
        user = uow.people.by_name(name) if name else None
        activation = uow.people.open_activation(user.id) if user is not None else None
        usual = uow.logins.usual_sources(user.id, at) if user is not None else frozenset()
        pair, by_source = uow.logins.failures(ACCOUNT, subject), uow.logins.failures(SOURCE, source)
        gate = lockout.check(at, account_from_source=pair, source=by_source, usual_sources=usual, source_addr=source)
        codes = uow.people.unused_recovery_codes(user.id) if recovery and user is not None and gate.allowed else []
    return _Try(user, activation, subject, source, at, uuid4().hex, codes, gate)


def _refuse(store: Store, t: _Try, reason: str, *, counts: bool = True) -> NoReturn:
    """Record the refusal (and count it against the lockout), then raise what the person is told."""
    with store.work([]) as (uow, _):
        if counts:
            uow.logins.lock_counters(f"{ACCOUNT}:{t.subject}", f"{SOURCE}:{t.source}")
            for kind, key in ((ACCOUNT, t.subject), (SOURCE, t.source)):
                uow.logins.save_failures(kind, key, lockout.record_failure(uow.logins.failures(kind, key), t.at))
        uow.audit.record(at=t.at, actor=actor_label(t.user), source=t.source, action=USE, client=None,
                         resource="" if t.user is None else f"users:{t.user.id}", data_classes=("S0",),
                         outcome="denied", reason=reason, request_id=t.request_id)  # fmt: skip
    if reason == "expired" and t.activation is not None:
        until = t.activation.expires_at.isoformat(timespec="minutes")
        raise ActivationError(f"激活码已于 {until} (UTC) 过期，请管理员重新发放 / "
                              f"the activation code expired at {until} UTC: ask the firm admin for a new one",
                              reason)  # fmt: skip
    raise ActivationError(_WRONG, reason)


def _checked(store: Store, name: str, code: str, source: str, at: datetime, *, recovery: bool = False) -> _Try:
    """The code against the user's open activation (one argon2 verification whatever the case), or a refusal."""
    t = _load(store, name, source, at, recovery=recovery)
    if not t.gate.allowed:
        record_event(store, actor=actor_label(t.user), source=t.source, action=USE, outcome="denied",
                     reason=f"locked_out: retry after {t.gate.retry_after}", request_id=t.request_id,
                     resource="" if t.user is None else f"users:{t.user.id}", at=at)  # fmt: skip
        raise ActivationError(f"{t.gate.reason_zh} / {t.gate.reason_en}", "locked_out")
    matches = activation_code_matches(None if t.activation is None else t.activation.code_hash, code)
    if t.user is None:
        _refuse(store, t, "unknown_user")
    elif t.activation is None:
        _refuse(store, t, "no_activation")
    elif not matches:
        _refuse(store, t, "bad_activation_code")
    elif t.activation.expires_at <= at:
        _refuse(store, t, "expired", counts=False)  # the right code, too late: not a guess
    elif not t.user.active:
        _refuse(store, t, "disabled")
    return t


def password_problems(password: str, name: str) -> list[str]:
    """Why `password` cannot be `name`'s new password (empty: it can), to ask again before anything is used."""
    return check_new_password(password, user_name=name)


def check_activation(
    store: Store, name: str, code: str, source: str, *, now: datetime | None = None
) -> PendingActivation:
    """Is `code` the open activation code of `name`? Says what the person is asked next and, when they enrol a
    new authenticator, prepares it. Raises `ActivationError` (a wrong code counts against the lockout)."""
    t = _checked(store, name, code, source, now or utc_now())
    assert t.user is not None and t.activation is not None
    enrollment = prepare_enrollment(store.keyring, t.user.id, t.user.name) if t.activation.new_second_factor else None
    return PendingActivation(t.user.name, t.activation.new_password, t.activation.new_second_factor,
                             t.activation.expires_at, enrollment)  # fmt: skip


def complete_activation(
    store: Store, name: str, code: str, answers: Answers, source: str, *,
    enrollment: PreparedEnrollment | None = None, now: datetime | None = None,
) -> Activated:  # fmt: skip
    """Use the code: set the chosen password or prove the current one, enrol the new authenticator (confirmed by
    `answers.code`) or prove the enrolled one, and open a session, all in one transaction. Raises
    `ActivationError` (counted), or `ActivationInputError` for a password the checks refuse (nothing used)."""
    at = now or utc_now()
    t = _checked(store, name, code, source, at, recovery=answers.recovery_code is not None)
    user, activation = t.user, t.activation
    assert user is not None and activation is not None
    if activation.new_password:
        reasons = check_new_password(answers.new_password or "", user_name=user.name)
        if reasons:
            raise ActivationInputError("；".join(reasons))
    elif not verify_password(user.password_hash, answers.current_password or "").ok:
        _refuse(store, t, "bad_password")
    attempt = Attempt(user)
    if activation.new_second_factor:
        if enrollment is None:
            raise ActivationInputError(
                "须先核对激活码并显示新的验证器 / check the code first: it prepares the authenticator"
            )
        confirmed = verify_code(enrollment.enrollment.secret, answers.code or "", now=at, last_used_step=None)
        if not confirmed.ok:
            _refuse(store, t, "bad_new_code")
        attempt.totp_step = confirmed.step
    else:
        check_second_factor(store, attempt, answers.code, answers.recovery_code, t.codes, at)
        if attempt.failure is not None:
            _refuse(store, t, attempt.failure)
    password_hash = hash_password(answers.new_password or "") if activation.new_password else None
    token = _settle(store, t, activation, attempt, password_hash, enrollment)
    if token is None:
        _refuse(store, t, attempt.failure or "used")
    assert token is not None
    shown = enrollment.enrollment.recovery_codes if activation.new_second_factor and enrollment is not None else ()
    return Activated(SignedIn(token, Context(user_id=user.id, source=t.source, request_id=t.request_id)), shown)


def _settle(store: Store, t: _Try, activation: Activation, attempt: Attempt, password_hash: str | None,
            enrollment: PreparedEnrollment | None) -> str | None:  # fmt: skip
    """One transaction: the code used (compare-and-set), the proven factor's step or code used, the password and
    the new second factor stored, the counters reset, the session opened, and the events written. None: the code or
    the factor was used meanwhile (the attempt's failure says which)."""
    user = attempt.user
    assert user is not None
    try:
        with store.work([]) as (uow, _):
            return _settle_in(uow, t, user, activation, attempt, password_hash, enrollment)
    except _LostError as lost:  # rolled back: nothing used, nothing set
        attempt.failure = lost.reason
        return None


class _LostError(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _settle_in(uow: UnitOfWork, t: _Try, user: User, activation: Activation, attempt: Attempt,
               password_hash: str | None, enrollment: PreparedEnrollment | None) -> str:  # fmt: skip
    people, logins = uow.people, uow.logins
    logins.lock_counters(f"{ACCOUNT}:{t.subject}", f"{SOURCE}:{t.source}")
    if not people.use_activation(activation.id, t.at):
        raise _LostError("used")
    if activation.new_second_factor and enrollment is not None:
        store_enrollment(people, user.id, enrollment)
    if attempt.recovery_code_id is not None and not people.use_recovery_code(attempt.recovery_code_id, t.at):
        raise _LostError("bad_recovery_code")
    if attempt.totp_step is not None and not people.use_totp_step(user.id, attempt.totp_step):
        raise _LostError("replayed_code")
    if password_hash is not None:
        people.set_password(user.id, password_hash, t.at)
    people.mark_enrolled(user.id, t.at)
    pair, kept = lockout.reset(logins.failures(ACCOUNT, t.subject), logins.failures(SOURCE, t.source))
    logins.save_failures(ACCOUNT, t.subject, pair)
    logins.save_failures(SOURCE, t.source, kept)
    token, session = new_session(str(user.id), t.at)
    logins.add_session(session, t.source)
    did = [n for n, on in (("new password", activation.new_password),
                           ("new second factor", activation.new_second_factor)) if on]  # fmt: skip
    used = "used: " + ", ".join(did)
    uow.audit.record(at=t.at, actor=actor_label(user), source=t.source, action=USE, client=None,
                     resource=f"users:{user.id}", data_classes=("S0", "S3"), outcome="allowed", reason=used,
                     request_id=t.request_id)  # fmt: skip
    uow.audit.record(at=t.at, actor=actor_label(user), source=t.source, action=LOGIN, client=None,
                     resource=f"users:{user.id}", data_classes=("S0",), outcome="allowed", reason="activation",
                     request_id=t.request_id)  # fmt: skip
    return token
