"""SWIFT MT940 customer statements, read with the `mt-940` library (import name `mt940`).

One `:61:` statement line and the `:86:` after it make one bank line:

- `date` is the entry (booking) date when the line gives one, else the value date; `value_date` is the
  value date. MT940 writes the entry date without a year: the library takes the value date's year and
  moves it across the year boundary when the two are far apart.
- direction from the debit/credit mark: C and RD (reversal of a debit) are "in", D and RC are "out".
- `amount` from the library's Decimal through `parse_fen`, exactly; `currency` is the statement's.
- `bank_ref` is the bank's reference (after `//`); `instrument_no` the SEPA end-to-end reference (`EREF+`)
  or else the customer reference. "NONREF" means none.
- A structured `:86:` (`166?00...?20...?32...`): `memo` from the purpose sub-fields (?20-?29, ?60-?63),
  `counterparty_name` ?32+?33, `counterparty_account` ?31, `counterparty_bank` ?30, `settlement_method`
  the posting text ?00. Otherwise `memo` is the whole `:86:` text on one line (a full 65-character line
  was cut mid-word by the bank and is joined without a space) and `settlement_method` is the `:61:` type code.
- A Dutch structured `:86:` (`/NAME/…/REMI/…`, `/CNTP/…`; `mt940_details`) gives the counterparty, the memo
  (/REMI/), the end-to-end reference and the transaction type; an IBAN in the `:61:` customer reference place
  (Rabobank, ASN Bank) is the counterparty account.

Statement data: `:25:` account, `:60F:`/`:60M:` opening and `:62F:`/`:62M:` closing balance, the currency
from the balances, the period from the first to the last line date. Several statements in one file are
read in file order and must be for one account and one currency. Lines carry no running balance, so each
statement's opening + credits - debits must equal its closing balance. A `:86:` after the closing balance
is information to the account owner, not part of the last line: it is left out.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

import mt940 as swift
import polars as pl

from hezhang.domain.frames import BANK_SCHEMA
from hezhang.domain.money import Money, MoneyError, format_fen, parse_fen
from hezhang.domain.period import Period
from hezhang.domain.problem import Problem
from hezhang.importers.checks import finish_bank
from hezhang.importers.mt940_details import counterparty, reference_iban, structured_details
from hezhang.importers.registry import Format
from hezhang.importers.report import (
    Report,
    check_accounts_and_currency,
    per_account_balances,
    statement_chain_gaps,
    totals_gap,
)
from hezhang.importers.result import ImportResult, StatementMeta
from hezhang.importers.swift_text import unframe
from hezhang.importers.text import SINGLE_BYTE, DecodeError, decode_latin

_BLOCK = re.compile(r"(?m)^(?=:20:)")
_LINE_TAG = re.compile(r"(?m)^:61:")
_CLOSING_TAG = re.compile(r"(?m)^:62[FM]?:")
_OWNER_INFO = re.compile(r"(?ms)^:86:.*?(?=^:[0-9]{2}[A-Z]?:|\Z)")
_NO_REF = ("NONREF", "NOTPROVIDED")
_FULL_LINE = 65
_MAX_FEN = 10**15
_OPENING = ("final_opening_balance", "opening_balance", "intermediate_opening_balance")
_CLOSING = ("final_closing_balance", "closing_balance", "intermediate_closing_balance")
_COLUMNS = {name: dtype for name, dtype in BANK_SCHEMA.items() if name != "row"}


def sniff(data: bytes, head: str | None) -> bool:
    """A `:20:` tag and an account, statement number or balance tag at the start of lines."""
    if head is None:
        return False
    return re.search(r"(?m)^:20:", head) is not None and re.search(r"(?m)^:(?:25|28C?|60[FM]?):", head) is not None


@dataclass(frozen=True)
class _Statement:
    number: str
    account: str | None
    currency: str | None
    opening: int | None
    closing: int | None
    closing_row: int | None
    records: list[dict[str, Any]]
    dates: list[date]  # of the balances: the period of a statement without lines
    read: bool = True  # False when the library could not read the block (its problem is reported)


def parse(data: bytes, filename: str) -> ImportResult:
    try:
        text, encoding = decode_latin(data)
    except DecodeError as e:
        zh, _, en = str(e).partition(" / ")
        return ImportResult.failed("bank", [Problem(filename, zh, en or zh)], StatementMeta("mt940"))
    report = Report(filename)
    if encoding in SINGLE_BYTE:
        report.notice(
            f"文件不是 UTF-8 或 GBK，按单字节欧洲编码 {encoding} 读取（推断所得），摘要中的重音字母可能有误",
            f"the file is neither UTF-8 nor GBK: read in the single-byte European encoding {encoding} (inferred); "
            "accented letters in the texts may be wrong",
        )
    text = unframe(text)
    _check_lines(text, report)
    statements: list[_Statement] = []
    row = 1
    for block in _BLOCK.split(text):
        if block.lstrip().startswith(":20:"):
            statements.append(_statement(block, row, report))
        elif _LINE_TAG.search(block):
            report.error(
                "交易行（:61:）前没有 :20: 标签，不属于任何对账单",
                "statement lines (:61:) before any :20: tag belong to no statement",
                row=row,
            )
        row += block.count("\n")
    if not statements:
        report.error("没有找到 MT940 对账单（:20: 标签）", "no MT940 statement found (no :20: tag)")
        return ImportResult.failed("bank", report.problems, StatementMeta("mt940", encoding))
    if _INTERIM.search(text) and all(s.opening is None and s.closing is None for s in statements):
        report.error(
            "这是 MT942 日间交易报告（:34F:/:13D:），不是 MT940 对账单：它没有期初和期末余额，无法核对",
            "this is an MT942 interim transaction report (:34F:/:13D:), not an MT940 statement: it states no "
            "opening or closing balance to reconcile against",
            row=_row_of(text, _INTERIM),
        )
        return ImportResult.failed("bank", report.problems, StatementMeta("mt940", encoding))
    return _combine(statements, report, encoding)


_INTERIM = re.compile(r"(?m)^:(?:34F|13D?):")


def _row_of(text: str, pattern: re.Pattern[str]) -> int | None:
    found = pattern.search(text)
    return None if found is None else text.count("\n", 0, found.start()) + 1


#: A statement line as SWIFT writes it: value date, [entry date, or four spaces at some banks], [R]C/D, [funds
#: code], amount (the comma is left out by some banks: Knab writes "C500NTRF"), transaction type (N or F and a
#: three-character code, or S and a SWIFT message type): a damaged amount ("1N,00NTRF") does not pass.
_STRICT_61 = re.compile(r"^:61:\d{6}(?:\d{4}| {4})?R?[CD][A-Z]?\d+(?:,\d*)?(?:[NF][A-Z0-9]{3}|S\d{3})")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _check_lines(text: str, report: Report) -> None:
    """Damage the library would read past: control characters, and statement lines whose amount is not
    written as SWIFT defines it (the library would take whatever digits come first)."""
    # Lines end at LF (a CR just before it belongs to the line end); a CR anywhere else is damage inside a field:
    # "1000\r,00" must not be read as the amount 1000 with ",00…" on a line of its own.
    for row, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if _CONTROL.search(line):
            report.error("含有控制字符，文件可能已损坏", "holds control characters: the file may be damaged", row=row)
        elif line.startswith(":61:") and not _STRICT_61.match(line):
            report.error(
                "交易行（:61:）格式不符：应为 日期、借贷标记、金额（如 1234,56）、交易类型",
                "statement line (:61:) is malformed: expected date, debit/credit mark, amount (e.g. 1234,56), type",
                row=row,
                column=":61:",
                value=line[4:40],
            )


def _statement(block: str, first_row: int, report: Report) -> _Statement:
    """One `:20:` block; what cannot be read goes to the report."""
    tags = [
        (first_row + block.count("\n", 0, m.start()), _first_line(block, m.start())) for m in _LINE_TAG.finditer(block)
    ]
    closing = _CLOSING_TAG.search(block)
    closing_row = first_row + block.count("\n", 0, closing.start()) if closing else None
    if closing is not None:
        block = block[: closing.start()] + _OWNER_INFO.sub("", block[closing.start() :])
    data, transactions = _run_library(block, first_row, report)
    number = str(data.get("statement_number") or data.get("transaction_reference") or first_row)
    account = _text(data.get("account_identification"))
    currency = _currency(data)
    opening, opening_day = _balance(data, _OPENING, first_row, report)
    closing_fen, closing_day = _balance(data, _CLOSING, closing_row, report)
    records: list[dict[str, Any]] = []
    if data and len(transactions) != len(tags):
        report.error(
            f"对账单 {number} 有 {len(tags)} 个交易行（:61:），只读出 {len(transactions)} 笔",
            f"statement {number} has {len(tags)} lines (:61:) but only {len(transactions)} could be read",
            row=first_row,
        )
    elif data:
        for tx, (row, line) in zip(transactions, tags, strict=True):
            record = _line(tx.data, row, line, account, currency, report)
            if record is None:
                continue
            if f"{record['value_date']:%y%m%d}" != (written := line[4:10]):
                report.notice(
                    f"起息日 {written} 不是日历日期，按银行惯例读作 {record['value_date']}",
                    f"value date {written} is no calendar date; read as {record['value_date']}",
                    row=row,
                )
            records.append(record)
    dates = [d for d in (opening_day, closing_day) if d is not None]
    return _Statement(number, account, currency, opening, closing_fen, closing_row, records, dates, bool(data))


def _first_line(block: str, start: int) -> str:
    end = block.find("\n", start)
    return block[start : end if end >= 0 else len(block)].removesuffix("\r")


def _run_library(block: str, first_row: int, report: Report) -> tuple[dict[str, Any], list[Any]]:
    """The library's reading of one block. It trusts its input: any exception it raises becomes a problem.

    A statement line (:61:) the standard pattern refuses is read again with the pattern for banks that put an
    IBAN (up to 34 characters) where SWIFT allows a 16-character customer reference (the Dutch ASN Bank).
    """
    # On a tag it cannot read the library logs the raw value at ERROR level; that may be personal data.
    logging.getLogger("mt940").setLevel(logging.CRITICAL)
    try:
        return _library(block, {})
    except Exception as e:
        first = e
    if _tag_id(first) == "61" and all(_STATEMENT_LINE.match(v) for v in _FIELD_61.findall(block)):
        try:
            return _library(block, {61: swift.tags.StatementASNB()})
        except Exception:  # the retry failed too: report the first reading's complaint
            pass
    report.error(*_library_problem(first, block, first_row))
    return {}, []


#: The values of the block's :61: fields.
_FIELD_61 = re.compile(r"^:61:(.*)$", re.MULTILINE)
#: A :61: value whose date, entry date, mark, amount and type code are all as SWIFT writes them: only then may the
#: longer customer reference be read with the ASN Bank pattern (a damaged amount must stay a problem, not become
#: "1" with the rest of it taken for a reference).
_STATEMENT_LINE = re.compile(r"^\d{6}(?:\d{4}| {4})?R?[CD][A-Z]?\d{1,15},\d{0,2}[NFS][A-Z0-9]{3}")


def _library(block: str, tags: dict[int | str, Any]) -> tuple[dict[str, Any], list[Any]]:
    # `Transactions.parse` takes the text itself; `mt940.parse` would first try it as a file name.
    result = swift.models.Transactions(tags=tags or None, options=swift.Options.all())
    result.parse(block)
    return dict(result.data), list(result.transactions)


def _tag_id(e: Exception) -> str | None:
    """The tag the library failed on: it raises RuntimeError(message, tag, value) for a value that does not match
    the tag's pattern."""
    tag = e.args[1] if isinstance(e, RuntimeError) and len(e.args) > 2 else None
    return str(getattr(tag, "id", "")) or None


def _library_problem(e: Exception, block: str, first_row: int) -> tuple[str, str, int | None, str | None, str | None]:
    """(zh, en, row, column, value) saying which field could not be read and where."""
    tag = _tag_id(e)
    value = e.args[2] if tag and isinstance(e.args[2], str) else None
    column = f":{tag}:" if tag else None
    row = first_row + block.count("\n", 0, block.find(value)) if value and value in block else first_row
    if column:
        return (
            f"字段 {column} 的内容不符合 SWIFT MT940 为该字段规定的格式",
            f"field {column} does not have the layout SWIFT MT940 defines for it",
            row,
            column,
            value[:200] if value else None,
        )
    detail = str(e)[:120] or "?"
    return (
        f"从第 {first_row} 行开始的对账单含有无法读取的值（如不存在的日期或金额）：{detail}",
        f"the statement starting at line {first_row} holds a value that cannot be read "
        f"(such as a date or amount that does not exist): {detail}",
        first_row,
        None,
        None,
    )


def _currency(data: dict[str, Any]) -> str | None:
    for key in (*_OPENING, *_CLOSING):
        currency = _text(getattr(getattr(data.get(key), "amount", None), "currency", None))
        if currency:
            return currency.upper()
    return None


def _balance(
    data: dict[str, Any], keys: tuple[str, ...], row: int | None, report: Report
) -> tuple[int | None, date | None]:
    """The first of `keys` the statement has, as (fen, date); a balance that cannot be read is a problem."""
    for key in keys:
        balance = data.get(key)
        if balance is None:
            continue
        raw = getattr(getattr(balance, "amount", None), "amount", None)
        fen = _fen(raw)
        if fen is None:
            report.error("余额无法读取", "the balance cannot be read", row=row, value=str(raw))
        day = getattr(balance, "date", None)
        return fen, _plain(day) if isinstance(day, date) else None
    return None, None


def _fen(value: object) -> int | None:
    """A library Decimal as fen through `parse_fen` (never rounded), or None."""
    if not isinstance(value, Decimal) or not value.is_finite() or abs(value) * 100 >= _MAX_FEN:
        return None
    try:
        return parse_fen(format(value, "f"))
    except MoneyError:
        return None


def _line(
    d: dict[str, Any], row: int, written: str, account: str | None, currency: str | None, report: Report
) -> dict[str, Any] | None:
    """One :61: (its first line as `written`) and its :86: as a record; None (and a problem) when unreadable."""
    raw = getattr(d.get("amount"), "amount", None)
    fen = _fen(raw)
    value_day, entry_day = d.get("date"), d.get("entry_date")
    if fen is None or not isinstance(value_day, date):
        report.error(
            "金额或起息日无法读取", "the amount or value date cannot be read", row=row, column=":61:", value=str(raw)
        )
        return None
    structured = "transaction_details" not in d and any(k in d for k in ("purpose", "posting_text"))
    memo = _text("".join(p for p in (d.get("purpose"), d.get("additional_purpose")) if isinstance(p, str)))
    dutch = None if structured else structured_details(_unwrap(d.get("transaction_details")))
    if not structured:
        memo = (dutch.memo if dutch else None) or _unwrap(d.get("transaction_details"))
    # An IBAN in the customer reference place is the counterparty's account, not a reference; the library may have
    # cut it after 16 characters and taken its tail for supplementary details.
    reference, extra = _text(d.get("customer_reference")), _text(d.get("extra_details"))
    account_in_reference = reference_iban(written)
    if account_in_reference and account_in_reference.startswith((reference or "").replace(" ", "").upper()):
        if extra and f"{reference}{extra}".replace(" ", "").upper() == account_in_reference:
            extra = None
        reference = None
    if extra and extra not in (memo or ""):
        memo = f"{memo} {extra}" if memo else extra
    mark = str(d.get("status") or "").upper()
    return {
        "source_row": row,
        "date": _plain(entry_day if isinstance(entry_day, date) else value_day),
        "value_date": _plain(value_day),
        "direction": "out" if fen < 0 or (fen == 0 and mark in ("D", "RC")) else "in",
        "amount": abs(fen),
        "currency": _text(d.get("currency")) or currency,
        "memo": memo,
        "bank_ref": _ref(d.get("bank_reference")),
        "instrument_no": _ref(d.get("end_to_end_reference"))
        or (dutch and dutch.end_to_end_reference)
        or _ref(reference),
        **counterparty(d, structured, dutch, account_in_reference),
        "settlement_method": _text(
            d.get("posting_text") if structured else (dutch and dutch.transaction_type) or d.get("id")
        ),
        "account": account,
    }


def _plain(day: date) -> date:
    return date(day.year, day.month, day.day)


def _text(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _ref(value: object) -> str | None:
    text = _text(value)
    return None if text is None or text.upper() in _NO_REF else text


def _unwrap(details: object) -> str | None:
    """Free `:86:` text on one line: after a full-width line the bank cut a word, after a shorter one a word ended."""
    if not isinstance(details, str):
        return None
    out, previous = "", ""
    for line in details.splitlines():
        piece = line.rstrip()
        if piece.strip():
            out = f"{out}{'' if len(previous) >= _FULL_LINE else ' '}{piece}" if out else piece.strip()
            previous = piece
    return _text(out)


def _combine(statements: list[_Statement], report: Report, encoding: str) -> ImportResult:
    """The statements in file order; each statement's totals checked, and consecutive statements of each account."""
    accounts = list(dict.fromkeys(s.account for s in statements if s.account))
    currencies = list(dict.fromkeys(s.currency for s in statements if s.currency))
    check_accounts_and_currency(report, accounts, currencies, account_column=":25:", currency_column=None)
    records = [r for s in statements for r in s.records]
    if records and not currencies:
        report.error("没有余额（:60F:/:62F:），无法确定币种", "no balance (:60F:/:62F:) gives the currency")
    currency = currencies[0] if currencies else None
    for s in statements:
        if s.read:
            _check_totals(s, report, currency or "CNY")
    for gap in statement_chain_gaps([(s.account, s.number, s.opening, s.closing) for s in statements], currency or ""):
        report.gap(gap, column=":60F:", value=format_fen(gap.stated_fen))
    days = [r["date"] for r in records] or [d for s in statements for d in s.dates]
    balances = per_account_balances([(s.account, s.opening, s.closing) for s in statements])
    first, last = balances.get(accounts[0] if accounts else None, (None, None)) if len(balances) == 1 else (None, None)
    meta = StatementMeta(
        "mt940",
        encoding,
        account=accounts[0] if len(accounts) == 1 else None,
        currency=currency,
        period=Period(min(days), max(days)) if days else None,
        opening_balance=None if first is None else Money(first, currency or "CNY"),
        closing_balance=None if last is None else Money(last, currency or "CNY"),
        gaps=tuple(report.gaps),
    )
    frame = pl.DataFrame({k: [r.get(k) for r in records] for k in _COLUMNS}, schema=_COLUMNS)
    result = finish_bank(frame, report.problems, meta, report.filename, balances=balances)
    return replace(result, notices=(*result.notices, *report.notices))


def _check_totals(s: _Statement, report: Report, currency: str) -> None:
    """Both balances are mandatory in MT940; opening + credits - debits must be the closing balance (the lines
    carry no running balance). A truncated file misses its closing balance; one that does not add up has a gap."""
    if s.opening is None or s.closing is None:
        missing = ":60F:" if s.opening is None else ":62F:"
        report.error(
            f"对账单 {s.number} 不完整：缺少{'期初' if s.opening is None else '期末'}余额 {missing}",
            f"statement {s.number} is incomplete: no {'opening' if s.opening is None else 'closing'} balance {missing}",
            row=s.closing_row,
            column=missing,
        )
        return
    ins = sum(r["amount"] for r in s.records if r["direction"] == "in")
    outs = sum(r["amount"] for r in s.records if r["direction"] == "out")
    if gap := totals_gap(s.account, s.number, s.opening, ins, outs, s.closing, currency):
        report.gap(gap, row=s.closing_row, column=":62F:", value=format_fen(s.closing))


FORMATS = [Format("mt940", "bank", "SWIFT MT940", sniff, parse)]
