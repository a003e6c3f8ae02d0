"""The rows above a statement's table: own account, holder, period, currency, balances and the bank's name."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.factories.bank_lines import accounts, company_names

from hezhang.domain.period import Period
from hezhang.importers.preamble import Preamble, label_values, read_preamble

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))


@pytest.mark.parametrize(
    "rows",
    [
        [["账号：44050158000100001234"], ["账户名称：深圳市恒达科技有限公司"]],
        [["账号:44050158000100001234", "户名:深圳市恒达科技有限公司"]],
        [["账号：44050158000100001234  户名：深圳市恒达科技有限公司"]],
        [["账号", "44050158000100001234", "账户名称", "深圳市恒达科技有限公司"]],
        [["账号：", "44050158000100001234"], ["公司名称：", "深圳市恒达科技有限公司"]],
        [["账号[ Account No. ]", "44050158000100001234"], ["账户名称[ Account Name ]", "深圳市恒达科技有限公司"]],
        [["账\u3000\u3000号： 4405 0158 0001 0000 1234 \t"], ["户  名：深圳市恒达科技有限公司\t"]],
        [["银行帐号：4405-0158-0001-0000-1234"], ["单位名称：深圳市恒达科技有限公司"]],
    ],
    ids=["cells", "one-row", "one-cell", "label-cells", "colon-then-cell", "bilingual", "padded", "dashes"],
)
def test_account_and_holder_in_every_way_banks_write_them(rows: list[list[str]]) -> None:
    pre = read_preamble(rows)

    assert (pre.account, pre.account_name) == ("44050158000100001234", "深圳市恒达科技有限公司")


@pytest.mark.parametrize(
    "rows",
    [
        [["查询开始日期：2026-10-01", "查询结束日期：2026-10-31"]],
        [["起始日期", "20261001", "终止日期", "20261031"]],
        [["起止日期：20261001-20261031"]],
        [["起止日期:2026-10-01--2026-10-31"]],
        [["查询日期：2026-10-01 至 2026-10-31"]],
        [["交易日期：2026/10/01~2026/10/31"]],
        [["查询期间：2026年10月1日 到 2026年10月31日"]],
        [["起始日期[ Start Date ]", "2026/10/01"], ["结束日期[ End Date ]", "2026/10/31"]],
        [["查询时间：2026-10-01 00:00:00 至 2026-10-31 23:59:59"]],
    ],
    ids=["start-end", "label-cells", "compact-range", "double-dash", "至", "tilde", "年月日", "bilingual", "times"],
)
def test_the_period_in_every_way_banks_write_it(rows: list[list[str]]) -> None:
    assert read_preamble(rows).period == OCTOBER


def test_currency_and_balances() -> None:
    pre = read_preamble([["币种：人民币", "期初余额：1,234,567.89"], ["期末余额", "-12.00"]])

    assert (pre.currency, pre.opening_fen, pre.closing_fen) == ("CNY", 123456789, -1200)
    assert read_preamble([["币种[ Currency ]", "美元 USD"]]).currency == "USD"


@pytest.mark.parametrize(
    ("title", "bank"),
    [
        ("中国工商银行企业网上银行 账户历史明细", "icbc"),
        ("中国农业银行 账户明细查询", "abc"),  # not 中国银行, although that name is close
        ("中国银行 交易明细 [ Transaction Details ]", "boc"),
        ("招商银行企业银行 账务明细", "cmb"),
        ("上海浦东发展银行 账户明细", "spdb"),
        ("China Minsheng Bank statement", "cmbc"),
        ("对账单", None),
    ],
)
def test_the_bank_is_named_in_the_title(title: str, bank: str | None) -> None:
    assert read_preamble([[title], ["账号：6222000011112222"]]).bank == bank


def test_what_cannot_be_read_stays_unknown() -> None:
    rows = [
        ["账户：基本存款账户"],
        ["起始日期：2026-13-01", "终止日期：2026-10-31"],
        ["期初余额：约一百万"],
        ["币种：贝壳"],
    ]

    assert read_preamble(rows) == Preamble()
    assert read_preamble([["起始日期：2026-10-31", "终止日期：2026-10-01"]]).period is None


def test_the_first_value_found_wins_and_a_longer_label_is_not_its_tail() -> None:
    rows = [["对方账号：9999999999999"], ["账号：6222000011112222"], ["账号：1111111111111"]]

    assert read_preamble(rows).account == "6222000011112222"
    assert [item for item, _ in label_values(rows)] == ["account", "account"]


@settings(max_examples=100)
@given(account=accounts, name=company_names, style=st.sampled_from(["one-cell", "label-cells", "colon-cells"]))
def test_any_account_and_name_read_back(account: str, name: str, style: str) -> None:
    if style == "one-cell":
        rows = [[f"账号：{account}  户名：{name}"]]
    elif style == "label-cells":
        rows = [["账号", account, "账户名称", name]]
    else:
        rows = [["账号：", account], ["公司名称：", name]]

    pre = read_preamble(rows)
    assert (pre.account, pre.account_name) == (account, name)
