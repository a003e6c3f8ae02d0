"""Reading one statement or journal file, as `hezhang parse` does: no store, nothing kept."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from hezhang.domain.gap import BalanceGap
from hezhang.domain.money import Money
from hezhang.domain.period import Period
from hezhang.domain.problem import Problem
from hezhang.importers import ImportResult, format_names, parse
from hezhang.importers.result import Kind, Sign
from hezhang.privacy.frames import mask_lines
from hezhang.privacy.masks import mask_account
from hezhang.reports.lines_csv import write_lines_csv


@dataclass(frozen=True, slots=True)
class AccountPart:
    """One account of a file that holds several; the account is masked."""

    account: str | None
    currency: str
    count: int
    total_in: Money
    total_out: Money
    opening_balance: Money | None
    closing_balance: Money | None
    gaps: int


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
    #: one row per account when the file holds several (the file-wide balances are then None)
    accounts: tuple[AccountPart, ...] = ()
    #: where the file's own numbers disagree; a reconciliation with a gap waits for a person to acknowledge it
    gaps: tuple[BalanceGap, ...] = ()


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
        accounts=tuple(
            AccountPart(
                mask_account(a.account),
                a.currency,
                a.line_count,
                a.total_in,
                a.total_out,
                a.opening_balance,
                a.closing_balance,
                len(a.gaps),
            )
            for a in result.meta.accounts
        ),
        gaps=tuple(replace(g, account=mask_account(g.account)) for g in result.meta.gaps),
    )


def parse_file(
    path: Path,
    kind: Kind,
    *,
    format: str | None = None,
    account_prefix: str = "1002",
    out: Path | None = None,
    sign: Sign | None = None,
) -> ParseSummary:
    """Parse `path`; when it has no problems and `out` is given, write the normalized lines there, with personal
    data masked (DOMAIN.md: account numbers keep their last 4 digits, personal names their surname, and ID,
    card and phone numbers inside memos are masked)."""
    data = path.read_bytes()
    result = parse(data, path.name, kind, format, account_prefix, sign=sign)
    if out is not None and result.ok:
        write_lines_csv(mask_lines(result.lines), kind, out)
    return summarize(result, path.name)


def known_formats(kind: Kind) -> list[str]:
    return format_names(kind)
