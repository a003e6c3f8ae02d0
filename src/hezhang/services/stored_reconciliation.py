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

from hezhang.domain.frames import BANK_SCHEMA, LEDGER_SCHEMA, conform, frame_from_records
from hezhang.domain.money import MoneyError, parse_fen
from hezhang.domain.period import Period
from hezhang.matching import MatchResult, match
from hezhang.reconciliation import BalanceReconciliation, OutstandingItem, OutstandingKind, reconcile
from hezhang.reconciliation.carry import carried_lines
from hezhang.reports.reconciliation_json import reconciliation_document
from hezhang.services.errors import UserError
from hezhang.services.freeze import ensure_not_frozen
from hezhang.services.outputs import masked_statement
from hezhang.services.sealer import EnvelopeSealer
from hezhang.services.store_access import Store
from hezhang.store.records import Reconciliation
from hezhang.store.registry import sealed_columns
from hezhang.store.sealing import seal_values
from hezhang.store.tables import bank_lines, ledger_lines, new_id, outstanding_items, reconciliations

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


def reconcile_period(
    store: Store, client_id: UUID, account_id: UUID, period: Period, *, actor: str = "system",
    book_opening: str | None = None,
) -> StoredOutcome:  # fmt: skip
    """Match and reconcile from the store and save the statement as a draft prepared by `actor`."""
    with store.work([client_id]) as (uow, sealer):
        ensure_not_frozen(uow, client_id)
        account = uow.bank_accounts.get(account_id)
        if account is None or account.client_id != client_id:
            raise UserError(f"没有这个银行账户 / no such bank account for this client: {account_id}")
        statements, journals = uow.imports.statements_of(account_id), uow.imports.journals_of(client_id)
        if not statements or not journals:
            raise UserError("须先导入对账单和序时账 / import a statement and a journal first")
        head = statements[0]

        def in_period(r: dict[str, Any]) -> bool:
            return bool(period.start <= r["date"] <= period.end)

        bank = [r for r in _opened(list(uow.imports.statement_lines(head.id)), bank_lines, sealer) if in_period(r)]
        ledger_all = _opened(list(uow.imports.journal_lines(journals[0].id)), ledger_lines, sealer)
        prefix = account.ledger_account_code or "1002"
        own = [r for r in ledger_all if in_period(r) and str(r["account_code"]).startswith(prefix)]
        vouchers = {(r["date"], r["voucher_no"]) for r in own}
        context = [r for r in ledger_all if (r["date"], r["voucher_no"]) in vouchers and r not in own]
        carried = _carried(uow, sealer, client_id, account_id, period)
        extra_bank, extra_ledger = carried_lines(carried, currency=account.currency, account_code=prefix)
        bank_frame = conform(
            pl.concat([frame_from_records(bank, BANK_SCHEMA), frame_from_records(extra_bank, BANK_SCHEMA)]), BANK_SCHEMA
        )
        ledger_frame = pl.concat(
            [frame_from_records(own, LEDGER_SCHEMA), frame_from_records(extra_ledger, LEDGER_SCHEMA)]
        )
        result = match(bank_frame, ledger_frame, context=frame_from_records(context, LEDGER_SCHEMA))
        closing = [r["balance"] for r in sorted(bank, key=lambda r: r["row"]) if r["balance"] is not None]
        opening_fen = (
            _fen(book_opening)
            if book_opening is not None
            else _previous_book_balance(uow, client_id, account_id, period)
        )
        statement = reconcile(
            bank_frame, ledger_frame, result, account=prefix, period=period, currency=account.currency,
            book_opening_fen=opening_fen, bank_closing_fen=closing[-1] if closing else None, carried=carried,
        )  # fmt: skip
        rec_id = _save(uow, sealer, client_id, account_id, period, statement, result, actor, head.id, journals[0].id)
    return StoredOutcome(rec_id, masked_statement(statement), result, len(bank), len(own))


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


def _save(
    uow: Any, sealer: EnvelopeSealer, client_id: UUID, account_id: UUID, period: Period,
    statement: BalanceReconciliation, result: MatchResult, actor: str, statement_id: UUID, journal_id: UUID,
) -> UUID:  # fmt: skip
    existing = uow.reconciliations.find(client_id, account_id, str(period))
    rec_id = existing.id if existing is not None else new_id()
    full = reconciliation_document(statement)
    public = reconciliation_document(masked_statement(statement))
    private = seal_values(sealer, reconciliations, client_id, rec_id,
                          {"statement_private": json.dumps(full, ensure_ascii=False, default=str)})  # fmt: skip
    record = Reconciliation(
        client_id=client_id, bank_account_id=account_id, period=str(period), preparer=actor, id=rec_id,
        statement_import_id=statement_id, journal_import_id=journal_id, statement=public,
        **private,  # type: ignore[arg-type]
    )  # fmt: skip
    match_rows = [
        {
            k: r[k]
            for k in (
                "match_id",
                "status",
                "rule",
                "confidence",
                "difference_fen",
                "bank_rows",
                "ledger_rows",
                "evidence",
            )
        }
        for r in result.frame.iter_rows(named=True)
    ]
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


def advance(store: Store, client_id: UUID, reconciliation_id: UUID, to: str, actor: str) -> str:
    """Move a reconciliation draft → prepared → reviewed → locked. The preparer can never review or lock it."""
    with store.work([client_id]) as (uow, _):
        rec = uow.reconciliations.get(reconciliation_id)
        if rec is None:
            raise UserError(f"没有这个调节表 / no such reconciliation: {reconciliation_id}")
        if _NEXT.get(rec.status) != to:
            raise UserError(
                f"调节表状态为 {rec.status}，不能直接改为 {to} / a {rec.status} reconciliation cannot become {to}"
            )
        if to in ("reviewed", "locked") and actor == rec.preparer:
            raise UserError(f"制单人 {actor} 不能复核或锁定自己编制的调节表 / the preparer cannot review or lock it")
        uow.reconciliations.set_status(reconciliation_id, to, reviewer=actor if to == "reviewed" else None)
    return to
