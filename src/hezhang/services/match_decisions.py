"""People's decisions on a stored reconciliation: confirm or reject a suggestion, match by hand, undo a match.

Decisions are taken on the period's current version while it is a draft (a prepared one goes back to draft first,
by `advance … draft`; a reviewed or locked one is final: reconcile a new version). Each decision is applied to the
stored matches and the statement is recomputed from the version's own lines and saved. Reasons are sealed;
who decided is kept on the match (`confirmed_by`: confirmed, matched by hand, rejected or undone), so that person
is one of the statement's makers and never its reviewer; a one-to-one decision teaches an alias for the next
period.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import polars as pl

from hezhang.domain.money import parse_fen
from hezhang.domain.period import Period
from hezhang.matching import MatchResult
from hezhang.matching.engine import MATCH_SCHEMA
from hezhang.security.policy import Action
from hezhang.services.context import Context
from hezhang.services.door import door
from hezhang.services.errors import UserError
from hezhang.services.outputs import masked_statement
from hezhang.services.store_access import Store
from hezhang.services.stored_reconciliation import (
    Loaded,
    StoredOutcome,
    acknowledged_gaps,
    learn_alias,
    load_version,
    save_reconciliation,
    statement_of,
)
from hezhang.store.tables import matches as matches_table

ACCEPTED = ("auto", "confirmed", "manual")

#: A decision: the stored match rows and the opened lines in, the revised rows out; the third argument is who.
Change = Callable[[list[dict[str, Any]], Loaded, str], list[dict[str, Any]]]


def _result_of(rows: list[dict[str, Any]], loaded: Loaded) -> MatchResult:
    """The stored decisions as a match result: accepted matches count as matched, the rest stays open."""
    accepted = [r for r in rows if r["status"] in ACCEPTED]
    taken_b = {b for r in accepted for b in r["bank_rows"]}
    taken_l = {x for r in accepted for x in r["ledger_rows"]}
    frame = pl.DataFrame(
        [
            {
                "match_id": r["match_id"], "status": "auto" if r["status"] in ACCEPTED else r["status"],
                "bank_rows": list(r["bank_rows"]), "ledger_rows": list(r["ledger_rows"]), "rule": r["rule"],
                "confidence": float(r["confidence"] or 0.0), "difference_fen": int(r["difference_fen"] or 0),
                "evidence": r.get("evidence") or "", "explanation_zh": "", "explanation_en": "", "alternatives": [],
            }
            for r in rows
        ],
        schema={"match_id": pl.Int64(), **MATCH_SCHEMA, "alternatives": pl.List(pl.Int64())},
    )  # fmt: skip
    bank_rows = sorted(b for b in loaded.bank["row"].to_list() if b not in taken_b)
    ledger_rows = sorted(x for x in loaded.ledger["row"].to_list() if x not in taken_l)
    return MatchResult(frame=frame, unmatched_bank_rows=tuple(bank_rows), unmatched_ledger_rows=tuple(ledger_rows))


def _revise(
    store: Store, ctx: Context, client_id: UUID, reconciliation_id: UUID, what: str, change: Change,
    learned: list[tuple[list[int], list[int]]] | None = None,
) -> StoredOutcome:  # fmt: skip
    """Apply a person's decision to the stored matches, recompute the statement, save it as a draft again."""
    resource = f"reconciliations:{reconciliation_id}"
    with door(store, ctx, Action.MATCH_DECIDE, client_id=client_id, resource=resource) as passage:
        uow, sealer, actor = passage.uow, passage.sealer, passage.name
        rec = uow.reconciliations.get(reconciliation_id)
        if rec is None or rec.client_id != client_id:
            raise UserError(f"该客户没有这个调节表 / this client has no reconciliation {reconciliation_id}")
        if rec.superseded_by is not None:
            raise UserError(f"第 {rec.version} 版已被新版本取代 / version {rec.version} was replaced by a newer one")
        if rec.status != "draft":
            hint = (
                "请先退回草稿：hezhang advance … draft / move it back to draft first: hezhang advance … draft"
                if rec.status == "prepared"
                else "如需修改请重新对账另建新版本：--new-version / reconcile a new version to change it: --new-version"
            )
            raise UserError(f"调节表状态为 {rec.status}，不能直接修改勾对 / a {rec.status} reconciliation cannot be "
                            f"changed; {hint}")  # fmt: skip
        period = Period.parse(rec.period)
        loaded = load_version(uow, sealer, rec)
        rows = []
        for r in uow.reconciliations.matches(reconciliation_id):
            row = dict(r)
            sealed = row.get("reason")
            if sealed is not None:
                row["reason"] = sealer.open(client_id, matches_table.name, "reason", row["id"], bytes(sealed)).decode()
            rows.append(row)
        rows = change(rows, loaded, actor)
        for bank_rows, ledger_rows in learned or []:
            learn_alias(uow, sealer, client_id, loaded, bank_rows, ledger_rows, actor)
        result = _result_of(rows, loaded)
        opening = (
            parse_fen(rec.statement["book_opening"]) if rec.statement and rec.statement.get("book_opening") else None
        )
        statement = statement_of(loaded, result, period, opening, acknowledged_gaps(sealer, rec))
        save_reconciliation(uow, sealer, rec, statement, rows, loaded)
        passage.touched(resource, "S1", "S2", detail=what)
    return StoredOutcome(reconciliation_id, masked_statement(statement), result, version=rec.version)


def _one(rows: list[dict[str, Any]], match_id: int, statuses: tuple[str, ...]) -> dict[str, Any]:
    found = [r for r in rows if r["match_id"] == match_id]
    if not found or found[0]["status"] not in statuses:
        raise UserError(f"勾对 {match_id} 不存在或状态不是 {'/'.join(statuses)} / match {match_id} is not {statuses}")
    return found[0]


def _free(rows: list[dict[str, Any]], bank: list[int], ledger: list[int]) -> None:
    accepted = [r for r in rows if r["status"] in ACCEPTED]
    if {b for r in accepted for b in r["bank_rows"]} & set(bank) or {
        x for r in accepted for x in r["ledger_rows"]
    } & set(ledger):
        raise UserError("有行已在其他勾对中 / a line is already in another match")


def confirm(store: Store, ctx: Context, client_id: UUID, reconciliation_id: UUID, match_id: int) -> StoredOutcome:
    """A person confirms a suggestion: it counts as matched from now on."""

    learned: list[tuple[list[int], list[int]]] = []

    def change(rows: list[dict[str, Any]], _: Loaded, actor: str) -> list[dict[str, Any]]:
        row = _one(rows, match_id, ("suggested",))
        _free(rows, row["bank_rows"], row["ledger_rows"])
        row["status"], row["confirmed_by"] = "confirmed", actor
        learned.append((row["bank_rows"], row["ledger_rows"]))
        return rows

    return _revise(store, ctx, client_id, reconciliation_id, f"confirmed match {match_id}", change, learned)


def reject(store: Store, ctx: Context, client_id: UUID, reconciliation_id: UUID, match_id: int) -> StoredOutcome:
    def change(rows: list[dict[str, Any]], _: Loaded, actor: str) -> list[dict[str, Any]]:
        row = _one(rows, match_id, ("suggested",))
        row["status"], row["confirmed_by"] = "rejected", actor
        return rows

    return _revise(store, ctx, client_id, reconciliation_id, f"rejected match {match_id}", change)


def manual_match(
    store: Store, ctx: Context, client_id: UUID, reconciliation_id: UUID, bank_rows: list[int],
    ledger_rows: list[int], reason: str,
) -> StoredOutcome:  # fmt: skip
    """A person matches lines by hand, with a reason; the difference (ledger − bank) becomes an item."""
    if not reason.strip():
        raise UserError("手工勾对须说明理由 / a manual match needs a reason")
    learned: list[tuple[list[int], list[int]]] = []

    def change(rows: list[dict[str, Any]], loaded: Loaded, actor: str) -> list[dict[str, Any]]:
        known_b, known_l = set(loaded.bank["row"].to_list()), set(loaded.ledger["row"].to_list())
        if not bank_rows or not ledger_rows or not set(bank_rows) <= known_b or not set(ledger_rows) <= known_l:
            raise UserError("行号不存在 / no such bank or ledger row")
        _free(rows, bank_rows, ledger_rows)
        signed = pl.when(pl.col("direction") == "in").then(pl.col("amount")).otherwise(-pl.col("amount")).sum()
        bank_sum = loaded.bank.filter(pl.col("row").is_in(bank_rows)).select(signed).item()
        ledger_sum = loaded.ledger.filter(pl.col("row").is_in(ledger_rows)).select(signed).item()
        next_id = max([r["match_id"] for r in rows], default=0) + 1
        rows.append({"match_id": next_id, "status": "manual", "rule": "manual", "confidence": 1.0,
                     "difference_fen": int(ledger_sum) - int(bank_sum), "bank_rows": sorted(bank_rows),
                     "ledger_rows": sorted(ledger_rows), "evidence": "manual", "reason": reason,
                     "confirmed_by": actor})  # fmt: skip
        learned.append((bank_rows, ledger_rows))
        return rows

    what = f"manual match of bank rows {sorted(bank_rows)} and book rows {sorted(ledger_rows)}"
    return _revise(store, ctx, client_id, reconciliation_id, what, change, learned)


def unmatch(
    store: Store, ctx: Context, client_id: UUID, reconciliation_id: UUID, match_id: int, reason: str
) -> StoredOutcome:
    """A person undoes a match, with a reason; its lines are outstanding again."""
    if not reason.strip():
        raise UserError("取消勾对须说明理由 / undoing a match needs a reason")

    def change(rows: list[dict[str, Any]], _: Loaded, actor: str) -> list[dict[str, Any]]:
        row = _one(rows, match_id, ACCEPTED)
        row["status"], row["reason"], row["confirmed_by"] = "unmatched", reason, actor
        return rows

    return _revise(store, ctx, client_id, reconciliation_id, f"undid match {match_id}", change)
