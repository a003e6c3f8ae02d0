"""Two baseline matchers, written after the matching rules of GnuCash and ERPNext, returning hezhang's types.

Both take the same frames as `hezhang.matching.match` (`BANK_SCHEMA`, `LEDGER_SCHEMA`) and return a
`MatchResult` whose matches are all `auto`, one bank line with one ledger line: neither tool builds groups
(several lines on one side) on its own, and neither leaves a doubtful pair for a person as a suggestion.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

import polars as pl

from hezhang.matching.model import MATCH_COLUMNS, Match, MatchResult, Status

#: GnuCash's defaults (org.gnucash.GnuCash.dialogs.import.generic): "match-date-threshold" 4 days,
#: "match-date-not-threshold" 14 days, "auto-clear-threshold" 6, "atm-fee-threshold" 2.00, "match-threshold" 1;
#: candidates are looked for within 42 days (the match date hard limit).
GNUCASH_DATE_THRESHOLD = 4
GNUCASH_DATE_NOT_THRESHOLD = 14
GNUCASH_CLEAR_THRESHOLD = 6
GNUCASH_FUZZY_FEN = 200
GNUCASH_DISPLAY_THRESHOLD = 1
GNUCASH_HARD_LIMIT_DAYS = 42


def _candidates(bank: pl.DataFrame, ledger: pl.DataFrame, tolerance: int, days: int) -> pl.DataFrame:
    """(bank, ledger) pairs in the same direction whose amounts differ by at most `tolerance` fen and whose
    dates by at most `days`, with the columns both scorers read (ledger columns suffixed `_l`)."""
    left = bank.select(
        "row", "date", "direction", "amount", "memo", "counterparty_name", "bank_ref", "instrument_no"
    ).with_columns((pl.col("amount") // max(tolerance, 1)).alias("_bucket"))
    right = ledger.select(
        pl.col("row").alias("row_l"),
        pl.col("date").alias("date_l"),
        "direction",
        pl.col("amount").alias("amount_l"),
        pl.col("memo").alias("memo_l"),
        pl.col("counterparty_name").alias("counterparty_l"),
        pl.col("settlement_no").alias("settlement_no_l"),
    )
    shifts = (-1, 0, 1) if tolerance else (0,)
    parts = [
        left.with_columns(pl.col("_bucket") + s).join(
            right.with_columns((pl.col("amount_l") // max(tolerance, 1)).alias("_bucket")),
            on=["direction", "_bucket"],
        )
        for s in shifts
    ]
    pairs = pl.concat(parts).drop("_bucket").unique(["row", "row_l"], maintain_order=True)
    return pairs.with_columns((pl.col("date") - pl.col("date_l")).dt.total_days().abs().alias("days")).filter(
        ((pl.col("amount") - pl.col("amount_l")).abs() <= tolerance) & (pl.col("days") <= days)
    )


_FRAME_SCHEMA: dict[str, pl.DataType] = {
    "match_id": pl.Int64(), "status": pl.String(), "bank_rows": pl.List(pl.Int64()), "ledger_rows": pl.List(pl.Int64()),
    "rule": pl.String(), "confidence": pl.Float64(), "difference_fen": pl.Int64(), "evidence": pl.String(),
    "explanation_zh": pl.String(), "explanation_en": pl.String(), "alternatives": pl.List(pl.Int64()),
}  # fmt: skip


def result_from(matches: Sequence[Match], bank_rows: Iterable[int], ledger_rows: Iterable[int]) -> MatchResult:
    """A `MatchResult` holding `matches`; every other row of `bank_rows` / `ledger_rows` is left unmatched."""
    frame = pl.DataFrame(
        [(m.match_id, m.status.value, list(m.bank_rows), list(m.ledger_rows), m.rule, m.confidence, m.difference_fen,
          ",".join(e.code for e in m.evidence), m.explanation_zh, m.explanation_en, list(m.alternatives))
         for m in matches],
        schema=_FRAME_SCHEMA, orient="row",
    )  # fmt: skip
    assert tuple(frame.columns) == MATCH_COLUMNS
    taken_bank = {r for m in matches if m.status is Status.AUTO for r in m.bank_rows}
    taken_ledger = {r for m in matches if m.status is Status.AUTO for r in m.ledger_rows}
    return MatchResult(
        frame,
        tuple(sorted(r for r in bank_rows if r not in taken_bank)),
        tuple(sorted(r for r in ledger_rows if r not in taken_ledger)),
    )


def _result(
    pairs: Iterable[tuple[int, int, float, int]], rule: str, bank: pl.DataFrame, ledger: pl.DataFrame
) -> MatchResult:
    """Matches from (bank row, ledger row, confidence, difference in fen: ledger minus bank, signed)."""
    matches = [
        Match(i, Status.AUTO, (b,), (led,), rule, confidence, diff, ())
        for i, (b, led, confidence, diff) in enumerate(sorted(pairs), start=1)
    ]
    return result_from(matches, bank["row"].to_list(), ledger["row"].to_list())


# -- GnuCash ----------------------------------------------------------------------------------------------------
def _prefix_equal(a: str, b: str, n: int) -> bool:
    """strncasecmp(a, b, n) == 0 on UTF-8 bytes, as GnuCash compares."""
    x, y = a.encode().lower(), b.encode().lower()
    return x[:n] == y[:n]


def _same_number(a: str, b: str | None) -> bool:
    """Equal as numbers (strtol) or as text."""
    return b is not None and (a == b or (a.isdigit() and b.isdigit() and int(a) == int(b)))


def gnucash_score(
    bank_fen: int, ledger_fen: int, days: int, bank_num: str | None, ledger_num: str | None,
    bank_memo: str | None, ledger_memo: str | None, bank_desc: str | None, ledger_desc: str | None,
) -> int:  # fmt: skip
    """GnuCash's `split_find_match` (import-backend.cpp) for one imported bank line against one book split."""
    diff = abs(bank_fen - ledger_fen)
    prob = 3 if diff == 0 else 2 if diff <= GNUCASH_FUZZY_FEN else -5
    if days == 0:
        prob += 3
    elif days <= GNUCASH_DATE_THRESHOLD:
        prob += 2
    elif days > GNUCASH_DATE_NOT_THRESHOLD:
        prob -= 5
    if bank_num:  # the check number: +4 when equal, -2 when both are there and differ
        if _same_number(bank_num, ledger_num):
            prob += 4
        elif ledger_num:
            prob -= 2
    if bank_memo:  # memo: +2 equal, +1 when the first half of the book's memo agrees (always true for an empty one)
        other = ledger_memo or ""
        if bank_memo.lower() == other.lower():
            prob += 2
        elif _prefix_equal(bank_memo, other, len(other.encode()) // 2):
            prob += 1
    if bank_desc:  # description: +2 equal, +1 when the first half of the imported description agrees
        other = ledger_desc or ""
        if bank_desc.lower() == other.lower():
            prob += 2
        elif _prefix_equal(bank_desc, other, len(bank_desc.encode()) // 2):
            prob += 1
    return prob


def gnucash(bank: pl.DataFrame, ledger: pl.DataFrame) -> MatchResult:
    """GnuCash's generic import matcher, bank lines as the imported transactions, ledger lines as the book.

    Copied from GnuCash (import-backend.cpp `split_find_match`, defaults from the gschema): additive points per
    (imported, existing) pair: amount equal +3, within the ATM-fee tolerance (2.00) +2, else -5; date the same
    day +3, within 4 days +2, beyond 14 days -5; check number equal +4, both present and different -2; memo
    equal +2 or first half equal +1; description equal +2 or first half equal +1. A pair at or above the
    auto-clear threshold (6) is cleared (reconciled); each imported line takes its best existing split, and a
    split already taken by a better-scoring line is not taken again (the main matcher's conflict resolution),
    so pairs are assigned greedily by score. 1:1 only.

    Mapping onto hezhang's fields: the check number is the bank's `instrument_no` against the ledger's
    `settlement_no` (结算号); the memo is the bank memo against the ledger memo (摘要); the description is the
    bank's counterparty name against the ledger's counterparty (核算项目). Not enumerated: pairs whose amounts
    differ by more than 2.00 (-5 for the amount; they reach 6 only when check number, memo and description
    all agree exactly, which real bank and book texts do not).
    """
    pairs = _candidates(bank, ledger, GNUCASH_FUZZY_FEN, GNUCASH_HARD_LIMIT_DAYS)
    scored = []
    for r in pairs.iter_rows(named=True):
        prob = gnucash_score(r["amount"], r["amount_l"], r["days"], r["instrument_no"], r["settlement_no_l"],
                             r["memo"], r["memo_l"], r["counterparty_name"], r["counterparty_l"])  # fmt: skip
        if prob >= GNUCASH_DISPLAY_THRESHOLD:
            sign = 1 if r["direction"] == "in" else -1
            scored.append((-prob, r["row"], r["row_l"], sign * (r["amount_l"] - r["amount"])))
    taken_bank: set[int] = set()
    taken_ledger: set[int] = set()
    chosen = []
    for neg, b, led, diff in sorted(scored):
        if -neg < GNUCASH_CLEAR_THRESHOLD:
            break
        if b not in taken_bank and led not in taken_ledger:
            taken_bank.add(b)
            taken_ledger.add(led)
            chosen.append((b, led, -neg / 16, diff))  # a fuzzy amount: GnuCash updates the book to the bank
    return _result(chosen, "gnucash", bank, ledger)


# -- ERPNext ----------------------------------------------------------------------------------------------------
def erpnext(bank: pl.DataFrame, ledger: pl.DataFrame) -> MatchResult:
    """ERPNext's bank reconciliation tool, each bank line given the first voucher it proposes.

    Copied from ERPNext (bank_reconciliation_tool.py `get_linked_payments` / `get_matching_queries`, with
    "exact_match"): candidates are the unreconciled book entries on the bank account with exactly the bank
    line's amount on the same side; rank = 1 (+1 for the equal amount, alike for all) + reference number equal
    (bank 流水号 against the voucher's 结算号) + party equal (bank counterparty against the ledger counterparty,
    exactly) + posting date equal to the bank date + 1 when the voucher's reference number appears in the bank
    description; candidates sorted by rank, then by posting date (the query's ORDER BY). Bank lines are taken
    in statement order and each is reconciled with its first candidate, as a user who accepts the top proposal
    does (`reconcile_vouchers`): no check that the best candidate is unique, no date window, no groups; a
    voucher once reconciled (cleared) is no longer offered. ERPNext's own "auto reconcile" takes only
    candidates whose reference number matches;
    this baseline is the tool's ranking applied to every line.
    """
    pairs = _candidates(bank, ledger, 0, 10**6)
    offers: dict[int, list[tuple[int, date, int]]] = defaultdict(list)
    for r in pairs.iter_rows(named=True):
        ref, party, memo = r["settlement_no_l"], r["counterparty_l"], r["memo"] or ""
        rank = (
            1
            + int(ref is not None and ref == r["bank_ref"])
            + int(party is not None and party == r["counterparty_name"])
            + int(r["date_l"] == r["date"])
            + int(bool(ref) and ref.strip() in memo)
        )
        offers[r["row"]].append((-rank, r["date_l"], r["row_l"]))
    cleared: set[int] = set()
    chosen = []
    for b in sorted(offers):
        for neg, _, led in sorted(offers[b]):
            if led not in cleared:
                cleared.add(led)
                chosen.append((b, led, -neg / 5, 0))
                break
    return _result(chosen, "erpnext", bank, ledger)
