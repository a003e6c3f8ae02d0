"""ISO 20022 camt.053 bank-to-customer statements (`BkToCstmrStmt`), any version: elements are matched by
local name, so camt.053.001.02 to .001.08 and later read alike (v8 moved names under `Pty`, v4 renamed
`BIC` to `BICFI`: both are read).

The XML is read with the standard library's expat, refusing any DOCTYPE: no entity is ever declared, so
neither entity expansion (billion laughs) nor external entities can happen. Each `Ntry` makes one line:

- `date` from `BookgDt` (`Dt`, or `DtTm` as written, which also gives `time`), else the value date;
  `value_date` from `ValDt`. Dates are taken as written, never moved between time zones.
- direction from `CdtDbtInd`: CRDT "in", DBIT "out" (also for reversals: the indicator is the real direction).
- `amount` and `currency` from `Amt` and its `Ccy`; `bank_ref` from `AcctSvcrRef` (the entry's, else the
  single transaction's); `settlement_method` from `BkTxCd` (domain-family-subfamily, or the proprietary code).
- from `NtryDtls/TxDtls`: `memo` from `RmtInf/Ustrd` (else `AddtlTxInf`, else the entry's `AddtlNtryInf`);
  the counterparty is the other side, the debtor of a credit and the creditor of a debit: `Nm`, account
  (`IBAN` or `Othr/Id`), agent (`BIC`/`BICFI` or `Nm`); `instrument_no` from `EndToEndId` (else `ChqNb`).
  A batch entry with several transactions keeps every remittance text and no counterparty.
- entries whose status is not BOOK (pending, information) move no balance: left out, with a notice.

A zip of camt.053 documents (a day's or a month's statements) is read as one file, its documents in name
order, after the `zipped` limits are checked.

Statement: `Acct/Id` (`IBAN` or `Othr/Id`) the account, `Acct/Ccy` the currency, `Bal` OPBD (else PRCD)
the opening and CLBD the closing balance (DBIT negative), `FrToDt` the period. Several `Stmt` of one
account are concatenated; each should satisfy opening + credits - debits = closing (else a gap).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, time
from typing import Any
from xml.parsers import expat

import polars as pl

from hezhang.domain.frames import BANK_SCHEMA
from hezhang.domain.money import Money, MoneyError, format_fen, parse_fen
from hezhang.domain.period import Period
from hezhang.domain.problem import Problem
from hezhang.importers import zipped
from hezhang.importers.checks import finish_bank
from hezhang.importers.registry import Format
from hezhang.importers.report import (
    Report,
    check_accounts_and_currency,
    per_account_balances,
    statement_chain_gaps,
    totals_gap,
)
from hezhang.importers.result import ImportResult, StatementMeta

_ZIP = b"PK\x03\x04"
_ROOT = re.compile(r"<(?:[\w.-]+:)?BkToCstmrStmt[\s>]")
_AMOUNT = re.compile(r"^\d{1,18}(?:\.\d{1,5})?$")
_WHEN = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2}))?")
_MAX_FEN = 10**15
_COLUMNS = {name: dtype for name, dtype in BANK_SCHEMA.items() if name != "row"}


def sniff(data: bytes, head: str | None) -> bool:
    """XML whose document holds a `BkToCstmrStmt` (camt.052 and .054 have other roots), or a zip holding one."""
    if data.startswith(_ZIP):
        try:
            return bool(_zip_members(data))
        except (zipped.ZipLimitError, zipfile.BadZipFile, OSError, EOFError, ValueError):
            return False
    return head is not None and head.lstrip("\ufeff \t\r\n").startswith("<") and _ROOT.search(head) is not None


class _RefusedError(Exception):
    """The XML declares a DOCTYPE or entities."""


def _read_xml(data: bytes) -> tuple[ET.Element, dict[ET.Element, int], str]:
    """Parse XML without any DTD; element names lose their namespace. Returns (root, start line of each
    element, declared encoding). Raises `expat.ExpatError` on malformed XML, `_RefusedError` on a DOCTYPE."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    rows: dict[ET.Element, int] = {}
    declared = ["utf-8"]

    def start(name: str, attrs: dict[str, str]) -> None:
        element = builder.start(name.rsplit("}", 1)[-1], {k.rsplit("}", 1)[-1]: v for k, v in attrs.items()})
        rows[element] = parser.CurrentLineNumber

    def refuse(*_: object) -> int:
        raise _RefusedError

    def declaration(version: str, encoding: str | None, standalone: int) -> None:
        declared[0] = (encoding or "utf-8").lower()

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: builder.end(name.rsplit("}", 1)[-1])
    parser.CharacterDataHandler = builder.data
    parser.XmlDeclHandler = declaration
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.Parse(data, True)
    return builder.close(), rows, declared[0]


@dataclass
class _Report(Report):
    """A report that names rows by XML element (the line each element starts on)."""

    rows: dict[ET.Element, int] = field(default_factory=dict)

    def at(self, element: ET.Element | None) -> int | None:
        return self.rows.get(element) if element is not None else None


@dataclass(frozen=True)
class _Statement:
    number: str
    account: str | None
    currencies: list[str]
    opening: int | None
    closing: int | None
    closing_at: ET.Element | None
    records: list[dict[str, Any]]
    period: Period | None


def parse(data: bytes, filename: str) -> ImportResult:
    if data.startswith(_ZIP):
        return _parse_zip(data, filename)
    report = _Report(filename)
    found = _read(data, filename, report)
    if isinstance(found, ImportResult):
        return found
    return _combine(found[0], report, found[1])


def _read(data: bytes, filename: str, report: _Report) -> tuple[list[_Statement], str] | ImportResult:
    """The statements of one XML document, or the failed result that says why there are none."""
    try:
        root, report.rows, encoding = _read_xml(data)
    except _RefusedError:
        return _failed(
            filename,
            "文件含有 DOCTYPE 或实体声明，已拒绝（可能是 XML 炸弹或外部实体）",
            "the file declares a DOCTYPE or entities: refused (possible XML bomb or external entity)",
        )
    except expat.ExpatError as e:
        return _failed(
            filename,
            f"XML 格式错误：{expat.ErrorString(e.code)}",
            f"malformed XML: {expat.ErrorString(e.code)}",
            row=e.lineno,
        )
    except LookupError as e:  # an encoding the XML declaration names and Python does not know
        return _failed(
            filename,
            f"XML 声明的字符编码无法识别：{e}",
            f"the character encoding the XML declaration names is unknown: {e}",
            row=1,
        )
    except Exception as e:  # expat passes on what its handlers meet
        return _failed(filename, f"XML 无法读取：{str(e)[:120]}", f"the XML cannot be read: {str(e)[:120]}")
    body = root if root.tag == "BkToCstmrStmt" else root.find("BkToCstmrStmt")
    if body is None or not body.findall("Stmt"):
        return _failed(
            filename,
            "不是 camt.053 对账单（没有 BkToCstmrStmt/Stmt）",
            "not a camt.053 statement (no BkToCstmrStmt/Stmt)",
        )
    return [_statement(stmt, i, report) for i, stmt in enumerate(body.findall("Stmt"), start=1)], encoding


def _zip_members(data: bytes) -> list[tuple[str, bytes]]:
    """(name, bytes) of the camt.053 XML documents in a zip, by name; checked against `zipped` limits first."""
    zipped.check(data, "ZIP")
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir() or not info.filename.lower().endswith(".xml"):
                continue
            content = archive.read(info)
            if _ROOT.search(content[:65536].decode("utf-8", errors="replace")):
                found.append((info.filename, content))
    return found


def _parse_zip(data: bytes, filename: str) -> ImportResult:
    """Every camt.053 document of a zip (banks send a day's or a month's statements zipped), read as one file."""
    try:
        members = _zip_members(data)
    except (zipped.ZipLimitError, zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        zh, _, en = str(e).partition(" / ")
        return _failed(filename, zh, en or zh)
    if not members:
        return _failed(
            filename,
            "ZIP 压缩包中没有 camt.053 对账单（含 BkToCstmrStmt 的 XML 文件）",
            "the zip archive holds no camt.053 statement (no XML file with BkToCstmrStmt)",
        )
    report, statements, encoding = _Report(filename), [], "utf-8"
    for name, content in members:
        part = _Report(f"{filename}/{name}")
        found = _read(content, part.filename, part)
        if isinstance(found, ImportResult):
            report.problems += found.problems
            continue
        report.rows.update(part.rows)
        report.problems += part.problems
        report.notices += part.notices
        statements += found[0]
        encoding = found[1]
    if not statements:
        return ImportResult.failed("bank", report.problems, StatementMeta("camt053"))
    return _combine(statements, report, encoding)


def _failed(filename: str, zh: str, en: str, row: int | None = None) -> ImportResult:
    return ImportResult.failed("bank", [Problem(filename, zh, en, row=row)], StatementMeta("camt053"))


def _text(element: ET.Element | None, *paths: str) -> str | None:
    """The stripped text of the first path that has some."""
    for path in paths:
        found = element.find(path) if element is not None else None
        if found is not None and found.text and found.text.strip():
            return found.text.strip()
    return None


def _statement(stmt: ET.Element, ordinal: int, report: _Report) -> _Statement:
    number = _text(stmt, "Id") or str(ordinal)
    account = _text(stmt, "Acct/Id/IBAN", "Acct/Id/Othr/Id")
    currencies = [c for c in [_text(stmt, "Acct/Ccy")] if c]
    balances: dict[str, tuple[int, ET.Element]] = {}
    for bal in stmt.findall("Bal"):
        code = (_text(bal, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry") or "").upper()
        if code not in ("OPBD", "PRCD", "CLBD") or code in balances:
            continue
        fen, currency = _amount(bal.find("Amt"))
        indicator = _text(bal, "CdtDbtInd")
        if fen is None or currency is None or indicator not in ("CRDT", "DBIT"):
            report.error("余额无法读取", "the balance cannot be read", row=report.at(bal), column=code)
            continue
        balances[code] = (-fen if indicator == "DBIT" else fen, bal)
        currencies.append(currency)
    opening = balances.get("OPBD") or balances.get("PRCD")
    closing = balances.get("CLBD")
    records = [r for ntry in stmt.findall("Ntry") if (r := _entry(ntry, account, report)) is not None]
    currencies += [r["currency"] for r in records]
    start, end = _when(stmt, "FrToDt/FrDtTm")[0], _when(stmt, "FrToDt/ToDtTm")[0]
    days = [r["date"] for r in records]
    period = Period(start, end) if start and end and start <= end else Period(min(days), max(days)) if days else None
    return _Statement(
        number,
        account,
        [c for c in currencies if c],
        opening[0] if opening else None,
        closing[0] if closing else None,
        closing[1] if closing else None,
        records,
        period,
    )


def _amount(amt: ET.Element | None) -> tuple[int | None, str | None]:
    """(fen, currency) of an `Amt` element; None where it cannot be read exactly."""
    if amt is None:
        return None, None
    raw = (amt.text or "").strip()
    try:
        fen = parse_fen(raw) if _AMOUNT.match(raw) else None
    except MoneyError:
        fen = None
    currency = (amt.get("Ccy") or "").strip().upper() or None
    return (fen if fen is not None and fen < _MAX_FEN else None), currency


def _when(element: ET.Element, path: str) -> tuple[date | None, time | None, str | None]:
    """(date, time, raw text) as written in `path`, `path/Dt` or `path/DtTm`, with no time zone arithmetic.
    The date is None when the text is absent or not a date."""
    raw = _text(element, path, f"{path}/Dt", f"{path}/DtTm")
    match = _WHEN.match(raw or "")
    try:
        day = date.fromisoformat(match.group(1)) if match else None
        return day, time.fromisoformat(match.group(2)) if match and match.group(2) else None, raw
    except ValueError:
        return None, None, raw


def _entry(ntry: ET.Element, account: str | None, report: _Report) -> dict[str, Any] | None:
    status = (_text(ntry, "Sts/Cd", "Sts/Prtry", "Sts") or "BOOK").upper()
    if status != "BOOK":
        report.notice(
            f"状态为 {status} 的分录未入账，未读入",
            f"an entry with status {status} is not booked: left out",
            row=report.at(ntry),
        )
        return None
    amt = ntry.find("Amt")
    fen, currency = _amount(amt)
    if fen is None or currency is None:
        raw = amt.text if amt is not None else None
        report.error(
            "金额或币种无法读取（须为精确到分的数字）",
            "the amount or currency cannot be read exactly in fen",
            row=report.at(amt if amt is not None else ntry),
            column="Amt",
            value=raw,
        )
        return None
    indicator = _text(ntry, "CdtDbtInd")
    booked, at_time, raw_booked = _when(ntry, "BookgDt")
    valued, _, raw_valued = _when(ntry, "ValDt")
    if indicator not in ("CRDT", "DBIT"):
        report.error(
            "借贷标记无法读取",
            "the credit/debit indicator cannot be read",
            row=report.at(ntry),
            column="CdtDbtInd",
            value=indicator,
        )
        return None
    if (booked or valued) is None or (raw_booked and not booked) or (raw_valued and not valued):
        report.error(
            "记账日期或起息日无法读取",
            "the booking or value date cannot be read",
            row=report.at(ntry),
            column="BookgDt",
            value=raw_booked or raw_valued,
        )
        return None
    txs = ntry.findall("NtryDtls/TxDtls")
    one = txs[0] if len(txs) == 1 else None
    party = "Dbtr" if indicator == "CRDT" else "Cdtr"
    memos = [
        " ".join(u.text.strip() for u in tx.findall("RmtInf/Ustrd") if u.text and u.text.strip())
        or _text(tx, "AddtlTxInf")
        or ""
        for tx in txs
    ]
    end_to_end = _text(one, "Refs/EndToEndId")
    return {
        "source_row": report.rows.get(ntry),
        "date": booked or valued,
        "time": at_time if booked else None,
        "value_date": valued,
        "direction": "in" if indicator == "CRDT" else "out",
        "amount": fen,
        "currency": currency,
        "memo": "; ".join(m for m in memos if m) or _text(ntry, "AddtlNtryInf"),
        "bank_ref": _text(ntry, "AcctSvcrRef") or _text(one, "Refs/AcctSvcrRef"),
        "instrument_no": end_to_end if end_to_end and end_to_end.upper() != "NOTPROVIDED" else _text(one, "Refs/ChqNb"),
        "counterparty_name": _text(one, f"RltdPties/{party}/Nm", f"RltdPties/{party}/Pty/Nm"),
        "counterparty_account": _text(one, f"RltdPties/{party}Acct/Id/IBAN", f"RltdPties/{party}Acct/Id/Othr/Id"),
        "counterparty_bank": _text(one, *(f"RltdAgts/{party}Agt/FinInstnId/{n}" for n in ("BICFI", "BIC", "Nm"))),
        "settlement_method": _bank_code(ntry),
        "account": account,
    }


def _bank_code(ntry: ET.Element) -> str | None:
    domain = [_text(ntry, p) for p in ("BkTxCd/Domn/Cd", "BkTxCd/Domn/Fmly/Cd", "BkTxCd/Domn/Fmly/SubFmlyCd")]
    if all(domain):
        return "-".join(c for c in domain if c)
    return _text(ntry, "BkTxCd/Prtry/Cd")


def _combine(statements: list[_Statement], report: _Report, encoding: str) -> ImportResult:
    """The statements in file order; each statement's totals checked, and consecutive statements of each account."""
    accounts = list(dict.fromkeys(s.account for s in statements if s.account))
    currencies = list(dict.fromkeys(c for s in statements for c in s.currencies))
    check_accounts_and_currency(report, accounts, currencies, account_column="Acct", currency_column="Ccy")
    currency = currencies[0] if currencies else None
    for s in statements:
        _check_totals(s, report, currency or "")
    for gap in statement_chain_gaps([(s.account, s.number, s.opening, s.closing) for s in statements], currency or ""):
        report.gap(gap, column="OPBD", value=format_fen(gap.stated_fen))
    records = [r for s in statements for r in s.records]
    periods = [s.period for s in statements if s.period is not None]
    balances = per_account_balances([(s.account, s.opening, s.closing) for s in statements])
    first, last = next(iter(balances.values())) if len(balances) == 1 else (None, None)
    meta = StatementMeta(
        "camt053",
        encoding,
        account=accounts[0] if len(accounts) == 1 else None,
        currency=currency,
        period=Period(min(p.start for p in periods), max(p.end for p in periods)) if periods else None,
        opening_balance=None if first is None else Money(first, currency or "CNY"),
        closing_balance=None if last is None else Money(last, currency or "CNY"),
        gaps=tuple(report.gaps),
    )
    frame = pl.DataFrame({k: [r.get(k) for r in records] for k in _COLUMNS}, schema=_COLUMNS)
    result = finish_bank(frame, report.problems, meta, report.filename, balances=balances)
    return replace(result, notices=(*result.notices, *report.notices))


def _check_totals(s: _Statement, report: _Report, currency: str) -> None:
    """Opening + credits - debits must be the closing balance (camt.053 entries carry no running balance)."""
    if s.opening is None or s.closing is None:
        report.notice(
            f"对账单 {s.number} 缺少期初（OPBD/PRCD）或期末（CLBD）余额，未核对合计",
            f"statement {s.number} lacks an opening (OPBD/PRCD) or closing (CLBD) balance; totals not checked",
        )
        return
    ins = sum(r["amount"] for r in s.records if r["direction"] == "in")
    outs = sum(r["amount"] for r in s.records if r["direction"] == "out")
    if gap := totals_gap(s.account, s.number, s.opening, ins, outs, s.closing, currency):
        report.gap(gap, row=report.at(s.closing_at), column="CLBD", value=format_fen(s.closing))


FORMATS = [Format("camt053", "bank", "ISO 20022 CAMT.053", sniff, parse)]
