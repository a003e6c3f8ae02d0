"""OFX bank and credit-card statements, 1.x (SGML) and 2.x (XML), read with `ofxtools`.

`ofxtools.Parser.OFXTree` reads the header (and the character set it declares) and the tag soup into an
element tree. We do not call its `convert()`: that is all-or-nothing on the first spec violation, and it
turns every date into UTC. Each field is instead read with the matching `ofxtools.Types` converter, so a bad
field is a problem on its own line and the rest of the file is still reported.

Dates are taken as written: `DTPOSTED` 20261031120000[+8:CST] is 2026-10-31, whatever the offset. A bank
statement's dates are the bank's local business dates; converting them to UTC (what `convert()` does)
would move a line posted before 08:00 in Beijing to the previous day. The time of day is not read: many
banks fill it with 000000 or 120000.

One `STMTTRN` makes one line: `TRNAMT` sign the direction (positive "in"), `FITID` the bank_ref,
`CHECKNUM` the instrument_no, `NAME` (or `PAYEE/NAME`) the counterparty_name, `BANKACCTTO`/`CCACCTTO`
`ACCTID` the counterparty_account and `BANKID` the counterparty_bank, `MEMO` the memo, `TRNTYPE` the
settlement_method. Statement (`STMTRS`, or `CCSTMTRS` for a card): `BANKACCTFROM`/`CCACCTFROM` `ACCTID` the
account, `CURDEF` the currency, `DTSTART`..`DTEND` the period, `LEDGERBAL` the closing balance. OFX states no
opening balance, so there are no totals to check. Several statements of one account are concatenated.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from ofxtools import Types
from ofxtools.Parser import OFXTree

from hezhang.domain.frames import BANK_SCHEMA
from hezhang.domain.money import Money, MoneyError, parse_fen
from hezhang.domain.period import Period
from hezhang.domain.problem import Problem
from hezhang.importers.checks import finish_bank
from hezhang.importers.registry import Format
from hezhang.importers.report import Report, check_accounts_and_currency, per_account_balances
from hezhang.importers.result import ImportResult, StatementMeta

_SNIFF = re.compile(r"OFXHEADER\s*[:=]|<OFX>", re.IGNORECASE)
_STMTTRN = re.compile(rb"<STMTTRN>", re.IGNORECASE)
_AMOUNT = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")  # the spec's amount: no exponent, no grouping
_MAX_FEN = 10**15
_COLUMNS = {name: dtype for name, dtype in BANK_SCHEMA.items() if name != "row"}


def sniff(data: bytes, head: str | None) -> bool:
    """An OFX header (v1 `OFXHEADER:100`, v2 `<?OFX OFXHEADER="200" ...?>`) or an `<OFX>` root near the start."""
    return head is not None and _SNIFF.search(head[:4096]) is not None


def parse(data: bytes, filename: str) -> ImportResult:
    report = Report(filename)
    tree = OFXTree()
    try:
        root = tree.parse(io.BytesIO(data))
    except Exception as e:  # ofxtools raises its own errors, and also UnicodeError, ValueError, KeyError...
        return ImportResult.failed("bank", [_unreadable(filename, data, e)], StatementMeta("ofx"))
    if root is None or not data.rstrip().upper().endswith(b"</OFX>"):
        report.error(
            "OFX 文件不完整（没有以 </OFX> 结尾），可能被截断",
            "the OFX file is incomplete (no closing </OFX>): truncated?",
        )
        return ImportResult.failed("bank", report.problems, StatementMeta("ofx"))
    statements = [el for el in root.iter() if el.tag in ("STMTRS", "CCSTMTRS")]
    if not statements:
        report.error(
            "OFX 文件中没有银行或信用卡对账单（STMTRS/CCSTMTRS）",
            "the OFX file holds no bank or credit-card statement (STMTRS/CCSTMTRS)",
        )
        return ImportResult.failed("bank", report.problems, StatementMeta("ofx"))
    rows = [data.count(b"\n", 0, m.start()) + 1 for m in _STMTTRN.finditer(data)]
    transactions = [t for st in statements for t in st.iter("STMTTRN")]
    if len(rows) != len(transactions):
        rows = []  # a "<STMTTRN>" inside some text: positions are unknown rather than wrong
    records: list[dict[str, Any]] = []
    accounts: list[str] = []
    currencies: list[str] = []
    periods: list[Period] = []
    ends: list[tuple[str | None, int | None, int | None]] = []
    for st in statements:
        account = _text(st, "BANKACCTFROM/ACCTID", "CCACCTFROM/ACCTID")
        currency = (_text(st, "CURDEF") or "").upper() or None
        accounts += [account] if account else []
        currencies += [currency] if currency else []
        tranlist = st.find("BANKTRANLIST")
        start, end = _date(_text(tranlist, "DTSTART")), _date(_text(tranlist, "DTEND"))
        if start and end and start <= end:
            periods.append(Period(start, end))
        for trn in st.iter("STMTTRN"):
            row = rows[len(records)] if rows else None
            records.append(_line(trn, row, account, currency, report))
        raw_balance = _text(st, "LEDGERBAL/BALAMT")
        balance = _fen(raw_balance)
        if raw_balance is not None and balance is None:
            report.error(
                "余额（LEDGERBAL）无法读取", "the ledger balance cannot be read", column="BALAMT", value=raw_balance
            )
        ends.append((account, None, balance))
    good = [r for r in records if r]
    accounts, currencies = list(dict.fromkeys(accounts)), list(dict.fromkeys(currencies))
    check_accounts_and_currency(report, accounts, currencies, account_column="ACCTID", currency_column="CURDEF")
    if good and not currencies:
        report.error("没有 CURDEF，无法确定币种", "no CURDEF gives the currency", column="CURDEF")
    balances = per_account_balances(ends)
    closing_fen = next(iter(balances.values()))[1] if len(balances) == 1 else None
    meta = StatementMeta(
        "ofx",
        _encoding(tree),
        account=accounts[0] if len(accounts) == 1 else None,
        currency=currencies[0] if currencies else None,
        period=Period(min(p.start for p in periods), max(p.end for p in periods))
        if periods
        else Period(min(r["date"] for r in good), max(r["date"] for r in good))
        if good
        else None,
        closing_balance=None if closing_fen is None else Money(closing_fen, (currencies or ["CNY"])[0]),
    )
    frame = pl.DataFrame({k: [r.get(k) for r in good] for k in _COLUMNS}, schema=_COLUMNS)
    return finish_bank(frame, report.problems, meta, filename, report.notices, balances=balances)


def _unreadable(filename: str, data: bytes, e: Exception) -> Problem:
    """What the OFX reader could not read, and where: the header, the character set, or the tag structure."""
    detail = " ".join(str(e).split())[:160]
    if isinstance(e, UnicodeError):
        return Problem(filename, f"OFX 文件内容不符合其文件头声明的字符集：{detail}",
                       f"the OFX text is not in the character set its header declares: {detail}")  # fmt: skip
    if type(e).__name__ == "OFXHeaderError" or not re.search(rb"<OFX>", data, re.IGNORECASE):
        return Problem(filename, f"OFX 文件头（OFXHEADER… 或 <?OFX …?>）无法读取：{detail}",
                       f"the OFX header (OFXHEADER… or <?OFX …?>) cannot be read: {detail}", row=1)  # fmt: skip
    return Problem(filename, f"OFX 标签结构无法读取（标签不成对或位置不对）：{detail}",
                   f"the OFX tag structure cannot be read (unbalanced or misplaced tags): {detail}")  # fmt: skip


def _encoding(tree: OFXTree) -> str | None:
    header = getattr(tree, "header", None)
    codec = getattr(header, "codec", None)
    return codec if isinstance(codec, str) else None


def _text(element: ET.Element | None, *paths: str) -> str | None:
    """The first path's text, stripped and with OFX character entities (&amp; &lt; &nbsp; ...) undone."""
    for path in paths:
        found = element.find(path) if element is not None else None
        if found is not None and found.text and found.text.strip():
            value = Types.String().convert(found.text.strip())
            return value.strip() or None if isinstance(value, str) else None
    return None


def _date(raw: str | None) -> date | None:
    """The date as written in an OFX date-time (valid per `ofxtools.Types.DateTime`), or None."""
    if raw is None:
        return None
    try:
        Types.DateTime().convert(raw)
        return date(int(raw[0:4]), int(raw[4:6]), int(raw[6:8]))
    except Exception:  # OFXSpecError, ValueError: not a date
        return None


def _fen(raw: str | None) -> int | None:
    """An OFX amount (a point or comma as decimal mark, per the spec) as signed fen, exactly, or None."""
    if raw is None or not _AMOUNT.match(raw):
        return None
    try:
        value = Types.Decimal().convert(raw)
        if not isinstance(value, Decimal) or not value.is_finite() or abs(value) * 100 >= _MAX_FEN:
            return None
        return parse_fen(format(value, "f"))
    except (MoneyError, ArithmeticError, ValueError):
        return None


def _line(
    trn: ET.Element, row: int | None, account: str | None, currency: str | None, report: Report
) -> dict[str, Any]:
    """One STMTTRN as a record; an empty dict (and a problem) when its amount or date cannot be read."""
    raw_amount, raw_date = _text(trn, "TRNAMT"), _text(trn, "DTPOSTED")
    fen, day = _fen(raw_amount), _date(raw_date)
    if fen is None or day is None:
        column, value = ("TRNAMT", raw_amount) if fen is None else ("DTPOSTED", raw_date)
        report.error(f"{column} 无法读取", f"{column} cannot be read", row=row, column=column, value=value)
        return {}
    own = (_text(trn, "CURRENCY/CURSYM") or "").upper() or currency
    if own != currency:
        report.error(
            f"交易币种 {own} 与对账单币种 {currency} 不同，无法核对",
            f"a line in {own} on a {currency} statement",
            row=row,
            column="CURRENCY",
            value=own,
        )
    return {
        "source_row": row,
        "date": day,
        "direction": "out" if fen < 0 or (fen == 0 and (raw_amount or "").startswith("-")) else "in",
        "amount": abs(fen),
        "currency": own,
        "memo": _text(trn, "MEMO"),
        "bank_ref": _text(trn, "FITID"),
        "instrument_no": _text(trn, "CHECKNUM"),
        "counterparty_name": _text(trn, "NAME", "PAYEE/NAME"),
        "counterparty_account": _text(trn, "BANKACCTTO/ACCTID", "CCACCTTO/ACCTID"),
        "counterparty_bank": _text(trn, "BANKACCTTO/BANKID"),
        "settlement_method": (_text(trn, "TRNTYPE") or "").upper() or None,
        "account": account,
    }


FORMATS = [Format("ofx", "bank", "OFX", sniff, parse)]
