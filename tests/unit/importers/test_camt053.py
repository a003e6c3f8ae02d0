"""ISO 20022 camt.053: round trips over namespace versions, statement totals, XML attacks, detection."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from datetime import date
from datetime import time as clock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
def _line(draw: st.DrawFn, currency: str) -> BankLine:
    return BankLine(
        row=0,
        date=draw(st.dates(date(1990, 1, 1), date(2100, 12, 31))),
        time=draw(st.none() | st.times().map(lambda t: t.replace(microsecond=0))),
        value_date=draw(st.none() | st.dates(date(1990, 1, 1), date(2100, 12, 31))),
        direction=draw(st.sampled_from(Direction)),
        amount=Money(draw(st.integers(0, 10**13)), currency),
        bank_ref=draw(_text(35)),
        instrument_no=draw(_text(35).filter(lambda r: r is None or r.upper() != "NOTPROVIDED")),
        counterparty_name=draw(_text(70)),
        counterparty_account=draw(_text(34)),
        counterparty_bank=draw(_text(35)),
        memo=draw(_text(140)),
        settlement_method=draw(_text(35)),
    )


_FIELDS = ("date", "time", "value_date", "direction", "amount", "bank_ref", "instrument_no", "counterparty_name",
           "counterparty_account", "counterparty_bank", "memo", "settlement_method")  # fmt: skip


def _fields(line: BankLine) -> tuple[object, ...]:
    return tuple(getattr(line, name) for name in _FIELDS)


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), version=st.sampled_from(["001.02", "001.06", "001.08"]))
def test_round_trip(data: st.DataObject, version: str) -> None:
    currency = data.draw(st.sampled_from(["CNY", "USD", "EUR"]))
    lines = data.draw(st.lists(_line(currency), max_size=10))
    opening = data.draw(st.integers(-(10**12), 10**12))
    account = data.draw(st.sampled_from(["DE89370400440532013000", "6222000011112222333"]))
    period = Period(date(2026, 10, 1), date(2026, 10, 31))
    meta = StatementMeta("camt053", account=account, currency=currency, opening_balance=Money(opening, currency),
                         period=period)  # fmt: skip
    result = camt053.parse(render_camt053(lines, meta, version), "round-trip.xml")

    assert result.ok, result.problems
    assert [_fields(line) for line in result.bank_lines()] == [_fields(line) for line in lines]
    assert (result.meta.account, result.meta.currency, result.meta.period) == (account, currency, period)
    assert result.meta.opening_balance == Money(opening, currency)
    assert result.meta.closing_balance == Money(opening + sum(line.signed_fen for line in lines), currency)


def _lines() -> list[BankLine]:
    return [
        BankLine(1, date(2026, 10, 8), Direction.IN, Money(1_000_000, "EUR"), value_date=date(2026, 10, 9),
                 time=clock(9, 30), counterparty_name="Huaxin Trading GmbH",
                 counterparty_account="DE89370400440532013000", counterparty_bank="COBADEFFXXX",
                 memo="Invoice 2026-118 & 119", bank_ref="2026100800001", instrument_no="E2E-118",
                 settlement_method="PMNT-RCDT-ESCT"),
        BankLine(2, date(2026, 10, 9), Direction.OUT, Money(1_500, "EUR"), memo="Kontoführung",
                 bank_ref="2026100900002"),
    ]  # fmt: skip


def _meta(**changes: object) -> StatementMeta:
    fields: dict[str, object] = {"account": "DE02120300000000202051", "currency": "EUR",
                                 "opening_balance": Money(-20_000, "EUR"), **changes}  # fmt: skip
    return StatementMeta("camt053", **fields)  # type: ignore[arg-type]


def test_a_negative_opening_balance_and_the_counterparty_of_each_side() -> None:
    result = camt053.parse(render_camt053(_lines(), _meta(), "001.08"), "stmt.xml")
    assert result.ok, result.problems
    credit, debit = result.bank_lines()
    assert (credit.counterparty_name, credit.counterparty_bank, credit.time) == ("Huaxin Trading GmbH", "COBADEFFXXX",
                                                                                 clock(9, 30))  # fmt: skip
    assert (debit.counterparty_name, debit.memo) == (None, "Kontoführung")
    assert result.meta.opening_balance == Money(-20_000, "EUR")
    assert result.meta.closing_balance == Money(-20_000 + 1_000_000 - 1_500, "EUR")
    text = render_camt053(_lines(), _meta(), "001.08").decode()
    assert [n + 1 for n, x in enumerate(text.splitlines()) if x.strip() == "<Ntry>"] == result.lines[
        "source_row"
    ].to_list()


def test_prefixed_namespaces_and_utf16_read_alike() -> None:
    plain = render_camt053(_lines(), _meta())
    prefixed = re.sub(rb"<(/?)(?!\?)(\w+)", rb"<\1camt:\2", plain).replace(b"xmlns=", b"xmlns:camt=")
    utf16 = ET.tostring(ET.fromstring(plain), encoding="utf-16")
    expected = [_fields(x) for x in camt053.parse(plain, "a.xml").bank_lines()]
    for data in (prefixed, utf16):
        result = camt053.parse(data, "b.xml")
        assert result.ok, result.problems
        assert [_fields(x) for x in result.bank_lines()] == expected


def test_closing_balance_that_does_not_add_up_is_a_notice_naming_both_figures() -> None:
    result = camt053.parse(render_camt053(_lines(), _meta(closing_balance=Money(0, "EUR"))), "wrong.xml")
    assert result.problems == ()
    (gap,) = result.meta.gaps
    assert (gap.expected_fen, gap.stated_fen, gap.row) == (978_500, 0, None)
    (problem,) = [n for n in result.notices if "closing balance is" in n.message_en]
    assert problem.message_en.endswith("gives 9,785.00, the closing balance is 0.00 (-9,785.00)")
    assert "9,785.00" in problem.message_zh and problem.column == "CLBD"


def _two_statements(second_account: str) -> bytes:
    first = ET.fromstring(render_camt053(_lines(), _meta()))
    second = ET.fromstring(render_camt053(_lines(), _meta(account=second_account,
                                                          opening_balance=Money(978_500, "EUR"))))  # fmt: skip
    body = next(el for el in first if el.tag.endswith("BkToCstmrStmt"))
    body.extend(el for el in next(el for el in second if el.tag.endswith("BkToCstmrStmt")) if el.tag.endswith("Stmt"))
    data: bytes = ET.tostring(first, encoding="utf-8", xml_declaration=True)
    return data


def test_statements_of_one_account_are_concatenated() -> None:
    result = camt053.parse(_two_statements("DE02120300000000202051"), "two.xml")
    assert result.ok, result.problems
    assert len(result.lines) == 4
    assert not [
        n for n in result.notices if "may be missing" in n.message_en
    ]  # the second opens where the first closed
    assert result.meta.opening_balance == Money(-20_000, "EUR")
    assert result.meta.closing_balance == Money(978_500 + 998_500, "EUR")


def test_statements_of_two_accounts_keep_each_lines_account() -> None:
    result = camt053.parse(_two_statements("DE75512108001245126199"), "two.xml")
    assert result.problems == () and result.meta.account is None
    assert [n.column for n in result.notices if n.column == "Acct"] == ["Acct"]


_BATCH = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt><Stmt><Id>S1</Id>
<Acct><Id><Othr><Id>12345678</Id></Othr></Id><Ccy>CNY</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<Dt><Dt>2026-10-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">70.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<Dt><Dt>2026-10-31</Dt></Dt></Bal>
<Ntry><Amt Ccy="CNY">30.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-10-05</Dt></BookgDt>
<ValDt><Dt>2026-10-05</Dt></ValDt><AcctSvcrRef>B1</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RltdPties><Cdtr><Nm>张三</Nm></Cdtr></RltdPties>
<RmtInf><Ustrd>工资</Ustrd><Ustrd>十月</Ustrd></RmtInf></TxDtls>
<TxDtls><RltdPties><Cdtr><Nm>李四</Nm></Cdtr></RltdPties><RmtInf><Ustrd>报销</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="CNY">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts><BookgDt><Dt>2026-10-06</Dt></BookgDt></Ntry>
</Stmt></BkToCstmrStmt></Document>
"""


def test_batch_entry_keeps_every_remittance_text_and_pending_entries_are_left_out() -> None:
    result = camt053.parse(_BATCH.encode(), "batch.xml")
    assert result.ok, result.problems
    (line,) = result.bank_lines()
    assert (line.memo, line.counterparty_name, line.instrument_no) == ("工资 十月; 报销", None, None)
    assert (line.settlement_method, line.bank_ref, line.account) == ("PMNT-ICDT-ESCT", "B1", "12345678")
    assert result.meta.opening_balance == Money(10_000, "CNY")
    pending = next(n for n, x in enumerate(_BATCH.splitlines(), 1) if "PDNG" in x)
    assert [n.row for n in result.notices] == [pending]


def test_a_booking_date_that_is_no_date_is_a_problem_not_a_fallback() -> None:
    data = render_camt053(_lines(), _meta()).replace(b">2026-10-08T09:30:00<", b">2026-10-32T09:30:00<")
    result = camt053.parse(data, "date.xml")
    assert [(p.column, p.value) for p in result.problems][:1] == [("BookgDt", "2026-10-32T09:30:00")]


def test_camt052_is_not_a_statement() -> None:
    report = _BATCH.replace("BkToCstmrStmt", "BkToCstmrAcctRpt").replace("<Stmt>", "<Rpt>").replace("</Stmt>", "</Rpt>")
    assert not camt053.sniff(report.encode(), report)
    assert camt053.parse(report.encode(), "report.xml").problems[0].message_en.startswith("not a camt.053 statement")


# --- hostile and damaged files -----------------------------------------------------------------------------

_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]>\n<Document><BkToCstmrStmt><Stmt><Id>&lol9;</Id></Stmt></BkToCstmrStmt></Document>"
)
_EXTERNAL = (
    '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    "<Document><BkToCstmrStmt><Stmt><Id>&x;</Id></Stmt></BkToCstmrStmt></Document>"
)


def test_billion_laughs_and_external_entities_are_refused_at_once() -> None:
    for attack in (_LAUGHS, _EXTERNAL):
        started = time.perf_counter()
        result = camt053.parse(attack.encode(), "attack.xml")
        assert time.perf_counter() - started < 1
        assert not result.ok and result.lines.is_empty()
        assert "DOCTYPE" in result.problems[0].message_zh


def test_broken_xml_and_wrong_encodings_are_problems() -> None:
    good = render_camt053(_lines(), _meta())
    gbk = render_camt053([*_lines()[:1]], _meta(account="6222000011112222333")).decode().replace(
        "Huaxin Trading GmbH", "华信贸易有限公司").encode("gb18030")  # fmt: skip
    unknown = good.replace(b"encoding='utf-8'", b"encoding='atf-8'", 1)
    for data in (
        good.replace(b"</Ntry>", b"</Ntr>", 1),
        gbk,
        unknown,
        good.decode().encode("utf-16-le"),
        b"",
        b"<Document/>",
    ):
        result = camt053.parse(data, "broken.xml")
        assert not result.ok and result.lines.is_empty()


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_truncated_file_is_always_rejected(data: st.DataObject) -> None:
    whole = render_camt053(_lines(), _meta())
    result = camt053.parse(whole[: data.draw(st.integers(0, len(whole) - 1))], "cut.xml")
    assert not result.ok and result.lines.is_empty()


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_damaged_bytes_never_raise_nor_invent_lines(data: st.DataObject) -> None:
    whole = bytearray(render_camt053(_lines(), _meta()))
    for _ in range(data.draw(st.integers(1, 5))):
        whole[data.draw(st.integers(0, len(whole) - 1))] = data.draw(st.integers(0, 255))
    result = camt053.parse(bytes(whole), "damaged.xml")
    assert result.ok or result.problems
    for line in result.bank_lines() if result.ok else []:
        assert f">{line.amount.fen // 100}.{line.amount.fen % 100:02d}<".encode() in whole
        assert line.date.isoformat().encode() in whole


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data: bytes) -> None:
    result = camt053.parse(data, "random.xml")
    assert not result.ok and result.problems


# --- detection ---------------------------------------------------------------------------------------------


def test_sniff_recognises_camt053_and_rejects_other_formats() -> None:
    meta = _meta()
    for version in ("001.02", "001.08"):
        data = render_camt053(_lines(), meta, version)
        assert camt053.sniff(data, data.decode())
        assert not mt940.sniff(data, data.decode()) and not ofx.sniff(data, data.decode())
    csv = (
        "交易日期,交易时间,流水号,摘要,对方户名,收入金额,支出金额,余额\n"
        "2026-10-08,09:30,1,货款,上海世创商贸有限公司,100.00,,100.00\n"
    )
    for other in (render_mt940(_lines(), meta), render_ofx(_lines(), meta, 1), render_ofx(_lines(), meta, 2),
                  csv.encode()):  # fmt: skip
        assert not camt053.sniff(other, other.decode())
    assert not camt053.sniff(b"\x00\x01", None)


def test_an_unknown_declared_encoding_is_named_not_an_exception_class() -> None:
    data = b'<?xml version="1.0" encoding="x-no-such-charset"?><Document><BkToCstmrStmt/></Document>'
    (problem,) = camt053.parse(data, "odd.xml").problems

    assert "encoding" in problem.message_en and "LookupError" not in problem.message and problem.row == 1
