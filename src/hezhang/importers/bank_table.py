"""Bank statements that are tables (CSV, XLS, XLSX): map columns by name, read cells by column, check.

One engine serves the hezhang standard CSV and every Chinese online-banking export: the differences
between banks are data (`profiles/banks.toml`), not code. Cells are read column by column with Polars;
Python runs per row only for rows that hold a problem.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

import polars as pl

from hezhang.domain.money import Money
from hezhang.domain.problem import Problem, Severity
from hezhang.importers import cells, platforms
from hezhang.importers.checks import finish_bank
from hezhang.importers.grid import Grid
from hezhang.importers.header import HEADER_SEARCH_ROWS, NEEDED, ColumnMap, find_header, likely_header, settle
from hezhang.importers.preamble import Preamble, read_preamble
from hezhang.importers.profiles import Profiles, profiles
from hezhang.importers.result import ImportResult, Sign, StatementMeta
from hezhang.importers.sign import card_signal
from hezhang.importers.table_reader import Context, Reader
from hezhang.importers.text import header_key

#: At most this many problems are listed one by one; the rest are counted per column.
MAX_LISTED_PROBLEMS = 1000


@cache
def _footer_pattern(words: tuple[str, ...]) -> str:
    """A totals row's first cell: a footer word (`[footer]` in banks.toml) after at most four characters
    (人民币合计, 本页小计, 收入笔数：1, Grand Total)."""
    spelled = [r"\s*".join(re.escape(part) for part in word.split()) for word in words]
    alternatives = "|".join(w + r"s?\b" if w.isascii() else w for w in spelled)  # "Total", not "Totalbank"
    return rf"(?i)^\s*\S{{0,4}}?(?:{alternatives})"


def parse_grid(
    grid: Grid, filename: str, format_name: str, lines: Sequence[int] | None = None, sign: Sign | None = None
) -> ImportResult:
    """Read a bank statement table from a grid of cells (the careful path: any shape of file).

    `lines[i]` is the physical line grid row i starts on, where that differs from i + 1 (CSV with quoted
    line breaks); problems name that line. `sign`: how one signed amount column points, when a person said so.
    """
    cmap = find_header(grid.rows)
    above = grid.rows[: cmap.row_index] if cmap is not None else grid.rows[:HEADER_SEARCH_ROWS]
    header = cmap.headers if cmap is not None else likely_header(grid.rows)
    if (platform := platforms.recognise(above, header, profiles())) is not None:
        meta = StatementMeta(format=format_name, encoding=grid.encoding)
        return ImportResult.failed("bank", [platforms.refusal(filename, platform)], meta)
    if cmap is None:
        seen = "、".join(likely_header(grid.rows)) or "（无）"
        problem = Problem(
            filename,
            f"无法识别对账单表头。看到的表头：{seen}；需要：{NEEDED[0]}",
            f"unknown statement layout. Headers seen: {seen}; needed: {NEEDED[1]}",
        )
        return ImportResult.failed("bank", [problem], StatementMeta(format=format_name, encoding=grid.encoding))
    width = len(cmap.headers)
    first = cmap.row_index + 1
    body = grid.rows[first:]
    source_rows = list(lines[first:]) if lines is not None else list(range(first + 1, first + 1 + len(body)))
    raw = pl.DataFrame(
        {f"c{j}": [r[j] if j < len(r) else "" for r in body] for j in range(width)},
        schema={f"c{j}": pl.String for j in range(width)},
    ).with_columns(pl.Series("source_row", source_rows, dtype=pl.Int64))
    cut_off_row = source_rows[-1] if grid.cut_off and source_rows else None
    return parse_frame(
        raw,
        cmap,
        filename,
        format_name,
        encoding=grid.encoding,
        preamble_rows=grid.rows[: cmap.row_index],
        cut_off_row=cut_off_row,
        sign=sign,
    )


def parse_frame(
    raw: pl.DataFrame,
    cmap: ColumnMap,
    filename: str,
    format_name: str,
    *,
    encoding: str | None = None,
    preamble_rows: Sequence[Sequence[str]] = (),
    cut_off_row: int | None = None,
    sign: Sign | None = None,
) -> ImportResult:
    """`raw` holds string columns c0..cn (as in the header) and `source_row` (1-based line in the file).

    `cut_off_row`: the file's last line, when it ends without a line break and with cells missing.
    """
    prof = profiles()
    columns = [c for c in raw.columns if c != "source_row"]
    cleaned = cells.clean_columns(raw, columns)
    body, below = _split_rows(cleaned, cmap, prof.footer_words)
    sample = body.head(500)
    cmap = settle(cmap, {i: sample[f"c{i}"].drop_nulls().to_list() for i in _undecided(cmap)}, prof)
    pre = read_preamble([*preamble_rows, *below], prof)
    title = "\n".join(" ".join(row) for row in preamble_rows)
    memos = (
        sample.select(pl.concat_str([pl.col(f"c{i}") for i in cmap.memo], separator=" ", ignore_nulls=True)).to_series()
        if cmap.memo
        else None
    )
    context = Context(
        given=sign,
        card=card_signal((header_key(h) for h in cmap.headers), title, memos, prof),
        year_month=(pre.period.end.year, pre.period.end.month) if pre.period else pre.month,
    )
    reader = Reader(body, cmap, filename, prof, context)
    frame = reader.read()
    problems = reader.problems + _currencies(frame, filename)
    if cut_off_row is not None:
        problems.append(
            Problem(
                filename,
                "最后一行缺少单元格且没有换行，文件可能不完整",
                "the last line lacks cells and a line break: the file looks cut off",
                row=cut_off_row,
            )
        )
    if len(problems) > MAX_LISTED_PROBLEMS:
        problems = _summarize(problems, filename)
    meta = _meta(frame, pre, cmap, prof, format_name=format_name, encoding=encoding)
    notices = [*reader.notices, *_accounts(frame, filename), *_stated_counts(frame, pre, filename)]
    return finish_bank(frame, problems, meta, filename, notices)


def _undecided(cmap: ColumnMap) -> tuple[int, ...]:
    return tuple(dict.fromkeys((*cmap.direction_candidates, *cmap.settlement_candidates)))


def _split_rows(
    frame: pl.DataFrame, cmap: ColumnMap, footer_words: tuple[str, ...]
) -> tuple[pl.DataFrame, list[list[str]]]:
    """Transactions, and the other rows below the header as text (totals, notes, a closing balance).

    Not transactions: empty rows, repeated header rows (multi-page exports), totals rows (合计, 收入笔数：1 …
    without a date) and the rows under a totals row that have no date, up to a repeated header (a footer ends
    the table: "收入笔数：1" under 合计 is no line with a bad date), and rows with neither a date nor an amount
    (notes such as 期末余额：…). Every other row is a line or a problem: nothing with a date, or an amount above
    the footer, is dropped silently (and the counts a footer states are checked against the lines).
    """
    data_cols = [c for c in frame.columns if c != "source_row"]
    date_col = pl.col(f"c{cmap.columns[cmap.date_field]}")
    amount_cols = [pl.col(f"c{cmap.columns[k]}") for k in ("amount", "amount_in", "amount_out") if k in cmap.columns]
    first = pl.coalesce([pl.col(c) for c in data_cols])
    dated = date_col.str.contains(r"^\d").fill_null(False)
    no_amount = pl.all_horizontal([c.is_null() for c in amount_cols])
    repeated_header = (date_col == cmap.header(cmap.date_field)).fill_null(False)
    totals = first.str.contains(_footer_pattern(footer_words)).fill_null(False) & ~dated
    # 1 from a totals row on, 0 again from a repeated header on (the next page's table)
    footer = pl.when(totals).then(1).when(repeated_header).then(0).otherwise(None).forward_fill().fill_null(0) == 1
    other = first.is_null() | repeated_header | (footer & ~dated) | (no_amount & ~dated)
    flagged = frame.with_columns(other.alias("_other"), first.is_null().alias("_empty"))
    body = flagged.filter(~pl.col("_other")).drop("_other", "_empty")
    notes = flagged.filter(pl.col("_other") & ~pl.col("_empty")).head(50).select(data_cols)
    return body, [[c or "" for c in row] for row in notes.rows()]


def _stated_counts(frame: pl.DataFrame, pre: Preamble, filename: str) -> list[Problem]:
    """The numbers of lines in and out a footer states ("收入笔数：1", "支出笔数：2") must be those read."""
    notices = []
    for direction, stated, zh, en in (("in", pre.in_count, "收入", "in"), ("out", pre.out_count, "支出", "out")):
        if stated is None:
            continue
        have = frame.filter(pl.col("direction") == direction).height
        if have != stated:
            notices.append(
                Problem(
                    filename,
                    f"文件写有{zh}笔数 {stated}，读到的{zh}明细为 {have} 笔，请核对文件是否完整",
                    f"the file states {stated} lines {en}; {have} were read: check that the file is complete",
                    column=f"{zh}笔数",
                    value=str(stated),
                    severity=Severity.NOTICE,
                )
            )
    return notices


def _currencies(frame: pl.DataFrame, filename: str) -> list[Problem]:
    """One statement is in one currency: amounts of several cannot be added up."""
    found = frame["currency"].drop_nulls().unique().sort().to_list() if "currency" in frame.columns else []
    if len(found) <= 1:
        return []
    return [
        Problem(
            filename,
            f"一个文件中有多个币种（{'、'.join(found)}），请按币种分别导出",
            f"several currencies in one file ({', '.join(found)}); export one file per currency",
        )
    ]


def _accounts(frame: pl.DataFrame, filename: str) -> list[Problem]:
    """Several own accounts: each line keeps its account (the `account` column); reconciliation takes one."""
    found = frame["account"].drop_nulls().unique().sort().to_list() if "account" in frame.columns else []
    if len(found) <= 1:
        return []
    return [
        Problem(
            filename,
            f"此文件含有多个本方账号（{'、'.join(found)}）；每行记有其账号，对账时须按账户分开",
            f"the file holds several own accounts ({', '.join(found)}); each line keeps its account, "
            "and reconciliation takes one account at a time",
            severity=Severity.NOTICE,
        )
    ]


def _single(frame: pl.DataFrame, name: str) -> str | None:
    if name not in frame.columns:
        return None
    found = frame[name].drop_nulls().unique().to_list()
    return str(found[0]) if len(found) == 1 else None


def _meta(
    frame: pl.DataFrame, pre: Preamble, cmap: ColumnMap, prof: Profiles, *, format_name: str, encoding: str | None
) -> StatementMeta:
    currency = _single(frame, "currency") or pre.currency or "CNY"
    return StatementMeta(
        format=format_name,
        encoding=encoding,
        bank=pre.bank or prof.bank_by_headers({header_key(h) for h in cmap.headers}),
        account=_single(frame, "account") or pre.account,
        account_name=pre.account_name,
        currency=currency,
        period=pre.period,
        opening_balance=Money(pre.opening_fen, currency) if pre.opening_fen is not None else None,
        closing_balance=Money(pre.closing_fen, currency) if pre.closing_fen is not None else None,
    )


def _summarize(problems: list[Problem], filename: str) -> list[Problem]:
    listed = problems[:MAX_LISTED_PROBLEMS]
    per_column = Counter(p.column or "-" for p in problems[MAX_LISTED_PROBLEMS:])
    zh = "；".join(f"{c}：{n} 个" for c, n in per_column.items())
    en = "; ".join(f"{c}: {n}" for c, n in per_column.items())
    rest = sum(per_column.values())
    listed.append(Problem(filename, f"另有 {rest} 个问题未逐条列出（{zh}）", f"{rest} more problems not listed ({en})"))
    return listed
