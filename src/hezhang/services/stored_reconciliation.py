"""Reconciling a client's bank account for a period from the store, in versions, and the maker-checker workflow.

A period is reconciled from every stored line dated in it: the account's bank lines of every statement import and
the client's journal lines of every journal import (a line is stored once, see `services.imports`). The lines are
numbered 1, 2, ... by date and import, opened with the client's key for matching only, and recorded with the
version (`reconciliation_lines`), so decisions on the version always mean the same lines. The statement is saved
with its matches and outstanding items (memos and counterparties sealed; the plain statement JSON holds none), and
the previous period's outstanding items carry in.

Versions: reconciling again replaces a draft nobody has decided on. A draft with people's decisions, or a
prepared or reviewed statement, is kept as it is: reconciling again is refused unless a new version is asked
for, which then becomes the period's current version (the older one keeps its status and names its successor).
A locked statement is final.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

import polars as pl
from sqlalchemy import RowMapping, Table

from hezhang.domain.frames import BANK_SCHEMA, LEDGER_SCHEMA, frame_from_records
from hezhang.domain.gap import BalanceGap
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
from hezhang.services.gaps import gap_acknowledgement, gaps_in
from hezhang.services.outputs import masked_document, masked_statement
from hezhang.services.store_access import Store
from hezhang.store.records import Alias, Reconciliation
from hezhang.store.registry import sealed_columns
from hezhang.store.sealer import EnvelopeSealer
from hezhang.store.sealing import seal_values
from hezhang.store.tables import aliases as aliases_table
from hezhang.store.tables import bank_lines, ledger_lines, new_id, outstanding_items, reconciliations
from hezhang.store.tables import matches as matches_table
from hezhang.store.uow import UnitOfWork

_NEXT = {"draft": "prepared", "prepared": "reviewed", "reviewed": "locked"}
_STATUS_ZH = {"draft": "草稿", "prepared": "已编制", "reviewed": "已复核", "locked": "已锁定"}


@dataclass(frozen=True)
class StoredOutcome:
    reconciliation_id: UUID
    statement: BalanceReconciliation  # masked
    result: MatchResult
    bank_lines: int = 0
    ledger_lines: int = 0
    version: int = 1


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


def _carried_items(uow: UnitOfWork, sealer: EnvelopeSealer, before: Reconciliation | None) -> list[OutstandingItem]:
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
    """The lines of one reconciliation version, opened and numbered (`row` 1, 2, ...; carried items below 0)."""

    bank: pl.DataFrame
    ledger: pl.DataFrame
    context: pl.DataFrame
    carried: list[OutstandingItem]
    closing_fen: int | None
    prefix: str
    currency: str
    #: (side, row, stored line id) of every numbered line: what the version records.
    lines: list[tuple[str, int, UUID]]
    carried_from: UUID | None
    #: Where the statements the bank lines come from do not hold together (`services.gaps`).
    gaps: tuple[BalanceGap, ...] = ()


def _numbered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for ordinal, row in enumerate(rows, start=1):
        row["row"] = ordinal
    return rows


def _gaps(uow: UnitOfWork, bank: list[dict[str, Any]]) -> tuple[BalanceGap, ...]:
    """The gaps of the statement imports these bank lines (with their imports' own rows) come from."""
    used = {(r["import_id"], r["row"]) for r in bank}
    imports = {i: uow.imports.get_statement(i) for i in {r["import_id"] for r in bank}}
    return gaps_in({i: (found.gaps if found else None) for i, found in imports.items()}, used)


def _frames(
    bank: list[dict[str, Any]], own: list[dict[str, Any]], context: list[dict[str, Any]],
    carried: list[OutstandingItem], prefix: str, currency: str, carried_from: UUID | None,
    gaps: tuple[BalanceGap, ...] = (),
) -> Loaded:  # fmt: skip
    extra_bank, extra_ledger = carried_lines(carried, currency=currency, account_code=prefix)
    bank_frame = pl.concat([frame_from_records(bank, BANK_SCHEMA), frame_from_records(extra_bank, BANK_SCHEMA)])
    ledger_frame = pl.concat([frame_from_records(own, LEDGER_SCHEMA), frame_from_records(extra_ledger, LEDGER_SCHEMA)])
    closing = [r["balance"] for r in bank if r["balance"] is not None]
    lines = [("bank", r["row"], r["id"]) for r in bank] + [("ledger", r["row"], r["id"]) for r in own]
    return Loaded(
        bank_frame, ledger_frame, frame_from_records(context, LEDGER_SCHEMA), carried, closing[-1] if closing else None,
        prefix, currency, lines, carried_from, gaps,
    )  # fmt: skip


def _account(uow: UnitOfWork, client_id: UUID, account_id: UUID) -> Any:
    account = uow.bank_accounts.get(account_id)
    if account is None or account.client_id != client_id:
        raise UserError(f"该客户没有这个银行账户 / this client has no bank account {account_id}")
    return account


def load_lines(uow: UnitOfWork, sealer: EnvelopeSealer, client_id: UUID, account_id: UUID, period: Period) -> Loaded:
    """Every stored line of the account dated in the period, from every import, numbered, opened, with the
    previous period's outstanding items carried in."""
    ensure_not_frozen(uow, client_id)
    account = _account(uow, client_id, account_id)
    stored_bank = list(uow.imports.period_bank_lines(account_id, period.start, period.end))
    gaps = _gaps(uow, [dict(r) for r in stored_bank])
    bank = _numbered(_opened(stored_bank, bank_lines, sealer))
    prefix = account.ledger_account_code or "1002"
    ledger_all = _opened(list(uow.imports.period_ledger_lines(client_id, period.start, period.end)), ledger_lines,
                         sealer)  # fmt: skip
    own = _numbered([r for r in ledger_all if str(r["account_code"]).startswith(prefix)])
    if not bank or not own:
        missing = (
            ("银行对账单", "bank statement") if not bank else ("序时账（该账户科目）", f"journal lines on {prefix}")
        )
        raise UserError(
            f"{period} 没有已导入的{missing[0]}行，请先导入 / no {missing[1]} lines dated in {period} are stored: "
            "import them first"
        )
    vouchers = {(r["date"], r["voucher_no"]) for r in own}
    own_ids = {r["id"] for r in own}
    context = [r for r in ledger_all if (r["date"], r["voucher_no"]) in vouchers and r["id"] not in own_ids]
    before = uow.reconciliations.current(client_id, account_id, str(_previous(period)))
    carried = _carried_items(uow, sealer, before)
    return _frames(bank, own, context, carried, prefix, account.currency, None if before is None else before.id, gaps)


def load_version(uow: UnitOfWork, sealer: EnvelopeSealer, rec: Reconciliation) -> Loaded:
    """The lines a stored version was made from, under the numbers it gave them."""
    ensure_not_frozen(uow, rec.client_id)
    account = _account(uow, rec.client_id, rec.bank_account_id)
    recorded = list(uow.reconciliations.lines(rec.id))
    found = {
        "bank": uow.imports.lines_by_id(bank_lines, [r["bank_line_id"] for r in recorded if r["side"] == "bank"]),
        "ledger": uow.imports.lines_by_id(
            ledger_lines, [r["ledger_line_id"] for r in recorded if r["side"] == "ledger"]
        ),
    }
    picked: dict[str, list[dict[str, Any]]] = {"bank": [], "ledger": []}
    for r in recorded:
        line = found[r["side"]].get(r["bank_line_id"] if r["side"] == "bank" else r["ledger_line_id"])
        if line is None:
            raise UserError(
                f"调节表 {rec.id} 引用的行已不在库中 / a line of reconciliation {rec.id} is no longer stored"
            )
        picked[r["side"]].append({**line, "row": r["ordinal"], "import_row": line["row"]})
    bank = _opened(picked["bank"], bank_lines, sealer)  # type: ignore[arg-type]
    own = _opened(picked["ledger"], ledger_lines, sealer)  # type: ignore[arg-type]
    before = None if rec.carried_from is None else uow.reconciliations.get(rec.carried_from)
    carried = _carried_items(uow, sealer, before)
    prefix = account.ledger_account_code or "1002"
    gaps = _gaps(uow, [{"import_id": r["import_id"], "row": r["import_row"]} for r in picked["bank"]])
    return _frames(bank, own, [], carried, prefix, account.currency, rec.carried_from, gaps)


def statement_of(
    loaded: Loaded, result: MatchResult, period: Period, opening: int | None, gaps_acknowledged: str | None = None
) -> BalanceReconciliation:
    return reconcile(
        loaded.bank, loaded.ledger, result, account=loaded.prefix, period=period, currency=loaded.currency,
        book_opening_fen=opening, bank_closing_fen=loaded.closing_fen, carried=loaded.carried, gaps=loaded.gaps,
        gaps_acknowledged=gaps_acknowledged,
    )  # fmt: skip


def acknowledged_gaps(sealer: EnvelopeSealer, rec: Reconciliation) -> str | None:
    """Who acknowledged the version's gaps and why, as its statement names it (None: nobody)."""
    if rec.gaps_acknowledged_by is None or rec.gaps_reason is None:
        return None
    reason = sealer.open(rec.client_id, reconciliations.name, "gaps_reason", rec.id, rec.gaps_reason).decode()
    return gap_acknowledgement(reason, rec.gaps_acknowledged_by)


def _version_for(uow: UnitOfWork, client_id: UUID, account_id: UUID, period: Period, new_version: bool) -> tuple[
    Reconciliation | None, Reconciliation | None, int]:  # fmt: skip
    """(the version to replace in place, the version a new one supersedes, the new one's number)."""
    current = uow.reconciliations.current(client_id, account_id, str(period))
    if current is None:
        return None, None, uow.reconciliations.next_version(client_id, account_id, str(period))
    status = f"{_STATUS_ZH[current.status]}（第 {current.version} 版）"
    if current.status == "locked":
        raise UserError(
            f"{period} 的调节表{status}已锁定，不能重新对账 / the {period} statement (version {current.version}) is "
            "locked and cannot be reconciled again"
        )
    decided = uow.reconciliations.deciders(current.id)
    if current.status == "draft" and not decided:
        return current, None, current.version
    if not new_version:
        who = f"编制人 {current.preparer}" + (f"，复核人 {current.reviewer}" if current.reviewer else "")
        raise UserError(
            f"{period} 的调节表为{status}（{who}{'，已有人工勾对决定' if decided else ''}），重新对账不会覆盖它；"
            f"如需按现有数据重做，请加 --new-version 另建新版本，原版本保留 / the {period} statement is "
            f"{current.status} (version {current.version}{', with people decisions' if decided else ''}); "
            "reconciling again does not overwrite it: add --new-version to make a new version beside it"
        )
    return None, current, uow.reconciliations.next_version(client_id, account_id, str(period))


def reconcile_period(
    store: Store, ctx: Context, client_id: UUID, account_id: UUID, period: Period, *,
    book_opening: str | None = None, new_version: bool = False, accept_gaps: str | None = None,
) -> StoredOutcome:  # fmt: skip
    """Match and reconcile the period from the store and save the statement as a draft prepared by the acting
    user: in place of a draft nobody decided on, else as a new version when `new_version` (see the module).
    `accept_gaps` is a person's reason for accepting where the bank statement's own numbers disagree: without it
    a statement with such gaps is never balanced."""
    if accept_gaps is not None:
        gap_acknowledgement(accept_gaps)  # refused before any work when the reason is too short
    with door(store, ctx, Action.RECONCILE, client_id=client_id) as passage:
        uow, sealer, actor = passage.uow, passage.sealer, passage.name
        loaded = load_lines(uow, sealer, client_id, account_id, period)
        replaced, superseded, version = _version_for(uow, client_id, account_id, period, new_version)
        result = match(
            loaded.bank, loaded.ledger, aliases=stored_aliases(uow, sealer, client_id), context=loaded.context
        )
        opening = (
            _fen(book_opening)
            if book_opening is not None
            else _previous_book_balance(uow, client_id, account_id, period)
        )
        acknowledged = gap_acknowledgement(accept_gaps, actor) if loaded.gaps and accept_gaps else None
        statement = statement_of(loaded, result, period, opening, acknowledged)
        rows = [dict(r) for r in result.frame.iter_rows(named=True)]
        record = Reconciliation(client_id=client_id, bank_account_id=account_id, period=str(period), version=version,
                                preparer=actor, carried_from=loaded.carried_from)  # fmt: skip
        if replaced is not None:  # a draft nobody decided on: the same version, written again
            record = dataclasses.replace(record, id=replaced.id, created_at=replaced.created_at)
        if acknowledged is not None:  # sealed to the row it belongs to (its id is final now)
            assert accept_gaps is not None
            reason = seal_values(sealer, reconciliations, client_id, record.id, {"gaps_reason": accept_gaps.strip()})
            record = dataclasses.replace(record, gaps_acknowledged_by=actor, gaps_acknowledged_at=ctx.now(),
                                         gaps_reason=reason["gaps_reason"])  # fmt: skip
        rec_id = save_reconciliation(uow, sealer, record, statement, rows, loaded, with_lines=True)
        if superseded is not None:
            uow.reconciliations.supersede(superseded, rec_id)
        opened = (
            f"{period} v{version}: {len(loaded.lines)} lines opened"
            + (f"; supersedes v{superseded.version}" if superseded else "")
            + (
                f"; {len(loaded.gaps)} statement gaps" + ("; acknowledged" if acknowledged else "")
                if loaded.gaps
                else ""
            )
        )
        passage.touched(f"reconciliations:{rec_id}", "S1", "S2", detail=opened)
    bank_count = loaded.bank.filter(pl.col("row") > 0).height
    ledger_count = loaded.ledger.filter(pl.col("row") > 0).height
    return StoredOutcome(rec_id, masked_statement(statement), result, bank_count, ledger_count, version)


def _fen(text: str) -> int:
    try:
        return parse_fen(text)
    except MoneyError as e:
        raise UserError(f"期初余额无法识别 / the book opening balance cannot be read: {e}") from None


def _previous_book_balance(uow: UnitOfWork, client_id: UUID, account_id: UUID, period: Period) -> int | None:
    before = uow.reconciliations.current(client_id, account_id, str(_previous(period)))
    if before is None or not before.statement:
        return None
    return parse_fen(before.statement["book_balance"])


def save_reconciliation(
    uow: UnitOfWork, sealer: EnvelopeSealer, record: Reconciliation, statement: BalanceReconciliation,
    match_rows_in: list[dict[str, Any]], loaded: Loaded, *, with_lines: bool = False,
) -> UUID:  # fmt: skip
    """Write the version `record` with the statement, its matches and items (S2 sealed; the plain statement JSON
    holds no S2 value), and, `with_lines`, the lines it numbers."""
    client_id, rec_id = record.client_id, record.id
    full = json.dumps(reconciliation_document(statement), ensure_ascii=False, default=str)
    private = seal_values(sealer, reconciliations, client_id, rec_id, {"statement_private": full})
    record = dataclasses.replace(record, statement=reconciliation_document(statement, personal=False),
                                 statement_private=private["statement_private"])  # fmt: skip
    match_rows = [_match_row(sealer, client_id, r) for r in match_rows_in]
    items = []
    for item in statement.items:
        item_id = new_id()
        sealed = seal_values(sealer, outstanding_items, client_id, item_id,
                             {"memo": item.memo, "counterparty": item.counterparty})  # fmt: skip
        source = "bank" if item.bank_row is not None else "ledger" if item.ledger_row is not None else "match"
        items.append({"id": item_id, "kind": item.kind.value, "amount_fen": item.amount_fen, "date": item.date,
                      "source": source, "bank_row": item.bank_row, "ledger_row": item.ledger_row,
                      "match_id": item.match_id, "carried": item.carried, "since": item.since or record.period,
                      **sealed})  # fmt: skip
    return uow.reconciliations.save(record, match_rows, items, loaded.lines if with_lines else None)


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


def stored_aliases(uow: UnitOfWork, sealer: EnvelopeSealer, client_id: UUID) -> Aliases:
    """The client's learned aliases, opened for matching."""
    found = Aliases()
    for a in uow.aliases.list(client_id):
        core = sealer.open(client_id, aliases_table.name, "core_name", a.id, a.core_name).decode()
        alias = None if a.alias is None else sealer.open(client_id, aliases_table.name, "alias", a.id, a.alias).decode()
        if alias:
            found.name_aliases.setdefault(core, set()).add(alias)
        if a.payee_account:
            found.payee_accounts[core] = sealer.open(client_id, aliases_table.name, "payee_account", a.id,
                                                     a.payee_account).decode()  # fmt: skip
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
        sealed = seal_values(sealer, aliases_table, client_id, alias_id, {
            "core_name": core, "alias": alias, "payee_account": learned.payee_accounts.get(core or "")})  # fmt: skip
        uow.aliases.add(Alias(client_id=client_id, id=alias_id, confirmed_by=actor, **sealed))  # type: ignore[arg-type]


def advance(store: Store, ctx: Context, client_id: UUID, reconciliation_id: UUID, to: str) -> str:
    """Move the period's current version draft → prepared → reviewed → locked, or a prepared one back to draft (to
    change it: decisions are taken on drafts only). Its preparer, and anyone who decided one of its matches
    (confirmed, matched by hand, rejected or undid), can never review or lock it."""
    action = Action.REVIEW if to in ("reviewed", "locked") else Action.RECONCILE
    with door(store, ctx, action, client_id=client_id, resource=f"reconciliations:{reconciliation_id}") as passage:
        uow, actor = passage.uow, passage.name
        rec = uow.reconciliations.get(reconciliation_id)
        if rec is None or rec.client_id != client_id:
            raise UserError(f"该客户没有这个调节表 / this client has no reconciliation {reconciliation_id}")
        if rec.superseded_by is not None:
            raise UserError(
                f"这是 {rec.period} 的第 {rec.version} 版，已被新版本取代，不能再变更 / version {rec.version} of "
                f"{rec.period} was replaced by a newer version and can no longer change"
            )
        if _NEXT.get(rec.status) != to and not (rec.status == "prepared" and to == "draft"):
            raise UserError(
                f"调节表状态为{_STATUS_ZH.get(rec.status, rec.status)}，不能直接改为{_STATUS_ZH.get(to, to)} / a "
                f"{rec.status} reconciliation cannot become {to}"
            )
        if action is Action.REVIEW:  # the checker is none of the makers: the preparer, whoever decided a match
            passage.refuse_makers([rec.preparer, *uow.reconciliations.deciders(rec.id)])
        uow.reconciliations.set_status(reconciliation_id, to, reviewer=actor if to == "reviewed" else None)
        passage.touched(f"reconciliations:{reconciliation_id}", "S0", detail=f"v{rec.version} {rec.status} -> {to}")
    return to


@dataclass(frozen=True)
class VersionInfo:
    id: UUID
    version: int
    status: str
    preparer: str | None
    reviewer: str | None
    superseded_by: UUID | None


@dataclass(frozen=True)
class ReconciliationView:
    """A stored reconciliation version as shown: the statement document (memos and counterparties masked), who
    prepared and reviewed it, and every version of its period."""

    id: UUID
    client_id: UUID
    period: str
    status: str
    preparer: str | None
    reviewer: str | None
    statement: dict[str, Any]
    version: int = 1
    superseded_by: UUID | None = None
    versions: tuple[VersionInfo, ...] = ()


def read_reconciliation(store: Store, ctx: Context, client_id: UUID, reconciliation_id: UUID) -> ReconciliationView:
    """The saved 余额调节表 of a client, masked (what a reviewer signs, what the client sees in the portal)."""
    resource = f"reconciliations:{reconciliation_id}"
    with door(store, ctx, Action.RECONCILIATION_READ, client_id=client_id, resource=resource) as passage:
        uow, sealer = passage.uow, passage.sealer
        rec = uow.reconciliations.get(reconciliation_id)
        if rec is None or rec.client_id != client_id:
            raise UserError(f"该客户没有这个调节表 / this client has no reconciliation {reconciliation_id}")
        document = dict(rec.statement or {})
        if rec.statement_private is not None:
            opened = sealer.open(client_id, reconciliations.name, "statement_private", rec.id, rec.statement_private)
            document = masked_document(json.loads(opened))
        versions = tuple(VersionInfo(v.id, v.version, v.status, v.preparer, v.reviewer, v.superseded_by)
                         for v in uow.reconciliations.versions(client_id, rec.bank_account_id, rec.period))  # fmt: skip
        passage.touched(resource, "S1", "S2", detail=f"v{rec.version} statement read, S2 masked")
        return ReconciliationView(rec.id, rec.client_id, rec.period, rec.status, rec.preparer, rec.reviewer,
                                  document, rec.version, rec.superseded_by, versions)  # fmt: skip
