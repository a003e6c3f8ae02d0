"""The firm's people: users and their second factor, departments, assignments to clients, and the registers of
confidentiality agreements and privacy training (the facts the policy decides on).

Each function goes through the door (`services.door`): user management is `Action.USER_MANAGE` (firm admin),
the registers `Action.REGISTER_RECORD` (firm admin, security officer), the list `Action.USER_LIST`, one's own
record `Action.SELF_READ`. The first
firm admin is made by `bootstrap_admin`, only while no user exists.

The firm admin never sees or chooses another person's password or second factor. A new user, a password reset
and a second-factor reset each give the admin a one-time activation code (`services.activation`), shown once, to
hand over; with it the person chooses their own password and enrols their own authenticator. A password reset ends
the user's sessions and keeps the second factor: the person proves it when they activate. A second-factor reset
ends the sessions and forgets the authenticator and the recovery codes: the person proves their password and enrols
a new one. Only the first firm admin (`bootstrap_admin`, while nobody exists) is enrolled directly: they are the
person at the keyboard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

from hezhang.security.passwords import check_new_password, hash_password
from hezhang.security.policy import Action, Role
from hezhang.services.activation import ActivationCode, issue, prepare_code
from hezhang.services.context import Context
from hezhang.services.door import Passage, door, record_event
from hezhang.services.errors import UserError
from hezhang.services.second_factor import Enrollment, prepare_enrollment, store_enrollment
from hezhang.services.store_access import Store
from hezhang.store.repositories.people import PeopleRepository, User
from hezhang.store.tables import new_id

__all__ = [
    "ActivationCode",
    "Enrollment",
    "PeopleInputError",
    "UserView",
    "add_department",
    "add_user",
    "assign",
    "bootstrap_admin",
    "disable_user",
    "end_assignment",
    "list_users",
    "record_agreement",
    "record_training",
    "reset_password",
    "reset_second_factor",
    "whoami",
]

_NAME = re.compile(r"[\w.@-]{2,64}")
BOOTSTRAP = "bootstrap"


class PeopleInputError(UserError):
    """Input the people services refuse; the message lists every reason (Chinese / English)."""


@dataclass(frozen=True, slots=True)
class UserView:
    """A user as shown to those who may list people (no secret, no hash)."""

    id: UUID
    name: str
    display_name: str | None
    role: Role
    department: str | None
    client_id: UUID | None
    active: bool
    mfa_enrolled: bool
    has_agreement: bool
    agreement_expires: date | None
    training_completed: date | None
    assigned_clients: tuple[UUID, ...]


def _refuse(reasons: list[str]) -> None:
    if reasons:
        raise PeopleInputError("；".join(reasons) if len(reasons) > 1 else reasons[0])


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise PeopleInputError(f"未知角色 {role!r}（可选 {known}）/ unknown role {role!r} (one of {known})") from None


def _find(people: PeopleRepository, user: str | UUID) -> User:
    found = people.user(user) if isinstance(user, UUID) else people.by_name(user)
    if found is None:
        raise PeopleInputError(f"没有这个用户 / no such user: {user}")
    return found


def check_new_user(name: str, role: Role | str, client_id: UUID | None, department: str | None) -> Role:
    """What can be said of a new user before a password is asked for: the name, the role and how it fits the
    client or department given (raises `PeopleInputError` with every reason). Returns the role."""
    role = _role(role)
    _refuse(_user_reasons(name, role, client_id, department))
    return role


def _user_reasons(name: str, role: Role, client_id: UUID | None, department: str | None) -> list[str]:
    reasons = []
    if not _NAME.fullmatch(name):
        reasons.append("用户名须为 2–64 个字母、数字或 . _ - @ / the name must be 2 to 64 letters, digits or . _ - @")
    if role is Role.CLIENT_USER and client_id is None:
        reasons.append("客户人员须指定所属客户（--client）/ a client user needs their client (--client)")
    if role is not Role.CLIENT_USER and client_id is not None:
        reasons.append("只有客户人员属于某个客户 / only a client user belongs to a client")
    if role is Role.CLIENT_USER and department is not None:
        reasons.append("客户人员不属于本所部门 / a client user belongs to no department of the firm")
    return reasons


def _check_new_user(name: str, role: Role, client_id: UUID | None, department: str | None, password: str) -> None:
    _refuse(_user_reasons(name, role, client_id, department) + check_new_password(password, user_name=name))


def _insert_user(passage_people: PeopleRepository, user_id: UUID, name: str, role: Role, password_hash: str, *,
                 display_name: str | None, department: str | None, client_id: UUID | None) -> None:  # fmt: skip
    if passage_people.by_name(name) is not None:
        raise PeopleInputError(f"用户名已存在 / the name is taken: {name}")
    department_id = None
    if department is not None:
        department_id = passage_people.department_id(department)
        if department_id is None:
            raise PeopleInputError(f"没有这个部门，请先 hezhang user department add / no such department: {department}")
    passage_people.add_user(name, role, password_hash, display_name=display_name, department_id=department_id,
                            client_id=client_id, user_id=user_id)  # fmt: skip


def add_user(
    store: Store, ctx: Context, name: str, role: Role | str, *, display_name: str | None = None,
    department: str | None = None, client_id: UUID | None = None,
) -> tuple[UUID, ActivationCode]:  # fmt: skip
    """A new user, without a password or a second factor of anyone's choosing: returns the id and the activation code
    to hand over (shown once), with which the person chooses their password and enrols their authenticator."""
    role = _role(role)
    _refuse(_user_reasons(name, role, client_id, department))
    user_id = new_id()
    prepared = prepare_code(placeholder_password=True)  # argon2 before the transaction: no lock held while hashing
    assert prepared.placeholder_hash is not None
    with door(store, ctx, Action.USER_MANAGE, clients=[client_id] if client_id else None) as passage:
        people = passage.uow.people
        if client_id is not None and passage.uow.clients.get(client_id) is None:
            raise PeopleInputError(f"没有这个客户 / no such client: {client_id}")
        _insert_user(people, user_id, name, role, prepared.placeholder_hash, display_name=display_name,
                     department=department, client_id=client_id)  # fmt: skip
        code = issue(passage, ctx, _find(people, user_id), prepared, new_password=True, new_second_factor=True)
        passage.touched(f"users:{user_id}", "S0", "S3", detail=f"user {name} added as {role.value}; activation issued",
                        client_id=client_id)  # fmt: skip
    return user_id, code


def needs_first_admin(store: Store) -> bool:
    """Whether the store has no user yet (then only `bootstrap_admin` can let anyone in). Reads a count, no data."""
    with store.work([]) as (uow, _):
        return uow.people.count() == 0


def bootstrap_admin(store: Store, name: str, password: str) -> tuple[UUID, Enrollment]:
    """The first firm admin, only while the store has no user at all (recorded with the actor "bootstrap")."""
    _check_new_user(name, Role.FIRM_ADMIN, None, None, password)
    user_id = new_id()
    prepared = prepare_enrollment(store.keyring, user_id, name)
    password_hash = hash_password(password)
    refused = False
    with store.work([]) as (uow, _):
        if uow.people.count() > 0:
            refused = True
        else:
            _insert_user(uow.people, user_id, name, Role.FIRM_ADMIN, password_hash, display_name=None,
                         department=None, client_id=None)  # fmt: skip
            store_enrollment(uow.people, user_id, prepared)
    outcome, reason = ("denied", "users exist") if refused else ("allowed", f"first firm admin {name}")
    record_event(store, actor=BOOTSTRAP, source="local", action=Action.USER_MANAGE.value, outcome=outcome,
                 reason=reason, request_id=uuid4().hex, resource="" if refused else f"users:{user_id}",
                 data_classes=("S0", "S3"))  # fmt: skip
    if refused:
        raise PeopleInputError(
            "已有用户，不能再初始化管理员；请由管理员用 hezhang user add 添加 / "
            "users exist already: an admin adds people with `hezhang user add`"
        )
    return user_id, prepared.enrollment


def disable_user(store: Store, ctx: Context, user: str | UUID) -> int:
    """Disable the account, end every session of it at once and revoke its activation code; returns how many
    sessions were live. The last active firm admin cannot be disabled (nobody could manage people any more)."""
    with door(store, ctx, Action.USER_MANAGE) as passage:
        people = passage.uow.people
        found = _find(people, user)
        if found.role == Role.FIRM_ADMIN and found.active and people.count_active(Role.FIRM_ADMIN) <= 1:
            raise PeopleInputError("不能停用最后一位管理员 / the last active firm admin cannot be disabled")
        now = ctx.now()
        people.disable(found.id, now)
        people.revoke_activations(found.id, now)
        ended = passage.uow.logins.revoke_all(found.id, now)
        passage.touched(f"users:{found.id}", "S0", detail=f"user {found.name} disabled; {ended} sessions ended")
    return ended


def _active(people: PeopleRepository, user: str | UUID) -> User:
    found = _find(people, user)
    if not found.active:
        raise PeopleInputError(f"账号已停用 / the account is disabled: {found.name}")
    return found


def reset_password(store: Store, ctx: Context, user: str | UUID) -> ActivationCode:
    """The user's password stops working and their sessions end; returns the activation code with which they choose
    a new one. The second factor stays: they prove it when they activate (a reset never bypasses it)."""
    prepared = prepare_code(placeholder_password=True)
    assert prepared.placeholder_hash is not None
    with door(store, ctx, Action.USER_MANAGE) as passage:
        people, now = passage.uow.people, ctx.now()
        found = _active(people, user)
        people.set_password(found.id, prepared.placeholder_hash, now)
        ended = passage.uow.logins.revoke_all(found.id, now)
        code = issue(passage, ctx, found, prepared, new_password=True, new_second_factor=False)
        passage.touched(f"users:{found.id}", "S0", "S3",
                        detail=f"password reset: activation issued; {ended} sessions ended")  # fmt: skip
    return code


def reset_second_factor(store: Store, ctx: Context, user: str | UUID) -> ActivationCode:
    """A lost authenticator: the user's TOTP secret and unused recovery codes are forgotten and their sessions end;
    returns the activation code with which they prove their password and enrol a new authenticator."""
    prepared = prepare_code(placeholder_password=False)
    with door(store, ctx, Action.USER_MANAGE) as passage:
        people, now = passage.uow.people, ctx.now()
        found = _active(people, user)
        people.clear_second_factor(found.id)
        ended = passage.uow.logins.revoke_all(found.id, now)
        code = issue(passage, ctx, _find(people, found.id), prepared, new_password=False, new_second_factor=True)
        passage.touched(f"users:{found.id}", "S0", "S3",
                        detail=f"second factor reset: activation issued; {ended} sessions ended")  # fmt: skip
    return code


def add_department(store: Store, ctx: Context, name: str) -> UUID:
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise PeopleInputError("部门名称须为 1–100 个字符 / a department name has 1 to 100 characters")
    with door(store, ctx, Action.USER_MANAGE) as passage:
        if passage.uow.people.department_id(name) is not None:
            raise PeopleInputError(f"部门已存在 / the department exists: {name}")
        department_id = passage.uow.people.add_department(name)
        passage.touched(f"departments:{department_id}", "S0", detail=f"department {name} added")
    return department_id


def assign(store: Store, ctx: Context, user: str | UUID, client_id: UUID, starts_on: date, ends_on: date) -> UUID:
    """Assign a staff member to a client from `starts_on` to `ends_on` (inclusive; an end date is required)."""
    if ends_on < starts_on:
        raise PeopleInputError(f"结束日期早于开始日期 / the end {ends_on} is before the start {starts_on}")
    with door(store, ctx, Action.USER_MANAGE, clients=[client_id]) as passage:
        found = _staff(passage, user)
        if passage.uow.clients.get(client_id) is None:
            raise PeopleInputError(f"没有这个客户 / no such client: {client_id}")
        assignment_id = passage.uow.people.assign(found.id, client_id, starts_on, ends_on, passage.name, ctx.now())
        passage.touched(f"assignments:{assignment_id}", "S0", client_id=client_id,
                        detail=f"{found.name} assigned {starts_on}..{ends_on}")  # fmt: skip
    return assignment_id


def end_assignment(store: Store, ctx: Context, user: str | UUID, client_id: UUID) -> int:
    """End the staff member's assignments to the client now (current and future ones); returns how many."""
    with door(store, ctx, Action.USER_MANAGE, clients=[client_id]) as passage:
        found = _find(passage.uow.people, user)
        ended = passage.uow.people.end_assignments(found.id, client_id, ctx.now())
        if not ended:
            raise PeopleInputError(f"{found.name} 没有该客户的有效分派 / has no open assignment to {client_id}")
        passage.touched(f"users:{found.id}", "S0", client_id=client_id, detail=f"{ended} assignments ended")
    return ended


def _staff(passage: Passage, user: str | UUID) -> User:
    found = _active(passage.uow.people, user)
    if found.role == Role.CLIENT_USER:
        raise PeopleInputError(f"客户人员不能分派到客户 / a client user is not assigned to clients: {found.name}")
    return found


def record_agreement(
    store: Store, ctx: Context, user: str | UUID, version: str, signed_on: date, expires_on: date | None
) -> UUID:
    """Enter a signed confidentiality agreement in the register (append-only)."""
    reasons = []
    if not version.strip():
        reasons.append("须填写协议版本 / the agreement's version is required")
    if signed_on > ctx.today():
        reasons.append(f"签署日期在将来 / the signing date {signed_on} is in the future")
    if expires_on is not None and expires_on <= signed_on:
        reasons.append(f"到期日须晚于签署日 / the expiry {expires_on} must be after the signing date")
    _refuse(reasons)
    with door(store, ctx, Action.REGISTER_RECORD) as passage:
        found = _find(passage.uow.people, user)
        row_id = passage.uow.people.add_agreement(found.id, version.strip(), signed_on, expires_on, passage.name,
                                                  ctx.now())  # fmt: skip
        passage.touched(f"confidentiality_agreements:{row_id}", "S0",
                        detail=f"{found.name} signed version {version.strip()}")  # fmt: skip
    return row_id


def record_training(
    store: Store, ctx: Context, user: str | UUID, course: str, completed_on: date, score: int | None, passed: bool
) -> UUID:
    """Enter a completed privacy training in the register (append-only); only a passed one counts."""
    reasons = []
    if not course.strip():
        reasons.append("须填写课程名称 / the course is required")
    if completed_on > ctx.today():
        reasons.append(f"完成日期在将来 / the completion date {completed_on} is in the future")
    if score is not None and not 0 <= score <= 100:
        reasons.append(f"分数须在 0–100 之间 / the score must be 0 to 100, not {score}")
    _refuse(reasons)
    with door(store, ctx, Action.REGISTER_RECORD) as passage:
        found = _find(passage.uow.people, user)
        row_id = passage.uow.people.add_training(found.id, course.strip(), completed_on, score, passed,
                                                 passage.name, ctx.now())  # fmt: skip
        passage.touched(f"training_records:{row_id}", "S0",
                        detail=f"{found.name} {'passed' if passed else 'failed'} {course.strip()}")  # fmt: skip
    return row_id


def _view(people: PeopleRepository, user: User, today: date, departments: dict[UUID, str]) -> UserView:
    has_agreement, expires = people.agreement(user.id, today)
    return UserView(
        id=user.id, name=user.name, display_name=user.display_name, role=Role(user.role),
        department=None if user.department_id is None else departments.get(user.department_id),
        client_id=user.client_id, active=user.active, mfa_enrolled=user.mfa_enrolled_at is not None,
        has_agreement=has_agreement, agreement_expires=expires,
        training_completed=people.training_completed(user.id, today),
        assigned_clients=tuple(sorted(people.assigned_clients(user.id, today))),
    )  # fmt: skip


def list_users(store: Store, ctx: Context) -> list[UserView]:
    """Every user with the facts the policy uses on today's date (no secret, no hash)."""
    with door(store, ctx, Action.USER_LIST, resource="users") as passage:
        people, today = passage.uow.people, ctx.today()
        departments = people.department_names()
        shown = [_view(people, u, today, departments) for u in people.users()]
        passage.touched("users", "S0", "S1", detail=f"{len(shown)} users listed")
    return shown


def whoami(store: Store, ctx: Context) -> UserView:
    """The signed-in user's own record, read through the door like any other read (`Action.SELF_READ`)."""
    with door(store, ctx, Action.SELF_READ, resource=f"users:{ctx.user_id}") as passage:
        people = passage.uow.people
        found = people.user(ctx.user_id)
        if found is None:
            raise PeopleInputError(f"没有这个用户 / no such user: {ctx.user_id}")
        passage.touched(f"users:{found.id}", "S0", "S1", detail="own record read")
        return _view(people, found, ctx.today(), people.department_names())
