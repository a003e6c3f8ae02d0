"""Checks every bank statement gets, whatever its format: the running balance, stated totals and duplicates.

`finish_bank` is the last step of every bank importer: it numbers the lines, conforms the frame to
`BANK_SCHEMA`, checks the running balance of each account (`chain`) and a stated closing balance, looks for
duplicates, and sums up each account of a file that holds several.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

import polars as pl

from hezhang.domain.frames import BANK_SCHEMA, conform
from hezhang.domain.gap import BalanceGap, GapKind
from hezhang.domain.money import Money, format_fen
from hezhang.domain.period import Period
from hezhang.domain.problem import Problem, Severity
from hezhang.importers.chain import accounts_of, check_running_balance, gap_notice, order_of, signed
from hezhang.importers.result import AccountSummary, ImportResult, StatementMeta

_DUP_KEYS = ("date", "time", "direction", "amount", "counterparty_name", "counterparty_account", "memo")


def finish_bank(
    frame: pl.DataFrame,
    problems: list[Problem],
    meta: StatementMeta,
    filename: str,
    notices: Sequence[Problem] = (),
    balances: Mapping[str | None, tuple[int | None, int | None]] | None = None,
) -> ImportResult:
    """Number the lines 1..n in file order, conform to `BANK_SCHEMA`, run the checks, return the result.

    `frame` must hold the lines in file order with at least date, direction and amount, and no `row`
    column (this step numbers the lines); `notices` are the importer's own, `meta.gaps` the gaps it found (each
    already noticed). `source_row` is the line's place in the file (used in messages). Lines with a problem on
    their row, and every line when a problem concerns the whole file, are left out of `lines` (see `_intact`).
    `balances`: the opening and closing balance of each account, where the file states them per statement
    (MT940, CAMT.053); otherwise they come from the file's preamble or running balance.
    """
    frame = frame.with_row_index("row", offset=1).with_columns(pl.col("row").cast(pl.Int64))
    if meta.currency and "currency" not in frame.columns:
        frame = frame.with_columns(pl.lit(meta.currency).alias("currency"))
    frame = conform(frame, BANK_SCHEMA).with_columns(pl.col("currency").fill_null(meta.currency or "CNY"))
    notices = list(notices)
    gaps = list(meta.gaps)
    single = frame["account"].n_unique() <= 1 and not (balances and len(balances) > 1)
    whole_file = any(p.row is None and p.severity is Severity.ERROR for p in problems)  # no line stands anyway
    if frame["amount"].null_count() == 0 and frame["direction"].null_count() == 0 and not whole_file:
        currency = meta.currency or "CNY"
        opening = meta.opening_balance.fen if meta.opening_balance is not None and single else None
        chain = check_running_balance(frame, filename, currency, opening)
        problems = problems + chain.problems
        notices += chain.notices
        gaps += chain.gaps
        if single and balances is None and not problems:
            gaps += _totals_gaps(frame, meta, filename, notices)
    frame = _intact(frame, problems)
    notices += duplicates(frame, filename)
    if meta.period is None and not frame.is_empty() and frame["date"].null_count() < len(frame):
        first, last = frame["date"].min(), frame["date"].max()
        assert isinstance(first, date) and isinstance(last, date)
        meta = replace(meta, period=Period(first, last))
    meta = replace(meta, gaps=tuple(gaps))
    if problems:
        return ImportResult("bank", frame, tuple(problems), meta, tuple(notices))
    if not single:
        return ImportResult("bank", frame, (), _per_account(meta, frame, balances or {}), tuple(notices))
    return ImportResult("bank", frame, (), _with_balances(meta, frame), tuple(notices))


def _totals_gaps(frame: pl.DataFrame, meta: StatementMeta, filename: str, notices: list[Problem]) -> list[BalanceGap]:
    """A closing balance the file states (above or below its table) must follow from its lines: from the last
    running balance, or (without one) from its stated opening balance plus the lines."""
    if meta.closing_balance is None or frame.is_empty():
        return []
    stated = meta.closing_balance.fen
    bal = frame["balance"]
    if bal.null_count() == 0:
        order = order_of(frame)
        if order is None:
            return []
        expected_fen = int(bal[len(frame) - 1 if order == "ascending" else 0])
    elif bal.null_count() == len(bal) and meta.opening_balance is not None:
        expected_fen = meta.opening_balance.fen + int(signed(frame).sum())
    else:
        return []
    if expected_fen == stated:
        return []
    gap = BalanceGap(meta.account, None, expected_fen, stated, meta.currency or "CNY", GapKind.TOTALS)
    notices.append(gap_notice(filename, gap, column="期末余额", value=format_fen(stated)))
    return [gap]


def _intact(frame: pl.DataFrame, problems: Sequence[Problem]) -> pl.DataFrame:
    """Only lines that stand: a line with a problem on its row leaves `lines`, and a problem about the whole
    file (cut off, incomplete, unreadable) leaves none, since no line of it can be trusted."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if any(p.row is None for p in errors):
        return frame.clear()
    keep = pl.col("date").is_not_null() & pl.col("direction").is_not_null() & pl.col("amount").is_not_null()
    if errors:
        keep &= ~pl.col("source_row").is_in([p.row for p in errors])
    return frame.filter(keep)


def _ends(frame: pl.DataFrame) -> tuple[int | None, int | None]:
    """(opening, closing) fen from the running balance of one account's lines, where it gives them."""
    bal = frame["balance"]
    if frame.is_empty() or bal.null_count() == len(bal):
        return None, None
    order = order_of(frame)
    if order is None:
        return None, None
    first, last = (0, len(frame) - 1) if order == "ascending" else (len(frame) - 1, 0)
    opening = None if bal[first] is None else int(bal[first]) - int(signed(frame)[first])
    return opening, None if bal[last] is None else int(bal[last])


def _with_balances(meta: StatementMeta, frame: pl.DataFrame) -> StatementMeta:
    """Fill opening and closing balances from the running balance when the file has no explicit ones."""
    if meta.opening_balance is not None and meta.closing_balance is not None:
        return meta
    opening_fen, closing_fen = _ends(frame)
    currency = meta.currency or (frame["currency"][0] if len(frame) else None) or "CNY"
    opening, closing = meta.opening_balance, meta.closing_balance
    if opening is None and opening_fen is not None:
        opening = Money(opening_fen, currency)
    if closing is None and closing_fen is not None:
        closing = Money(closing_fen, currency)
    return replace(meta, opening_balance=opening, closing_balance=closing)


def _per_account(
    meta: StatementMeta, frame: pl.DataFrame, balances: Mapping[str | None, tuple[int | None, int | None]]
) -> StatementMeta:
    """One summary per account; the file-wide account and balances are None (they would mix accounts)."""
    summaries = []
    parts = dict(accounts_of(frame)) if not frame.is_empty() else {}
    for account in dict.fromkeys([*balances, *parts]):
        part = parts.get(account, frame.clear())
        currency = (part["currency"][0] if len(part) else None) or meta.currency or "CNY"
        opening, closing = balances[account] if account in balances else _ends(part)
        amounts = part.group_by("direction").agg(pl.col("amount").sum())
        total = dict(zip(amounts["direction"].to_list(), amounts["amount"].to_list(), strict=True))
        summaries.append(
            AccountSummary(
                account,
                currency,
                len(part),
                Money(int(total.get("in") or 0), currency),
                Money(int(total.get("out") or 0), currency),
                None if opening is None else Money(opening, currency),
                None if closing is None else Money(closing, currency),
                tuple(g for g in meta.gaps if g.account == account),
            )
        )
    return replace(meta, account=None, opening_balance=None, closing_balance=None, accounts=tuple(summaries))


def duplicates(frame: pl.DataFrame, filename: str) -> list[Problem]:
    """Notices for lines that look the same. Both are kept: two equal same-day payments happen.

    Lines with a bank serial number are duplicates only if the serial repeats too.
    """
    if frame.is_empty():
        return []
    keys = [*_DUP_KEYS, "bank_ref"]
    # Numbers first (cheap), then compare the few candidates on every key.
    candidates = frame.filter(pl.struct("date", "direction", "amount").is_duplicated())
    dup = candidates.filter(pl.struct(keys).is_duplicated())
    notices = []
    for group in dup.group_by(keys, maintain_order=True).agg(pl.col("source_row")).iter_rows(named=True):
        rows = ", ".join(str(r) for r in group["source_row"])
        notices.append(
            Problem(
                filename,
                f"疑似重复交易（第 {rows} 行），均已保留，请核实",
                f"possible duplicate transactions (rows {rows}); all kept, please check",
                row=group["source_row"][0],
                severity=Severity.NOTICE,
            )
        )
    return notices
