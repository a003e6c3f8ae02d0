"""Sessions (kept by the SHA-256 of their token) and the lockout counters of failed logins. Firm-level."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final
from uuid import UUID

from sqlalchemy import RowMapping, func, select

from hezhang.security.lockout import Failures
from hezhang.security.sessions import Session
from hezhang.store.repositories.base import Repository
from hezhang.store.repositories.people import utc
from hezhang.store.tables import login_failures, sessions

#: Lockout counter kinds (`security.lockout`): one account from one address, and one address over all accounts.
ACCOUNT, SOURCE = "account", "source"
#: A source the user signed in from within this long counts among their usual sources.
USUAL_FOR: Final = timedelta(days=90)


def _session(m: RowMapping) -> tuple[Session, str | None]:
    revoked = m["revoked_at"]
    session = Session(
        bytes(m["id_hash"]), str(m["user_id"]), utc(m["created_at"]), utc(m["last_seen_at"]),
        None if revoked is None else utc(revoked),
    )  # fmt: skip
    return session, m["source"]


class LoginRepository(Repository):
    # -- sessions -------------------------------------------------------------------------------------------

    def add_session(self, session: Session, source: str | None) -> None:
        self.connection.execute(
            sessions.insert().values(
                id_hash=session.id_hash, user_id=UUID(session.user_id), created_at=session.created_at,
                last_seen_at=session.last_seen_at, revoked_at=session.revoked_at, source=source,
            )
        )  # fmt: skip

    def session(self, id_hash: bytes) -> tuple[Session, str | None] | None:
        """The session with this token hash and the source it was opened from, or None."""
        row = self.connection.execute(select(sessions).where(sessions.c.id_hash == id_hash)).mappings().first()
        return None if row is None else _session(row)

    def save_session(self, session: Session) -> None:
        """Store a session's last use and end (what `sessions.validate` returned)."""
        self.connection.execute(
            sessions.update()
            .where(sessions.c.id_hash == session.id_hash)
            .values(last_seen_at=session.last_seen_at, revoked_at=session.revoked_at)
        )

    def revoke_all(self, user_id: UUID, at: datetime) -> int:
        """End every live session of the user at once; returns how many were live."""
        result = self.connection.execute(
            sessions.update()
            .where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return int(result.rowcount)

    def live_sessions(self, user_id: UUID) -> list[Session]:
        """Sessions of the user not ended (some may have timed out without anyone presenting them since)."""
        statement = select(sessions).where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
        return [_session(r)[0] for r in self.connection.execute(statement).mappings()]

    def usual_sources(self, user_id: UUID, now: datetime) -> frozenset[str]:
        """The addresses the user opened a session from in the last `USUAL_FOR` (a successful sign-in each)."""
        statement = select(sessions.c.source).where(
            sessions.c.user_id == user_id, sessions.c.created_at >= now - USUAL_FOR, sessions.c.source.is_not(None)
        )
        return frozenset(str(s) for s in self.connection.execute(statement.distinct()).scalars())

    # -- lockout counters -----------------------------------------------------------------------------------

    def lock_counters(self, *subjects: str) -> None:
        """Hold the counters of `subjects` to the end of the transaction, so concurrent failed sign-ins each count.

        PostgreSQL: transaction-level advisory locks, taken in sorted order (no deadlock between two attempts);
        under READ COMMITTED every later read sees what the previous holder committed. SQLite: the transaction
        already holds the database's write lock (BEGIN IMMEDIATE)."""
        if self.connection.dialect.name != "postgresql":
            return
        for subject in sorted(set(subjects)):
            self.connection.execute(
                select(func.pg_advisory_xact_lock(func.hashtextextended(f"hezhang.login:{subject}", 0)))
            )

    def failures(self, kind: str, subject: str) -> Failures | None:
        row = self.connection.execute(
            select(login_failures.c.count, login_failures.c.last_at).where(
                login_failures.c.kind == kind, login_failures.c.subject == subject
            )
        ).first()
        return None if row is None else Failures(int(row[0]), utc(row[1]))

    def save_failures(self, kind: str, subject: str, failures: Failures | None) -> None:
        """Store a counter; None deletes it (a successful login clears the account's counter)."""
        where = (login_failures.c.kind == kind) & (login_failures.c.subject == subject)
        if failures is None:
            self.connection.execute(login_failures.delete().where(where))
            return
        updated = self.connection.execute(
            login_failures.update().where(where).values(count=failures.count, last_at=failures.last_at)
        )
        if updated.rowcount == 0:
            self.connection.execute(
                login_failures.insert().values(kind=kind, subject=subject, count=failures.count,
                                               first_at=failures.last_at, last_at=failures.last_at)
            )  # fmt: skip
        elif failures.count == 1:  # the count started over
            self.connection.execute(login_failures.update().where(where).values(first_at=failures.last_at))
