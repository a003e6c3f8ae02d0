"""Hypothesis strategies for statements of a Chinese company's bank account, and a view for comparing lines.

Names and memos use common characters (all in GBK, so every encoding banks use can hold them) and the
punctuation that breaks naive CSV writers: commas, both kinds of quotes, full-width brackets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from hypothesis import strategies as st

from hezhang.domain.lines import BankLine, Direction
from hezhang.domain.money import Money
from hezhang.domain.period import Period
from hezhang.importers.cells import is_empty

HAN = (
    "上海深圳北京杭州苏州市区华信恒达锦程启明安泰鑫源博远联丰瑞康宏图金桥立新天禾云帆中远正阳美佳"
    "张王李赵陈刘杨黄周吴伟芳娜敏静磊洋艳勇军杰婷货款服务费运费租金工资报销预付退款采购合同发票号第批次月份"
)
MEMO_EXTRA = " ,，\"'“”（）()-/.:;：0123456789ABCxyz"
BANK_BRANCHES = ("中国工商银行上海分行", "招商银行深圳分行营业部", "中国建设银行杭州西湖支行", "交通银行南京分行")
SETTLEMENT = ("转账", "网银转账", "汇兑", "支票", "代发工资", "电子汇划", "批量扣税", "收费")
MONTH = Period(date(2026, 10, 1), date(2026, 10, 31))


@dataclass(frozen=True, slots=True)
class Statement:
    """Lines in date order with a consistent running balance, and what the preamble says."""

    lines: list[BankLine]
    account: str
    account_name: str
    period: Period


def _clean(text: str) -> str | None:
    text = text.strip(" \t\u3000")
    return None if is_empty(text) else text


def texts(alphabet: str, min_size: int = 1, max_size: int = 24) -> st.SearchStrategy[str]:
    """Text that survives a cell: no padding at the ends, not an empty mark such as "-"."""
    return st.text(alphabet=alphabet, min_size=min_size, max_size=max_size).map(_clean).filter(bool)


def digits(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=min_size, max_size=max_size).filter(lambda s: s[0] != "0")


company_names = st.builds(
    lambda core, suffix: core + suffix,
    texts(HAN + "（）", 2, 10),
    st.sampled_from(("有限公司", "科技有限公司", "商贸有限公司")),
)
memos = texts(HAN + MEMO_EXTRA, 1, 30)
times = st.builds(time, st.integers(0, 23), st.integers(0, 59), st.integers(0, 59))
accounts = digits(9, 21)
_AMOUNTS = st.integers(1, 10**10)
_OPTIONAL = {
    "time": st.none() | times,
    "counterparty_name": st.none() | company_names,
    "counterparty_account": st.none() | digits(6, 21),
    "counterparty_bank": st.none() | st.sampled_from(BANK_BRANCHES),
    "memo": st.none() | memos,
    "bank_ref": st.none() | texts("0123456789ABCDEFX", 6, 24),
    "instrument_no": st.none() | digits(4, 12),
    "settlement_method": st.none() | st.sampled_from(SETTLEMENT),
}


@st.composite
def statements(draw: st.DrawFn, min_lines: int = 1, max_lines: int = 10, period: Period = MONTH) -> Statement:
    """A month of lines: both directions, amounts from 1 fen to 10^10 fen, optional references."""
    count = draw(st.integers(min_lines, max_lines))
    span = (period.end - period.start).days
    days = sorted(draw(st.lists(st.integers(0, span), min_size=count, max_size=count)))
    balance = draw(st.integers(0, 10**10))
    lines = []
    for row, offset in enumerate(days, start=1):
        day = period.start + timedelta(days=offset)
        direction = draw(st.sampled_from(Direction))
        fen = draw(_AMOUNTS)
        balance += direction.sign * fen
        optional = {name: draw(strategy) for name, strategy in _OPTIONAL.items()}
        value_date = day if draw(st.booleans()) else None
        lines.append(
            BankLine(row, day, direction, Money(fen), value_date=value_date, balance=Money(balance), **optional)
        )
    return Statement(lines, draw(accounts), draw(company_names), period)


def view(lines: Iterable[BankLine], fields: Iterable[str], account: str | None = None) -> list[dict[str, object]]:
    """The lines as dicts of `fields` (money as fen; "currency" is the amount's; "account" defaults to `account`)."""
    out = []
    for line in lines:
        record: dict[str, object] = {}
        for name in sorted(fields):
            value: object = line.amount.currency if name == "currency" else getattr(line, name)
            if name == "account" and value is None:
                value = account
            record[name] = value.fen if isinstance(value, Money) else value
        out.append(record)
    return out


def day(offset: int) -> date:
    return MONTH.start + timedelta(days=offset)
