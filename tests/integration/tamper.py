"""Tampering with the audit trail as an intruder holding the database owner's rights: lift the append-only triggers,
change, rewrite or remove rows, and put the triggers back.

    with unguarded(admin_engine, "audit_events", "audit_checkpoints"):
        rewrite_from(admin_engine, 7, "改过")        # event 7 changed, its hash and every later one recomputed
        remove_after(admin_engine, 5)               # events after 5 gone, and the checkpoints beyond 5
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from sqlalchemy import Engine, text

from hezhang.audit.chain import append
from hezhang.store.uow import UnitOfWork

__all__ = ["FIELDS", "remove_after", "rewrite_from", "unguarded"]

FIELDS = ("at", "actor", "source", "action", "client", "resource", "data_classes", "outcome", "reason", "request_id")


@contextmanager
def unguarded(admin: Engine, *tables: str) -> Iterator[None]:
    """Lift the append-only triggers of `tables` (default: the events) as the administrator; restore them."""
    with ExitStack() as stack:
        for table in tables or ("audit_events",):
            stack.enter_context(_unguarded(admin, table))
        yield


@contextmanager
def _unguarded(admin: Engine, table: str) -> Iterator[None]:
    with admin.begin() as c:
        if admin.dialect.name == "postgresql":
            c.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
            saved: list[str] = []
        else:
            saved = list(
                c.execute(
                    text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"), {"t": table}
                ).scalars()
            )
            for name in (f"{table}_no_update", f"{table}_no_delete"):
                c.execute(text(f"DROP TRIGGER {name}"))
    try:
        yield
    finally:
        with admin.begin() as c:
            if admin.dialect.name == "postgresql":
                c.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only"))
            for sql in saved:
                c.execute(text(sql))


def rewrite_from(admin: Engine, sequence: int, reason: str) -> None:
    """Give event `sequence` a new reason and recompute its hash and every later one: the chain stays consistent,
    only signed checkpoints can tell (the events' triggers must be lifted)."""
    with UnitOfWork(admin, []) as uow:
        events = list(uow.audit.events(after=max(sequence - 2, 0)))
    prev = events.pop(0) if sequence > 1 else None
    update = text("UPDATE audit_events SET reason = :r, prev_hash = :p, hash = :h WHERE sequence = :s")
    with admin.begin() as c:
        for event in events:
            fields = {name: getattr(event, name) for name in FIELDS}
            if event.sequence == sequence:
                fields["reason"] = reason
            redone = append(prev, **fields)
            assert redone.sequence == event.sequence
            c.execute(update, {"r": redone.reason, "p": redone.prev_hash, "h": redone.hash, "s": redone.sequence})
            prev = redone


def remove_after(admin: Engine, size: int) -> None:
    """Delete every event after `size` and every checkpoint beyond it (the triggers of both must be lifted)."""
    with admin.begin() as c:
        c.execute(text("DELETE FROM audit_events WHERE sequence > :n"), {"n": size})
        c.execute(text("DELETE FROM audit_checkpoints WHERE size > :n"), {"n": size})
