"""Reveal: one S2 value shown in full, to a person cleared for it, with a reason, recorded, and limited in rate.

Everything else a service returns is masked (DOMAIN.md's masks). A reveal names the record and the field; the
audit event keeps the field and the reason (never the value). More than `REVEALS_PER_HOUR` reveals by one person
within an hour are refused and raise an alert for the security officer: an accountant working a month does not
need dozens of full account numbers in an hour; someone copying a client's data does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Final
from uuid import UUID

from sqlalchemy import select

from hezhang.privacy.masks import mask_free_text
from hezhang.security.policy import Action
from hezhang.services.context import Context
from hezhang.services.door import RefusedError, door
from hezhang.services.errors import UserError
from hezhang.services.store_access import Store
from hezhang.store.registry import client_column_of, sealed_columns
from hezhang.store.repositories.monitoring import MonitoringRepository
from hezhang.store.tables import metadata

REVEALS_PER_HOUR: Final = 20
WINDOW: Final = timedelta(hours=1)
MIN_REASON: Final = 4


class RevealLimitError(RefusedError):
    """Too many reveals in the last hour: refused, and an alert was raised."""

    code = "reveal_rate_limited"


@dataclass(frozen=True, slots=True)
class Revealed:
    table: str
    record_id: UUID
    column: str
    value: str | None


def _sealed_column(table_name: str, column: str) -> None:
    table = metadata.tables.get(table_name)
    if table is None or client_column_of(table) is None or column not in sealed_columns(table):
        raise UserError(
            f"{table_name}.{column} 不是可揭示的客户字段 / {table_name}.{column} is not a client's masked field"
        )


def reveal(
    store: Store, ctx: Context, client_id: UUID, table_name: str, record_id: UUID, column: str, reason: str
) -> Revealed:
    """The full value of one masked field of one record of the client."""
    _sealed_column(table_name, column)
    why = reason.strip()
    if len(why) < MIN_REASON:
        raise UserError("揭示须说明理由（至少 4 个字）/ a reveal needs a reason (at least 4 characters)")
    table = metadata.tables[table_name]
    resource = f"{table_name}:{record_id}.{column}"
    with door(store, ctx, Action.REVEAL, client_id=client_id, resource=resource) as passage:
        monitoring = MonitoringRepository(passage.uow.connection)
        monitoring.hold_actor(passage.label, Action.REVEAL.value)  # concurrent reveals are counted one by one
        recent = monitoring.events_since(passage.label, Action.REVEAL.value, ctx.now() - WINDOW)
        if recent >= REVEALS_PER_HOUR:
            detail = f"{recent} reveals within an hour (limit {REVEALS_PER_HOUR}); refused {resource}"
            raise RevealLimitError(
                f"一小时内揭示次数已达上限（{REVEALS_PER_HOUR}），已通知安全负责人 / reveal limit reached "
                f"({REVEALS_PER_HOUR} an hour); the security officer has been alerted",
                alert=("reveal_rate", detail),
            )
        client_column = client_column_of(table)
        assert client_column is not None
        query = select(table.c[column]).where(table.c.id == record_id, table.c[client_column] == client_id)
        found = passage.uow.connection.execute(query).first()
        if found is None:
            raise UserError(f"没有这条记录 / no such record: {table_name} {record_id}")
        blob = found[0]
        value = None if blob is None else passage.sealer.open(client_id, table_name, column, record_id, bytes(blob))
        # The reason is kept in the trail, which stays readable to verify it: a name or number in it is masked.
        passage.touched(resource, "S2", detail=f"revealed; reason: {mask_free_text(why)}")
    return Revealed(table_name, record_id, column, None if value is None else value.decode())
