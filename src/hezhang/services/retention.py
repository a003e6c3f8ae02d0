"""Retention and destruction (会计档案管理办法: schedule 1, Art. 15–16; DOMAIN.md "Retention").

Every kept record carries its archive type and `retain_until` (the last day it must be kept). Destruction works
in two steps by two people: `request_destruction` proposes the client's records whose retention has ended (and
refuses, naming the first possible day, when none has); `approve_destruction` by a second person deletes them and
writes one 销毁清册 entry per table, archive type and retention date. The register is kept permanently: the
application role may only add and read entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from hezhang.security.policy import Action
from hezhang.services.clients import all_client_ids
from hezhang.services.context import Context
from hezhang.services.door import door
from hezhang.services.errors import UserError
from hezhang.services.freeze import complete_if_nothing_kept
from hezhang.services.store_access import Store
from hezhang.store.repositories.retention import HEADS, DestroyedGroup, KeptRecord, RetentionRepository
from hezhang.store.retention import ArchiveType
from hezhang.store.tables import new_id
from hezhang.store.tables.base import utcnow

#: What each table holds (Chinese / English), for listings and register entries.
RECORD_NAMES = {
    "statement_imports": "银行对账单 / bank statements",
    "bank_lines": "银行对账单明细 / bank statement lines",
    "journal_imports": "日记账 / journals",
    "ledger_lines": "日记账明细 / journal lines",
    "reconciliations": "银行存款余额调节表 / bank reconciliations",
    "matches": "勾对记录 / matches",
    "outstanding_items": "未达账项 / outstanding items",
}
#: What the retention basis names for each archive type (schedule 1 of the Accounting Archives Measures).
_BASIS_NAMES = {
    ArchiveType.JOURNAL_30Y: "日记账",
    ArchiveType.STATEMENT_10Y: "银行对账单",
    ArchiveType.RECONCILIATION_10Y: "银行存款余额调节表",
}


def basis(archive_type: ArchiveType) -> str:
    """The retention basis of an archive type, e.g. "会计档案管理办法附表1：银行对账单保管10年 / …"."""
    years = archive_type.years
    if years is None:
        return "会计档案管理办法：永久保管 / Accounting Archives Measures: kept permanently"
    return (
        f"会计档案管理办法附表1：{_BASIS_NAMES.get(archive_type, archive_type.value)}保管{years}年 / "
        f"Accounting Archives Measures, schedule 1: {years} years"
    )


@dataclass(frozen=True, slots=True)
class DueItem:
    """Records of one client and table whose retention ended before the day asked about."""

    client_id: UUID
    table: str
    archive_type: str
    retain_until: date | None
    count: int

    @property
    def destroyable_from(self) -> date | None:
        return None if self.retain_until is None else self.retain_until + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DestructionRequest:
    id: UUID
    client_id: UUID
    requested_by: str
    cutoff: date
    status: str
    #: The head records proposed (imports, reconciliations), each with its retention.
    records: tuple[KeptRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class DestructionOutcome:
    request_id: UUID
    destroyed: tuple[DestroyedGroup, ...]
    register_ids: tuple[UUID, ...]
    #: Imports kept because a reconciliation that is not destroyed still names them.
    held_back: tuple[KeptRecord, ...] = ()
    #: A frozen client's deletion request was completed (nothing dated left; data key destroyed).
    deletion_completed: bool = False
    notes: tuple[str, ...] = field(default=())


def _clients(store: Store, client_ids: Sequence[UUID] | None) -> list[UUID]:
    if client_ids is not None:
        return list(client_ids)
    try:
        return all_client_ids(store)
    except PermissionError:
        raise UserError("在 PostgreSQL 上须指定客户（--client）/ on PostgreSQL name the clients (--client)") from None


def due(
    store: Store, ctx: Context, as_of: date | None = None, client_ids: Sequence[UUID] | None = None
) -> list[DueItem]:
    """What has expired on `as_of` (default today): per client and table, the count, archive type and date."""
    day = as_of or ctx.today()
    with door(store, ctx, Action.RETENTION_MANAGE, clients=_clients(store, client_ids)) as passage:
        groups = RetentionRepository(passage.uow.connection, passage.uow.scope).groups(expired_before=day)
        passage.touched("retention", "S0", detail=f"due before {day}: {len(groups)} groups")
    return [DueItem(g.client_id, g.table, g.archive_type, g.retain_until, g.count) for g in groups]


def _refusal(records: Sequence[KeptRecord]) -> UserError:
    dated = [r for r in records if r.retain_until is not None]
    if not dated:
        return UserError("没有可销毁的会计档案 / there are no dated records to destroy")
    first = min(dated, key=lambda r: r.retain_until or date.max)
    assert first.retain_until is not None
    day = first.retain_until + timedelta(days=1)
    return UserError(
        f"保管期未满，不得销毁：{RECORD_NAMES[first.table]}（{first.period or '-'}）保管至 {first.retain_until}，"
        f"{day} 起方可申请销毁 / retention has not ended: {first.table} {first.period or ''} is kept until "
        f"{first.retain_until}; destruction is possible from {day}"
    )


def request_destruction(
    store: Store,
    ctx: Context,
    client_id: UUID,
    *,
    tables: Sequence[str] | None = None,
    record_ids: Sequence[UUID] | None = None,
    today: date | None = None,
) -> DestructionRequest:
    """Propose the client's expired records (all, or of `tables`, or the `record_ids`) for destruction.

    Refused with the first day destruction becomes possible when a named record, or every record in scope, is
    still within its retention period. The request waits for a second person's `approve_destruction`."""
    day = today or ctx.today()
    for name in tables or ():
        if name not in HEADS:
            raise UserError(f"不能按表 {name} 销毁 / cannot destroy by table {name}: use one of {sorted(HEADS)}")
    with door(store, ctx, Action.RETENTION_MANAGE, clients=[client_id], about=client_id) as passage:
        uow, by = passage.uow, passage.name
        repo = RetentionRepository(uow.connection, uow.scope)
        if repo.client_status(client_id) is None:
            raise UserError(f"没有这个客户 / no such client: {client_id}")
        records = repo.heads(client_id, tables=tables, record_ids=record_ids)
        if record_ids is not None:
            missing = set(record_ids) - {r.id for r in records}
            if missing:
                raise UserError(f"没有这些记录 / no such records: {', '.join(sorted(map(str, missing)))}")
            early = [r for r in records if r.retain_until is None or r.retain_until >= day]
            if early:
                raise _refusal(early)
        expired = [r for r in records if r.retain_until is not None and r.retain_until < day]
        if not expired:
            raise _refusal(records)
        request_id = new_id()
        repo.add_destruction_request(
            {
                "id": request_id,
                "client_id": client_id,
                "scope_tables": ",".join(tables) if tables else None,
                "scope_records": [str(r.id) for r in expired],
                "cutoff": day,
                "status": "pending",
                "requested_by": by,
            }
        )
        passage.touched(f"destruction_requests:{request_id}", "S0", detail=f"{len(expired)} records proposed",
                        client_id=client_id)  # fmt: skip
    return DestructionRequest(request_id, client_id, by, day, "pending", tuple(expired))


def pending_destructions(
    store: Store, ctx: Context, client_ids: Sequence[UUID] | None = None
) -> list[DestructionRequest]:
    with door(store, ctx, Action.RETENTION_MANAGE, clients=_clients(store, client_ids)) as passage:
        repo = RetentionRepository(passage.uow.connection, passage.uow.scope)
        found = [_request(repo, row) for row in repo.destruction_requests("pending")]
        passage.touched("destruction_requests", "S0", detail=f"{len(found)} pending")
        return found


def _request(repo: RetentionRepository, row: Any) -> DestructionRequest:
    ids = [UUID(i) for i in row["scope_records"] or []]
    records = repo.heads(row["client_id"], record_ids=ids) if ids else []
    return DestructionRequest(
        row["id"], row["client_id"], row["requested_by"] or "", row["cutoff"], row["status"], tuple(records)
    )


def approve_destruction(
    store: Store, ctx: Context, request_id: UUID, *, client_id: UUID | None = None, today: date | None = None
) -> DestructionOutcome:
    """A second person approves a pending request: its records (still expired) are deleted with their children
    and the 销毁清册 gets one entry per table, archive type and retention date, all in one transaction."""
    day = today or ctx.today()
    clients = _clients(store, None if client_id is None else [client_id])
    with door(
        store, ctx, Action.RETENTION_MANAGE, clients=clients, resource=f"destruction_requests:{request_id}"
    ) as passage:
        uow, by = passage.uow, passage.name
        repo = RetentionRepository(uow.connection, uow.scope)
        row = repo.destruction_request(request_id)
        if row is None:
            raise UserError(f"没有这个销毁申请 / no such destruction request: {request_id}")
        if row["status"] != "pending":
            raise UserError(f"销毁申请已处理（{row['status']}）/ the request was already decided: {row['status']}")
        if by == (row["requested_by"] or ""):
            raise UserError(
                f"销毁须由申请人以外的第二人批准（申请人 {by}）/ destruction needs approval by a second person: "
                f"{by} requested it"
            )
        request = _request(repo, row)
        for record in request.records:
            if record.retain_until is None or record.retain_until >= min(day, request.cutoff):
                raise _refusal([record])
        destroyed, held = repo.destroy(request.records)
        register_ids = repo.register(_entry(request, by, g) for g in destroyed)
        repo.decide_destruction_request(row, "destroyed", by)
        completed = complete_if_nothing_kept(uow, request.client_id, by)
        passage.touched(f"destruction_requests:{request_id}", "S0", "S1", "S2", client_id=request.client_id,
                        detail=f"approved: {sum(g.count for g in destroyed)} records destroyed")  # fmt: skip
    return DestructionOutcome(request_id, tuple(destroyed), tuple(register_ids), tuple(held), completed)


def withdraw_destruction(store: Store, ctx: Context, request_id: UUID, *, client_id: UUID | None = None) -> None:
    """Withdraw a pending request (the requester or anyone else); nothing is destroyed."""
    clients = _clients(store, None if client_id is None else [client_id])
    with door(
        store, ctx, Action.RETENTION_MANAGE, clients=clients, resource=f"destruction_requests:{request_id}"
    ) as passage:
        uow, actor = passage.uow, passage.name
        repo = RetentionRepository(uow.connection, uow.scope)
        row = repo.destruction_request(request_id)
        if row is None or row["status"] != "pending":
            raise UserError(f"没有待批准的销毁申请 / no pending destruction request: {request_id}")
        repo.decide_destruction_request(row, "withdrawn", actor)
        passage.touched(f"destruction_requests:{request_id}", "S0", client_id=row["client_id"], detail="withdrawn")


def _entry(request: DestructionRequest, approved_by: str, group: DestroyedGroup) -> dict[str, Any]:
    archive_type = ArchiveType(group.archive_type)
    periods = f"{group.periods[0]}…{group.periods[-1]}" if len(group.periods) > 1 else "".join(group.periods)
    what = (
        f"{RECORD_NAMES.get(group.table, group.table)}：{group.count} 条；期间 / period {periods or '-'}；"
        f"保管至 / kept until {group.retain_until}；依据 / basis: {basis(archive_type)}"
    )
    return {
        "client_id": request.client_id,
        "what": what,
        "record_table": group.table,
        "record_count": group.count,
        "record_archive_type": group.archive_type,
        "record_retain_until": None if group.retain_until is None else group.retain_until.isoformat(),
        "requested_by": request.requested_by,
        "request_id": request.id,
        "approved_by": approved_by,
        "approved_at": utcnow(),
        "destroyed_by": approved_by,
        "archive_type": ArchiveType.REGISTER_PERMANENT.value,
        "retain_until": None,  # the register is kept permanently
    }


def register_entries(store: Store, ctx: Context, client_ids: Sequence[UUID] | None = None) -> list[dict[str, Any]]:
    """The 销毁清册 of the allowed clients, oldest first."""
    with door(store, ctx, Action.RETENTION_MANAGE, clients=_clients(store, client_ids)) as passage:
        entries = [dict(r) for r in RetentionRepository(passage.uow.connection, passage.uow.scope).register_entries()]
        passage.touched("destruction_register", "S0", "S1", detail=f"{len(entries)} entries read")
        return entries
