"""Bank statements that are tables (CSV, XLS, XLSX): map columns by name, read cells by column, check.

One engine serves the hezhang standard CSV and every Chinese online-banking export: the differences
between banks are data (`profiles/banks.toml`), not code.
"""

from __future__ import annotations

import re

import polars as pl

from hezhang.domain.money import Money
from hezhang.domain.problem import Problem, Severity
from hezhang.importers import cells
from hezhang.importers.checks import finish_bank
from hezhang.importers.grid import Grid
from hezhang.importers.header import ColumnMap, find_header, likely_header, settle_direction
from hezhang.importers.preamble import read_preamble
from hezhang.importers.profiles import Profiles, profiles
from hezhang.importers.result import ImportResult, StatementMeta
from hezhang.importers.text import header_key

#: At most this many problems are listed one by one; the rest are counted per column.
MAX_LISTED_PROBLEMS = 1000
_FOOTER = re.compile(r"^\s*(合计|总计|小计|本页合计|本页小计|共计|累计|汇总|total)", re.IGNORECASE)
_NEEDED = "交易日期（或交易时间）+ 收入金额与支出金额（或交易金额）/ a date column and in/out amount columns (or one amount column)"


def parse_grid(grid: Grid, filename: str, format_name: str) -> ImportResult:
    """Read a bank statement table from a grid of cells."""
    cmap = find_header(grid.rows)
    if cmap is None:
        seen = "、".join(likely_header(grid.rows)) or "（无）"
        return ImportResult.failed(
            "bank",
            [
                Problem(
                    filename,
                    f"无法识别对账单表头。看到的表头：{seen}；需要：{_NEEDED}",
                    f"unknown statement layout. Headers seen: {seen}; needed: {_NEEDED}",
                )
            ],
            StatementMeta(format=format_name, encoding=grid.encoding),
        )
    width = len(cmap.headers)
    body = grid.rows[cmap.row_index + 1 :]
    raw = pl.DataFrame(
        {f"c{j}": [r[j] if j < len(r) else "" for r in body] for j in range(width)},
        schema={f"c{j}": pl.String for j in range(width)},
    ).with_columns(pl.int_range(cmap.row_index + 2, cmap.row_index + 2 + len(body)).alias("source_row"))
    outside = grid.rows[: cmap.row_index]
    return parse_frame(raw, cmap, filename, format_name, grid.encoding, outside)


def parse_frame(
    raw: pl.DataFrame,
    cmap: ColumnMap,
    filename: str,
    format_name: str,
    encoding: str | None,
    preamble_rows: list[list[str]],
) -> ImportResult:
    """`raw` holds string columns c0..cn (as in the header) and `source_row`; the rest is vectorized."""
    prof = profiles()
    cleaned = raw.with_columns([cells.text(raw[c]) for c in raw.columns if c != "source_row"])
    body, tail = _cut_footer(cleaned, cmap)
    sample = body.head(500)
    cmap = settle_direction(cmap, {i: sample[f"c{i}"].drop_nulls().to_list() for i in cmap.direction_candidates}, prof)
    problems: list[Problem] = []
    frame = _read_columns(body, cmap, filename, problems, prof)
    pre = read_preamble(preamble_rows + [[c or "" for c in row] for row in tail.rows()])
    meta_problems, meta = _meta(frame, pre, cmap, filename, format_name, encoding, prof)
    problems += meta_problems
    if len(problems) > MAX_LISTED_PROBLEMS:
        problems = _summarize(problems, filename)
    return finish_bank(frame, problems, meta, filename)


def _cut_footer(frame: pl.DataFrame, cmap: ColumnMap) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Drop empty rows; stop at a totals footer (合计/总计…). Returns (body, rows from the footer on)."""
    data_cols = [c for c in frame.columns if c != "source_row"]
    first = pl.coalesce([pl.col(c) for c in data_cols])
    flagged = frame.with_columns(
        first.is_null().alias("_empty"), first.fill_null("").str.contains(_FOOTER.pattern).alias("_footer")
    )
    footer_at = flagged["_footer"].arg_true()
    if len(footer_at):
        cut = int(footer_at[0])
        body, tail = flagged.head(cut), frame.slice(cut)
    else:
        body, tail = flagged, frame.clear()
    amount_cols = [f"c{cmap.columns[k]}" for k in ("amount", "amount_in", "amount_out") if k in cmap.columns]
    date_col = f"c{cmap.columns.get('date', cmap.columns.get('time'))}"
    # Trailing notes: rows with neither a date nor an amount are text, not transactions.
    is_text = pl.col(date_col).is_null() & pl.all_horizontal([pl.col(c).is_null() for c in amount_cols])
    body = body.filter(~pl.col("_empty") & ~is_text).drop("_empty", "_footer")
    return body, tail.drop("source_row") if "source_row" in tail.columns else tail


def _col(frame: pl.DataFrame, cmap: ColumnMap, name: str) -> pl.Series | None:
    return frame[f"c{cmap.columns[name]}"] if name in cmap.columns else None


def _report(
    problems: list[Problem], frame: pl.DataFrame, bad: pl.Series, column: str, filename: str, zh: str, en: str,
    source: pl.Series,
) -> None:
    if not bad.any():
        return
    rows = frame["source_row"].filter(bad).to_list()
    values = source.filter(bad).to_list()
    for row, value in zip(rows, values, strict=True):
        problems.append(Problem(filename, zh, en, row=row, column=column, value=value))


def _read_columns(
    frame: pl.DataFrame, cmap: ColumnMap, filename: str, problems: list[Problem], prof: Profiles
) -> pl.DataFrame:
    out: dict[str, pl.Series] = {"source_row": frame["source_row"]}

    def report(bad: pl.Series, field: str, zh: str, en: str) -> None:
        src = _col(frame, cmap, field)
        assert src is not None
        _report(problems, frame, bad, cmap.header(field), filename, zh, en, src)

    date_field = "date" if "date" in cmap.columns else "time"
    src = _col(frame, cmap, date_field)
    assert src is not None
    dates, times, bad = cells.date_time(src)
    report(bad, date_field, "无法识别的日期", "not a date")
    missing = src.is_null()
    report(missing, date_field, "缺少交易日期", "the transaction date is missing")
    out["date"] = dates
    if (t := _col(frame, cmap, "time")) is not None:
        parsed_time, bad_t = cells.time_of_day(t)
        report(bad_t, "time", "无法识别的时间", "not a time of day")
        out["time"] = parsed_time
    elif times.null_count() < len(times):
        out["time"] = times
    if (v := _col(frame, cmap, "value_date")) is not None:
        vdates, _, bad_v = cells.date_time(v)
        report(bad_v, "value_date", "无法识别的起息日", "not a value date")
        out["value_date"] = vdates
    out.update(_amounts(frame, cmap, report, prof))
    if (b := _col(frame, cmap, "balance")) is not None:
        bal, bad_b = cells.amount(b, allow_masked=True)
        report(bad_b, "balance", "无法识别的余额", "not a balance amount")
        out["balance"] = bal
    if (c := _col(frame, cmap, "currency")) is not None:
        codes = cells.map_words(c, prof.currency_of)
        report(c.is_not_null() & codes.is_null(), "currency", "无法识别的币种", "unknown currency")
        out["currency"] = codes
    for name in ("counterparty_name", "counterparty_account", "counterparty_bank", "bank_ref", "instrument_no",
                 "settlement_method", "account"):  # fmt: skip
        if (s := _col(frame, cmap, name)) is not None:
            out[name] = s
    result = pl.DataFrame(out)
    result = _payer_payee(result, frame, cmap)
    if cmap.memo:
        memo = pl.concat_str([frame[f"c{i}"] for i in cmap.memo], separator=" ", ignore_nulls=True)
        result = result.with_columns(pl.when(memo == "").then(None).otherwise(memo).alias("memo"))
    if "account" in result.columns:
        result = result.with_columns(pl.col("account").str.replace_all(r"[\s-]", ""))
    return result


def _amounts(frame: pl.DataFrame, cmap: ColumnMap, report: object, prof: Profiles) -> dict[str, pl.Series]:
    """Signed amounts from debit/credit columns, a signed column, or an amount plus a direction column."""
    assert callable(report)
    if cmap.amount_mode == "split":
        col_in, col_out = _col(frame, cmap, "amount_in"), _col(frame, cmap, "amount_out")
        assert col_in is not None and col_out is not None
        fen_in, bad_in = cells.amount(col_in)
        fen_out, bad_out = cells.amount(col_out)
        report(bad_in, "amount_in", "无法识别的收入金额", "not an amount")
        report(bad_out, "amount_out", "无法识别的支出金额", "not an amount")
        both = (fen_in.fill_null(0) != 0) & (fen_out.fill_null(0) != 0)
        report(both, "amount_in", "收入和支出同时有金额", "both the in and the out column hold an amount")
        neither = fen_in.is_null() & fen_out.is_null() & ~bad_in & ~bad_out
        report(neither, "amount_in", "收入和支出金额都为空", "neither the in nor the out column holds an amount")
        signed = fen_in.fill_null(0) - fen_out.fill_null(0)
        out_only = (fen_in.fill_null(0) == 0) & fen_out.is_not_null() & (signed == 0)
        direction = pl.select(
            pl.when((signed < 0) | out_only).then(pl.lit("out")).otherwise(pl.lit("in"))
        ).to_series()
    else:
        col = _col(frame, cmap, "amount")
        assert col is not None
        fen, bad = cells.amount(col)
        report(bad, "amount", "无法识别的金额", "not an amount")
        report(col.is_null(), "amount", "缺少金额", "the amount is missing")
        if (d := _col(frame, cmap, "direction")) is not None:
            words = cells.map_words(d, prof.direction_of)
            report(words.is_null(), "direction", "无法识别的收支方向", "unknown direction (expected 借/贷, 收/支, 来账/往账)")
            sign = pl.select(pl.when(words == "out").then(-1).otherwise(1)).to_series()
            signed = fen.fill_null(0) * sign
            direction = pl.select(
                pl.when((signed < 0) | ((signed == 0) & (words == "out"))).then(pl.lit("out")).otherwise(pl.lit("in"))
            ).to_series()
        else:
            signed = fen.fill_null(0)
            direction = pl.select(pl.when(signed < 0).then(pl.lit("out")).otherwise(pl.lit("in"))).to_series()
    return {"direction": direction.alias("direction"), "amount": signed.abs().alias("amount")}


def _payer_payee(result: pl.DataFrame, frame: pl.DataFrame, cmap: ColumnMap) -> pl.DataFrame:
    """Where a bank lists payer and payee (BOC), the counterparty is the payer of money in, the payee of money out."""
    pairs = (("counterparty_name", "payer_name", "payee_name"), ("counterparty_account", "payer_account", "payee_account"),
             ("counterparty_bank", "payer_bank", "payee_bank"))  # fmt: skip
    for target, payer, payee in pairs:
        if target in result.columns or (payer not in cmap.columns and payee not in cmap.columns):
            continue
        p_in = _col(frame, cmap, payer)
        p_out = _col(frame, cmap, payee)
        result = result.with_columns(
            pl.when(pl.col("direction") == "in")
            .then(p_in if p_in is not None else pl.lit(None, pl.String))
            .otherwise(p_out if p_out is not None else pl.lit(None, pl.String))
            .alias(target)
        )
    return result


def _meta(
    frame: pl.DataFrame, pre: object, cmap: ColumnMap, filename: str, format_name: str, encoding: str | None,
    prof: Profiles,
) -> tuple[list[Problem], StatementMeta]:
    from hezhang.importers.preamble import Preamble

    assert isinstance(pre, Preamble)
    problems: list[Problem] = []
    currency = None
    if "currency" in frame.columns:
        found = frame["currency"].drop_nulls().unique().sort().to_list()
        if len(found) > 1:
            problems.append(Problem(filename, f"一个文件中有多个币种（{'、'.join(found)}），请按币种分别导出",
                                    f"several currencies in one file ({', '.join(found)}); export one file per currency"))
        currency = found[0] if len(found) == 1 else None
    account = pre.account
    if "account" in frame.columns:
        found = frame["account"].drop_nulls().unique().sort().to_list()
        if len(found) > 1:
            problems.append(Problem(filename, f"一个文件中有多个本方账号（{'、'.join(found)}），请按账户分别导出",
                                    f"several own accounts in one file ({', '.join(found)}); export one file per account"))
        account = found[0] if len(found) == 1 else account
    cur = currency or "CNY"
    meta = StatementMeta(
        format=format_name,
        encoding=encoding,
        bank=_bank(cmap, prof, pre),
        account=account,
        account_name=pre.account_name,
        currency=cur,
        period=pre.period,
        opening_balance=Money(pre.opening_fen, cur) if pre.opening_fen is not None else None,
        closing_balance=Money(pre.closing_fen, cur) if pre.closing_fen is not None else None,
    )
    return problems, meta


def _bank(cmap: ColumnMap, prof: Profiles, pre: object) -> str | None:
    keys = {header_key(h) for h in cmap.headers}
    best, score = None, 1
    for bank in prof.banks:
        hits = len(bank.headers & keys)
        if hits > score:
            best, score = bank.code, hits
    return best


def _summarize(problems: list[Problem], filename: str) -> list[Problem]:
    listed = problems[:MAX_LISTED_PROBLEMS]
    rest = len(problems) - len(listed)
    listed.append(Problem(filename, f"另有 {rest} 个问题未逐条列出", f"{rest} more problems not listed one by one",
                          severity=Severity.ERROR))
    return listed
