"""Sign-in on SQLite and PostgreSQL: lockout that an attacker cannot turn on the owner, TOTP replay refused,
single-use recovery codes, dummy verification for unknown names, rehash, timeouts, and an audit event each time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count
from uuid import UUID

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select

from factories.enrollment import Enrolled, enroll
from factories.people import staff
from hezhang.security import lockout, passwords
from hezhang.security.activation import ACTIVATION_VALID_FOR
from hezhang.security.policy import Role
from hezhang.security.sessions import ABSOLUTE_TIMEOUT, IDLE_TIMEOUT
from hezhang.services import sign_in as sign_in_module
from hezhang.services.activation import (
    ActivationError,
    ActivationInputError,
    Answers,
    check_activation,
    complete_activation,
)
from hezhang.services.context import Context, utc_now
from hezhang.services.people import add_user, disable_user, reset_password, reset_second_factor
from hezhang.services.second_factor import rewrap_second_factors
from hezhang.services.sign_in import SessionEndedError, SignInError, resume, sign_in, sign_out
from hezhang.services.store_access import Store
from hezhang.store.tables import activations, audit_events, users
from hezhang.store.uow import UnitOfWork

PASSWORD = "correct horse battery staple 7"
NEW_PASSWORD = "another long pass phrase 42"
ATTACKER = "203.0.113.66"
T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def admin(store: Store) -> Context:
    return staff(store, Role.FIRM_ADMIN)


_serial = count(1)


@dataclass(frozen=True)
class Person:
    name: str
    enrollment: Enrolled
    home: str  # an address of their own, so that tests do not share lockout counters


@pytest.fixture
def person(store: Store, admin: Context) -> Person:
    n = next(_serial)
    name = f"user{n:03d}"
    enrolled = enroll(store, staff(store, Role.ACCOUNTANT, name=name), PASSWORD)
    return Person(name, enrolled, f"10.1.{n}.1")


def code_at(enrollment: Enrolled, at: datetime) -> str:
    return pyotp.TOTP(enrollment.secret).at(at)


def events(admin_engine: Engine, name: str) -> list[tuple[str, str, str]]:
    with admin_engine.connect() as c:
        rows = c.execute(
            select(audit_events.c.action, audit_events.c.outcome, audit_events.c.reason)
            .where(audit_events.c.actor.startswith(f"{name} <"))
            .order_by(audit_events.c.sequence)
        ).all()
    return [(r.action, r.outcome, r.reason) for r in rows]


def refused(store: Store, name: str, password: str, code: str | None, source: str, at: datetime, **kw: str) -> str:
    with pytest.raises(SignInError) as caught:
        sign_in(store, name, password, code, source, now=at, **kw)
    return caught.value.reason


def test_sign_in_opens_a_session_and_records_it(store: Store, person: Person, admin_engine: Engine) -> None:
    name, enrollment, home = person.name, person.enrollment, person.home
    signed = sign_in(store, name, PASSWORD, code_at(enrollment, T0), home, now=T0)
    assert signed.token and signed.token not in repr(signed)
    ctx = resume(store, signed.token, home, now=T0 + timedelta(minutes=5))
    assert ctx.user_id == signed.context.user_id and ctx.source == home
    with UnitOfWork(store.engine, []) as uow:
        user = uow.people.by_name(name)
        assert user is not None and user.mfa_enrolled_at is not None  # the first valid code completes enrolment
        assert uow.logins.session(signed.token.encode()) is None  # only the hash is kept
    assert events(admin_engine, name) == [("login", "allowed", "")]
    assert sign_out(store, signed.token, now=T0 + timedelta(minutes=6))
    with pytest.raises(SessionEndedError):
        resume(store, signed.token, home, now=T0 + timedelta(minutes=7))
    assert events(admin_engine, name)[-2:] == [("logout", "allowed", ""), ("session", "denied", "ended")]


def test_a_replayed_code_is_refused(store: Store, person: Person, admin_engine: Engine) -> None:
    name, enrollment, home = person.name, person.enrollment, person.home
    code = code_at(enrollment, T0)
    sign_in(store, name, PASSWORD, code, home, now=T0)
    assert refused(store, name, PASSWORD, code, home, T0 + timedelta(seconds=10)) == "replayed_code"
    earlier = code_at(enrollment, T0 - timedelta(seconds=30))  # inside the drift window, but before the used step
    assert refused(store, name, PASSWORD, earlier, home, T0 + timedelta(seconds=10)) == "replayed_code"
    assert refused(store, name, PASSWORD, "000000", home, T0 + timedelta(seconds=10)) in {"bad_code", "replayed_code"}
    sign_in(
        store, name, PASSWORD, code_at(enrollment, T0 + timedelta(seconds=30)), home, now=T0 + timedelta(seconds=30)
    )
    assert [e[1:] for e in events(admin_engine, name)][:2] == [("allowed", ""), ("denied", "replayed_code")]


def test_a_recovery_code_works_once(store: Store, person: Person) -> None:
    name, enrollment, home = person.name, person.enrollment, person.home
    first = enrollment.recovery_codes[0]
    signed = sign_in(store, name, PASSWORD, None, home, recovery_code=first.upper(), now=T0)
    assert resume(store, signed.token, home, now=T0).user_id == signed.context.user_id
    assert refused(store, name, PASSWORD, None, home, T0, recovery_code=first) == "bad_recovery_code"
    assert refused(store, name, PASSWORD, None, home, T0, recovery_code="2222-3333-4444") == "bad_recovery_code"
    sign_in(store, name, PASSWORD, None, home, recovery_code=enrollment.recovery_codes[1], now=T0)


def test_an_unknown_name_is_verified_against_the_dummy_hash(
    store: Store, admin_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str | None] = []

    def spy(stored_hash: str | None, password: str) -> passwords.Verification:
        seen.append(stored_hash)
        return passwords.verify_password(stored_hash, password)

    monkeypatch.setattr(sign_in_module, "verify_password", spy)
    typed_name = "no.such.user"
    assert refused(store, typed_name, PASSWORD, "123456", "198.51.100.7", T0) == "unknown_user"
    assert seen == [None]  # a full argon2 verification of the dummy hash ran
    with admin_engine.connect() as c:
        actors = c.execute(select(audit_events.c.actor).where(audit_events.c.reason == "unknown_user")).scalars()
        assert set(actors) == {sign_in_module.UNKNOWN_USER}  # the typed name is never written to the trail


def test_every_wrong_credential_gets_the_same_message(store: Store, person: Person) -> None:
    name, enrollment = person.name, person.enrollment
    messages = set()
    for who, password, code in ((name, "wrong password 123", code_at(enrollment, T0)), (name, PASSWORD, "000001"),
                                ("nobody.here", PASSWORD, "123456")):  # fmt: skip
        with pytest.raises(SignInError) as caught:
            sign_in(store, who, password, code, "192.0.2.50", now=T0)
        messages.add(str(caught.value))
    assert len(messages) == 1


def test_an_attacker_elsewhere_does_not_lock_the_owner_out(store: Store, person: Person) -> None:
    name, enrollment, home = person.name, person.enrollment, person.home
    sign_in(store, name, PASSWORD, code_at(enrollment, T0), home, now=T0)  # home becomes a usual source
    at = T0 + timedelta(minutes=1)
    reasons = []
    for i in range(12):
        reasons.append(refused(store, name, f"guess number {i:04d}", "123456", ATTACKER, at))
        at += timedelta(seconds=1)
    assert reasons[:3] == ["bad_password"] * 3 and "locked_out" in reasons[3:]
    # The owner, from their usual address, right now: not locked out.
    signed = sign_in(store, name, PASSWORD, code_at(enrollment, at), home, now=at)
    assert signed.token
    # The cool-off is finite: after it the attacker's address may try again (and fails on the password).
    later = at + lockout.MAX_COOLOFF + timedelta(seconds=1)
    assert refused(store, name, "still guessing 0000", "123456", ATTACKER, later) == "bad_password"


def test_a_spraying_address_is_throttled_but_not_for_a_user_who_usually_signs_in_from_it(
    store: Store, admin: Context
) -> None:
    office = "192.0.2.200"
    regular = enroll(store, staff(store, Role.ACCOUNTANT, name="office.regular"), PASSWORD)
    sign_in(store, "office.regular", PASSWORD, code_at(regular, T0), office, now=T0)
    at = T0 + timedelta(minutes=1)
    for i in range(lockout.SOURCE_FREE_FAILURES + 1):
        refused(store, f"sprayed.{i}", "whatever password 1", "123456", office, at)
    assert refused(store, "another.sprayed", "whatever password 1", "123456", office, at) == "locked_out"
    at += timedelta(seconds=1)
    assert sign_in(store, "office.regular", PASSWORD, code_at(regular, at + timedelta(seconds=30)), office,
                   now=at + timedelta(seconds=30)).token  # fmt: skip


def test_a_disabled_user_cannot_sign_in_and_all_sessions_end_at_once(
    store: Store, person: Person, admin: Context, admin_engine: Engine
) -> None:
    name, enrollment, home = person.name, person.enrollment, person.home
    tokens = [
        sign_in(store, name, PASSWORD, code_at(enrollment, T0 + timedelta(seconds=30 * i)), f"10.0.0.{i}",
                now=T0 + timedelta(seconds=30 * i)).token
        for i in range(3)
    ]  # fmt: skip
    assert disable_user(store, admin, name) == 3
    for token in tokens:
        with pytest.raises(SessionEndedError):
            resume(store, token, home, now=T0 + timedelta(minutes=2))
    at = T0 + timedelta(minutes=3)
    assert refused(store, name, PASSWORD, code_at(enrollment, at), home, at) == "disabled"
    assert events(admin_engine, name)[-1] == ("login", "denied", "disabled")


def test_idle_and_absolute_timeouts(store: Store, person: Person) -> None:
    name, enrollment, home = person.name, person.enrollment, person.home
    token = sign_in(store, name, PASSWORD, code_at(enrollment, T0), home, now=T0).token
    resume(store, token, home, now=T0 + IDLE_TIMEOUT - timedelta(seconds=1))
    with pytest.raises(SessionEndedError, match="30"):
        resume(store, token, home, now=T0 + 2 * IDLE_TIMEOUT - timedelta(seconds=1) + timedelta(seconds=1))
    with pytest.raises(SessionEndedError):  # ended for good, even if presented again soon after
        resume(store, token, home, now=T0 + 2 * IDLE_TIMEOUT)
    at = T0 + timedelta(hours=1)
    token = sign_in(store, name, PASSWORD, code_at(enrollment, at), home, now=at).token
    seen = at
    while seen + timedelta(minutes=20) < at + ABSOLUTE_TIMEOUT:
        seen += timedelta(minutes=20)
        resume(store, token, home, now=seen)
    with pytest.raises(SessionEndedError, match="12"):
        resume(store, token, home, now=at + ABSOLUTE_TIMEOUT)


def test_a_password_reset_keeps_the_second_factor_required(store: Store, person: Person, admin: Context) -> None:
    """The admin gets an activation code, not a password to choose; the old password stops working, the sessions
    end, and the person sets the new password only by also proving their second factor."""
    name, enrollment, home = person.name, person.enrollment, person.home
    token = sign_in(store, name, PASSWORD, code_at(enrollment, T0), home, now=T0).token
    with UnitOfWork(store.engine, []) as uow:
        before = uow.people.by_name(name)
    given = reset_password(store, admin, name)
    assert given.new_password and not given.new_second_factor
    with pytest.raises(SessionEndedError):
        resume(store, token, home, now=T0 + timedelta(minutes=1))
    at = utc_now()
    assert refused(store, name, PASSWORD, code_at(enrollment, at), home, at) == "bad_password"
    pending = check_activation(store, name, given.code, home, now=at)
    assert pending.new_password and not pending.new_second_factor and pending.enrollment is None
    for answers in (Answers(new_password=NEW_PASSWORD), Answers(new_password=NEW_PASSWORD, code="000000")):
        with pytest.raises(ActivationError) as caught:
            complete_activation(store, name, given.code, answers, home, now=at)
        assert caught.value.reason == "bad_code"
    done = complete_activation(store, name, given.code, Answers(new_password=NEW_PASSWORD,
                               code=code_at(enrollment, at)), home, now=at)  # fmt: skip
    assert resume(store, done.signed.token, home, now=at).user_id == enrollment.context.user_id
    assert done.recovery_codes == ()  # the second factor is the one they had
    later = at + timedelta(seconds=30)
    assert sign_in(store, name, NEW_PASSWORD, code_at(enrollment, later), home, now=later).token
    with UnitOfWork(store.engine, []) as uow:
        after = uow.people.by_name(name)
    assert before is not None and after is not None
    assert (after.totp_secret, after.totp_key, after.mfa_enrolled_at) == (
        before.totp_secret,
        before.totp_key,
        before.mfa_enrolled_at,
    )
    with pytest.raises(ActivationError) as caught:  # a code works once
        check_activation(store, name, given.code, home, now=later)
    assert caught.value.reason == "no_activation"


def test_a_new_user_chooses_their_own_password_and_authenticator(
    store: Store, admin: Context, admin_engine: Engine
) -> None:
    home = "10.2.0.1"
    user_id, given = add_user(store, admin, "new.comer", Role.ACCOUNTANT)
    assert given.new_password and given.new_second_factor and given.code not in repr(given)
    assert refused(store, "new.comer", PASSWORD, "123456", home, utc_now()) == "bad_password"  # nobody knows it
    wrong = []
    for who, code in (("new.comer", "2222-3333-4444-5555"), ("no.such.person", given.code)):
        with pytest.raises(ActivationError) as caught:
            check_activation(store, who, code, home)
        wrong.append((caught.value.reason, str(caught.value)))
    assert [r for r, _ in wrong] == ["bad_activation_code", "unknown_user"] and wrong[0][1] == wrong[1][1]
    pending = check_activation(store, "new.comer", given.code, home)
    assert pending.enrollment is not None
    secret = pending.enrollment.enrollment.secret
    with pytest.raises(ActivationInputError, match="12"):  # the password checks apply; nothing is used
        complete_activation(store, "new.comer", given.code, Answers(new_password="short", code="000000"), home,
                            enrollment=pending.enrollment)  # fmt: skip
    with pytest.raises(ActivationError) as caught:  # the authenticator counts only once a code from it is confirmed
        complete_activation(store, "new.comer", given.code, Answers(new_password=PASSWORD, code="000000"), home,
                            enrollment=pending.enrollment)  # fmt: skip
    assert caught.value.reason == "bad_new_code"
    at = utc_now()
    answers = Answers(new_password=PASSWORD, code=pyotp.TOTP(secret).at(at))
    done = complete_activation(store, "new.comer", given.code, answers, home, enrollment=pending.enrollment, now=at)
    assert len(done.recovery_codes) == 10 and resume(store, done.signed.token, home, now=at).user_id == user_id
    with pytest.raises(ActivationError) as caught:
        check_activation(store, "new.comer", given.code, home)
    assert caught.value.reason == "no_activation"
    later = at + timedelta(seconds=30)
    assert sign_in(store, "new.comer", PASSWORD, pyotp.TOTP(secret).at(later), home, now=later).token
    with admin_engine.connect() as c:
        row = c.execute(select(activations).where(activations.c.user_id == user_id)).mappings().one()
    assert row["code_hash"].startswith("$argon2id$") and row["used_at"] is not None
    assert given.code not in str(dict(row)) and given.code.replace("-", "") not in str(dict(row))
    assert events(admin_engine, "new.comer") == [
        ("login", "denied", "bad_password"),
        ("activation.use", "denied", "bad_activation_code"),
        ("activation.use", "denied", "bad_new_code"),
        ("activation.use", "allowed", "used: new password, new second factor"),
        ("login", "allowed", "activation"),
        ("activation.use", "denied", "no_activation"),
        ("login", "allowed", ""),
    ]


def test_an_activation_code_expires_after_72_hours(store: Store, admin: Context, admin_engine: Engine) -> None:
    _, given = add_user(store, admin, "late.comer", Role.ASSISTANT)
    with admin_engine.connect() as c:
        issued = c.execute(select(activations.c.created_at).join(users, users.c.id == activations.c.user_id)
                           .where(users.c.name == "late.comer")).scalar_one()  # fmt: skip
    assert given.expires_at - issued.replace(tzinfo=given.expires_at.tzinfo) == ACTIVATION_VALID_FOR
    assert check_activation(store, "late.comer", given.code, "10.4.0.1", now=given.expires_at - timedelta(seconds=1))
    with pytest.raises(ActivationError, match=r"过期.*expired") as caught:
        check_activation(store, "late.comer", given.code, "10.4.0.1", now=given.expires_at)
    assert caught.value.reason == "expired"
    assert events(admin_engine, "late.comer")[-1] == ("activation.use", "denied", "expired")


def test_wrong_activation_codes_count_against_the_sign_in_lockout(store: Store, admin: Context) -> None:
    _, given = add_user(store, admin, "guessed.at", Role.ACCOUNTANT)
    start, reasons = utc_now(), []
    for i in range(5):
        at = start + timedelta(seconds=i)
        with pytest.raises(ActivationError) as caught:
            check_activation(store, "guessed.at", f"2222-3333-4444-{i + 2}{i + 2}{i + 2}{i + 2}", ATTACKER, now=at)
        reasons.append(caught.value.reason)
    assert reasons == ["bad_activation_code"] * 4 + ["locked_out"]  # 3 free, then 2 s after the 4th
    assert refused(store, "guessed.at", "a password guess 1", "123456", ATTACKER, at) == "locked_out"  # one counter
    assert check_activation(store, "guessed.at", given.code, "10.5.0.1", now=at)  # the person, elsewhere: not locked


def test_a_lost_authenticator_is_replaced_through_an_activation_code(
    store: Store, person: Person, admin: Context
) -> None:
    name, enrollment, home = person.name, person.enrollment, person.home
    at = utc_now()
    token = sign_in(store, name, PASSWORD, code_at(enrollment, at), home, now=at).token
    given = reset_second_factor(store, admin, name)
    assert given.new_second_factor and not given.new_password
    with pytest.raises(SessionEndedError):
        resume(store, token, home, now=at)
    later = at + timedelta(seconds=30)
    assert refused(store, name, PASSWORD, code_at(enrollment, later), home, later) == "no_second_factor"
    pending = check_activation(store, name, given.code, home, now=later)
    assert not pending.new_password and pending.enrollment is not None
    new = pending.enrollment.enrollment.secret
    assert new != enrollment.secret
    guess = Answers(current_password="not my password 9", code=pyotp.TOTP(new).at(later))
    with pytest.raises(ActivationError) as caught:  # the code alone does not take the account: the password too
        complete_activation(store, name, given.code, guess, home, enrollment=pending.enrollment, now=later)
    assert caught.value.reason == "bad_password"
    answers = Answers(current_password=PASSWORD, code=pyotp.TOTP(new).at(later))
    done = complete_activation(store, name, given.code, answers, home, enrollment=pending.enrollment, now=later)
    assert len(done.recovery_codes) == 10 and not set(done.recovery_codes) & set(enrollment.recovery_codes)
    after = later + timedelta(minutes=1)
    assert refused(store, name, PASSWORD, code_at(enrollment, after), home, after) == "bad_code"
    assert refused(store, name, PASSWORD, None, home, after, recovery_code=enrollment.recovery_codes[0]) == (
        "bad_recovery_code"
    )
    assert sign_in(store, name, PASSWORD, pyotp.TOTP(new).at(after), home, now=after).token


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(store: Store, person: Person) -> None:
    name, enrollment, home = person.name, person.enrollment, person.home
    old = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    with UnitOfWork(store.engine, []) as uow:
        user = uow.people.by_name(name)
        assert user is not None
        uow.people.rehash_password(user.id, old)
    sign_in(store, name, PASSWORD, code_at(enrollment, T0), home, now=T0)
    with store.engine.connect() as c:
        stored = c.execute(select(users.c.password_hash).where(users.c.name == name)).scalar_one()
    assert stored != old and f"m={passwords.MEMORY_COST},t={passwords.TIME_COST}" in stored


def test_the_totp_secret_is_sealed_at_rest(store: Store, person: Person) -> None:
    name, enrollment = person.name, person.enrollment
    with store.engine.connect() as c:
        row = c.execute(select(users).where(users.c.name == name)).mappings().one()
    stored = b"".join(bytes(row[k]) for k in ("totp_secret", "totp_key")) + row["password_hash"].encode()
    assert enrollment.secret.encode() not in stored and PASSWORD.encode() not in stored
    assert row["password_hash"].startswith("$argon2id$")
    assert UUID(str(row["id"]))


def test_second_factors_survive_keyring_rotation_once_rewrapped(store: Store, person: Person) -> None:
    name, enrollment, home = person.name, person.enrollment, person.home
    keyring = store.keyring
    old = keyring.current_version
    new = keyring.rotate()
    with UnitOfWork(store.engine, []) as uow:
        assert uow.people.totp_key_versions().get(old)
        assert rewrap_second_factors(keyring, uow.people) >= 1
        assert set(uow.people.totp_key_versions()) == {new}
    keyring.retire(old)
    assert sign_in(store, name, PASSWORD, code_at(enrollment, T0), home, now=T0).token


def test_simultaneous_failures_each_count(store: Store) -> None:
    """Eight wrong sign-ins from one address at the same moment, in eight threads: the address's counter is 8."""
    from concurrent.futures import ThreadPoolExecutor

    from hezhang.store.repositories.logins import SOURCE
    from hezhang.store.uow import UnitOfWork

    source, at, n = "198.51.100.77", T0 + timedelta(hours=5), 8

    def attempt(i: int) -> str:
        return refused(store, f"nobody.{i}", "wrong password here", "123456", source, at)

    with ThreadPoolExecutor(max_workers=n) as pool:
        reasons = list(pool.map(attempt, range(n)))
    assert reasons == ["unknown_user"] * n
    with UnitOfWork(store.engine, []) as uow:
        counted = uow.logins.failures(SOURCE, source)
    assert counted is not None and counted.count == n
