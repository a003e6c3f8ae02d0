"""Real exports from deb-sig/double-entry-generator parse, auto-detected, with no problems, and agree with the
expected beancount output beside each one: same number of transactions, same totals in and out.

The figures are computed here from the .beancount text, never written down. When one account takes part in
every transaction, it is the statement's own account (a bank card): the sign of its postings gives the
direction and their sum the amount. A payment bill pays from several sources (balance, cards, funds), so no
account takes part in every transaction; then a transaction's amount is the sum of its positive postings,
and it is money in when every negative posting is on an Income, Expenses or Equity account (money arrived
from outside into balance-sheet accounts), money out otherwise (money left a balance-sheet account; a
transfer between two of them leaves its source).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from hezhang.domain.money import parse_fen
from hezhang.importers import parse_bank
from hezhang.importers.grid import read_grid

REAL = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "real" / "deb-sig"
SAMPLES = sorted(p for p in REAL.rglob("*-records.*") if p.suffix in {".csv", ".xlsx", ".xls"})
#: The format auto-detection must choose, by sample folder.
FORMAT_OF = {"alipay": "alipay", "wechat": "wechat", "cmb": "cn-bank", "icbc": "cn-bank"}

Key = tuple[date, str, int]
_TXN = re.compile(r"^(\d{4}-\d{2}-\d{2}) [*!]", re.MULTILINE)
_POSTING = re.compile(r"^[ \t]+([A-Z][^\s:]*(?::\S+)+)[ \t]+(-?[\d,]*\.?\d+)[ \t]+[A-Z]{3}\b", re.MULTILINE)
_NOMINAL = ("Income:", "Expenses:", "Equity:")


def expected_transactions(beancount: str) -> Counter[Key]:
    """(date, direction, fen) of every transaction in a beancount file."""
    starts = list(_TXN.finditer(beancount))
    transactions = []
    for k, m in enumerate(starts):
        block = beancount[m.end() : starts[k + 1].start() if k + 1 < len(starts) else len(beancount)]
        postings = [(acct, parse_fen(num)) for acct, num in _POSTING.findall(block)]
        assert postings, f"transaction without postings on {m.group(1)}"
        transactions.append((date.fromisoformat(m.group(1)), postings))
    common = set.intersection(*({a for a, _ in p} for _, p in transactions)) if transactions else set()
    own = common.pop() if len(common) == 1 else None
    found: Counter[Key] = Counter()
    for day, postings in transactions:
        if own is not None:
            signed = sum(f for a, f in postings if a == own)
            found[(day, "in" if signed >= 0 else "out", abs(signed))] += 1
        else:
            incoming = all(acct.startswith(_NOMINAL) for acct, f in postings if f < 0)
            found[(day, "in" if incoming else "out", sum(f for _, f in postings if f > 0))] += 1
    return found


def _contains(column: str, *words: str) -> Callable[[dict[str, str]], bool]:
    return lambda row: any(w in row.get(column, "") for w in words)


#: Rows the upstream example left out by its owner's personal rules (deb-sig example/icbc/debit-v1/rules.yaml,
#: personalRules 忽略财付通支付宝, 忽略蚂蚁基金赎回, 忽略自动还款: the card's WeChat/Alipay payments are booked from
#: those bills instead). A bank statement importer keeps every line, so they are added back to the expectation.
UPSTREAM_IGNORED: dict[str, list[Callable[[dict[str, str]], bool]]] = {
    "icbc": [
        _contains("交易场所", "财付通-", "支付宝-"),
        lambda r: _contains("交易场所", "支付宝")(r) and _contains("摘要", "蚂蚁基金赎回到银行")(r),
        lambda r: _contains("交易场所", "广东XX分行银行卡中心")(r) and _contains("摘要", "自动还款")(r),
    ],
}


def upstream_ignored(records: Path) -> Counter[Key]:
    """(date, direction, fen) of the statement rows the upstream rules for this sample ignore."""
    rules = UPSTREAM_IGNORED.get(records.relative_to(REAL).parts[0], [])
    found: Counter[Key] = Counter()
    if not rules:
        return found
    rows = [[c.strip(" \t") for c in r] for r in read_grid(records.read_bytes()).rows]
    at = next(i for i, r in enumerate(rows) if "交易日期" in r and "摘要" in r)
    for raw in rows[at + 1 :]:
        row = dict(zip(rows[at], raw, strict=False))
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.get("交易日期", "")) or not any(rule(row) for rule in rules):
            continue
        for column, direction in (("记账金额(收入)", "in"), ("记账金额(支出)", "out")):
            if row.get(column, "-") not in ("", "-"):
                found[(date.fromisoformat(row["交易日期"]), direction, parse_fen(row[column]))] += 1
    return found


def _expected(records: Path) -> Counter[Key]:
    outputs = list(records.parent.glob("*.beancount"))
    assert len(outputs) == 1, f"one expected output beside {records.name}, found {outputs}"
    return expected_transactions(outputs[0].read_text("utf-8")) + upstream_ignored(records)


def _id(path: Path) -> str:
    return str(path.relative_to(REAL))


def test_the_real_samples_are_there() -> None:
    assert {p.relative_to(REAL).parts[0] for p in SAMPLES} >= set(FORMAT_OF), f"samples missing under {REAL}"


@pytest.mark.parametrize("records", SAMPLES, ids=_id)
def test_real_sample_parses_without_problems(records: Path) -> None:
    result = parse_bank(records.read_bytes(), records.name)
    assert result.meta.format == FORMAT_OF[records.relative_to(REAL).parts[0]]
    assert not result.problems, "\n".join(str(p) for p in result.problems)
    assert result.meta.currency == "CNY"


@pytest.mark.parametrize("records", SAMPLES, ids=_id)
def test_real_sample_count_and_totals_equal_the_expected_output(records: Path) -> None:
    result = parse_bank(records.read_bytes(), records.name)
    expected = _expected(records)
    total = {d: sum(fen * n for (_, dd, fen), n in expected.items() if dd == d) for d in ("in", "out")}
    assert len(result.lines) == sum(expected.values())
    assert result.total_fen("in") == total["in"]
    assert result.total_fen("out") == total["out"]
    got = Counter((x.date, x.direction.value, x.amount.fen) for x in result.bank_lines())
    assert got == expected, f"missing: {expected - got}; unexpected: {got - expected}"


def test_expected_figures_are_read_from_the_beancount_text() -> None:
    bill = (
        '2023-01-18 * "a" "b"\n\tAssets:Alipay 222228.50 CNY\n\tIncome:FIXME -222228.50 CNY\n\n'
        '2021-07-11 * "c" "d"\n\tAssets:Bank:BOC 1000.10 CNY\n\tAssets:Wechat:Cash -1000.10 CNY\n'
        "\tExpenses:Commission 1.00 CNY\n\tAssets:Wechat:Cash -1.00 CNY\n"
    )
    assert expected_transactions(bill) == Counter(
        {(date(2023, 1, 18), "in", 22222850): 1, (date(2021, 7, 11), "out", 100110): 1}
    )
    card = (
        '2024-01-01 * "a" "b"\n\tAssets:Card 1234.00 CNY\n\tAssets:FIXME -1234.00 CNY\n\n'
        '2024-01-02 * "c" "d"\n\tExpenses:FIXME 3.00 CNY\n\tAssets:Card -3.00 CNY\n'
    )
    assert expected_transactions(card) == Counter(
        {(date(2024, 1, 1), "in", 123400): 1, (date(2024, 1, 2), "out", 300): 1}
    )
