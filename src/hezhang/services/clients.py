"""Clients (客户) and their bank accounts in the firm's store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from stdnum.cn import uscc as uscc_number
from stdnum.exceptions import ValidationError

from hezhang.privacy.masks import mask_account, mask_email, mask_mobile, mask_person_name
from hezhang.security.errors import DecryptError
from hezhang.security.policy import Action
from hezhang.services.context import Context
from hezhang.services.door import door
from hezhang.services.errors import UserError
from hezhang.services.store_access import Store
from hezhang.store.records import BankAccount, Client
from hezhang.store.sealer import EnvelopeSealer, MissingDataKeyError
from hezhang.store.sealing import seal_values
from hezhang.store.tables import bank_accounts, clients, new_id


class ClientInputError(UserError, ValueError):
    """Input a client cannot be created with; the message says which field and why (Chinese / English)."""


#: Shown for a value whose key is gone (crypto-shredded) or not in this keyring.
UNREADABLE = "（无法解密 / unreadable）"


@dataclass(frozen=True, slots=True)
class ClientView:
    """A client as shown: contacts masked."""

    id: UUID
    name: str
    uscc: str | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    status: str


def _uscc(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(uscc_number.validate(value))
    except ValidationError as e:
        raise ClientInputError(
            f"统一社会信用代码无效：{value}（{e}）/ not a valid unified social credit code: {value}"
        ) from None


def create_client(
    store: Store,
    ctx: Context,
    name: str,
    uscc: str | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    contact_email: str | None = None,
) -> UUID:
    """A new client with its own data key; contacts are sealed with that key before they are stored."""
    if not name.strip():
        raise ClientInputError("客户名称不能为空 / the client name is empty")
    code = _uscc(uscc)
    client_id = new_id()
    with door(store, ctx, Action.CLIENT_CREATE, clients=[client_id], about=client_id) as passage:
        sealer = passage.sealer
        sealer.create_key(client_id)
        plain = {"contact_name": contact_name, "contact_phone": contact_phone, "contact_email": contact_email}
        sealed = seal_values(sealer, clients, client_id, client_id, plain)
        passage.uow.clients.add(Client(name=name.strip(), uscc=code, id=client_id, **sealed))  # type: ignore[arg-type]
        sealer.store_key(client_id)
        passage.touched(f"clients:{client_id}", "S1", "S2", detail="created; contacts sealed", client_id=client_id)
    return client_id


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """A client as the firm's directory lists it: no contacts (S0/S1 only)."""

    id: UUID
    name: str
    uscc: str | None
    status: str


def client_directory(store: Store, ctx: Context) -> list[DirectoryEntry]:
    """Every client's id, name, credit code and status, for the people who assign staff and run the firm."""
    with door(store, ctx, Action.CLIENT_DIRECTORY, clients=all_client_ids(store)) as passage:
        found = [DirectoryEntry(c.id, c.name, c.uscc, c.status) for c in passage.uow.clients.list()]
        passage.touched(f"clients:{len(found)} rows", "S0", "S1", detail="directory; no contacts")
    return found


def _view(sealer: EnvelopeSealer, c: Client) -> ClientView:
    def shown(column: str, value: bytes | None) -> str | None:
        if value is None:
            return None
        try:
            return sealer.open(c.id, "clients", column, c.id, value).decode()
        except (MissingDataKeyError, DecryptError):  # shredded, or sealed under another keyring
            return UNREADABLE

    return ClientView(
        c.id,
        c.name,
        c.uscc,
        _masked(mask_person_name, shown("contact_name", c.contact_name)),
        _masked(mask_mobile, shown("contact_phone", c.contact_phone)),
        _masked(mask_email, shown("contact_email", c.contact_email)),
        c.status,
    )


def view_client(store: Store, ctx: Context, client_id: UUID) -> ClientView:
    """One client as shown to the people allowed to read it: contacts masked (a reveal is a separate call)."""
    with door(store, ctx, Action.CLIENT_READ, client_id=client_id) as passage:
        found = passage.uow.clients.get(client_id)
        if found is None:
            raise ClientInputError(f"没有这个客户 / no such client: {client_id}")
        passage.touched(f"clients:{client_id}", "S1", "S2", detail="contacts masked")
        return _view(passage.sealer, found)


def list_clients(store: Store, ctx: Context) -> list[ClientView]:
    """The clients the acting user may read, contacts masked; each read is authorized and recorded on its own.

    A client whose key is gone (crypto-shredded, offboarded) is listed with its contacts unreadable."""
    with door(store, ctx, Action.CLIENT_LIST) as passage:
        ids = passage.uow.people.readable_clients(ctx.user_id, ctx.today())
    return [view_client(store, ctx, client_id) for client_id in sorted(ids)]


def _masked(mask: Callable[[str | None], str | None], value: str | None) -> str | None:
    return value if value == UNREADABLE else mask(value)


def all_client_ids(store: Store) -> list[UUID]:
    """The ids of every client, for firm-level work over all of them (the directory, keys, backups).

    On PostgreSQL the application role sees no client it is not allowed, so the ids (S0, nothing else) are
    read with the administrator's URL (`HEZHANG_ADMIN_DATABASE_URL`, the role that runs the migrations).
    """
    from sqlalchemy import select

    from hezhang.store.engine import make_engine

    if store.settings.embedded:
        with store.engine.connect() as connection:
            return [row[0] for row in connection.execute(select(clients.c.id))]
    admin = make_engine(store.settings.admin_database_url)
    try:
        with admin.connect() as connection:
            return [row[0] for row in connection.execute(select(clients.c.id))]
    finally:
        admin.dispose()


def add_bank_account(
    store: Store, ctx: Context, client_id: UUID, number: str, *, bank_name: str | None = None,
    ledger_code: str | None = None, currency: str = "CNY",
) -> UUID:  # fmt: skip
    digits = "".join(ch for ch in number if ch.isalnum())
    if len(digits) < 6:
        raise ClientInputError(f"银行账号太短：{mask_account(number)} / the account number is too short")
    account_id = new_id()
    with door(store, ctx, Action.ACCOUNT_ADD, client_id=client_id) as passage:
        if passage.uow.clients.get(client_id) is None:
            raise ClientInputError(f"没有这个客户 / no such client: {client_id}")
        sealed = seal_values(passage.sealer, bank_accounts, client_id, account_id, {"account_number": digits})
        passage.uow.bank_accounts.add(
            BankAccount(client_id=client_id, id=account_id, bank_name=bank_name, ledger_account_code=ledger_code,
                        currency=currency, **sealed)  # type: ignore[arg-type]
        )  # fmt: skip
        passage.touched(f"bank_accounts:{account_id}", "S1", "S2", detail="account number sealed")
    return account_id
