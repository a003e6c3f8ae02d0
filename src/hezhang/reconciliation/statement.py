"""The 银行存款余额调节表 from a match result, balances and the previous period's outstanding items.

    book balance + 银收企未收 − 银付企未付 = adjusted = bank balance + 企收银未收 − 企付银未付

Lines with negative rows are items carried forward from the previous period: they count as
outstanding until matched, and never as this period's movements.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from hezhang.domain.gap import BalanceGap
from hezhang.domain.period import Period
from hezhang.matching.model import MatchResult, Status
from hezhang.reconciliation.diagnose import diagnose
from hezhang.reconciliation.model import BalanceReconciliation, OutstandingItem, OutstandingKind

_BANK_KIND = {"in": OutstandingKind.BANK_RECEIVED_BOOK_NOT, "out": OutstandingKind.BANK_PAID_BOOK_NOT}
_BOOK_KIND = {"in": OutstandingKind.BOOK_RECEIVED_BANK_NOT, "out": OutstandingKind.BOOK_PAID_BANK_NOT}


def _signed(frame: pl.DataFrame) -> int:
    value = frame.select(
        pl.when(pl.col("direction") == "in").then(pl.col("amount")).otherwise(-pl.col("amount")).sum()
    ).item()
    return int(value or 0)


def _items(
    frame: pl.DataFrame,
    rows: Sequence[int],
    kinds: dict[str, OutstandingKind],
    side: str,
    carried: dict[int, OutstandingItem],
) -> list[OutstandingItem]:
    picked = frame.filter(pl.col("row").is_in(list(rows)))
    name = "counterparty_name"
    items = []
    for r in picked.select("row", "date", "direction", "amount", "memo", name).sort("date", "row").iter_rows():
        row, day, direction, amount, memo, who = r
        if row < 0:
            items.append(carried[row])
            continue
        items.append(
            OutstandingItem(
                kind=kinds[direction],
                amount_fen=amount,
                date=day,
                memo=memo,
                counterparty=who,
                bank_row=row if side == "bank" else None,
                ledger_row=row if side == "ledger" else None,
            )
        )
    return items


def _difference_items(bank: pl.DataFrame, result: MatchResult) -> list[OutstandingItem]:
    """A match with a difference (a fee kept by the bank) leaves the difference outstanding on the book side."""
    out = []
    dates = dict(zip(bank["row"].to_list(), bank["date"].to_list(), strict=True))
    with_diff = result.frame.filter((pl.col("status") == Status.AUTO.value) & (pl.col("difference_fen") != 0))
    for match_id, bank_rows, diff in with_diff.select("match_id", "bank_rows", "difference_fen").iter_rows():
        kind = OutstandingKind.BANK_PAID_BOOK_NOT if diff > 0 else OutstandingKind.BANK_RECEIVED_BOOK_NOT
        day = max(dates[r] for r in bank_rows)
        memo = f"银行扣收手续费差额（勾对 {match_id}）" if diff > 0 else f"银行多收差额（勾对 {match_id}）"
        out.append(OutstandingItem(kind=kind, amount_fen=abs(diff), date=day, memo=memo, match_id=match_id))
    return out


def reconcile(
    bank: pl.DataFrame,
    ledger: pl.DataFrame,
    result: MatchResult,
    *,
    account: str,
    period: Period,
    currency: str = "CNY",
    book_opening_fen: int | None = None,
    bank_closing_fen: int | None = None,
    bank_opening_fen: int | None = None,
    carried: Sequence[OutstandingItem] = (),
    gaps: Sequence[BalanceGap] = (),
    gaps_acknowledged: str | None = None,
) -> BalanceReconciliation:
    """Compute the statement. `bank`/`ledger` are the frames that were matched (carried items included,
    with rows -1, -2, … per side in the order of `carried` items of that side). `gaps` are where the bank
    statement's own numbers disagree; unless `gaps_acknowledged` names who accepted them, the statement is not
    balanced."""
    carried_bank = [i for i in carried if i.kind.adjusts_book]
    carried_ledger = [i for i in carried if not i.kind.adjusts_book]
    by_bank_row = {-(n + 1): item for n, item in enumerate(carried_bank)}
    by_ledger_row = {-(n + 1): item for n, item in enumerate(carried_ledger)}
    own_bank = bank.filter(pl.col("row") > 0)
    own_ledger = ledger.filter(pl.col("row") > 0)
    movement_bank, movement_book = _signed(own_bank), _signed(own_ledger)
    # Last period: book + its book-side items = bank + its bank-side items, so this period opens with
    # bank opening − book opening = Σ book-side items − Σ bank-side items (signed as they adjust).
    carried_gap = sum(i.kind.sign * i.amount_fen for i in carried_bank) - sum(
        i.kind.sign * i.amount_fen for i in carried_ledger
    )
    bank_assumed = book_assumed = False
    if bank_closing_fen is None and bank_opening_fen is not None:
        bank_closing_fen = bank_opening_fen + movement_bank
    if bank_closing_fen is not None:
        bank_opening = bank_closing_fen - movement_bank
        if book_opening_fen is None:
            book_opening_fen, book_assumed = bank_opening - carried_gap, True
    else:
        if book_opening_fen is None:
            book_opening_fen, book_assumed = 0, True
        bank_closing_fen, bank_assumed = book_opening_fen + carried_gap + movement_bank, True
    items = (
        _items(bank, result.unmatched_bank_rows, _BANK_KIND, "bank", by_bank_row)
        + _difference_items(bank, result)
        + _items(ledger, result.unmatched_ledger_rows, _BOOK_KIND, "ledger", by_ledger_row)
    )
    rec = BalanceReconciliation(
        account=account,
        period=period,
        currency=currency,
        book_balance_fen=book_opening_fen + movement_book,
        bank_balance_fen=bank_closing_fen,
        items=tuple(items),
        book_opening_fen=book_opening_fen,
        book_opening_assumed=book_assumed,
        bank_balance_assumed=bank_assumed,
        gaps=tuple(gaps),
        gaps_acknowledged=gaps_acknowledged if gaps else None,
    )
    causes = diagnose(
        rec, own_bank, own_ledger, result, expected_book_opening=bank_closing_fen - movement_bank - carried_gap
    )
    return BalanceReconciliation(**{**{f: getattr(rec, f) for f in rec.__slots__}, "causes": tuple(causes)})
