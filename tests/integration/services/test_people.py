"""People services on SQLite and PostgreSQL: the first admin (enrolled directly), users made and reset through
activation codes (the admin never sees a password or a second factor), departments, assignments and registers, each
through the door; and the actor facts the door decides on."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest
from sqlalchemy import Engine, select

from factories.people import client_user, staff, user_name
from hezhang.config import load_settings
from hezhang.security.keyring import Keyring
from hezhang.security.policy import Action, Reason, Role
from hezhang.services.activation import ActivationError, check_activation
from hezhang.services.clients import create_client
from hezhang.services.context import Context, utc_now
from hezhang.services.door import AccessDeniedError, door
from hezhang.services.people import (
    PeopleInputError,
    add_department,
    add_user,
    assign,
    bootstrap_admin,
    disable_user,
    end_assignment,
    list_users,
    record_agreement,
    record_training,
    reset_password,
    reset_second_factor,
    whoami,
)
from hezhang.services.store_access import Store
from hezhang.store.tables import activations, audit_events, recovery_codes, users
from hezhang.store.uow import UnitOfWork
from integration.conftest import StoreDb

PASSWORD = "correct horse battery staple 7"


@pytest.fixture(scope="module")
def admin(store: Store) -> Context:
    return staff(store, Role.FIRM_ADMIN)


@pytest.fixture(scope="module")
def client_id(store: Store, admin: Context) -> UUID:
    return create_client(store, admin, "上海人事测试有限公司")


class _Denied:
    """`with _Denied(reason):` the block raises AccessDeniedError for exactly that reason."""

    def __init__(self, reason: Reason) -> None:
        self.reason = reason

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> bool:
        assert isinstance(exc, AccessDeniedError), f"expected a denial ({self.reason}), got {exc!r}"
        assert exc.decision.reason is self.reason, exc.decision.reason
        return True


def reads(store: Store, ctx: Context, client: UUID) -> None:
    with door(store, ctx, Action.CLIENT_READ, client_id=client):
        pass


@pytest.mark.sqlite_only  # one fresh store is enough; the module's stores already have users
def test_bootstrap_makes_the_first_admin_only(store_db: StoreDb, tmp_path_factory: pytest.TempPathFactory) -> None:
    from hezhang.store import migrate

    folder = tmp_path_factory.mktemp("fresh")
    url = f"sqlite+pysqlite:///{folder / 'fresh.db'}"
    migrate.upgrade(url)
    settings = load_settings({"HEZHANG_DATA_DIR": str(folder), "HEZHANG_DATABASE_URL": url})
    Keyring.create(settings.keyring_path)
    fresh = Store(settings)
    user_id, enrollment = bootstrap_admin(fresh, "first.admin", PASSWORD)
    assert len(enrollment.recovery_codes) == 10 and enrollment.uri.startswith("otpauth://totp/")
    assert enrollment.secret not in repr(enrollment)
    with pytest.raises(PeopleInputError, match="已有用户"):
        bootstrap_admin(fresh, "second.admin", PASSWORD)
    with fresh.engine.connect() as c:
        assert c.execute(select(users.c.role).where(users.c.id == user_id)).scalar_one() == "firm_admin"
        trail = c.execute(select(audit_events.c.actor, audit_events.c.outcome).order_by(audit_events.c.sequence))
        assert trail.all() == [("bootstrap", "allowed"), ("bootstrap", "denied")]
    with UnitOfWork(fresh.engine, []) as uow:  # as if signed in once with a code
        uow.people.mark_enrolled(user_id, utc_now())
    first = Context(user_id=user_id)
    with pytest.raises(PeopleInputError, match="最后一位管理员"):
        disable_user(fresh, first, "first.admin")
    add_user(fresh, first, "second.admin", Role.FIRM_ADMIN)
    with UnitOfWork(fresh.engine, []) as uow:
        second = uow.people.by_name("second.admin")
        assert second is not None
        uow.people.mark_enrolled(second.id, utc_now())
    assert disable_user(fresh, Context(user_id=second.id), "first.admin") == 0
    with pytest.raises(PeopleInputError, match="最后一位管理员"):
        disable_user(fresh, Context(user_id=second.id), "second.admin")
    fresh.engine.dispose()


def test_add_user_gives_the_admin_an_activation_code_and_no_secret(
    store: Store, admin: Context, client_id: UUID
) -> None:
    """The firm admin is handed a one-time code, never a password or a second factor: the new user has no TOTP
    secret and no recovery code until they activate, and a password nobody knows."""
    user_id, given = add_user(store, admin, "wang.fang", Role.ACCOUNTANT, display_name="王芳")
    assert (given.user_id, given.name, given.new_password, given.new_second_factor) == (
        user_id,
        "wang.fang",
        True,
        True,
    )
    assert not hasattr(given, "secret") and given.code not in repr(given)
    with store.engine.connect() as c:
        row = c.execute(select(users).where(users.c.id == user_id)).mappings().one()
        codes = c.execute(select(recovery_codes.c.code_hash).where(recovery_codes.c.user_id == user_id)).all()
        pending = c.execute(select(activations).where(activations.c.user_id == user_id)).mappings().one()
    assert row["name"] == "wang.fang" and row["display_name"] == "王芳" and row["active"]
    assert row["totp_secret"] is None and row["mfa_enrolled_at"] is None and codes == []
    assert row["password_hash"].startswith("$argon2id$")  # of a random password: nobody can sign in before activating
    assert pending["code_hash"].startswith("$argon2id$") and pending["issued_by"] == user_name(store, admin)
    boss_id, _ = add_user(store, admin, "boss.of.client", Role.CLIENT_USER, client_id=client_id)
    with UnitOfWork(store.engine, []) as uow:
        boss = uow.people.actor(boss_id, admin.today())
    assert boss is not None and boss.own_client == client_id and not boss.mfa_enrolled


def test_a_new_code_replaces_the_open_one_and_keeps_what_it_asks(store: Store, admin: Context) -> None:
    """A password reset of someone who never activated still has them enrol an authenticator; the first code stops
    working; a disabled account's code works no more."""
    _, first = add_user(store, admin, "not.yet", Role.ASSISTANT)
    second = reset_password(store, admin, "not.yet")
    assert second.new_password and second.new_second_factor and second.code != first.code
    with pytest.raises(ActivationError) as caught:
        check_activation(store, "not.yet", first.code, "10.6.0.1")
    assert caught.value.reason == "bad_activation_code"
    assert check_activation(store, "not.yet", second.code, "10.6.0.1").enrollment is not None
    disable_user(store, admin, "not.yet")
    with pytest.raises(ActivationError) as caught:
        check_activation(store, "not.yet", second.code, "10.6.0.1")
    assert caught.value.reason == "no_activation"
    with pytest.raises(PeopleInputError, match="已停用"):
        reset_second_factor(store, admin, "not.yet")


def test_add_user_refuses_bad_input_with_every_reason(store: Store, admin: Context, client_id: UUID) -> None:
    with pytest.raises(PeopleInputError) as caught:
        add_user(store, admin, "x", "janitor")
    message = str(caught.value)
    assert "未知角色" in message
    with pytest.raises(PeopleInputError) as caught:
        add_user(store, admin, "x", Role.CLIENT_USER, department="一部")
    message = str(caught.value)
    assert "2–64" in message and "客户人员须指定所属客户" in message and "不属于本所部门" in message
    with pytest.raises(PeopleInputError, match="只有客户人员"):
        add_user(store, admin, "staff.with.client", Role.ACCOUNTANT, client_id=client_id)
    with pytest.raises(PeopleInputError, match="没有这个部门"):
        add_user(store, admin, "no.department", Role.ACCOUNTANT, department="不存在")
    add_user(store, admin, "taken.name", Role.ASSISTANT)
    with pytest.raises(PeopleInputError, match="已存在"):
        add_user(store, admin, "taken.name", Role.ASSISTANT)


def test_only_a_firm_admin_manages_people(store: Store, client_id: UUID) -> None:
    accountant = staff(store, Role.ACCOUNTANT, clients=[client_id])
    with _Denied(Reason.ROLE):
        add_user(store, accountant, "sneaky.user", Role.FIRM_ADMIN)
    with _Denied(Reason.ROLE):
        reset_second_factor(store, accountant, user_name(store, accountant))
    with _Denied(Reason.ROLE):
        add_department(store, accountant, "影子部门")
    with _Denied(Reason.ROLE):
        list_users(store, accountant)
    no_mfa = staff(store, Role.FIRM_ADMIN, mfa=False)
    with _Denied(Reason.NO_MFA):
        add_department(store, no_mfa, "未认证部门")
    officer = staff(store, Role.SECURITY_OFFICER)
    record_training(store, officer, user_name(store, accountant), "隐私保护", officer.today(), 88, True)
    auditor = staff(store, Role.AUDITOR)
    assert any(u.name == user_name(store, accountant) for u in list_users(store, auditor))


def test_assignments_decide_access_day_by_day(store: Store, client_id: UUID) -> None:
    admin = staff(store, Role.FIRM_ADMIN)
    clerk = staff(store, Role.ACCOUNTANT)
    name, today = user_name(store, clerk), clerk.today()
    with _Denied(Reason.NOT_ASSIGNED):
        reads(store, clerk, client_id)
    with pytest.raises(PeopleInputError, match="早于"):
        assign(store, admin, name, client_id, today, today - timedelta(days=1))
    assign(store, admin, name, client_id, today - timedelta(days=10), today + timedelta(days=10))
    reads(store, clerk, client_id)
    assert end_assignment(store, admin, name, client_id) == 1
    with _Denied(Reason.NOT_ASSIGNED):
        reads(store, clerk, client_id)
    assign(store, admin, name, client_id, today - timedelta(days=10), today - timedelta(days=1))  # already over
    with _Denied(Reason.NOT_ASSIGNED):
        reads(store, clerk, client_id)
    with pytest.raises(PeopleInputError, match="客户人员"):
        assign(store, admin, user_name(store, client_user(store, client_id)), client_id, today, today)


def test_registers_decide_access(store: Store, client_id: UUID) -> None:
    admin = staff(store, Role.FIRM_ADMIN)
    clerk = staff(store, Role.ACCOUNTANT, clients=[client_id], agreement=False, training=False)
    name, today = user_name(store, clerk), clerk.today()
    with _Denied(Reason.NO_AGREEMENT):
        reads(store, clerk, client_id)
    record_agreement(store, admin, name, "2025版", today - timedelta(days=400), today - timedelta(days=1))
    with _Denied(Reason.AGREEMENT_EXPIRED):
        reads(store, clerk, client_id)
    record_agreement(store, admin, name, "2026版", today - timedelta(days=1), today + timedelta(days=364))
    with _Denied(Reason.TRAINING_EXPIRED):
        reads(store, clerk, client_id)
    record_training(store, admin, name, "隐私保护", today - timedelta(days=366), 90, True)  # older than 12 months
    with _Denied(Reason.TRAINING_EXPIRED):
        reads(store, clerk, client_id)
    record_training(store, admin, name, "隐私保护", today - timedelta(days=5), 40, False)  # failed: does not count
    with _Denied(Reason.TRAINING_EXPIRED):
        reads(store, clerk, client_id)
    record_training(store, admin, name, "隐私保护", today - timedelta(days=5), 85, True)
    reads(store, clerk, client_id)
    with pytest.raises(PeopleInputError, match="将来"):
        record_training(store, admin, name, "隐私保护", today + timedelta(days=1), 85, True)
    with pytest.raises(PeopleInputError) as caught:
        record_agreement(store, admin, name, " ", today, today)
    assert "版本" in str(caught.value) and "到期日" in str(caught.value)
    me = whoami(store, clerk)
    assert me.has_agreement and me.agreement_expires == today + timedelta(days=364)
    assert me.training_completed == today - timedelta(days=5) and me.assigned_clients == (client_id,)


def test_a_supervisor_reaches_the_clients_of_their_department_only(store: Store, admin: Context) -> None:
    ours = create_client(store, admin, "一部的客户有限公司")
    theirs = create_client(store, admin, "二部的客户有限公司")
    add_department(store, admin, "审计一部")
    add_department(store, admin, "审计二部")
    staff(store, Role.ACCOUNTANT, clients=[ours], department="审计一部")
    staff(store, Role.ACCOUNTANT, clients=[theirs], department="审计二部")
    supervisor = staff(store, Role.SUPERVISOR, department="审计一部")
    reads(store, supervisor, ours)
    with _Denied(Reason.OTHER_DEPARTMENT):
        reads(store, supervisor, theirs)
    with UnitOfWork(store.engine, []) as uow:
        assert uow.people.readable_clients(supervisor.user_id, supervisor.today()) == frozenset({ours})


def test_a_client_user_reaches_their_own_company_only(store: Store, admin: Context, client_id: UUID) -> None:
    other = create_client(store, admin, "别家公司")
    boss = client_user(store, client_id)
    reads(store, boss, client_id)
    with _Denied(Reason.NOT_OWN_CLIENT):
        reads(store, boss, other)


def test_a_disabled_factory_user_is_denied(store: Store, client_id: UUID, admin_engine: Engine) -> None:
    gone = staff(store, Role.ACCOUNTANT, clients=[client_id], active=False)
    with _Denied(Reason.INACTIVE):
        reads(store, gone, client_id)
    with admin_engine.connect() as c:
        last = c.execute(select(audit_events.c.outcome, audit_events.c.reason).order_by(audit_events.c.sequence.desc()))
        assert last.first() == ("denied", "inactive")
