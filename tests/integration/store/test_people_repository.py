"""The people repository on SQLite and PostgreSQL: the facts the policy decides on, sessions and lockout counters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from sqlalchemy import Engine

from hezhang.security.lockout import Failures
from hezhang.security.policy import Action, Reason, Resource, Role, authorize
from hezhang.security.sessions import new_session
from hezhang.store.repositories.logins import ACCOUNT
from hezhang.store.uow import UnitOfWork
from integration.store.store_data import Seeded

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def _user(uow: UnitOfWork, name: str, role: Role = Role.ACCOUNTANT, department: str | None = None) -> UUID:
    department_id = None
    if department is not None:
        department_id = uow.people.department_id(department) or uow.people.add_department(department)
    user_id = uow.people.add_user(name, role, "not a hash", department_id=department_id)
    uow.people.mark_enrolled(user_id, NOW)
    return user_id


def test_actor_facts_count_only_what_is_current(engine: Engine, seed: Callable[..., Seeded]) -> None:
    a, b, c = seed("甲公司").client_id, seed("乙公司").client_id, seed("丙公司").client_id
    with UnitOfWork(engine, []) as uow:
        people = uow.people
        user = _user(uow, "wang.repo")
        people.assign(user, a, TODAY - timedelta(days=30), TODAY + timedelta(days=30), "admin")
        people.assign(user, b, TODAY - timedelta(days=60), TODAY - timedelta(days=1), "admin")  # over
        people.assign(user, c, TODAY + timedelta(days=1), TODAY + timedelta(days=60), "admin")  # not yet
        people.add_agreement(user, "2025", date(2025, 1, 1), date(2025, 12, 31), "admin")
        people.add_agreement(user, "2026", date(2026, 1, 1), TODAY - timedelta(days=1), "admin")
        people.add_training(user, "隐私保护", TODAY - timedelta(days=400), 90, True, "admin")
        people.add_training(user, "隐私保护", TODAY - timedelta(days=10), 40, False, "admin")  # failed
    with UnitOfWork(engine, []) as uow:
        actor = uow.people.actor(user, TODAY)
        assert uow.people.name_of(user) == "wang.repo"
        assert uow.people.actor(UUID(int=0), TODAY) is None
        assert uow.people.name_of(UUID(int=0)) == ""
    assert actor is not None
    assert actor.assigned_clients == frozenset({a})
    assert (actor.has_agreement, actor.agreement_expires) == (True, TODAY - timedelta(days=1))
    assert actor.training_completed == TODAY - timedelta(days=400)
    assert actor.mfa_enrolled and actor.active and actor.role is Role.ACCOUNTANT and actor.name == "wang.repo"
    assert authorize(actor, Action.CLIENT_READ, _resource(engine, a), TODAY).reason is Reason.AGREEMENT_EXPIRED
    assert authorize(actor, Action.CLIENT_READ, _resource(engine, b), TODAY).reason is Reason.NOT_ASSIGNED
    with UnitOfWork(engine, []) as uow:
        uow.people.add_agreement(user, "2027", TODAY, None, "admin")  # no expiry
        uow.people.add_training(user, "隐私保护", TODAY, 95, True, "admin")
        assert uow.people.end_assignments(user, a, NOW) == 1
        actor = uow.people.actor(user, TODAY)
    assert actor is not None and actor.agreement_expires is None and actor.training_completed == TODAY
    assert actor.assigned_clients == frozenset()


def _resource(engine: Engine, client_id: UUID) -> Resource:
    with UnitOfWork(engine, [client_id]) as uow:
        return uow.people.resource(client_id, TODAY)


def test_supervisor_sees_the_clients_of_their_department(engine: Engine, seed: Callable[..., Seeded]) -> None:
    mine, other = seed("丁公司").client_id, seed("戊公司").client_id
    with UnitOfWork(engine, []) as uow:
        boss = _user(uow, "li.boss", Role.SUPERVISOR, "一部")
        clerk = _user(uow, "zhao.clerk", Role.ACCOUNTANT, "一部")
        stranger = _user(uow, "qian.other", Role.ACCOUNTANT, "二部")
        uow.people.assign(clerk, mine, TODAY, TODAY + timedelta(days=90), "admin")
        uow.people.assign(stranger, other, TODAY, TODAY + timedelta(days=90), "admin")
        one = uow.people.department_id("一部")
    with UnitOfWork(engine, [mine, other]) as uow:
        assert uow.people.resource(mine, TODAY).departments == frozenset({one})
        assert uow.people.resource(mine, TODAY + timedelta(days=91)).departments == frozenset()
        assert uow.people.readable_clients(boss, TODAY) == frozenset({mine})
        assert not uow.people.resource(mine, TODAY).frozen
        uow.clients.set_status(other, "frozen")
        assert uow.people.resource(other, TODAY).frozen


def test_sessions_and_lockout_counters_round_trip(engine: Engine) -> None:
    with UnitOfWork(engine, []) as uow:
        user = _user(uow, "sun.session")
        token, session = new_session(str(user), NOW)
        uow.logins.add_session(session, "10.0.0.1")
        uow.logins.save_failures(ACCOUNT, "sun.session|10.0.0.9", Failures(2, NOW))
    with UnitOfWork(engine, []) as uow:
        found = uow.logins.session(session.id_hash)
        assert found == (session, "10.0.0.1")
        assert uow.logins.usual_sources(user, NOW) == frozenset({"10.0.0.1"})
        assert uow.logins.usual_sources(user, NOW + timedelta(days=91)) == frozenset()
        assert uow.logins.failures(ACCOUNT, "sun.session|10.0.0.9") == Failures(2, NOW)
        uow.logins.save_failures(ACCOUNT, "sun.session|10.0.0.9", Failures(3, NOW + timedelta(seconds=5)))
        assert uow.logins.failures(ACCOUNT, "sun.session|10.0.0.9") == Failures(3, NOW + timedelta(seconds=5))
        uow.logins.save_failures(ACCOUNT, "sun.session|10.0.0.9", None)
        assert uow.logins.failures(ACCOUNT, "sun.session|10.0.0.9") is None
        assert uow.logins.revoke_all(user, NOW) == 1
        assert uow.logins.live_sessions(user) == []
    assert token
