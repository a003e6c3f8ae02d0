"""Reconciling a bank statement file against a journal file (file mode: no store, nothing kept).

Reads both files, the previous period's outstanding items, rules and learned aliases; matches;
computes the 银行存款余额调节表; writes matches.csv, reconciliation.json and reconciliation.xlsx.
Any problem in any input stops the run before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from hezhang.domain.frames import BANK_SCHEMA, LEDGER_SCHEMA, frame_from_records
from hezhang.domain.money import MoneyError, parse_fen
from hezhang.domain.period import Period
from hezhang.domain.problem import Problem
from hezhang.importers import parse
from hezhang.matching import Aliases, MatchResult, RuleError, RuleSet, default_rules, load_rules, match
from hezhang.reconciliation import BalanceReconciliation, OutstandingItem, OutstandingKind, reconcile
from hezhang.reconciliation.carry import carried_lines, load_carry_forward
from hezhang.reports.matches_csv import render_matches_csv
from hezhang.reports.reconciliation_json import render_reconciliation_json
from hezhang.reports.reconciliation_xlsx import render_reconciliation_xlsx
from hezhang.services.errors import UserError
from hezhang.services.gaps import gap_acknowledgement
from hezhang.services.outputs import masked_statement, match_rows, outstanding_rows

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ReconcileOutcome:
    problems: tuple[Problem, ...] = ()
    statement: BalanceReconciliation | None = None
    auto: int = 0
    suggested: int = 0
    bank_lines: int = 0
    ledger_lines: int = 0
    notes: tuple[str, ...] = ()
    written: tuple[Path, ...] = field(default=())


def _quiet(_: str) -> None:
    return None


def _read_rules(path: Path | None) -> tuple[RuleSet | None, list[Problem]]:
    if path is None:
        return default_rules(), []
    try:
        return load_rules(path.read_text("utf-8")), []
    except (RuleError, UnicodeDecodeError) as e:
        zh, _, en = str(e).partition(" / ")
        return None, [Problem(path.name, zh, en or zh)]


def _read_aliases(path: Path | None) -> tuple[Aliases | None, list[Problem]]:
    if path is None or not path.exists():
        return None, []
    try:
        return Aliases.from_json(path.read_text("utf-8")), []
    except (ValueError, UnicodeDecodeError) as e:
        zh, _, en = str(e).partition(" / ")
        return None, [Problem(path.name, zh, en or zh)]


def _with_carried(frame: pl.DataFrame, extra: list[dict[str, object]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    if not extra:
        return frame
    return pl.concat([frame, frame_from_records(extra, schema)])


def reconcile_files(
    bank_path: Path,
    journal_path: Path,
    out_dir: Path,
    *,
    account_prefix: str = "1002",
    book_opening: str | None = None,
    carry_forward: Path | None = None,
    rules_path: Path | None = None,
    aliases_path: Path | None = None,
    accept_gaps: str | None = None,
    progress: Progress = _quiet,
) -> ReconcileOutcome:
    acknowledged = gap_acknowledgement(accept_gaps)
    progress("读取银行对账单 / reading the bank statement")
    bank = parse(bank_path.read_bytes(), bank_path.name, "bank")
    progress("读取序时账 / reading the journal")
    journal = parse(journal_path.read_bytes(), journal_path.name, "journal", account_prefix=account_prefix)
    problems = [*bank.problems, *journal.problems]
    accounts = bank.lines["account"].drop_nulls().unique().sort().to_list()
    if len(accounts) > 1:
        problems.append(
            Problem(
                bank_path.name,
                f"对账单含有多个账户（{'、'.join(accounts)}），每次只能核对一个账户，请按账户分别导出",
                f"the statement holds several accounts ({', '.join(accounts)}); reconcile one account at a time",
            )
        )
    rules, rule_problems = _read_rules(rules_path)
    aliases, alias_problems = _read_aliases(aliases_path)
    problems += rule_problems + alias_problems
    carried: tuple[OutstandingItem, ...] = ()
    if carry_forward is not None:
        carried, carry_problems = load_carry_forward(carry_forward.read_text("utf-8"), carry_forward.name)
        problems += carry_problems
    opening_fen = None
    if book_opening is not None:
        try:
            opening_fen = parse_fen(book_opening)
        except MoneyError as e:
            zh, _, en = str(e).partition(" / ")
            problems.append(Problem("--book-opening", zh, en or zh, value=book_opening))
    period = _period(bank.meta.period, journal.meta.period)
    if period is None:
        problems.append(
            Problem(
                bank_path.name,
                "对账单和序时账都没有交易，无法确定期间",
                "neither file holds a transaction; there is no period to reconcile",
            )
        )
    if problems or rules is None or period is None:
        return ReconcileOutcome(problems=tuple(problems))
    extra_bank, extra_ledger = carried_lines(carried, currency=bank.meta.currency or "CNY", account_code=account_prefix)
    bank_frame = _with_carried(bank.lines, extra_bank, dict(BANK_SCHEMA))
    ledger_frame = _with_carried(journal.lines, extra_ledger, dict(LEDGER_SCHEMA))
    progress(f"勾对 {bank.lines.height:,} × {journal.lines.height:,} 行 / matching")
    result = match(bank_frame, ledger_frame, rules, aliases, context=journal.context)
    progress("编制余额调节表 / computing the statement")
    statement = reconcile(
        bank_frame,
        ledger_frame,
        result,
        account=account_prefix,
        period=period,
        currency=bank.meta.currency or "CNY",
        book_opening_fen=opening_fen,
        bank_closing_fen=None if bank.meta.closing_balance is None else bank.meta.closing_balance.fen,
        bank_opening_fen=None if bank.meta.opening_balance is None else bank.meta.opening_balance.fen,
        carried=carried,
        gaps=bank.meta.gaps,
        gaps_acknowledged=acknowledged,
    )
    progress("写出结果 / writing the results")
    statement = masked_statement(statement)
    written = write_outputs(out_dir, result, statement)
    return ReconcileOutcome(
        statement=statement,
        auto=len(result.frame.filter(pl.col("status") == "auto")),
        suggested=len(result.frame.filter(pl.col("status") == "suggested")),
        bank_lines=bank.lines.height,
        ledger_lines=journal.lines.height,
        notes=tuple(f"{n.side}:{n.row} {n.zh} / {n.en}" for n in result.notes),
        written=written,
    )


def _period(bank: Period | None, book: Period | None) -> Period | None:
    """The statement's stated period; else the span of both files' dates."""
    spans = [p for p in (bank, book) if p is not None]
    if not spans:
        return None
    return Period(min(p.start for p in spans), max(p.end for p in spans))


def write_outputs(out_dir: Path, result: MatchResult, statement: BalanceReconciliation) -> tuple[Path, ...]:
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = match_rows(result)
    files = {
        "matches.csv": render_matches_csv(rows).encode("utf-8"),
        "reconciliation.json": render_reconciliation_json(statement).encode("utf-8"),
        "reconciliation.xlsx": render_reconciliation_xlsx(statement, rows, outstanding_rows(statement)),
    }
    written = []
    for name, data in files.items():
        path = out_dir / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # all or nothing per file: never a half-written output
        written.append(path)
    return tuple(written)


#: The four kinds of 未达账项 in the order the statement lists them (book side first).
KINDS = tuple(OutstandingKind)


def period_of(text: str) -> Period:
    """A period as a person writes it ("2026-10"); a clear message otherwise."""
    try:
        return Period.parse(text)
    except ValueError as e:
        raise UserError(f"期间无法识别：{text}（{e}）/ not a period: {text}") from None
