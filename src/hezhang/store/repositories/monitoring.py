"""Alerts, and the counts monitoring needs from the audit trail (how many reveals a user made lately)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, RowMapping, func, insert, select

from hezhang.store.locks import hold
from hezhang.store.tables import alerts, audit_events
from hezhang.store.tables.base import new_id, utcnow


class MonitoringRepository:
    """Firm-level: not scoped to clients (alerts hold no client data)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def hold_actor(self, actor: str, action: str) -> None:
        """Serialize `actor`'s `action` until the transaction ends, so that counting recent events and adding one
        cannot interleave with another transaction doing the same (a rate limit holds under concurrency)."""
        hold(self.connection, f"rate:{action}", actor)

    def events_since(self, actor: str, action: str, since: datetime, outcome: str = "allowed") -> int:
        """How many `action` events `actor` (the audit label) has with `outcome` at or after `since`."""
        query = select(func.count()).where(
            audit_events.c.actor == actor,
            audit_events.c.action == action,
            audit_events.c.outcome == outcome,
            audit_events.c.at >= since,
        )
        return int(self.connection.execute(query).scalar_one())

    def raise_alert(
        self, kind: str, detail: str, *, user_name: str, user_id: UUID | None = None, client_id: UUID | None = None
    ) -> UUID:
        alert_id = new_id()
        row: dict[str, Any] = {"id": alert_id, "raised_at": utcnow(), "kind": kind, "detail": detail,
                               "user_name": user_name[:64], "user_id": user_id, "client_id": client_id,
                               "status": "open"}  # fmt: skip
        self.connection.execute(insert(alerts).values(row))
        return alert_id

    def open_alerts(self) -> list[RowMapping]:
        query = select(alerts).where(alerts.c.status == "open").order_by(alerts.c.raised_at)
        return list(self.connection.execute(query).mappings())
