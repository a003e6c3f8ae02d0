"""Journals (序时账): reading voucher-line tables, and the checks every journal gets.

A `JournalLayout` names the header cells that hold each field. `parse_journal` finds the header row (title
rows above it are fine), reads whole columns with the vectorized cell readers (`read_body`) and hands the
frame to `finish_journal`, the last step of every journal importer: it sets direction and amount, names
each line's counterparty and contra accounts, checks the vouchers, and splits the bank lines (account code
under the prefix, "1002" 银行存款 by default) from all the others (`ImportResult.context`).
`with_prefix` splits a parsed journal again by another prefix ("100201": one bank account).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

import polars as pl

from hezhang.domain.frames import LEDGER_SCHEMA, conform
from hezhang.domain.money import format_fen
from hezhang.domain.period import Period
from hezhang.domain.problem import Problem, Severity
from hezhang.importers import cells
from hezhang.importers.grid import GridError, cell_text, file_type, read_grid, split_text
from hezhang.importers.result import ImportResult, StatementMeta
from hezhang.importers.text import clean_cell, header_key

#: 银行存款: the ledger account whose lines take part in bank reconciliation.
BANK_PREFIX = "1002"
_SCAN = 30
_KEY = ["date", "voucher_no"]
_TEXT = ("account_code", "account_name", "memo", "auxiliary", "settlement_method", "settlement_no", "preparer")
#: 核算项目 categories that name no counterparty.
_NOT_PARTY = ("部门", "项目", "存货", "物料", "成本中心", "现金流量", "仓库", "工程", "费用")
_CODE_THEN_NAME = re.compile(r"^([0-9A-Za-z][0-9A-Za-z.\-_]*)\s+(\S.*)$")
_VOUCHER = r"^(\D*?)[\s\-－—_]*(\d{1,9})$"
_TOTAL = r"^(本期|本月|本年)?(合计|总计|累计)"
_NO_LINES = "no lines on accounts under"
_CODE_SEPARATORS = re.compile(r"[.\-\s]")
_CURRENCIES = {"人民币": "CNY", "RMB": "CNY", "本位币": "CNY", "美元": "USD", "港币": "HKD", "港元": "HKD",
               "欧元": "EUR", "日元": "JPY", "英镑": "GBP"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class JournalLayout:
    """Which header cells hold each field (first name = the usual one), and which fields must be there.

    Fields: date; voucher (凭证字号 in one cell) or voucher_word + voucher_num; entry_no; account_code;
    account_name; debit; credit; memo; auxiliary (核算项目); settlement_method; settlement_no; preparer;
    currency (the currency of the amounts) or original_currency (amounts are CNY; foreign lines only noted).
    """

    name: str
    title: str
    columns: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]


def parse_journal(data: bytes, filename: str, layout: JournalLayout, account_prefix: str = BANK_PREFIX) -> ImportResult:
    """Read a journal file in `layout`. Never raises: whatever is wrong comes back as a `Problem`."""
    meta = StatementMeta(format=layout.name)
    try:
        try:
            grid = read_grid(data)
        except GridError as e:
            zh, _, en = str(e).partition(" / ")
            return ImportResult.failed("journal", [Problem(filename, zh, en or zh)], meta)
        meta = StatementMeta(format=layout.name, encoding=grid.encoding)
        at, found = find_header(grid.rows, layout)
        missing = [f for f in layout.required if f not in found]
        if at < 0 or len(missing) * 2 > len(layout.required):
            return ImportResult.failed("journal", [_unknown_layout(filename, grid.rows, at, layout)], meta)
        if missing:
            names = [layout.columns[f][0] for f in missing]
            return ImportResult.failed("journal", [
                Problem(filename, f"缺少列「{n}」", f"column {n!r} is missing", row=at + 1, column=n) for n in names
            ], meta)  # fmt: skip
        headers = {f: aliases[0] for f, aliases in layout.columns.items()}
        headers |= {f: clean_cell(grid.rows[at][i]) for f, i in found.items()}  # as the file writes them
        frame, problems, notices = read_body(grid.rows, at, found, headers, filename)
        return finish_journal(frame, problems, meta, filename, headers=headers, account_prefix=account_prefix,
                              notices=notices)  # fmt: skip
    except Exception as e:  # the last net: an importer never raises, whatever the bytes
        detail = " ".join(str(e).split())[:160] or type(e).__name__
        problem = Problem(
            filename,
            f"读取序时账时导入程序出错，文件未导入：{detail}。这是 hezhang 的缺陷，请连同文件报告",
            f"the importer failed while reading the journal, nothing was imported: {detail}. This is a defect in "
            "hezhang; please report it with the file",
        )
        return ImportResult.failed("journal", [problem], meta)
    except BaseException as e:
        _reraise_unless_panic(e)
        problem = Problem(filename, "文件损坏或无法读取", "damaged or unreadable file")
        return ImportResult.failed("journal", [problem], meta)


def find_header(rows: list[list[str]], layout: JournalLayout) -> tuple[int, dict[str, int]]:
    """The header row among the first rows (-1 if none) and where each field's column is."""
    wanted = {f: [header_key(n) for n in names] for f, names in layout.columns.items()}
    best: tuple[int, dict[str, int], int] = (-1, {}, 0)
    for i, row in enumerate(rows[:_SCAN]):
        keys = [header_key(c) for c in row]
        # the first name a field has wins: later assignments overwrite earlier ones
        found = {f: keys.index(k) for f, names in wanted.items() for k in reversed(names) if k in keys}
        hits = sum(f in found for f in layout.required)
        if hits > best[2]:
            best = (i, found, hits)
        if hits == len(layout.required):
            break
    return best[0], best[1]


def _unknown_layout(filename: str, rows: list[list[str]], at: int, layout: JournalLayout) -> Problem:
    seen_row = rows[at] if at >= 0 else next((r for r in rows[:_SCAN] if any(c.strip() for c in r)), [])
    seen = "、".join(c.strip() for c in seen_row if c.strip())[:300] or "（无）"
    needed = "、".join(layout.columns[f][0] for f in layout.required)
    return Problem(
        filename,
        f"不是{layout.title.split(' / ')[0]}：需要列 {needed}；文件中的表头为 {seen}",
        f"not a {layout.title.split(' / ')[-1]}: needs columns {needed}; the file has {seen}",
        row=at + 1 if at >= 0 else None,
    )


def head_rows(data: bytes, head: str | None, limit: int = _SCAN) -> list[list[str]]:
    """The first rows of a table file for sniffing: from `head` (the text detection hands over, a workbook's
    first rows as CSV) or, without one, from the workbook itself; [] when it is no table. Never raises."""
    try:
        if head is not None:
            return split_text("\n".join(head.splitlines()[:limit]))
        if file_type(data) == "csv":
            return []
        from python_calamine import CalamineWorkbook  # a heavy import, only for workbooks

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in book.sheet_names:
            rows = [[cell_text(v) for v in row] for row in book.get_sheet_by_name(name).to_python(nrows=limit)]
            if rows:
                return rows
    except Exception:  # sniffing must never raise, whatever the bytes
        return []
    except BaseException as e:
        _reraise_unless_panic(e)
        return []
    return []


def _reraise_unless_panic(error: BaseException) -> None:
    """calamine reports some damaged workbooks by a Rust panic, a `BaseException`: that one is a bad file."""
    if type(error).__name__ != "PanicException":
        raise error


def sniff_layout(data: bytes, head: str | None, layout: JournalLayout) -> bool:
    """True when one of the first rows holds every required header of `layout`."""
    rows = head_rows(data, head)
    return bool(rows) and len(layout.required) == sum(f in find_header(rows, layout)[1] for f in layout.required)


def read_body(
    rows: list[list[str]], at: int, found: dict[str, int], headers: dict[str, str], filename: str
) -> tuple[pl.DataFrame, list[Problem], list[Problem]]:
    """The rows under the header as a frame of parsed columns, one line per data row, in file order.

    Blank rows and rows of totals are skipped. Returns (frame, problems, notices); a row with an
    unreadable cell is marked `unreadable` (and has a problem) so that the checks leave it out.
    """
    body, width = rows[at + 1 :], max(found.values()) + 1
    if any(len(r) < width for r in body):  # short rows (a trailing empty cell left out) are padded
        body = [r if len(r) >= width else r + [""] * (width - len(r)) for r in body]
    raw = pl.DataFrame(
        {f: list(map(itemgetter(i), body)) for f, i in found.items()}, schema=dict.fromkeys(found, pl.String())
    )
    raw = raw.with_columns([cells.text(raw[f]) for f in found]).with_columns(
        pl.Series("source_row", range(at + 2, at + 2 + len(body)), dtype=pl.Int64)
    )
    ids = [f for f in ("date", "voucher", "voucher_word", "voucher_num", "account_code") if f in found]
    total = pl.any_horizontal([pl.col(f).str.contains(_TOTAL) for f in found]).fill_null(False)
    raw = raw.filter(
        pl.any_horizontal([pl.col(f).is_not_null() for f in found])
        & ~(pl.all_horizontal([pl.col(f).is_null() for f in ids]) & total)
    )
    null = pl.Series([None] * len(raw), dtype=pl.String())
    col = {f: raw[f] if f in raw.columns else null for f in ("date", "debit", "credit", "entry_no", "currency")}
    problems: list[Problem] = []
    notices: list[Problem] = []

    def flag(bad: pl.Series, field: str, zh: str, en: str) -> pl.Series:
        if bad.any():
            picked = raw.filter(bad).select("source_row", pl.col(field) if field in raw.columns else null)
            problems.extend(Problem(filename, zh, en, row=r, column=headers[field], value=v) for r, v in picked.rows())
        return bad

    dates, _, bad_date = cells.date_time(col["date"])
    bad_date = bad_date.cast(pl.Boolean)  # cells.date_time gives a Null-typed `bad` for an empty column
    debit, bad_debit = cells.amount(col["debit"])
    credit, bad_credit = cells.amount(col["credit"])
    entry = col["entry_no"].cast(pl.Int64, strict=False)
    bad_entry = col["entry_no"].is_not_null() & entry.is_null()
    voucher, bad_voucher, voucher_field = _voucher(raw)
    currency = _currency(col["currency"]) if "currency" in found else pl.Series([None] * len(raw), dtype=pl.String)
    unreadable = (
        flag(bad_date, "date", "日期无法识别", "date cannot be read")
        | flag(dates.is_null() & ~bad_date, "date", "日期为空", "date is empty")
        | flag(bad_debit, "debit", "借方金额无法识别", "debit amount cannot be read")
        | flag(bad_credit, "credit", "贷方金额无法识别", "credit amount cannot be read")
        | flag(bad_entry, "entry_no", "分录号不是整数", "entry number is not an integer")
        | flag(bad_voucher, voucher_field, "凭证号无法识别", "voucher number cannot be read")
        | flag(voucher.is_null() & ~bad_voucher, voucher_field, "凭证号为空", "voucher number is empty")
        | flag(currency.is_null() & col["currency"].is_not_null(), "currency", "币种无法识别", "unknown currency")
    )
    if "original_currency" in found:
        foreign = _currency(raw["original_currency"]).fill_null("CNY") != "CNY"
        if foreign.any():
            first = raw.filter(foreign).row(0, named=True)
            notices.append(
                Problem(
                    filename,
                    f"{foreign.sum()} 行为外币分录（如 {first['original_currency']}），金额按本位币借方/贷方读取",
                    f"{foreign.sum()} foreign-currency lines (e.g. {first['original_currency']}); amounts read from "
                    "the base-currency debit/credit columns",
                    row=first["source_row"],
                    column=headers["original_currency"],
                    severity=Severity.NOTICE,
                )
            )
    frame = pl.DataFrame(
        {
            "source_row": raw["source_row"],
            "date": dates,
            "voucher_no": voucher,
            "entry_no": entry,
            "debit": debit,
            "credit": credit,
            "currency": currency.fill_null("CNY"),
            "unreadable": unreadable.fill_null(False),
        }
    )
    return frame.with_columns([(raw[f] if f in raw.columns else null).alias(f) for f in _TEXT]), problems, notices


def finish_journal(
    frame: pl.DataFrame,
    problems: Sequence[Problem],
    meta: StatementMeta,
    filename: str,
    *,
    headers: Mapping[str, str],
    account_prefix: str = BANK_PREFIX,
    notices: Sequence[Problem] = (),
) -> ImportResult:
    """The last step of every journal importer: direction and amount, counterparty and contra accounts,
    voucher checks; then the lines under `account_prefix` in `lines`, all the others in `context`.

    `frame` holds every data row of the file in file order: source_row, date, voucher_no, entry_no,
    account_code, account_name, debit and credit (signed fen, null when empty), memo, auxiliary (核算项目),
    settlement_method, settlement_no, currency, preparer, and optionally `unreadable` (a cell problem was
    already reported: the row stays out of the checks and of the result). `headers` names the file's column
    of each field, for messages. `row` becomes the n-th data row of the file, whatever the account.
    """
    frame = frame.with_row_index("row", offset=1).with_columns(pl.col("row").cast(pl.Int64))
    absent = {f: pl.lit(None, dtype=pl.String()) for f in (*_TEXT, "currency")} | {"unreadable": pl.lit(False)}
    frame = frame.with_columns([value.alias(f) for f, value in absent.items() if f not in frame.columns])
    debit, credit = pl.col("debit").fill_null(0), pl.col("credit").fill_null(0)
    both = (debit != 0) & (credit != 0)
    frame = frame.with_columns(
        both.alias("_both"),
        ((debit == 0) & (credit == 0) & ~pl.col("unreadable")).alias("_neither"),
        pl.when(both).then(None).when(debit - credit > 0).then(pl.lit("in"))
        .when(debit - credit < 0).then(pl.lit("out")).alias("direction"),
        (debit - credit).abs().alias("amount"),
    )  # fmt: skip
    problems, notices = list(problems), list(notices)
    columns = {**headers, "voucher_no": headers.get("voucher") or headers.get("voucher_num") or "凭证号"}

    def report(mask: pl.Expr, field: str, zh: str, en: str, severity: Severity = Severity.ERROR) -> None:
        """A problem for each row of `mask`, at `field`'s column; zh and en may name {debit}, {credit},
        {voucher_no} and {entry_no}."""
        for r in frame.filter(mask).iter_rows(named=True):
            cell: dict[str, str | None] = {k: format_fen(r[k] or 0) for k in ("debit", "credit")}
            cell |= {"voucher_no": r["voucher_no"], "entry_no": None if r["entry_no"] is None else str(r["entry_no"])}
            (notices if severity is Severity.NOTICE else problems).append(Problem(
                filename, zh.format(**cell), en.format(**cell), row=r["source_row"],
                column=columns.get(field, field), value=cell.get(field), severity=severity))  # fmt: skip

    usable = pl.col("date").is_not_null() & pl.col("voucher_no").is_not_null() & ~pl.col("unreadable")
    report(pl.col("account_code").is_null() & usable, "account_code", "科目代码为空", "account code is missing")
    report(pl.col("_both"), "debit", "同一分录借方和贷方都有金额（贷方 {credit}）",
           "both debit and credit hold an amount (credit {credit})")  # fmt: skip
    report(pl.col("_neither"), "debit", "分录借方和贷方都没有金额", "neither debit nor credit holds an amount")
    report((pl.col("debit") < 0) & ~pl.col("_both"), "debit", "红字冲销：借方 {debit} 按贷方读取",
           "red reversal: negative debit {debit} read as a credit", Severity.NOTICE)  # fmt: skip
    report((pl.col("credit") < 0) & ~pl.col("_both"), "credit", "红字冲销：贷方 {credit} 按借方读取",
           "red reversal: negative credit {credit} read as a debit", Severity.NOTICE)  # fmt: skip
    repeated = usable & pl.col("entry_no").is_not_null() & ~pl.struct([*_KEY, "entry_no"]).is_first_distinct()
    report(repeated, "entry_no", "凭证 {voucher_no} 中分录号 {entry_no} 重复",
           "entry {entry_no} repeats in voucher {voucher_no}")  # fmt: skip
    # a voucher with an unreadable row (or a row that may belong to it) is not checked: that row has its problem
    unread = frame.filter(pl.col("unreadable"))
    lost = unread.filter(pl.col("voucher_no").is_null())
    doubtful = (pl.col("voucher_no").is_in(unread["voucher_no"].drop_nulls().implode())
                | pl.col("date").is_in(lost["date"].drop_nulls().implode())
                | pl.lit(lost["date"].null_count() > 0))  # fmt: skip
    sums = (
        frame.filter(usable & ~doubtful)
        .group_by(_KEY, maintain_order=True)
        .agg(debit.sum().alias("debit"), credit.sum().alias("credit"), pl.col("source_row").first())
    )
    for r in sums.filter(pl.col("debit") != pl.col("credit")).iter_rows(named=True):
        d, c, v = format_fen(r["debit"]), format_fen(r["credit"]), r["voucher_no"]
        diff = format_fen(r["debit"] - r["credit"])
        problems.append(Problem(
            filename, f"凭证 {v}（{r['date']}）借贷不平：借方合计 {d}，贷方合计 {c}，差额 {diff}",
            f"voucher {v} of {r['date']} does not balance: debits {d}, credits {c}, difference {diff}",
            row=r["source_row"], column=columns["voucher_no"], value=v))  # fmt: skip
    problems.sort(key=lambda p: (p.row is None, p.row or 0))
    complete = usable & pl.col("account_code").is_not_null() & pl.col("direction").is_not_null()
    whole = _relations(frame.filter(complete))
    return _split(ImportResult("journal", whole, tuple(problems), meta, tuple(notices)), account_prefix, filename)


def with_prefix(result: ImportResult, account_prefix: str) -> ImportResult:
    """The same journal with its bank lines chosen again by another prefix ("100201": one bank account)."""
    if result.kind != "journal" or result.context is None:
        return result
    return _split(result, account_prefix)


def _split(result: ImportResult, account_prefix: str, filename: str = "") -> ImportResult:
    """Lines whose account code (without "." and "-": "1002.01" is under "100201") starts with the prefix
    in `lines`, the rest in `context`, both in file order; meta and the notice about no bank lines to match."""
    whole = result.lines if result.context is None else pl.concat([result.lines, result.context]).sort("row")
    prefix = _CODE_SEPARATORS.sub("", account_prefix)
    bank = pl.col("account_code").str.replace_all(_CODE_SEPARATORS.pattern, "").str.starts_with(prefix)
    lines, context = (conform(whole.filter(mask), LEDGER_SCHEMA) for mask in (bank, ~bank))
    notices = [n for n in result.notices if not n.message_en.startswith(_NO_LINES)]
    if lines.is_empty():
        filename = next((p.file for p in (*result.problems, *result.notices)), filename)
        notices.append(Problem(filename, f"没有科目代码以 {account_prefix} 开头的分录",
                               f"{_NO_LINES} {account_prefix}", severity=Severity.NOTICE))  # fmt: skip
    codes = lines.select("account_code", "account_name").unique().rows()
    dates = whole["date"].drop_nulls()
    currencies = whole["currency"].drop_nulls().unique().to_list()
    meta = StatementMeta(
        format=result.meta.format, encoding=result.meta.encoding,
        account=codes[0][0] if len(codes) == 1 else None, account_name=codes[0][1] if len(codes) == 1 else None,
        currency=currencies[0] if len(currencies) == 1 else (None if currencies else "CNY"),
        period=Period(dates.min(), dates.max()) if len(dates) else None,  # type: ignore[arg-type]
    )  # fmt: skip
    return ImportResult("journal", lines, result.problems, meta, tuple(notices), context)


def _relations(frame: pl.DataFrame) -> pl.DataFrame:
    """counterparty_name and contra_accounts of every line.

    The counterparty is the party of the line's own 核算项目; else the one party named on the lines of its
    voucher with its amount in the other direction; else, when it is the only line of its voucher without a party,
    the one party named in the voucher at all (a voucher booking several bank lines at once does not give one
    party to all of them).
    The contra accounts are the account names of the other lines of the voucher, in file order, each once.
    """
    names = {v: counterparty_of(v) for v in frame["auxiliary"].drop_nulls().unique().to_list()}
    own = frame["auxiliary"].replace_strict(names, default=None, return_dtype=pl.String) if names else None
    frame = frame.with_columns(
        pl.lit(None, dtype=pl.String()).alias("counterparty_name") if own is None else own.alias("counterparty_name"),
        pl.coalesce("account_name", "account_code").alias("_name"),
    )
    places = frame.group_by([*_KEY, "_name"]).agg(
        pl.col("row").min().alias("first"), pl.col("row").sort().slice(1, 1).first().alias("second")
    )
    pairs = frame.select("row", *_KEY, pl.col("_name").alias("own")).join(places, on=_KEY)
    itself = (pl.col("_name") == pl.col("own")) & (pl.col("first") == pl.col("row"))
    contra = (
        pairs.filter(~(itself & pl.col("second").is_null()))
        .with_columns(pl.when(itself).then(pl.col("second")).otherwise(pl.col("first")).alias("at")).sort("row", "at")
        .group_by("row", maintain_order=True).agg(pl.col("_name").str.join(";").alias("contra_accounts"))
    )  # fmt: skip
    needy = frame.filter(pl.col("counterparty_name").is_null()).select("row", *_KEY, "direction", "amount")
    parties = frame.filter(pl.col("counterparty_name").is_not_null()).select(
        *_KEY, pl.col("direction").alias("o_direction"), pl.col("amount").alias("o_amount"),
        pl.col("counterparty_name").alias("party"))  # fmt: skip
    pairs = needy.join(parties, on=_KEY)
    mirrored = (pl.col("o_amount") == pl.col("amount")) & (pl.col("o_direction") != pl.col("direction"))
    alone = pl.col("row").n_unique().over(_KEY) == 1
    for i, match in enumerate((mirrored, alone)):
        single = pairs.filter(match).group_by("row").agg(pl.col("party").n_unique().alias("n"), pl.col("party").first())
        frame = frame.join(single.filter(pl.col("n") == 1).select("row", pl.col("party").alias(f"_p{i}")),
                           on="row", how="left", maintain_order="left")  # fmt: skip
    frame = frame.join(contra, on="row", how="left", maintain_order="left")
    return frame.with_columns(pl.coalesce("counterparty_name", "_p0", "_p1").alias("counterparty_name"))


def _voucher(raw: pl.DataFrame) -> tuple[pl.Series, pl.Series, str]:
    """voucher_no as "记-0012" from one cell ("记-12", "记12", "记-0012") or from 凭证字 + 凭证号."""
    null = pl.Series([None] * len(raw), dtype=pl.String())
    if "voucher" in raw.columns:  # one cell: what does not look like word + number is kept as it is
        parts = raw["voucher"].str.extract_groups(_VOUCHER)
        word, number, whole, field = parts.struct.field("1"), parts.struct.field("2"), raw["voucher"], "voucher"
    else:
        word = raw["voucher_word"] if "voucher_word" in raw.columns else null
        number, whole, field = raw["voucher_num"], null, "voucher_num"
    padded = number.cast(pl.Int64, strict=False).cast(pl.String).str.zfill(4)
    bad = number.is_not_null() & padded.is_null() & whole.is_null()
    voucher = pl.select(
        pl.when(padded.is_null())
        .then(whole)
        .when(word.is_null() | (word == ""))
        .then(padded)
        .otherwise(pl.concat_str([word, pl.lit("-"), padded]))
    ).to_series()
    return voucher, bad, field


def _currency(column: pl.Series) -> pl.Series:
    """ISO codes from "CNY", "RMB", "人民币", "美元"...; null where the cell names no currency we know."""
    codes = {v: currency_code(v) for v in column.drop_nulls().unique().to_list()}
    return column.replace_strict(codes, default=None, return_dtype=pl.String) if codes else column


def currency_code(text: str) -> str | None:
    """ "CNY", "RMB", "人民币", "usd", "美元" -> the ISO 4217 code; None when the text names no currency."""
    key = text.strip()
    known = _CURRENCIES.get(key.upper()) or _CURRENCIES.get(key)
    return known or (key.upper() if re.fullmatch(r"[A-Za-z]{3}", key) else None)


def counterparty_of(item: str) -> str | None:
    """The party a 核算项目 cell names: "客户---上海开发区世创商贸有限公司", "客户---01.002---世创商贸" and
    "供应商:01.002 世创商贸" give the name after the category and the code; None for 部门, 项目 and the like.
    Several items ("部门---销售部;客户---世创商贸") give the first party."""
    for part in re.split(r"[;；|]", item):
        pieces = [p.strip() for p in re.split(r"-{2,}", part) if p.strip()]
        category, name = (pieces[0], pieces[-1]) if len(pieces) > 1 else (None, "".join(pieces))
        if category is None and re.search(r"[:：]", name):
            category, name = (s.strip() for s in re.split(r"[:：]", name, maxsplit=1))
            coded = _CODE_THEN_NAME.match(name)
            name = coded.group(2) if coded and re.search(r"\d", coded.group(1)) else name
        if name and not (category and any(word in category for word in _NOT_PARTY)):
            return name
    return None
