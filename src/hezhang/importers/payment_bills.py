"""Alipay and WeChat Pay bills, personal and merchant, in CSV or XLSX: the formats and the engine that reads them.

A bill is a table under a preamble (holder, period, stated counts) and sometimes above a footer of totals.
What the columns mean and which rows count are per layout, in `hezhang.importers.alipay` and
`hezhang.importers.wechat` (read their docstrings for the rules). This module finds the table by its header
names (never by position: column order differs between bill types and years), reads the cells with the
shared vectorized readers, applies the layout's rules, checks the file's own totals, and finishes like
every bank statement (`finish_bank`). Rows the rules leave out, and directions the file does not state,
are reported as notices, so an accountant sees every decision.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

import polars as pl

from hezhang.domain.period import Period
from hezhang.domain.problem import Problem
from hezhang.importers import alipay, cells, wechat
from hezhang.importers.bill_layout import Layout, Row, Totals, Verdict, stated_count, stated_fen
from hezhang.importers.checks import finish_bank
from hezhang.importers.grid import GridError, read_grid, split_text
from hezhang.importers.registry import Format
from hezhang.importers.report import Report
from hezhang.importers.result import ImportResult, StatementMeta
from hezhang.importers.text import clean_cell, header_key

HEADER_SEARCH_ROWS = 80
MAX_LISTED_PROBLEMS = 1000
_FOOTER_MARKS = ("#", "-", "—", "=", "共", "资金流水总笔数", "合计", "总计")
_DATED = re.compile(r"\d{4}\D?\d")
_WORDS = {"收入": "in", "支出": "out", "收": "in", "支": "out"}
_STAMP = r"\[?\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s+(\d{1,2}):(\d{2}))?"
_START = re.compile(r"起始(?:时间|日期)\s*[:：]\s*" + _STAMP)
_END = re.compile(r"(?:终止|结束|截止)(?:时间|日期)\s*[:：]\s*" + _STAMP)


def clean(cell: str) -> str:
    """A cell without padding and without the backtick WeChat puts before every merchant-bill value."""
    return clean_cell(clean_cell(cell).removeprefix("`"))


def header_index(cells_: Sequence[str], layout: Layout) -> dict[str, tuple[int, ...]] | None:
    """Field -> column indexes if this row is the layout's header, else None."""
    keys = [header_key(clean(c)) for c in cells_]
    if not all(header_key(r) in keys for r in layout.required):
        return None
    found: dict[str, tuple[int, ...]] = {}
    for name, headers in layout.columns.items():
        hits = tuple(keys.index(header_key(h)) for h in headers if header_key(h) in keys)
        if hits:
            found[name] = hits if name == "time" else hits[:1]
    has_amount = "amount" in found or ("amount_in" in found and "amount_out" in found)
    return found if "time" in found and has_amount else None


def sniff_layouts(layouts: Sequence[Layout], head: str | None) -> bool:
    if head is None:
        return False
    try:
        rows = split_text(head)[:HEADER_SEARCH_ROWS]
    except GridError:
        return False
    return any(header_index(row, layout) is not None for row in rows for layout in layouts)


def read_bill(data: bytes, filename: str, layouts: Sequence[Layout]) -> ImportResult:
    """Read a bill in one of `layouts` (all of one format). Never raises on bad input."""
    name, report = layouts[0].name, Report(filename)
    try:
        grid = read_grid(data)
    except GridError as e:
        zh, _, en = str(e).partition(" / ")
        return ImportResult.failed("bank", [Problem(filename, zh, en or zh)], StatementMeta(name))
    rows = [[clean(c) for c in r] for r in grid.rows]
    candidates = ((lay, i, header_index(r, lay)) for i, r in enumerate(rows[:HEADER_SEARCH_ROWS]) for lay in layouts)
    found = next(((lay, i, cols) for lay, i, cols in candidates if cols is not None), None)
    if found is None:
        need = "；".join("、".join(lay.required) for lay in layouts)
        report.error(f"没有找到账单表头（需要：{need}）", f"no bill header found (needed: {need})")
        return ImportResult.failed("bank", report.problems, StatementMeta(name, encoding=grid.encoding))
    layout, at, cols = found
    body, tail = _split(rows, at, cols, report)
    last_row = max((i + 1 for i, r in enumerate(rows) if any(r)), default=0)
    cut = not data.rstrip(b"\x00").endswith((b"\n", b"\r"))
    if grid.file_type == "csv" and cut and body and not tail and body[-1][0] == last_row:
        report.error(
            "最后一行没有换行符，文件可能不完整，请重新导出",
            "the last line has no line end: the file may be cut off; export it again",
            row=body.pop()[0],
        )
    frame = _read(body, rows[at], cols, layout, report)
    preamble = "\n".join(" ".join(c for c in r if c) for r in rows[:at] + tail)
    if layout.stated_count and (stated := layout.stated_count(preamble)) is not None and stated != len(body):
        report.notice(
            f"账单抬头写有 {stated} 笔记录，表中有 {len(body)} 笔",
            f"the bill says it holds {stated} records; the table has {len(body)}",
        )
    if layout.footer:
        _check_footer(layout.footer(tail), frame, report)
    problems = report.problems
    if len(problems) > MAX_LISTED_PROBLEMS:
        rest = len(problems) - MAX_LISTED_PROBLEMS
        more = Problem(filename, f"另有 {rest} 个问题未逐条列出", f"{rest} more problems not listed one by one")
        problems = [*problems[:MAX_LISTED_PROBLEMS], more]
    result = finish_bank(frame, problems, _meta(layout, preamble, grid.encoding), filename)
    return replace(result, notices=(*report.notices, *result.notices))


def _split(
    rows: list[list[str]], at: int, cols: dict[str, tuple[int, ...]], report: Report
) -> tuple[list[tuple[int, list[str]]], list[list[str]]]:
    """Data rows (with their 1-based row number) and the rows from the footer on."""
    need = max(i for idx in cols.values() for i in idx) + 1
    body: list[tuple[int, list[str]]] = []
    for i in range(at + 1, len(rows)):
        row = rows[i]
        if not any(row):
            continue
        dated = any(_DATED.match(row[j]) for j in cols["time"] if j < len(row))
        if next(c for c in row if c).startswith(_FOOTER_MARKS) and not dated:
            return body, rows[i:]
        if len(row) < need:
            report.error(
                f"这一行只有 {len(row)} 列，表头有 {need} 列，行不完整",
                f"this row has {len(row)} cells where the header has {need}: incomplete row",
                row=i + 1,
            )
            continue
        body.append((i + 1, row))
    return body, []


def _column(body: list[tuple[int, list[str]]], index: int) -> pl.Series:
    return cells.text(pl.Series([r[index] for _, r in body], dtype=pl.String))


def _read(
    body: list[tuple[int, list[str]]],
    header: list[str],
    cols: dict[str, tuple[int, ...]],
    layout: Layout,
    report: Report,
) -> pl.DataFrame:
    """The lines of the data rows that read cleanly and that the rules keep, in file order."""
    n = len(body)
    texts = {f: _column(body, idx[0]) for f, idx in cols.items() if f != "time"}
    candidates = pl.DataFrame({f"t{k}": _column(body, j) for k, j in enumerate(cols["time"])})
    stamps = candidates.select(pl.coalesce(pl.all()).alias("time")).to_series()
    good = [True] * n
    source = [r for r, _ in body]

    def flag(bad: pl.Series, field: str, zh: str, en: str, raw: pl.Series) -> None:
        for i in bad.fill_null(False).arg_true().to_list():
            good[i] = False
            column = header[cols[field][0]] if field in cols else None
            report.error(zh, en, row=source[i], column=column, value=raw[i])

    dates, times, bad = cells.date_time(stamps)
    flag(bad, "time", "无法识别的交易时间", "not a date and time", stamps)
    flag(stamps.is_null(), "time", "缺少交易时间", "the transaction time is missing", stamps)
    split = "amount" not in texts
    if not split:
        fen, bad = cells.amount(texts["amount"])
        flag(bad | texts["amount"].is_null(), "amount", "无法识别的金额", "not an amount", texts["amount"])
    else:
        (fen_in, bad_in), (fen_out, bad_out) = cells.amount(texts["amount_in"]), cells.amount(texts["amount_out"])
        flag(bad_in, "amount_in", "无法识别的收入金额", "not an amount", texts["amount_in"])
        flag(bad_out, "amount_out", "无法识别的支出金额", "not an amount", texts["amount_out"])
        both = (fen_in.fill_null(0) != 0) & (fen_out.fill_null(0) != 0)
        flag(
            both,
            "amount_in",
            "收入和支出同时有金额",
            "both the in and the out column hold an amount",
            texts["amount_in"],
        )
        fen = fen_in.fill_null(0) - fen_out.fill_null(0).abs()
    balance = pl.Series([None] * n, dtype=pl.Int64)
    if "balance" in texts:
        balance, bad = cells.amount(texts["balance"], allow_masked=True)
        flag(bad, "balance", "无法识别的余额", "not a balance amount", texts["balance"])
    values = {f: s.to_list() for f, s in texts.items()}
    rule_rows = [{f: v[i] for f, v in values.items()} for i in range(n)]
    if layout.classify:
        verdicts = layout.classify(rule_rows)
    elif split:  # separate in and out columns: the sign says the direction
        verdicts = [("out" if (fen[i] or 0) < 0 else "in", "", "") for i in range(n)]
    else:
        verdicts = [(_WORDS.get(r.get("direction_word") or ""), "", "") for r in rule_rows]
    unknown = pl.Series([v[0] is None and not v[1] for v in verdicts], dtype=pl.Boolean)
    word = texts.get("direction_word", pl.Series([None] * n, dtype=pl.String))
    flag(
        unknown,
        "direction_word",
        "无法识别的收支方向（应为 收入/支出）",
        "unknown direction (收入/支出 expected)",
        word,
    )
    _note_decisions(verdicts, source, good, report)
    memo = [" ".join(p for f in layout.memo if (p := r.get(f))) or None for r in rule_rows]
    name, account = _counterparty(rule_rows)

    def strings(values: Sequence[str | None] | pl.Series | None) -> pl.Series:
        return pl.Series(values if values is not None else [None] * n, dtype=pl.String)

    out = pl.DataFrame(
        {
            "source_row": pl.Series(source, dtype=pl.Int64),
            "date": dates,
            "time": times,
            "direction": strings([v[0] for v in verdicts]),
            "amount": fen.abs(),
            "balance": balance,
            "counterparty_name": strings(name),
            "counterparty_account": strings(account),
            "memo": strings(memo),
            "bank_ref": strings(texts.get("bank_ref")),
            "instrument_no": strings(texts.get("instrument_no")),
            "settlement_method": strings(texts.get("settlement_method")),
        }
    )
    return out.filter(pl.Series([good[i] and verdicts[i][0] is not None for i in range(n)], dtype=pl.Boolean))


def _counterparty(rows: list[dict[str, str | None]]) -> tuple[list[str | None], list[str | None]]:
    """Names and accounts; a combined cell "陈晶 (a@b.com)" is split into both."""
    names = [r.get("counterparty_name") for r in rows]
    accounts = [r.get("counterparty_account") for r in rows]
    for i, r in enumerate(rows):
        if (both := r.get("counterparty")) is not None:
            m = re.fullmatch(r"(.*?)\s*[(（]([^()（）]*)[)）]", both)
            names[i], accounts[i] = (m.group(1) or None, m.group(2) or None) if m else (None, both)
    return names, accounts


def _note_decisions(verdicts: list[Verdict], source: list[int], good: list[bool], report: Report) -> None:
    """One notice per reason, listing the rows it applies to."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, (_, zh, en) in enumerate(verdicts):
        if zh and good[i]:
            groups.setdefault((zh, en), []).append(source[i])
    for (zh, en), rows in groups.items():
        listed = "、".join(str(r) for r in rows[:50]) + ("…" if len(rows) > 50 else "")
        report.notice(f"第 {listed} 行：{zh}", f"rows {listed.replace('、', ', ')}: {en}", row=rows[0])


def _check_footer(stated: Totals | None, frame: pl.DataFrame, report: Report) -> None:
    """The footer's counts and sums must be those of the lines (a cut or edited file shows here)."""
    if stated is None:
        report.notice(
            "没有找到账单末尾的合计行，未核对笔数与金额", "no totals footer found; counts and sums not checked"
        )
        return
    for k, (direction, what) in enumerate((("in", "收入"), ("out", "支出"))):
        picked = frame.filter(pl.col("direction") == direction)["amount"]
        checks = (
            (stated[2 * k], len(picked), "笔数", "count"),
            (stated[2 * k + 1], int(picked.sum() or 0), "金额", "sum"),
        )
        for want, have, zh, en in checks:
            if want is not None and want != have:
                report.error(
                    f"合计行的{what}{zh}为 {want}，明细为 {have}，文件可能不完整",
                    f"the footer's {direction} {en} is {want}; the lines give {have}: the file may be incomplete",
                    column=f"{what}合计",
                )


def _stamp(m: re.Match[str] | None) -> tuple[date, bool] | None:
    if m is None:
        return None
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return day, m.group(4) is not None and int(m.group(4)) == 0 and int(m.group(5)) == 0


def _meta(layout: Layout, text: str, encoding: str | None) -> StatementMeta:
    def label(names: tuple[str, ...]) -> str | None:
        if not names:
            return None
        m = re.search(r"(?:" + "|".join(names) + r")\s*[:：]\s*\[?\s*([^\]\s,，]+)", text)
        return m.group(1) if m else None

    start, end = _stamp(_START.search(text)), _stamp(_END.search(text))
    period = None
    if start and end:
        last = end[0] - timedelta(days=1) if end[1] and end[0] > start[0] else end[0]  # "[… 00:00:00]" excludes
        period = Period(start[0], last) if start[0] <= last else None
    return StatementMeta(
        format=layout.name,
        encoding=encoding,
        bank=layout.provider,
        currency="CNY",
        period=period,
        account=label(layout.account_labels),
        account_name=label(layout.name_labels),
    )


def _layouts(name: str) -> tuple[Layout, ...]:
    return {**alipay.LAYOUTS, **wechat.LAYOUTS}[name]


def _format(name: str, title: str) -> Format:
    def sniff(data: bytes, head: str | None) -> bool:
        return sniff_layouts(_layouts(name), head)

    def parse(data: bytes, filename: str) -> ImportResult:
        return read_bill(data, filename, _layouts(name))

    return Format(name, "bank", title, sniff, parse)


FORMATS = [
    _format("alipay", "支付宝个人账单（CSV/XLSX）/ Alipay personal bill"),
    _format("alipay-merchant", "支付宝商家账务明细 / Alipay merchant account statement"),
    _format("wechat", "微信支付个人账单（CSV/XLSX）/ WeChat Pay personal bill"),
    _format("wechat-merchant", "微信支付商户资金账单 / WeChat Pay merchant fund bill"),
]

__all__ = ["FORMATS", "Layout", "Row", "Totals", "Verdict", "read_bill", "stated_count", "stated_fen"]
