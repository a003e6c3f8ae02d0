"""A client's deletion request during retention freezes its data to storage only (PIPL Art. 47(2)).

While frozen, nothing reads the client's data for processing (reconciliation, export, reveal): every service that
reads client data calls `ensure_not_frozen(uow, client_id)` first. The data stays stored and protected. The freeze
lifts when the request is revoked, or when the retention of the last record ends and that record is destroyed
through the approval path (`hezhang.services.retention.approve_destruction`): the request is then completed and
the client's data key destroyed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from hezhang.security.policy import Action
from hezhang.services.context import Context
from hezhang.services.door import door
from hezhang.services.errors import UserError
from hezhang.services.store_access import Store
from hezhang.store.repositories.retention import RetentionRepository
from hezhang.store.sealing import seal_values
from hezhang.store.tables import deletion_requests, new_id
from hezhang.store.uow import UnitOfWork

ACTIVE, FROZEN, OFFBOARDED, DELETED = "active", "frozen", "offboarded", "deleted"


class ClientFrozenError(UserError, PermissionError):
    """The client's data is frozen (a deletion request during retention) or already handed over / deleted."""


@dataclass(frozen=True, slots=True)
class FreezeStatus:
    client_id: UUID
    client_status: str
    frozen: bool
    request_id: UUID | None = None
    requested_at: datetime | None = None
    requested_by: str | None = None
    #: The last retention date of what the client still has: the freeze can end by destruction after it.
    kept_until: date | None = None


def ensure_not_frozen(uow: UnitOfWork, client_id: UUID) -> None:
    """Refuse to read a client's data for processing when it is frozen, handed over or deleted."""
    status = RetentionRepository(uow.connection, uow.scope).client_status(client_id)
    if status is None:
        raise UserError(f"没有这个客户 / no such client: {client_id}")
    if status == FROZEN:
        raise ClientFrozenError(
            f"客户 {client_id} 已申请删除，数据在保存期内冻结，仅作存储，不得用于对账等处理（个人信息保护法第四十七条）"
            f"；可用 hezhang freeze status 查看 / client {client_id} asked for deletion: its data is frozen to storage "
            "only during retention and cannot be processed (PIPL Art. 47(2)); see `hezhang freeze status`"
        )
    if status in (OFFBOARDED, DELETED):
        raise ClientFrozenError(
            f"客户 {client_id} 的数据已移交或删除（状态 {status}）/ client {client_id}'s data was handed over or "
            f"deleted (status {status})"
        )


def request_freeze(store: Store, ctx: Context, client_id: UUID, reason: str | None = None) -> UUID:
    """Record the client's deletion request and freeze its data; returns the request's id."""
    request_id = new_id()
    with door(store, ctx, Action.FREEZE_MANAGE, client_id=client_id) as passage:
        uow, sealer, by = passage.uow, passage.sealer, passage.name
        repo = RetentionRepository(uow.connection, uow.scope)
        status = repo.client_status(client_id)
        if status is None:
            raise UserError(f"没有这个客户 / no such client: {client_id}")
        if status != ACTIVE:
            raise UserError(f"客户状态为 {status}，不能再冻结 / the client is {status}: nothing to freeze")
        sealed = seal_values(sealer, deletion_requests, client_id, request_id, {"reason": reason})
        repo.add_deletion_request(
            {"id": request_id, "client_id": client_id, "requested_by": by, "status": FROZEN, **sealed}
        )
        uow.clients.set_status(client_id, FROZEN)
        passage.touched(f"deletion_requests:{request_id}", "S0", "S2", detail="deletion requested; data frozen")
    return request_id


def revoke_freeze(store: Store, ctx: Context, client_id: UUID) -> UUID:
    """The client withdrew its deletion request: the freeze lifts. Returns the request's id."""
    with door(store, ctx, Action.FREEZE_MANAGE, client_id=client_id) as passage:
        uow, by = passage.uow, passage.name
        repo = RetentionRepository(uow.connection, uow.scope)
        request = repo.open_deletion_request(client_id)
        if request is None:
            raise UserError(f"客户 {client_id} 没有冻结中的删除请求 / client {client_id} has no open deletion request")
        repo.decide_deletion_request(request, "revoked", by)
        uow.clients.set_status(client_id, ACTIVE)
        passage.touched(f"deletion_requests:{request['id']}", "S0", detail="deletion request revoked; freeze lifted")
        return UUID(str(request["id"]))


def freeze_status(store: Store, ctx: Context, client_id: UUID) -> FreezeStatus:
    with door(store, ctx, Action.FREEZE_MANAGE, client_id=client_id) as passage:
        uow = passage.uow
        passage.touched(f"clients:{client_id}", "S0", detail="freeze status read")
        repo = RetentionRepository(uow.connection, uow.scope)
        status = repo.client_status(client_id)
        if status is None:
            raise UserError(f"没有这个客户 / no such client: {client_id}")
        request = repo.open_deletion_request(client_id)
        kept = repo.kept_until(client_id)
    if request is None:
        return FreezeStatus(client_id, status, status == FROZEN, kept_until=kept)
    return FreezeStatus(client_id, status, True, request["id"], request["requested_at"], request["requested_by"], kept)


def complete_if_nothing_kept(uow: UnitOfWork, client_id: UUID, decided_by: str) -> bool:
    """After a destruction: when a frozen client has no dated record left, its deletion request is completed,
    its data key destroyed (what remains sealed becomes unreadable) and its status set to deleted."""
    repo = RetentionRepository(uow.connection, uow.scope)
    request = repo.open_deletion_request(client_id)
    if request is None or repo.kept_until(client_id) is not None:
        return False
    repo.decide_deletion_request(request, "completed", decided_by)
    uow.keys.destroy(client_id)
    uow.clients.set_status(client_id, DELETED)
    return True
