"""Reconciling a client's bank account for a period from the store, and the maker-checker workflow.

The lines are read from the newest statement import of the account and the newest journal import of the
client, opened with the client's key for matching only; the statement is saved as a draft with its matches
and outstanding items (memos and counterparties sealed), and last period's outstanding items carry in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

import polars as pl
from sqlalchemy import RowMapping, Table

from hezhang.domain.frames import BANK_SCHEMA, LEDGER_SCHEMA, frame_from_records
from hezhang.domain.money import MoneyError, parse_fen
from hezhang.domain.period import Period
from hezhang.matching import Aliases, MatchResult, match
from hezhang.matching.names import core_names
from hezhang.reconciliation import BalanceReconciliation, OutstandingItem, OutstandingKind, reconcile
from hezhang.reconciliation.carry import carried_lines
from hezhang.reports.reconciliation_json import reconciliation_document
from hezhang.security.policy import Action
from hezhang.services.context import Context
from hezhang.services.door import door
from hezhang.services.errors import UserError
from hezhang.services.freeze import ensure_not_frozen
from hezhang.services.outputs import masked_statement
from hezhang.services.store_access import Store
from hezhang.store.records import Alias, Reconciliation
from hezhang.store.registry import sealed_columns
from hezhang.store.sealer import EnvelopeSealer
from hezhang.store.sealing import seal_values
from hezhang.store.tables import aliases as aliases_table
from hezhang.store.tables import bank_lines, ledger_lines, new_id, outstanding_items, reconciliations
from hezhang.store.tables import matches as matches_table

_NEXT = {"draft": "prepared", "prepared": "reviewed", "reviewed": "locked"}


@dataclass(frozen=True)
class StoredOutcome:
    reconciliation_id: UUID
    statement: BalanceReconciliation  # masked
    result: MatchResult
    bank_lines: int = 0
    ledger_lines: int = 0


def _opened(rows: list[RowMapping], table: Table, sealer: EnvelopeSealer) -> list[dict[str, Any]]:
    s2 = sealed_columns(table)
    out = []
    for r in rows:
        record = dict(r)
        for column in s2:
            value = record.get(column)
            if value is not None:
                record[column] = sealer.open(r["client_id"], table.name, column, r["id"], bytes(value)).decode()
        out.append(record)
    return out


def _previous(period: Period) -> Period:
    last = period.start - timedelta(days=1)
    return Period.month(last.year, last.month)


def _carried(
    uow: Any, sealer: EnvelopeSealer, client_id: UUID, account_id: UUID, period: Period
) -> list[OutstandingItem]:
    before = uow.reconciliations.find(client_id, account_id, str(_previous(period)))
    if before is None:
        return []
    items = []
    for r in _opened(list(uow.reconciliations.outstanding(before.id)), outstanding_items, sealer):
        items.append(
            OutstandingItem(
                kind=OutstandingKind(r["kind"]), amount_fen=r["amount_fen"], date=r["date"], memo=r["memo"],
                counterparty=r["counterparty"], bank_row=r["bank_row"], ledger_row=r["ledger_row"],
                match_id=r["match_id"], carried=True, since=r["since"] or before.period,
            )
        )  # fmt: skip
    return items


@dataclass(frozen=True)
class Loaded:
    bank: pl.DataFrame
    ledger: pl.DataFrame
    context: pl.DataFrame
    carried: list[OutstandingItem]
    closing_fen: int | None
    prefix: str
    currency: str
    statement_id: UUID
    journal_id: UUID


def load_lines(uow: Any, sealer: EnvelopeSealer, client_id: UUID, account_id: UUID, period: Period) -> Loaded:
    """The period's lines of the account (newest imports), opened, with last period's items carried in."""
    ensure_not_frozen(uow, client_id)
    account = uow.bank_accounts.get(account_id)
    if account is None or account.client_id != client_id:
        raise UserError(f"没有这个银行账户 / no such bank account for this client: {account_id}")
    statements, journals = uow.imports.statements_of(account_id), uow.imports.journals_of(client_id)
    if not statements or not journals:
        raise UserError("须先导入对账单和序时账 / import a statement and a journal first")

    def in_period(r: dict[str, Any]) -> bool:
        return bool(period.start <= r["date"] <= period.end)

    bank = [r for r in _opened(list(uow.imports.statement_lines(statements[0].id)), bank_lines, sealer) if in_period(r)]
    ledger_all = _opened(list(uow.imports.journal_lines(journals[0].id)), ledger_lines, sealer)
    prefix = account.ledger_account_code or "1002"
    own = [r for r in ledger_all if in_period(r) and str(r["account_code"]).startswith(prefix)]
    vouchers = {(r["date"], r["voucher_no"]) for r in own}
    own_ids = {r["id"] for r in own}
    context = [r for r in ledger_all if (r["date"], r["voucher_no"]) in vouchers and r["id"] not in own_ids]
    carried = _carried(uow, sealer, client_id, account_id, period)
    extra_bank, extra_ledger = carried_lines(carried, currency=account.currency, account_code=prefix)
    bank_frame = pl.concat([frame_from_records(bank, BANK_SCHEMA), frame_from_records(extra_bank, BANK_SCHEMA)])
    ledger_frame = pl.concat([frame_from_records(own, LEDGER_SCHEMA), frame_from_records(extra_ledger, LEDGER_SCHEMA)])
    closing = [r["balance"] for r in sorted(bank, key=lambda r: r["row"]) if r["balance"] is not None]
    return Loaded(
        bank_frame, ledger_frame, frame_from_records(context, LEDGER_SCHEMA), carried,
        closing[-1] if closing else None, prefix, account.currency, statements[0].id, journals[0].id,
    )  # fmt: skip


def statement_of(loaded: Loaded, result: MatchResult, period: Period, opening: int | None) -> BalanceReconciliation:
    return reconcile(
        loaded.bank, loaded.ledger, result, account=loaded.prefix, period=period, currency=loaded.currency,
        book_opening_fen=opening, bank_closing_fen=loaded.closing_fen, carried=loaded.carried,
    )  # fmt: skip


def reconcile_period(
    store: Store, ctx: Context, client_id: UUID, account_id: UUID, period: Period, *,
    book_opening: str | None = None,
) -> StoredOutcome:  # fmt: skip
    """Match and reconcile from the store and save the statement as a draft prepared by the acting user."""
    with door(store, ctx, Action.RECONCILE, client_id=client_id) as passage:
        uow, sealer, actor = passage.uow, passage.sealer, passage.name
        loaded = load_lines(uow, sealer, client_id, account_id, period)
        result = match(
            loaded.bank, loaded.ledger, aliases=stored_aliases(uow, sealer, client_id), context=loaded.context
        )
        opening = (
            _fen(book_opening)
            if book_opening is not None
            else _previous_book_balance(uow, client_id, account_id, period)
        )
        statement = statement_of(loaded, result, period, opening)
        rows = [dict(r) for r in result.frame.iter_rows(named=True)]
        rec_id = save_reconciliation(uow, sealer, client_id, account_id, period, statement, rows, actor, loaded)
        opened = f"{period}: {loaded.bank.height} bank and {loaded.ledger.height} book lines opened"
        passage.touched(f"reconciliations:{rec_id}", "S1", "S2", detail=opened)
    bank_count = loaded.bank.filter(pl.col("row") > 0).height
    ledger_count = loaded.ledger.filter(pl.col("row") > 0).height
    return StoredOutcome(rec_id, masked_statement(statement), result, bank_count, ledger_count)


def _fen(text: str) -> int:
    try:
        return parse_fen(text)
    except MoneyError as e:
        raise UserError(f"期初余额无法识别 / the book opening balance cannot be read: {e}") from None


def _previous_book_balance(uow: Any, client_id: UUID, account_id: UUID, period: Period) -> int | None:
    before = uow.reconciliations.find(client_id, account_id, str(_previous(period)))
    if before is None or not before.statement:
        return None
    return parse_fen(before.statement["book_balance"])


def save_reconciliation(
    uow: Any, sealer: EnvelopeSealer, client_id: UUID, account_id: UUID, period: Period,
    statement: BalanceReconciliation, match_rows_in: list[dict[str, Any]], actor: str, loaded: Loaded,
    preparer: str | None = None,
) -> UUID:  # fmt: skip
    existing = uow.reconciliations.find(client_id, account_id, str(period))
    rec_id = existing.id if existing is not None else new_id()
    full = reconciliation_document(statement)
    public = reconciliation_document(masked_statement(statement))
    private = seal_values(sealer, reconciliations, client_id, rec_id,
                          {"statement_private": json.dumps(full, ensure_ascii=False, default=str)})  # fmt: skip
    record = Reconciliation(
        client_id=client_id, bank_account_id=account_id, period=str(period), preparer=preparer or actor, id=rec_id,
        statement_import_id=loaded.statement_id, journal_import_id=loaded.journal_id, statement=public,
        **private,  # type: ignore[arg-type]
    )  # fmt: skip
    match_rows = [_match_row(sealer, client_id, r) for r in match_rows_in]
    items = []
    for item in statement.items:
        item_id = new_id()
        sealed = seal_values(sealer, outstanding_items, client_id, item_id,
                             {"memo": item.memo, "counterparty": item.counterparty})  # fmt: skip
        source = "bank" if item.bank_row is not None else "ledger" if item.ledger_row is not None else "match"
        items.append({"id": item_id, "kind": item.kind.value, "amount_fen": item.amount_fen, "date": item.date,
                      "source": source, "bank_row": item.bank_row, "ledger_row": item.ledger_row,
                      "match_id": item.match_id, "carried": item.carried, "since": item.since or str(period),
                      **sealed})  # fmt: skip
    return uow.reconciliations.save(record, match_rows, items)  # type: ignore[no-any-return]


def _match_row(sealer: EnvelopeSealer, client_id: UUID, r: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "match_id", "status", "rule", "confidence", "difference_fen", "bank_rows", "ledger_rows", "evidence",
        "confirmed_by",
    )  # fmt: skip
    row: dict[str, Any] = {k: r.get(k) for k in keys}
    row["id"] = new_id()
    row["reason"] = None  # every row has the same keys (one INSERT for many rows)
    reason = r.get("reason")
    if reason:
        row.update(seal_values(sealer, matches_table, client_id, row["id"], {"reason": reason}))
    return row


def stored_aliases(uow: Any, sealer: EnvelopeSealer, client_id: UUID) -> Aliases:
    """The client's learned aliases, opened for matching."""
    found = Aliases()
    for a in uow.aliases.list(client_id):
        core = sealer.open(client_id, aliases_table.name, "core_name", a.id, a.core_name).decode()
        alias = None if a.alias is None else sealer.open(client_id, aliases_table.name, "alias", a.id, a.alias).decode()
        if alias:
            found.name_aliases.setdefault(core, set()).add(alias)
        if a.payee_account:
            found.payee_accounts[core] = a.payee_account
    return found


def learn_alias(
    uow: Any, sealer: EnvelopeSealer, client_id: UUID, loaded: Loaded, bank_rows: list[int], ledger_rows: list[int],
    actor: str,
) -> None:  # fmt: skip
    """What a person's one-to-one decision teaches (counterparty -> how the books write it), kept sealed."""
    if len(bank_rows) != 1 or len(ledger_rows) != 1:
        return
    name = loaded.bank.filter(pl.col("row") == bank_rows[0])["counterparty_name"].to_list()
    ledger = loaded.ledger.filter(pl.col("row") == ledger_rows[0]).select("memo", "contra_accounts").rows()
    if not name or not name[0] or not ledger:
        return
    (core,) = core_names([name[0]])
    learned = Aliases()
    learned.learn(core, ledger[0][0], (ledger[0][1] or "").split(";")[0] or None)
    known = stored_aliases(uow, sealer, client_id)
    for alias in learned.aliases_of(core or "") - known.aliases_of(core or ""):
        alias_id = new_id()
        sealed = seal_values(sealer, aliases_table, client_id, alias_id, {"core_name": core, "alias": alias})
        uow.aliases.add(Alias(client_id=client_id, id=alias_id, payee_account=learned.payee_accounts.get(core or ""),
                              confirmed_by=actor, **sealed))  # type: ignore[arg-type]  # fmt: skip


def advance(store: Store, ctx: Context, client_id: UUID, reconciliation_id: UUID, to: str) -> str:
    """Move a reconciliation draft → prepared → reviewed → locked. Its preparer, and anyone who decided one of its
    matches (confirmed, matched by hand, rejected or undid), can never review or lock it."""
    action = Action.REVIEW if to in ("reviewed", "locked") else Action.RECONCILE
    with door(store, ctx, action, client_id=client_id, resource=f"reconciliations:{reconciliation_id}") as passage:
        uow, actor = passage.uow, passage.name
        rec = uow.reconciliations.get(reconciliation_id)
        if rec is None:
            raise UserError(f"没有这个调节表 / no such reconciliation: {reconciliation_id}")
        if _NEXT.get(rec.status) != to:
            raise UserError(
                f"调节表状态为 {rec.status}，不能直接改为 {to} / a {rec.status} reconciliation cannot become {to}"
            )
        if action is Action.REVIEW:  # the checker is none of the makers: the preparer, whoever decided a match
            passage.refuse_makers([rec.preparer, *uow.reconciliations.deciders(rec.id)])
        uow.reconciliations.set_status(reconciliation_id, to, reviewer=actor if to == "reviewed" else None)
        passage.touched(f"reconciliations:{reconciliation_id}", "S0", detail=f"{rec.status} -> {to}")
    return to


@dataclass(frozen=True)
class ReconciliationView:
    """A stored reconciliation as shown: the masked statement document and who prepared and reviewed it."""

    id: UUID
    client_id: UUID
    period: str
    status: str
    preparer: str | None
    reviewer: str | None
    statement: dict[str, Any]


def read_reconciliation(store: Store, ctx: Context, client_id: UUID, reconciliation_id: UUID) -> ReconciliationView:
    """The saved 余额调节表 of a client, masked (what a reviewer signs, what the client sees in the portal)."""
    resource = f"reconciliations:{reconciliation_id}"
    with door(store, ctx, Action.RECONCILIATION_READ, client_id=client_id, resource=resource) as passage:
        rec = passage.uow.reconciliations.get(reconciliation_id)
        if rec is None or rec.client_id != client_id:
            raise UserError(f"没有这个调节表 / no such reconciliation: {reconciliation_id}")
        passage.touched(resource, "S1", "S2", detail="statement read, S2 masked")
        return ReconciliationView(rec.id, rec.client_id, rec.period, rec.status, rec.preparer, rec.reviewer,
                                  dict(rec.statement or {}))  # fmt: skip
