"""Staff and client users, departments, recovery codes, activation codes, assignments and the registers
(agreements, training), and the facts the policy decides on (`actor`, `resource`).

Firm-level: these tables are not client-scoped, so the repository does not filter by the unit of work's allowed
clients, except where it reads a client's own row (`resource`: is the client frozen?). Secrets arrive already
hashed or sealed (S3); nothing here hashes, seals or checks a password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import RowMapping, and_, func, select

from hezhang.security.policy import Actor, Resource, Role
from hezhang.store.repositories.base import Repository
from hezhang.store.tables import (
    activations,
    assignments,
    clients,
    confidentiality_agreements,
    departments,
    recovery_codes,
    training_records,
    users,
)
from hezhang.store.tables.base import new_id, utcnow

_FROZEN = "frozen"


@dataclass(frozen=True, slots=True)
class User:
    """A user row. `password_hash` and the `totp_*` values are S3: never shown, never exported."""

    id: UUID
    name: str
    display_name: str | None
    role: str
    department_id: UUID | None
    client_id: UUID | None
    active: bool
    password_hash: str
    totp_secret: bytes | None
    totp_key: bytes | None
    totp_key_version: int | None
    totp_last_step: int | None
    mfa_enrolled_at: datetime | None
    password_changed_at: datetime | None
    created_at: datetime
    disabled_at: datetime | None


@dataclass(frozen=True, slots=True)
class Assignment:
    id: UUID
    user_id: UUID
    client_id: UUID
    starts_on: date
    ends_on: date
    assigned_by: str | None
    ended_at: datetime | None

    def current_on(self, day: date) -> bool:
        return self.ended_at is None and self.starts_on <= day <= self.ends_on


@dataclass(frozen=True, slots=True)
class RecoveryCode:
    id: UUID
    code_hash: str


@dataclass(frozen=True, slots=True)
class Activation:
    """An activation code's row (`code_hash` is S3): what the person must do with it, and until when."""

    id: UUID
    user_id: UUID
    code_hash: str
    new_password: bool
    new_second_factor: bool
    issued_by: str | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


def utc(value: datetime) -> datetime:
    """A stored time as tz-aware UTC (SQLite gives back naive datetimes; everything is stored in UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    return utc(value) if isinstance(value, datetime) else value


def _user(row: RowMapping) -> User:
    return User(**{name: _plain(row[name]) for name in User.__dataclass_fields__})


def _activation(row: RowMapping) -> Activation:
    return Activation(**{name: _plain(row[name]) for name in Activation.__dataclass_fields__})


def _assignment(row: RowMapping) -> Assignment:
    return Assignment(**{name: _plain(row[name]) for name in Assignment.__dataclass_fields__})


def current_on(day: date) -> Any:
    """The SQL condition of an assignment current on `day` (started, not past its end, not ended early)."""
    return and_(assignments.c.starts_on <= day, assignments.c.ends_on >= day, assignments.c.ended_at.is_(None))


class PeopleRepository(Repository):
    # -- departments ----------------------------------------------------------------------------------------

    def add_department(self, name: str) -> UUID:
        department_id = new_id()
        self.connection.execute(departments.insert().values(id=department_id, name=name, created_at=utcnow()))
        return department_id

    def department_id(self, name: str) -> UUID | None:
        found = self.connection.execute(select(departments.c.id).where(departments.c.name == name)).scalar()
        return None if found is None else UUID(str(found))

    def department_names(self) -> dict[UUID, str]:
        return {r.id: r.name for r in self.connection.execute(select(departments.c.id, departments.c.name))}

    # -- users ----------------------------------------------------------------------------------------------

    def add_user(
        self, name: str, role: Role, password_hash: str, *, display_name: str | None = None,
        department_id: UUID | None = None, client_id: UUID | None = None, active: bool = True,
        user_id: UUID | None = None, now: datetime | None = None,
    ) -> UUID:  # fmt: skip
        """A new user with a password hash (S3). The second factor is set with `set_totp`."""
        user_id = user_id or new_id()
        at = now or utcnow()
        self.connection.execute(
            users.insert().values(
                id=user_id, name=name, display_name=display_name, role=role.value, department_id=department_id,
                client_id=client_id, active=active, password_hash=password_hash, password_changed_at=at,
                created_at=at, disabled_at=None if active else at,
            )
        )  # fmt: skip
        return user_id

    def user(self, user_id: UUID) -> User | None:
        row = self.connection.execute(select(users).where(users.c.id == user_id)).mappings().first()
        return None if row is None else _user(row)

    def by_name(self, name: str) -> User | None:
        row = self.connection.execute(select(users).where(users.c.name == name)).mappings().first()
        return None if row is None else _user(row)

    def users(self) -> list[User]:
        rows = self.connection.execute(select(users).order_by(users.c.name)).mappings().all()
        return [_user(r) for r in rows]

    def count(self) -> int:
        return int(self.connection.execute(select(func.count()).select_from(users)).scalar_one())

    def count_active(self, role: Role) -> int:
        statement = select(func.count()).select_from(users).where(users.c.role == role.value, users.c.active)
        return int(self.connection.execute(statement).scalar_one())

    def name_of(self, user_id: UUID) -> str:
        """The login name, or "" for an unknown id."""
        return self.connection.execute(select(users.c.name).where(users.c.id == user_id)).scalar() or ""

    def set_password(self, user_id: UUID, password_hash: str, at: datetime) -> None:
        self._set(user_id, password_hash=password_hash, password_changed_at=at)

    def rehash_password(self, user_id: UUID, password_hash: str) -> None:
        """The same password under new hash parameters (not a password change)."""
        self._set(user_id, password_hash=password_hash)

    def set_totp(self, user_id: UUID, secret: bytes, key: bytes, key_version: int) -> None:
        """A new sealed TOTP secret and its wrapped data key; the step count starts over and enrolment waits for
        the first sign-in with a valid code."""
        self._set(user_id, totp_secret=secret, totp_key=key, totp_key_version=key_version, totp_last_step=None,
                  mfa_enrolled_at=None)  # fmt: skip

    def rewrap_totp_key(self, user_id: UUID, key: bytes, key_version: int) -> None:
        self._set(user_id, totp_key=key, totp_key_version=key_version)

    def totp_key_versions(self) -> dict[int, int]:
        """Keyring version -> number of users' TOTP data keys wrapped by it (for rewrap and retire)."""
        statement = (
            select(users.c.totp_key_version, func.count())
            .where(users.c.totp_key.is_not(None))
            .group_by(users.c.totp_key_version)
        )
        return {int(v): int(n) for v, n in self.connection.execute(statement)}

    def use_totp_step(self, user_id: UUID, step: int) -> bool:
        """Record `step` as used, only if it is later than the last one (compare and set): False means another
        sign-in used this step or a later one first, so the code is a replay."""
        result = self.connection.execute(
            users.update()
            .where(users.c.id == user_id)
            .where((users.c.totp_last_step.is_(None)) | (users.c.totp_last_step < step))
            .values(totp_last_step=step)
        )
        return result.rowcount == 1

    def clear_second_factor(self, user_id: UUID) -> None:
        """Forget the user's TOTP secret and unused recovery codes (a second-factor reset): until they enrol again
        they cannot sign in, and the policy sees no MFA."""
        self._set(user_id, totp_secret=None, totp_key=None, totp_key_version=None, totp_last_step=None,
                  mfa_enrolled_at=None)  # fmt: skip
        self.connection.execute(
            recovery_codes.delete().where(recovery_codes.c.user_id == user_id, recovery_codes.c.used_at.is_(None))
        )

    def mark_enrolled(self, user_id: UUID, at: datetime) -> None:
        self.connection.execute(
            users.update().where(users.c.id == user_id, users.c.mfa_enrolled_at.is_(None)).values(mfa_enrolled_at=at)
        )

    def disable(self, user_id: UUID, at: datetime) -> None:
        self._set(user_id, active=False, disabled_at=at)

    def _set(self, user_id: UUID, **values: Any) -> None:
        result = self.connection.execute(users.update().where(users.c.id == user_id).values(**values))
        if result.rowcount != 1:
            raise LookupError(f"no user {user_id}")

    # -- recovery codes -------------------------------------------------------------------------------------

    def add_recovery_codes(self, user_id: UUID, code_hashes: list[str], at: datetime | None = None) -> None:
        """Replace the user's unused recovery codes with these (argon2id hashes)."""
        self.connection.execute(
            recovery_codes.delete().where(recovery_codes.c.user_id == user_id, recovery_codes.c.used_at.is_(None))
        )
        created = at or utcnow()
        rows = [{"id": new_id(), "user_id": user_id, "code_hash": h, "created_at": created} for h in code_hashes]
        if rows:
            self.connection.execute(recovery_codes.insert(), rows)

    def unused_recovery_codes(self, user_id: UUID) -> list[RecoveryCode]:
        statement = select(recovery_codes.c.id, recovery_codes.c.code_hash).where(
            recovery_codes.c.user_id == user_id, recovery_codes.c.used_at.is_(None)
        )
        return [
            RecoveryCode(r.id, r.code_hash) for r in self.connection.execute(statement.order_by(recovery_codes.c.id))
        ]

    def use_recovery_code(self, code_id: UUID, at: datetime) -> bool:
        """Mark a code used, only if it was not (False: someone used it first)."""
        result = self.connection.execute(
            recovery_codes.update()
            .where(recovery_codes.c.id == code_id, recovery_codes.c.used_at.is_(None))
            .values(used_at=at)
        )
        return result.rowcount == 1

    # -- activation codes -----------------------------------------------------------------------------------

    def add_activation(
        self, user_id: UUID, code_hash: str, *, new_password: bool, new_second_factor: bool, issued_by: str | None,
        at: datetime, expires_at: datetime,
    ) -> UUID:  # fmt: skip
        """A new activation code for the user (an argon2id hash); any open one is revoked first."""
        self.revoke_activations(user_id, at)
        activation_id = new_id()
        self.connection.execute(
            activations.insert().values(id=activation_id, user_id=user_id, code_hash=code_hash,
                                        new_password=new_password, new_second_factor=new_second_factor,
                                        issued_by=issued_by, created_at=at, expires_at=expires_at)
        )  # fmt: skip
        return activation_id

    def open_activation(self, user_id: UUID) -> Activation | None:
        """The user's activation code not used and not revoked (it may have expired), or None."""
        statement = (
            select(activations)
            .where(activations.c.user_id == user_id, activations.c.used_at.is_(None))
            .where(activations.c.revoked_at.is_(None))
            .order_by(activations.c.created_at.desc())
        )
        row = self.connection.execute(statement).mappings().first()
        return None if row is None else _activation(row)

    def use_activation(self, activation_id: UUID, at: datetime) -> bool:
        """Mark the code used, only if it is still open (False: used or revoked meanwhile)."""
        result = self.connection.execute(
            activations.update()
            .where(activations.c.id == activation_id, activations.c.used_at.is_(None))
            .where(activations.c.revoked_at.is_(None))
            .values(used_at=at)
        )
        return result.rowcount == 1

    def revoke_activations(self, user_id: UUID, at: datetime) -> int:
        """Revoke the user's open activation codes; returns how many."""
        result = self.connection.execute(
            activations.update()
            .where(activations.c.user_id == user_id, activations.c.used_at.is_(None))
            .where(activations.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return int(result.rowcount)

    # -- assignments ----------------------------------------------------------------------------------------

    def assign(
        self, user_id: UUID, client_id: UUID, starts_on: date, ends_on: date, assigned_by: str | None,
        at: datetime | None = None,
    ) -> UUID:  # fmt: skip
        assignment_id = new_id()
        self.connection.execute(
            assignments.insert().values(id=assignment_id, user_id=user_id, client_id=client_id, starts_on=starts_on,
                                        ends_on=ends_on, assigned_by=assigned_by, created_at=at or utcnow())
        )  # fmt: skip
        return assignment_id

    def assignments_of(self, user_id: UUID) -> list[Assignment]:
        statement = select(assignments).where(assignments.c.user_id == user_id).order_by(assignments.c.starts_on)
        return [_assignment(r) for r in self.connection.execute(statement).mappings()]

    def end_assignments(self, user_id: UUID, client_id: UUID, at: datetime) -> int:
        """End every assignment of the user to the client not already ended (current and future ones)."""
        result = self.connection.execute(
            assignments.update()
            .where(assignments.c.user_id == user_id, assignments.c.client_id == client_id)
            .where(assignments.c.ended_at.is_(None))
            .values(ended_at=at)
        )
        return int(result.rowcount)

    # -- registers ------------------------------------------------------------------------------------------

    def add_agreement(
        self, user_id: UUID, version: str, signed_on: date, expires_on: date | None, recorded_by: str | None,
        at: datetime | None = None,
    ) -> UUID:  # fmt: skip
        row_id = new_id()
        self.connection.execute(
            confidentiality_agreements.insert().values(id=row_id, user_id=user_id, version=version,
                                                       signed_on=signed_on, expires_on=expires_on,
                                                       recorded_by=recorded_by, created_at=at or utcnow())
        )  # fmt: skip
        return row_id

    def add_training(
        self, user_id: UUID, course: str, completed_on: date, score: int | None, passed: bool,
        recorded_by: str | None, at: datetime | None = None,
    ) -> UUID:  # fmt: skip
        row_id = new_id()
        self.connection.execute(
            training_records.insert().values(id=row_id, user_id=user_id, course=course, completed_on=completed_on,
                                             score=score, passed=passed, recorded_by=recorded_by,
                                             created_at=at or utcnow())
        )  # fmt: skip
        return row_id

    # -- the policy's facts ---------------------------------------------------------------------------------

    def agreement(self, user_id: UUID, today: date) -> tuple[bool, date | None]:
        """(whether an agreement signed by `today` exists, the latest expiry: None when one never expires)."""
        agreements = confidentiality_agreements
        expiries = self.connection.execute(
            select(agreements.c.expires_on).where(agreements.c.user_id == user_id, agreements.c.signed_on <= today)
        ).scalars()
        found = list(expiries)
        if not found or None in found:
            return bool(found), None
        return True, max(d for d in found if d is not None)

    def training_completed(self, user_id: UUID, today: date) -> date | None:
        """The latest passed training completed by `today`."""
        t = training_records
        statement = select(func.max(t.c.completed_on)).where(
            t.c.user_id == user_id, t.c.passed, t.c.completed_on <= today
        )
        value: date | None = self.connection.execute(statement).scalar()
        return value

    def assigned_clients(self, user_id: UUID, today: date) -> frozenset[UUID]:
        statement = select(assignments.c.client_id).where(assignments.c.user_id == user_id, current_on(today))
        return frozenset(UUID(str(c)) for c in self.connection.execute(statement).scalars())

    def actor(self, user_id: UUID, today: date) -> Actor | None:
        """What the policy needs of the user on `today`, or None for an unknown id."""
        user = self.user(user_id)
        if user is None:
            return None
        has_agreement, expires = self.agreement(user_id, today)
        return Actor(
            user_id=user.id,
            name=user.name,
            role=Role(user.role),
            active=user.active,
            mfa_enrolled=user.mfa_enrolled_at is not None,
            department_id=user.department_id,
            agreement_expires=expires,
            has_agreement=has_agreement,
            training_completed=self.training_completed(user_id, today),
            assigned_clients=self.assigned_clients(user_id, today),
            own_client=user.client_id if user.role == Role.CLIENT_USER else None,
        )

    def readable_clients(self, user_id: UUID, today: date) -> frozenset[UUID]:
        """The clients whose data the user may be let near on `today` (each access is still authorized on its own):
        a client user's own company; a staff member's current assignments; for a supervisor also the clients
        currently assigned to active staff of their department. An inactive or unknown user gets none."""
        user = self.user(user_id)
        if user is None or not user.active:
            return frozenset()
        if user.role == Role.CLIENT_USER:
            return frozenset() if user.client_id is None else frozenset({user.client_id})
        mine = set(self.assigned_clients(user_id, today))
        if user.role == Role.SUPERVISOR and user.department_id is not None:
            statement = (
                select(assignments.c.client_id)
                .select_from(assignments.join(users, users.c.id == assignments.c.user_id))
                .where(current_on(today), users.c.active, users.c.department_id == user.department_id)
            )
            mine.update(UUID(str(c)) for c in self.connection.execute(statement).scalars())
        return frozenset(mine)

    def resource(self, client_id: UUID, today: date) -> Resource:
        """The client's facts on `today`: frozen (its status), and the departments of the active staff currently
        assigned to it. A client outside the unit of work's allowed clients reads as not frozen."""
        status = self.connection.execute(
            select(clients.c.status).where(clients.c.id == client_id, self.scope.where(clients))
        ).scalar()
        statement = (
            select(users.c.department_id)
            .distinct()
            .select_from(assignments.join(users, users.c.id == assignments.c.user_id))
            .where(assignments.c.client_id == client_id, current_on(today))
            .where(users.c.active, users.c.department_id.is_not(None))
        )
        found = frozenset(UUID(str(d)) for d in self.connection.execute(statement).scalars())
        return Resource(client_id=client_id, frozen=status == _FROZEN, departments=found)
