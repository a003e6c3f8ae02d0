"""Reading one statement or journal file, as `hezhang parse` does: no store, nothing kept."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hezhang.domain.money import Money
from hezhang.domain.period import Period
from hezhang.domain.problem import Problem
from hezhang.importers import ImportResult, format_names, parse
from hezhang.importers.result import Kind
from hezhang.privacy.frames import mask_lines
from hezhang.privacy.masks import mask_account
from hezhang.reports.lines_csv import write_lines_csv


@dataclass(frozen=True, slots=True)
class ParseSummary:
    """What a person needs to judge a parse: counts, totals, balances, problems. The account is masked."""

    file: str
    kind: str
    format: str
    encoding: str | None
    bank: str | None
    account: str | None
    currency: str
    period: Period | None
    count: int
    total_in: Money
    total_out: Money
    opening_balance: Money | None
    closing_balance: Money | None
    problems: tuple[Problem, ...]
    notices: tuple[Problem, ...]
    context_count: int = 0


def summarize(result: ImportResult, file: str) -> ParseSummary:
    currency = result.meta.currency or "CNY"
    return ParseSummary(
        file=file,
        kind=result.kind,
        format=result.meta.format,
        encoding=result.meta.encoding,
        bank=result.meta.bank,
        account=mask_account(result.meta.account),
        currency=currency,
        period=result.meta.period,
        count=result.lines.height,
        total_in=Money(result.total_fen("in"), currency),
        total_out=Money(result.total_fen("out"), currency),
        opening_balance=result.meta.opening_balance,
        closing_balance=result.meta.closing_balance,
        problems=result.problems,
        notices=result.notices,
        context_count=0 if result.context is None else result.context.height,
    )


def parse_file(
    path: Path, kind: Kind, *, format: str | None = None, account_prefix: str = "1002", out: Path | None = None
) -> ParseSummary:
    """Parse `path`; when it has no problems and `out` is given, write the normalized lines there, with personal
    data masked (DOMAIN.md: account numbers keep their last 4 digits, personal names their surname, and ID,
    card and phone numbers inside memos are masked)."""
    data = path.read_bytes()
    result = parse(data, path.name, kind, format, account_prefix)
    if out is not None and result.ok:
        write_lines_csv(mask_lines(result.lines), kind, out)
    return summarize(result, path.name)


def known_formats(kind: Kind) -> list[str]:
    return format_names(kind)
