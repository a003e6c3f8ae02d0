"""Writers of international statement files from bank lines: SWIFT MT940, ISO 20022 camt.053, OFX 1 and 2.

Used by the round-trip tests (parsing what they write gives the lines back) and by the demo.

- Balances: the opening is `meta.opening_balance` (zero when None); the closing is `meta.closing_balance`
  when given (so a test can write an inconsistent file on purpose), else the opening plus the lines.
- The period is `meta.period`, else the first to the last line date.
- What a format cannot carry is left out: per-line balances (all three), the time of day (MT940, OFX).
  A line without a value date is written with its date as value date (MT940 must have one).
- Text a format cannot hold raises `ValueError` rather than being changed: control characters anywhere,
  a `?` in an MT940 `:86:` field, MT940 references over 16 characters, an MT940 name over 54 characters.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ofxtools.models.bank.stmt import TRNTYPES

from hezhang.domain.lines import BankLine, Direction
from hezhang.domain.period import Period
from hezhang.importers.result import StatementMeta

_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")
_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$")
_CHUNK = 27  # an MT940 :86: sub-field
_WIDTH = 65  # an MT940 line


@dataclass(frozen=True, slots=True)
class _Head:
    currency: str
    opening: int
    closing: int
    period: Period


def _head(lines: Sequence[BankLine], meta: StatementMeta) -> _Head:
    currency = meta.currency or (lines[0].amount.currency if lines else "CNY")
    if any(line.amount.currency != currency for line in lines):
        raise ValueError(f"every line must be in the statement currency {currency}")
    opening = meta.opening_balance.fen if meta.opening_balance is not None else 0
    closing = (
        meta.closing_balance.fen
        if meta.closing_balance is not None
        else opening + sum(line.signed_fen for line in lines)
    )
    if meta.period is not None:
        period = meta.period
    elif lines:
        period = Period(min(line.date for line in lines), max(line.date for line in lines))
    else:
        raise ValueError("a statement without lines needs meta.period")
    return _Head(currency, opening, closing, period)


def _clean(text: str | None) -> str | None:
    if text is not None and _CONTROL.search(text):
        raise ValueError(f"control characters cannot be written: {text!r}")
    return text


# --- SWIFT MT940 -------------------------------------------------------------------------------------------


def render_mt940(lines: Sequence[BankLine], meta: StatementMeta) -> bytes:
    """One MT940 statement (UTF-8, CRLF) with a structured `:86:` per line (GVC 166, sub-fields ?00-?33)."""
    head = _head(lines, meta)
    out = [
        f":20:HZ{head.period.start:%Y%m%d}",
        f":25:{_clean(meta.account) or 'NOTPROVIDED'}",
        ":28C:1/1",
        f":60F:{_mt_balance(head.opening, head.period.start, head.currency)}",
    ]
    for line in lines:
        value = line.value_date or line.date
        for day in (value, line.date):
            if not 2000 <= day.year <= 2099:
                raise ValueError(f"MT940 writes two-digit years (2000-2099): {day}")
        entry = f"{line.date:%m%d}" if line.value_date is not None else ""
        mark = "C" if line.direction is Direction.IN else "D"
        customer = _mt_ref(line.instrument_no) or "NONREF"
        bank = f"//{_mt_ref(line.bank_ref)}" if line.bank_ref else ""
        out.append(f":61:{value:%y%m%d}{entry}{mark}{_mt_amount(line.amount.fen)}NTRF{customer}{bank}")
        out.extend(_wrap(":86:" + _mt_details(line)))
    out += [f":62F:{_mt_balance(head.closing, head.period.end, head.currency)}", "-"]
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def _mt_amount(fen: int) -> str:
    return f"{abs(fen) // 100},{abs(fen) % 100:02d}"


def _mt_balance(fen: int, day: date, currency: str) -> str:
    return f"{'D' if fen < 0 else 'C'}{day:%y%m%d}{currency}{_mt_amount(fen)}"


def _mt_ref(ref: str | None) -> str | None:
    if ref is None:
        return None
    if len(ref) > 16 or "//" in ref or ref != ref.strip() or ref.upper() == "NONREF" or _CONTROL.search(ref):
        raise ValueError(f"not an MT940 reference (16 characters, no //, no padding): {ref!r}")
    return ref


def _mt_details(line: BankLine) -> str:
    memo = _clean(line.memo) or ""
    name = _clean(line.counterparty_name) or ""
    chunks = [memo[i : i + _CHUNK] for i in range(0, len(memo), _CHUNK)]
    keys = [f"2{i}" for i in range(10)] + [f"6{i}" for i in range(4)]
    if len(chunks) > len(keys) or len(name) > 2 * _CHUNK:
        raise ValueError(f"memo over {len(keys) * _CHUNK} or name over {2 * _CHUNK} characters: {line}")
    fields: list[tuple[str, str]] = [("00", line.settlement_method or ""), *zip(keys, chunks, strict=False)]
    fields += [("30", line.counterparty_bank or ""), ("31", line.counterparty_account or ""),
               ("32", name[:_CHUNK]), ("33", name[_CHUNK:])]  # fmt: skip
    for _, text in fields:
        if text and ("?" in text or _CONTROL.search(text)):
            raise ValueError(f"an MT940 sub-field cannot hold '?' or control characters: {text!r}")
    return "166" + "".join(f"?{key}{text}" for key, text in fields if text or key == "00")


def _wrap(text: str) -> list[str]:
    """Lines of at most 65 characters, never cut after a space (trailing spaces are not kept by readers)
    nor before ':' or '-' (a line starting with them may read as a tag or an end of message)."""
    out = []
    while len(text) > _WIDTH:
        cut = _WIDTH
        while cut > 1 and (text[cut - 1].isspace() or text[cut] in ":-"):
            cut -= 1
        out.append(text[:cut])
        text = text[cut:]
    return [*out, text]


# --- ISO 20022 camt.053 ------------------------------------------------------------------------------------


def render_camt053(lines: Sequence[BankLine], meta: StatementMeta, version: str = "001.02") -> bytes:
    """One camt.053 statement in namespace `urn:iso:std:iso:20022:tech:xsd:camt.053.<version>`.

    From version 001.04 agents carry `BICFI` (before: `BIC`); from 001.08 names sit under `Pty` and the
    entry status under `Sts/Cd`. A line with a time gets `BookgDt/DtTm`, else `BookgDt/Dt`.
    """
    head = _head(lines, meta)
    number = int(version.rsplit(".", 1)[-1])
    root = ET.Element("Document", xmlns=f"urn:iso:std:iso:20022:tech:xsd:camt.053.{version}")
    body = ET.SubElement(root, "BkToCstmrStmt")
    group = ET.SubElement(body, "GrpHdr")
    _sub(group, "MsgId", f"HZ{head.period.start:%Y%m%d}")
    _sub(group, "CreDtTm", f"{head.period.end}T23:59:59")
    stmt = ET.SubElement(body, "Stmt")
    _sub(stmt, "Id", f"HZ{head.period.start:%Y%m%d}-1")
    _sub(stmt, "CreDtTm", f"{head.period.end}T23:59:59")
    span = ET.SubElement(stmt, "FrToDt")
    _sub(span, "FrDtTm", f"{head.period.start}T00:00:00")
    _sub(span, "ToDtTm", f"{head.period.end}T23:59:59")
    account = ET.SubElement(stmt, "Acct")
    _account(account, meta.account or "NOTPROVIDED")
    _sub(account, "Ccy", head.currency)
    for code, fen, day in (("OPBD", head.opening, head.period.start), ("CLBD", head.closing, head.period.end)):
        bal = ET.SubElement(stmt, "Bal")
        _sub(ET.SubElement(ET.SubElement(bal, "Tp"), "CdOrPrtry"), "Cd", code)
        _sub(bal, "Amt", _decimal(fen), Ccy=head.currency)
        _sub(bal, "CdtDbtInd", "DBIT" if fen < 0 else "CRDT")
        _sub(ET.SubElement(bal, "Dt"), "Dt", day.isoformat())
    for line in lines:
        _entry(ET.SubElement(stmt, "Ntry"), line, number)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _entry(ntry: ET.Element, line: BankLine, version: int) -> None:
    credit = line.direction is Direction.IN
    _sub(ntry, "Amt", _decimal(line.amount.fen), Ccy=line.amount.currency)
    _sub(ntry, "CdtDbtInd", "CRDT" if credit else "DBIT")
    if version >= 8:
        _sub(ET.SubElement(ntry, "Sts"), "Cd", "BOOK")
    else:
        _sub(ntry, "Sts", "BOOK")
    booked = ET.SubElement(ntry, "BookgDt")
    if line.time is not None:
        _sub(booked, "DtTm", f"{line.date}T{line.time:%H:%M:%S}")
    else:
        _sub(booked, "Dt", line.date.isoformat())
    if line.value_date is not None:
        _sub(ET.SubElement(ntry, "ValDt"), "Dt", line.value_date.isoformat())
    _sub(ntry, "AcctSvcrRef", line.bank_ref)
    code = ET.SubElement(ntry, "BkTxCd")
    if line.settlement_method:
        _sub(ET.SubElement(code, "Prtry"), "Cd", line.settlement_method)
    tx = ET.SubElement(ET.SubElement(ntry, "NtryDtls"), "TxDtls")
    if line.instrument_no:
        _sub(ET.SubElement(tx, "Refs"), "EndToEndId", line.instrument_no)
    party = "Dbtr" if credit else "Cdtr"
    if line.counterparty_name or line.counterparty_account:
        parties = ET.SubElement(tx, "RltdPties")
        if line.counterparty_name:
            holder = ET.SubElement(parties, party)
            _sub(ET.SubElement(holder, "Pty") if version >= 8 else holder, "Nm", line.counterparty_name)
        if line.counterparty_account:
            _account(ET.SubElement(parties, f"{party}Acct"), line.counterparty_account)
    if line.counterparty_bank:
        institution = ET.SubElement(ET.SubElement(ET.SubElement(tx, "RltdAgts"), f"{party}Agt"), "FinInstnId")
        bic = "BICFI" if version >= 4 else "BIC"
        _sub(institution, bic if _BIC.match(line.counterparty_bank) else "Nm", line.counterparty_bank)
    if line.memo:
        _sub(ET.SubElement(tx, "RmtInf"), "Ustrd", line.memo)


def _sub(parent: ET.Element, tag: str, text: str | None, **attrs: str) -> None:
    if text is not None:
        ET.SubElement(parent, tag, attrs).text = _clean(text)


def _account(parent: ET.Element, number: str) -> None:
    ident = ET.SubElement(parent, "Id")
    if _IBAN.match(number):
        _sub(ident, "IBAN", number)
    else:
        _sub(ET.SubElement(ident, "Othr"), "Id", number)


def _decimal(fen: int) -> str:
    return f"{abs(fen) // 100}.{abs(fen) % 100:02d}"


# --- OFX ---------------------------------------------------------------------------------------------------

_OFX1_HEADER = (
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:UTF-8\r\nCHARSET:NONE\r\n"
    "COMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
)
_OFX2_HEADER = (
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\r\n'
    '<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\r\n'
)


def render_ofx(lines: Sequence[BankLine], meta: StatementMeta, version: int = 1, *, credit_card: bool = False) -> bytes:
    """An OFX 1.02 (SGML, UTF-8) or 2.2 (XML) bank statement, or a credit-card statement (`CCSTMTRS`).

    TRNTYPE is the line's settlement_method when it is an OFX transaction type, else CREDIT or DEBIT.
    A line without bank_ref has no FITID; `BANKACCTTO` is written when the line has a counterparty account.
    """
    if version not in (1, 2):
        raise ValueError(f"OFX version 1 or 2, not {version}")
    head = _head(lines, meta)
    xml = version == 2

    def leaf(tag: str, text: str | None) -> str:
        if text is None:
            return ""
        value = (_clean(text) or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f"<{tag}>{value}</{tag}>\r\n" if xml else f"<{tag}>{value}\r\n"

    prefix, kind, messages = ("CC", "CCACCT", "CREDITCARD") if credit_card else ("", "BANKACCT", "BANK")
    out = ["<OFX>\r\n<SIGNONMSGSRSV1><SONRS><STATUS>", leaf("CODE", "0"), leaf("SEVERITY", "INFO"), "</STATUS>\r\n",
           leaf("DTSERVER", f"{head.period.end:%Y%m%d}"), leaf("LANGUAGE", "CHI"), "</SONRS></SIGNONMSGSRSV1>\r\n",
           f"<{messages}MSGSRSV1><{prefix}STMTTRNRS>\r\n", leaf("TRNUID", "1"), "<STATUS>", leaf("CODE", "0"),
           leaf("SEVERITY", "INFO"), f"</STATUS>\r\n<{prefix}STMTRS>\r\n", leaf("CURDEF", head.currency),
           f"<{kind}FROM>\r\n"]  # fmt: skip
    if not credit_card:
        out.append(leaf("BANKID", meta.bank or "000000000"))
    out.append(leaf("ACCTID", meta.account or "NOTPROVIDED"))
    if not credit_card:
        out.append(leaf("ACCTTYPE", "CHECKING"))
    out += [f"</{kind}FROM>\r\n<BANKTRANLIST>\r\n", leaf("DTSTART", f"{head.period.start:%Y%m%d}"),
            leaf("DTEND", f"{head.period.end:%Y%m%d}")]  # fmt: skip
    for line in lines:
        kind_of = line.settlement_method if line.settlement_method in TRNTYPES else None
        credit = line.direction is Direction.IN
        out += ["<STMTTRN>\r\n", leaf("TRNTYPE", kind_of or ("CREDIT" if credit else "DEBIT")),
                leaf("DTPOSTED", f"{line.date:%Y%m%d}"),
                leaf("TRNAMT", ("" if credit else "-") + _decimal(line.amount.fen)), leaf("FITID", line.bank_ref),
                leaf("CHECKNUM", line.instrument_no), leaf("NAME", line.counterparty_name)]  # fmt: skip
        if line.counterparty_account:
            to = "CCACCTTO" if credit_card else "BANKACCTTO"
            out += [f"<{to}>\r\n", leaf("BANKID", None if credit_card else line.counterparty_bank),
                    leaf("ACCTID", line.counterparty_account), leaf("ACCTTYPE", None if credit_card else "CHECKING"),
                    f"</{to}>\r\n"]  # fmt: skip
        out += [leaf("MEMO", line.memo), "</STMTTRN>\r\n"]
    sign = "-" if head.closing < 0 else ""
    out += ["</BANKTRANLIST>\r\n<LEDGERBAL>\r\n", leaf("BALAMT", sign + _decimal(head.closing)),
            leaf("DTASOF", f"{head.period.end:%Y%m%d}"), f"</LEDGERBAL>\r\n</{prefix}STMTRS>\r\n",
            f"</{prefix}STMTTRNRS></{messages}MSGSRSV1>\r\n</OFX>\r\n"]  # fmt: skip
    return ((_OFX2_HEADER if xml else _OFX1_HEADER) + "".join(out)).encode("utf-8")
