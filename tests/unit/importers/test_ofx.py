"""OFX 1 (SGML) and 2 (XML), bank and credit card: round trips, dates as written, damaged files, detection."""

from __future__ import annotations

import time
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ofxtools.models.bank.stmt import TRNTYPES

from hezhang.domain.lines import BankLine, Direction
from hezhang.domain.money import Money
from hezhang.domain.period import Period
from hezhang.importers import camt053, mt940, ofx
from hezhang.importers.result import StatementMeta
from hezhang.samples.swift import render_camt053, render_mt940, render_ofx

_CHARS = st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff")


def _text(size: int) -> st.SearchStrategy[str | None]:
    return st.none() | st.text(_CHARS, min_size=1, max_size=size).map(str.strip).filter(bool)


@st.composite
def _line(draw: st.DrawFn, currency: str, card: bool) -> BankLine:
    account = draw(_text(22))
    return BankLine(
        row=0,
        date=draw(st.dates(date(1990, 1, 1), date(2100, 12, 31))),
        direction=draw(st.sampled_from(Direction)),
        amount=Money(draw(st.integers(0, 10**13)), currency),
        bank_ref=draw(_text(255)),
        instrument_no=draw(_text(12)),
        counterparty_name=draw(_text(32)),
        counterparty_account=account,
        counterparty_bank=draw(_text(9)) if account and not card else None,
        memo=draw(_text(255)),
        settlement_method=draw(st.sampled_from(TRNTYPES)),
    )


_FIELDS = ("date", "direction", "amount", "bank_ref", "instrument_no", "counterparty_name", "counterparty_account",
           "counterparty_bank", "memo", "settlement_method")  # fmt: skip


def _fields(line: BankLine) -> tuple[object, ...]:
    return tuple(getattr(line, name) for name in _FIELDS)


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), version=st.sampled_from([1, 2]), card=st.booleans())
def test_round_trip(data: st.DataObject, version: int, card: bool) -> None:
    currency = data.draw(st.sampled_from(["CNY", "USD", "EUR"]))
    lines = data.draw(st.lists(_line(currency, card), max_size=10))
    closing = data.draw(st.integers(-(10**12), 10**12))
    period = Period(date(2026, 10, 1), date(2026, 10, 31))
    meta = StatementMeta("ofx", account="6222000011112222333", currency=currency, period=period,
                         closing_balance=Money(closing, currency))  # fmt: skip
    result = ofx.parse(render_ofx(lines, meta, version, credit_card=card), "round-trip.ofx")

    assert result.ok, result.problems
    assert [_fields(line) for line in result.bank_lines()] == [_fields(line) for line in lines]
    assert (result.meta.account, result.meta.currency, result.meta.period) == ("6222000011112222333", currency, period)
    assert result.meta.closing_balance == Money(closing, currency)
    assert result.meta.opening_balance is None  # OFX states none


def _lines() -> list[BankLine]:
    return [
        BankLine(1, date(2026, 10, 8), Direction.IN, Money(1_000_000, "CNY"), counterparty_name="上海世创商贸有限公司",
                 counterparty_account="6222000011112222", counterparty_bank="102290000", memo="货款 <10月> & 运费",
                 bank_ref="2026100800001", instrument_no="10203040", settlement_method="XFER"),
        BankLine(2, date(2026, 10, 9), Direction.OUT, Money(1_500, "CNY"), memo="手续费", bank_ref="2026100900002",
                 settlement_method="SRVCHG"),
    ]  # fmt: skip


def _meta(**changes: object) -> StatementMeta:
    fields: dict[str, object] = {"account": "31050161373600000123", "currency": "CNY",
                                 "closing_balance": Money(998_500, "CNY"), **changes}  # fmt: skip
    return StatementMeta("ofx", **fields)  # type: ignore[arg-type]


def test_dates_are_taken_as_written_whatever_the_time_zone() -> None:
    data = render_ofx(_lines(), _meta(), 2).replace(
        b"<DTPOSTED>20261008</DTPOSTED>", b"<DTPOSTED>20261008050000.000[+8:CST]</DTPOSTED>"
    )
    result = ofx.parse(data, "tz.ofx")
    assert result.ok, result.problems
    assert next(result.bank_lines()).date == date(2026, 10, 8)  # 2026-10-07 21:00 in UTC


def test_payee_comma_decimals_and_source_rows() -> None:
    data = render_ofx(_lines(), _meta(), 1)
    data = data.replace(
        "<NAME>上海世创商贸有限公司".encode(), "<PAYEE>\r\n<NAME>上海世创商贸有限公司\r\n</PAYEE>".encode()
    )
    data = data.replace(b"<TRNAMT>-15.00", b"<TRNAMT>-15,00")
    result = ofx.parse(data, "payee.ofx")
    assert result.ok, result.problems
    first, second = result.bank_lines()
    assert first.counterparty_name == "上海世创商贸有限公司" and first.memo == "货款 <10月> & 运费"
    assert (second.direction, second.amount) == (Direction.OUT, Money(1_500, "CNY"))
    rows = [n for n, x in enumerate(data.decode().splitlines(), 1) if x == "<STMTTRN>"]
    assert result.lines["source_row"].to_list() == rows


def test_a_line_in_another_currency_is_a_problem() -> None:
    data = render_ofx(_lines(), _meta(), 1).replace(
        b"<MEMO>", b"<CURRENCY>\r\n<CURRATE>7.1\r\n<CURSYM>USD\r\n</CURRENCY>\r\n<MEMO>", 1
    )
    result = ofx.parse(data, "usd.ofx")
    assert [(p.column, p.value) for p in result.problems] == [("CURRENCY", "USD")]


def test_statements_of_one_account_are_concatenated_and_of_two_accounts_noted() -> None:
    one = render_ofx(_lines(), _meta(), 2).decode()
    second = one[one.index("<STMTTRNRS>") : one.index("</BANKMSGSRSV1>")].replace("20261008", "20261108")
    two = one.replace("</BANKMSGSRSV1>", second + "</BANKMSGSRSV1>").encode()
    result = ofx.parse(two, "two.ofx")
    assert result.ok, result.problems
    assert [line.date.month for line in result.bank_lines()] == [10, 10, 11, 10]
    other = two.decode().replace("<ACCTID>31050161373600000123", "<ACCTID>99990000", 1).encode()
    noted = ofx.parse(other, "two.ofx")
    assert noted.problems == () and noted.meta.account is None
    assert "ACCTID" in [n.column for n in noted.notices]


def test_unreadable_amounts_and_dates_are_problems_on_their_line() -> None:
    data = render_ofx(_lines(), _meta(), 1)
    for broken, column in (
        (b"<TRNAMT>-15.001", "TRNAMT"),
        (b"<TRNAMT>1e3", "TRNAMT"),
        (b"<DTPOSTED>20261399", "DTPOSTED"),
    ):
        damaged = data.replace(b"<TRNAMT>-15.00", broken) if column == "TRNAMT" else data.replace(
            b"<DTPOSTED>20261009", broken)  # fmt: skip
        result = ofx.parse(damaged, "bad.ofx")
        assert [p.column for p in result.problems] == [column], broken
        assert (
            result.problems[0].row == [n for n, x in enumerate(damaged.decode().splitlines(), 1) if x == "<STMTTRN>"][1]
        )


def test_an_unreadable_ledger_balance_is_a_problem() -> None:
    data = render_ofx(_lines(), _meta(), 1).replace(b"<BALAMT>9985.00", b"<BALAMT>9,985.00")
    assert [(p.column, p.value) for p in ofx.parse(data, "bal.ofx").problems] == [("BALAMT", "9,985.00")]


# --- hostile and damaged files -----------------------------------------------------------------------------


def test_billion_laughs_in_ofx2_is_harmless() -> None:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    data = (
        render_ofx(_lines(), _meta(), 2)
        .replace(b"<OFX>", f'<!DOCTYPE OFX [<!ENTITY lol0 "lol">{entities}]>\r\n<OFX>'.encode(), 1)
        .replace(b"<MEMO>", b"<MEMO>&lol9;", 1)
    )
    started = time.perf_counter()
    result = ofx.parse(data, "laughs.ofx")
    assert time.perf_counter() - started < 2
    assert result.ok or result.problems
    assert all("lollollol" not in (line.memo or "") for line in result.bank_lines())


def test_wrong_encodings_are_problems() -> None:
    for version in (1, 2):
        data = render_ofx(_lines(), _meta(), version).decode().encode("gb18030")
        result = ofx.parse(data, "gbk.ofx")
        assert not result.ok and result.lines.is_empty()


@settings(max_examples=200, deadline=None)
@given(st.data(), st.sampled_from([1, 2]))
def test_a_truncated_file_is_rejected_or_read_exactly(data: st.DataObject, version: int) -> None:
    whole = render_ofx(_lines(), _meta(), version)
    result = ofx.parse(whole[: data.draw(st.integers(0, len(whole) - 1))], "cut.ofx")
    if result.ok:
        assert [_fields(x) for x in result.bank_lines()] == [_fields(x) for x in _lines()]
    else:
        assert result.problems


@settings(max_examples=200, deadline=None)
@given(st.data(), st.sampled_from([1, 2]))
def test_damaged_bytes_never_raise_nor_invent_lines(data: st.DataObject, version: int) -> None:
    whole = bytearray(render_ofx(_lines(), _meta(), version))
    for _ in range(data.draw(st.integers(1, 5))):
        whole[data.draw(st.integers(0, len(whole) - 1))] = data.draw(st.integers(0, 255))
    result = ofx.parse(bytes(whole), "damaged.ofx")
    assert result.ok or result.problems
    for line in result.bank_lines() if result.ok else []:
        assert f"{line.amount.fen // 100}.{line.amount.fen % 100:02d}".encode() in whole
        assert f"{line.date:%Y%m%d}".encode() in whole


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data: bytes) -> None:
    result = ofx.parse(data, "random.ofx")
    assert not result.ok and result.problems


# --- detection ---------------------------------------------------------------------------------------------


def test_sniff_recognises_ofx_and_rejects_other_formats() -> None:
    for version in (1, 2):
        data = render_ofx(_lines(), _meta(), version)
        assert ofx.sniff(data, data.decode())
        assert not mt940.sniff(data, data.decode()) and not camt053.sniff(data, data.decode())
    csv = (
        "交易日期,交易时间,流水号,摘要,对方户名,收入金额,支出金额,余额\n"
        "2026-10-08,09:30,1,货款,上海世创商贸有限公司,100.00,,100.00\n"
    )
    meta = _meta(currency="CNY")
    for other in (render_mt940(_lines(), meta), render_camt053(_lines(), meta), csv.encode()):
        assert not ofx.sniff(other, other.decode())
    assert not ofx.sniff(b"\x00\x01", None)


_OFX1_HEAD = (
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\n"
    "COMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
)


def _ofx_statement(account: str, trn: list[tuple[str, str]], balance: str) -> str:
    """A bank statement response in OFX 1 SGML (end tags of elements left out, as the spec allows)."""
    lines = "".join(
        f"<STMTTRN><TRNTYPE>OTHER<DTPOSTED>{day}<TRNAMT>{amount}<FITID>{account}{day}{amount}</STMTTRN>"
        for day, amount in trn
    )
    return (
        "<STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>EUR"
        f"<BANKACCTFROM><BANKID>123<ACCTID>{account}<ACCTTYPE>CHECKING</BANKACCTFROM>"
        f"<BANKTRANLIST><DTSTART>20261001<DTEND>20261031{lines}</BANKTRANLIST>"
        f"<LEDGERBAL><BALAMT>{balance}<DTASOF>20261031</LEDGERBAL></STMTRS></STMTTRNRS>"
    )


def test_two_accounts_each_keep_their_own_closing_balance() -> None:
    body = _ofx_statement("111", [("20261002", "10.00")], "510.00") + _ofx_statement(
        "222", [("20261003", "-2.50")], "97.50"
    )
    data = (
        _OFX1_HEAD + "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20261101"
        f"<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1>{body}</BANKMSGSRSV1></OFX>\r\n"
    ).encode("ascii")
    result = ofx.parse(data, "two.ofx")

    assert result.ok, result.problems
    assert result.meta.closing_balance is None  # not the second account's balance beside the first's lines
    assert [(s.account, s.line_count, s.closing_balance, s.total_in, s.total_out) for s in result.meta.accounts] == [
        ("111", 1, Money(51000, "EUR"), Money(1000, "EUR"), Money(0, "EUR")),
        ("222", 1, Money(9750, "EUR"), Money(0, "EUR"), Money(250, "EUR")),
    ]


def test_a_refused_file_says_what_could_not_be_read_not_an_exception_name() -> None:
    cut_header = b"OFXHEADER:100\r\nDATA:OFXSGML\r\n<OFX></OFX>"
    unknown_version = b'<?OFX OFXHEADER="200" VERSION="999"?><OFX></OFX>'
    for data in (cut_header, unknown_version):
        result = ofx.parse(data, "bad.ofx")
        (problem,) = result.problems
        assert "Error" not in problem.message and "OFX" in problem.message_en
        assert "header" in problem.message_en or "tag structure" in problem.message_en
