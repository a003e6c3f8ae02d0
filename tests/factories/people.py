"""People for service tests: a signed-in context in one call, written straight through the repositories (fast: no
argon2, no keyring, no audit event).

    from factories.people import client_user, staff

    admin = staff(store, Role.FIRM_ADMIN)
    wang = staff(store, Role.ACCOUNTANT, clients=[client_id])             # assigned, agreement, training, MFA
    li = staff(store, Role.SUPERVISOR, department="一部")                 # sees the clients of 一部's staff
    zhao = staff(store, Role.ACCOUNTANT, clients=[client_id], training=False)   # denied: training_expired
    boss = client_user(store, client_id)                                  # the client's own staff

    import_file(store, wang, client_id, ...)

A command run in-process (typer's CliRunner) or in a child process acts as a factory user when given
`HEZHANG_SESSION=session_token(store, ctx)` in its environment.

Each call makes a new user with a unique name (`name=` to choose one; `user_name(ctx)` reads it back). By default
the user is active and MFA-enrolled, has a confidentiality agreement signed 30 days before `today` and expiring a
year after it, a passed privacy training 30 days before `today`, and assignments from 30 days before `today` to a
year after it. `today` defaults to the business day in Asia/Shanghai. The user has no usable password: to test
sign-in itself, use `services.people.add_user` or `bootstrap_admin`.

`store` is anything with an `engine` (a `services.store_access.Store`, or a bare engine holder in store tests).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from itertools import count
from typing import Protocol
from uuid import UUID, uuid4

from sqlalchemy import Engine

from hezhang.security.policy import Role
from hezhang.security.sessions import new_session
from hezhang.services.context import Context, utc_now
from hezhang.store.uow import UnitOfWork

__all__ = ["NO_PASSWORD", "client_user", "session_token", "staff", "user_name"]

#: Not an argon2 hash: a factory-made user never signs in with a password.
NO_PASSWORD = "factory-made: no password"

_serial = count(1)


class HasEngine(Protocol):
    @property
    def engine(self) -> Engine: ...


def _today() -> date:
    return Context(user_id=UUID(int=0)).today()


def _unique(prefix: str) -> str:
    return f"{prefix}.{next(_serial)}.{uuid4().hex[:6]}"


def staff(
    store: HasEngine, role: Role = Role.ACCOUNTANT, *, clients: Iterable[UUID] = (), department: str | None = None,
    agreement: bool = True, training: bool = True, mfa: bool = True, active: bool = True, name: str | None = None,
    today: date | None = None, source: str = "test",
) -> Context:  # fmt: skip
    """A staff member of `role` assigned to `clients` (current on `today`), in `department` (made if missing)."""
    day = today or _today()
    now = utc_now()
    with UnitOfWork(store.engine, []) as uow:
        people = uow.people
        department_id = None
        if department is not None:
            department_id = people.department_id(department) or people.add_department(department)
        user_id = people.add_user(name or _unique(role.value), role, NO_PASSWORD, department_id=department_id,
                                  active=active)  # fmt: skip
        if mfa:
            people.mark_enrolled(user_id, now)
        if agreement:
            people.add_agreement(user_id, "test", day - timedelta(days=30), day + timedelta(days=365), "factory")
        if training:
            people.add_training(user_id, "隐私保护培训", day - timedelta(days=30), 90, True, "factory")
        for client_id in clients:
            people.assign(user_id, client_id, day - timedelta(days=30), day + timedelta(days=365), "factory")
    return Context(user_id=user_id, source=source)


def client_user(store: HasEngine, client_id: UUID, *, name: str | None = None, mfa: bool = True,
                active: bool = True, source: str = "test") -> Context:  # fmt: skip
    """One of the client's own staff (role client_user): sees that client only."""
    with UnitOfWork(store.engine, []) as uow:
        user_id = uow.people.add_user(name or _unique("client"), Role.CLIENT_USER, NO_PASSWORD, client_id=client_id,
                                      active=active)  # fmt: skip
        if mfa:
            uow.people.mark_enrolled(user_id, utc_now())
    return Context(user_id=user_id, source=source)


def user_name(store: HasEngine, ctx: Context) -> str:
    """The login name of the context's user (what services write as preparer, confirmed_by...)."""
    with UnitOfWork(store.engine, []) as uow:
        return uow.people.name_of(ctx.user_id)


def session_token(store: HasEngine, ctx: Context) -> str:
    """A live session of the context's user, as `hezhang login` leaves one: the token for `HEZHANG_SESSION`."""
    token, session = new_session(str(ctx.user_id), utc_now())
    with UnitOfWork(store.engine, []) as uow:
        uow.logins.add_session(session, ctx.source)
    return token
