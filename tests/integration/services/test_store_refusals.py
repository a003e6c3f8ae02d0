"""The store's refusals read the same on SQLite and PostgreSQL, and never carry SQL into a message or the trail."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import make_url

from factories.people import staff, user_name
from hezhang.security.policy import Role
from hezhang.services import people
from hezhang.services.audit_trail import verify_trail
from hezhang.services.errors import UserError
from hezhang.services.store_access import Store
from hezhang.store.uow import UnitOfWork


def test_a_text_longer_than_its_column_is_refused_without_sql(store: Store) -> None:
    admin = staff(store, Role.FIRM_ADMIN)
    wang = staff(store, Role.ACCOUNTANT)
    course = "隐私保护培训" * 40  # 240 characters; the register's course holds 200
    with pytest.raises(UserError) as refused:
        people.record_training(store, admin, user_name(store, wang), course, admin.today(), 90, True)
    message = str(refused.value)
    assert "training_records.course" in message and "200" in message
    for sql in ("INSERT", "VALUES", "StringDataRightTruncation", "%("):
        assert sql not in message
    with UnitOfWork(store.engine, []) as uow:
        event = uow.audit.head()
    assert event is not None and (event.action, event.outcome) == ("register.record", "error")
    assert "INSERT" not in event.reason and "training_records.course" in event.reason
    assert verify_trail(store, staff(store, Role.SECURITY_OFFICER)).ok


@pytest.mark.sqlite_only
def test_a_store_kept_busy_by_another_writer_says_so(
    store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """SQLite: another process holding the write lock past the timeout gives a message, not 'database is locked'."""
    from hezhang.services.clients import create_client
    from hezhang.store import engine as engine_module

    admin = staff(store, Role.FIRM_ADMIN)
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    hurried = Store(store.settings)  # a new engine, with the short timeout
    holder = sqlite3.connect(str(make_url(store.settings.database_url).database))
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(UserError, match="库正忙"):
            create_client(hurried, admin, "忙碌公司")
    finally:
        holder.rollback()
        holder.close()
        hurried.engine.dispose()
