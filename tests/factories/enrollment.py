"""People who sign in for real, and what the command line prints once.

    person = enroll(store, staff(store, Role.ACCOUNTANT), PASSWORD)    # a fixture: enrolled directly, fast
    sign_in(store, person.name, PASSWORD, pyotp.TOTP(person.secret).now(), "10.0.0.1")

    _, given = people.add_user(store, admin, "wang", Role.ACCOUNTANT)  # the real way: an activation code
    done, secret = activate(store, given, PASSWORD)                   # the person activates; signed in

`totp_secret(output)` and `activation_code(output)` read what `hezhang init --admin` / `hezhang activate` and
`hezhang user add` print once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import pyotp
import pytest

from hezhang.security.passwords import hash_password
from hezhang.services import second_factor
from hezhang.services.activation import Activated, ActivationCode, Answers, check_activation, complete_activation
from hezhang.services.context import Context, utc_now
from hezhang.services.second_factor import prepare_enrollment, store_enrollment
from hezhang.services.store_access import Store
from hezhang.store.uow import UnitOfWork


@dataclass(frozen=True)
class Enrolled:
    """A user with a password and a TOTP second factor (and its recovery codes), as a test knows them."""

    context: Context
    name: str
    password: str
    secret: str
    recovery_codes: tuple[str, ...]


def enroll(store: Store, ctx: Context, password: str) -> Enrolled:
    """Give a factory-made user (`factories.people.staff` or `client_user`) a password and a fresh second factor,
    written straight through the repositories, as a test fixture. Enrolment completes at their first sign-in."""
    with UnitOfWork(store.engine, []) as uow:
        name = uow.people.name_of(ctx.user_id)
    prepared = prepare_enrollment(store.keyring, ctx.user_id, name)
    password_hash = hash_password(password)
    with UnitOfWork(store.engine, []) as uow:
        uow.people.set_password(ctx.user_id, password_hash, utc_now())
        store_enrollment(uow.people, ctx.user_id, prepared)
    shown = prepared.enrollment
    return Enrolled(ctx, name, password, shown.secret, shown.recovery_codes)


def activate(store: Store, given: ActivationCode, password: str, source: str = "test",
             now: datetime | None = None) -> tuple[Activated, str]:  # fmt: skip
    """What the person does with a new user's activation code: their password, their authenticator confirmed by
    its current code. Returns the activation and the authenticator's secret."""
    pending = check_activation(store, given.name, given.code, source, now=now)
    assert pending.enrollment is not None
    secret = pending.enrollment.enrollment.secret
    code = pyotp.TOTP(secret).at(now or utc_now())
    done = complete_activation(store, given.name, given.code, Answers(new_password=password, code=code), source,
                               enrollment=pending.enrollment, now=now)  # fmt: skip
    return done, secret


def totp_secret(output: str) -> str:
    """The base32 TOTP secret in a command's output (it fails the test when there is none)."""
    found = re.search(r"secret: ([A-Z2-7]{32})", output)
    assert found, output
    return found.group(1)


def activation_code(output: str) -> str:
    """The activation code `hezhang user add`, `reset-password` or `reset-mfa` printed (fails when there is none)."""
    found = re.search(r"activation code \(shown once\): ([a-z0-9]{4}(?:-[a-z0-9]{4}){3})", output)
    assert found, output
    return found.group(1)


def next_secrets(monkeypatch: pytest.MonkeyPatch, count: int = 4) -> list[str]:
    """The TOTP secrets hezhang will make next, in order, as the person's authenticator app will hold them: a command
    run in-process is given all its answers before it prints the secret, so the test knows it beforehand."""
    secrets = [pyotp.random_base32() for _ in range(count)]
    handed = iter(secrets)
    monkeypatch.setattr(second_factor, "new_secret", lambda: next(handed))
    return secrets
