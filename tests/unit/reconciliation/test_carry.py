import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.domain.frames import BANK_SCHEMA, LEDGER_SCHEMA, frame_from_records
from hezhang.domain.period import Period
from hezhang.domain.problem import Severity
from hezhang.reconciliation.carry import carried_lines, load_carry_forward
from hezhang.reconciliation.model import BalanceReconciliation, OutstandingItem, OutstandingKind
from hezhang.reports.reconciliation_json import render_reconciliation_json

K = OutstandingKind
SEPTEMBER = Period.month(2026, 9)
FILE = "2026-09/reconciliation.json"


def _statement(items: tuple[OutstandingItem, ...], period: Period = SEPTEMBER) -> BalanceReconciliation:
    return BalanceReconciliation("**** 1234", period, "CNY", 1_000_000, 1_000_000, items, 900_000)


ITEMS = (
    OutstandingItem(K.BANK_RECEIVED_BOOK_NOT, 500000, date(2026, 9, 30), "货款", "恒远电子有限公司", bank_row=41),
    OutstandingItem(K.BANK_PAID_BOOK_NOT, 1500, date(2026, 9, 12), "手续费", match_id=7),
    OutstandingItem(K.BOOK_RECEIVED_BANK_NOT, 20000, date(2026, 9, 29), "存入现金", ledger_row=88),
    OutstandingItem(K.BOOK_PAID_BANK_NOT, 123456, date(2026, 8, 28), "支票 0012", ledger_row=3, carried=True,
                    since="2026-08"),
    OutstandingItem(K.BOOK_PAID_BANK_NOT, 2816, date(2026, 9, 30), None, ledger_row=90),
)  # fmt: skip


def _carried(item: OutstandingItem, period: Period = SEPTEMBER) -> OutstandingItem:
    return replace(item, carried=True, since=item.since or str(period))


def _by_kind(items: tuple[OutstandingItem, ...]) -> tuple[OutstandingItem, ...]:
    return tuple(i for kind in K for i in items if i.kind is kind)


def test_what_was_written_reads_back_as_carried_items() -> None:
    items, problems = load_carry_forward(render_reconciliation_json(_statement(ITEMS)), FILE)
    assert problems == []
    assert items == tuple(_carried(i) for i in ITEMS)
    assert items[0].since == "2026-09"  # first seen last period
    assert items[3].since == "2026-08"  # already carried once: keeps its age


item_strategy = st.builds(
    OutstandingItem,
    kind=st.sampled_from(K),
    amount_fen=st.integers(min_value=1, max_value=10**14),
    date=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    memo=st.none() | st.text(max_size=30),
    counterparty=st.none() | st.text(max_size=20),
    carried=st.booleans(),
    since=st.none() | st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(2000, 2099), st.integers(1, 12)),
).flatmap(
    lambda item: st.sampled_from(["bank_row", "ledger_row", "match_id"]).flatmap(
        lambda key: st.integers(min_value=-500, max_value=10**7).map(lambda n: replace(item, **{key: n}))
    )
)


@settings(max_examples=200)
@given(st.lists(item_strategy, max_size=10), st.integers(2000, 2099), st.integers(1, 12))
def test_render_then_load_gives_the_same_items(items: list[OutstandingItem], year: int, month: int) -> None:
    period = Period.month(year, month)
    loaded, problems = load_carry_forward(render_reconciliation_json(_statement(tuple(items), period)), FILE)
    assert problems == []
    assert loaded == tuple(_carried(i, period) for i in _by_kind(tuple(items)))


def _document(**changes: Any) -> str:
    doc = json.loads(render_reconciliation_json(_statement(ITEMS)))
    for path, value in changes.items():
        key, _, rest = path.partition("__")
        if rest:
            index, _, field = rest.partition("__")
            entry = doc[key][int(index)]
            if value is ...:
                del entry[field]
            else:
                entry[field] = value
        elif value is ...:
            del doc[key]
        else:
            doc[key] = value
    return json.dumps(doc, ensure_ascii=False)


@pytest.mark.parametrize(
    ("changes", "path", "value"),
    [
        ({"bank_paid_book_not__0__amount": "15.001"}, "bank_paid_book_not[0].amount", "15.001"),
        ({"bank_paid_book_not__0__amount": 15.0}, "bank_paid_book_not[0].amount", "15.0"),
        ({"bank_paid_book_not__0__amount": "-15.00"}, "bank_paid_book_not[0].amount", "-15.00"),
        ({"bank_paid_book_not__0__amount": "0.00"}, "bank_paid_book_not[0].amount", "0.00"),
        ({"bank_paid_book_not__0__amount": "十五元"}, "bank_paid_book_not[0].amount", "十五元"),
        ({"bank_paid_book_not__0__amount": ...}, "bank_paid_book_not[0]", None),
        ({"book_paid_bank_not__1__date": "2026-09-31"}, "book_paid_bank_not[1].date", "2026-09-31"),
        ({"book_paid_bank_not__1__date": 20260930}, "book_paid_bank_not[1].date", "20260930"),
        ({"book_paid_bank_not__1__date": ...}, "book_paid_bank_not[1]", None),
        ({"book_paid_bank_not__1__bank_row": 5}, "book_paid_bank_not[1]", '["bank_row", "ledger_row"]'),
        ({"book_paid_bank_not__1__ledger_row": ...}, "book_paid_bank_not[1]", "[]"),
        ({"book_paid_bank_not__1__ledger_row": "90"}, "book_paid_bank_not[1].ledger_row", "90"),
        ({"book_paid_bank_not__1__ledger_row": True}, "book_paid_bank_not[1].ledger_row", "true"),
        ({"book_paid_bank_not__1__memo": 12}, "book_paid_bank_not[1].memo", "12"),
        ({"bank_received_book_not__0__counterparty": ["x"]}, "bank_received_book_not[0].counterparty", '["x"]'),
        ({"book_paid_bank_not__0__since": "2026-13"}, "book_paid_bank_not[0].since", "2026-13"),
        ({"book_received_bank_not": ...}, "book_received_bank_not", None),
        ({"book_received_bank_not": {"a": 1}}, "book_received_bank_not", '{"a": 1}'),
        ({"book_received_bank_not": ["x"]}, "book_received_bank_not[0]", "x"),
        ({"period": "九月"}, "period", "九月"),
        ({"period": ...}, "period", None),
    ],
)
def test_each_bad_value_is_a_problem_naming_its_json_path(
    changes: dict[str, Any], path: str, value: str | None
) -> None:
    items, problems = load_carry_forward(_document(**changes), FILE)
    assert [p.column for p in problems] == [path]
    (problem,) = problems
    assert problem.file == FILE
    assert problem.value == value
    assert problem.severity is Severity.ERROR
    assert problem.message_zh and problem.message_en
    assert problem.message_zh != problem.message_en  # Chinese first, English second
    # The good items are still returned beside the problem (the caller rejects the file).
    assert len(items) >= len(ITEMS) - 1


@pytest.mark.parametrize("text", ["", "{", "not json", "[1, 2]", '"text"', "null", "[" * 100_000])
def test_what_is_not_a_statement_is_one_problem_at_the_root(text: str) -> None:
    items, problems = load_carry_forward(text, FILE)
    assert items == ()
    assert [p.column for p in problems] == ["$"]


def test_a_byte_order_mark_is_tolerated() -> None:
    items, problems = load_carry_forward("\ufeff" + render_reconciliation_json(_statement(ITEMS)), FILE)
    assert problems == [] and len(items) == len(ITEMS)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=25), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200)
@given(st.text(max_size=200) | json_values.map(json.dumps))
def test_never_raises_on_any_text(text: str) -> None:
    items, problems = load_carry_forward(text, FILE)
    assert items == () or problems or all(i.carried for i in items)


@settings(max_examples=200)
@given(
    st.dictionaries(
        st.sampled_from(["amount", "date", "memo", "bank_row", "ledger_row", "match_id", "since"]), json_values
    )
)
def test_never_raises_on_any_item(entry: dict[str, Any]) -> None:
    doc = json.loads(render_reconciliation_json(_statement(())))
    doc["bank_paid_book_not"] = [entry]
    items, problems = load_carry_forward(json.dumps(doc), FILE)
    assert len(items) + (1 if problems else 0) == 1
    assert all(p.column and p.column.startswith("bank_paid_book_not[0]") for p in problems)


def test_a_statement_of_the_wrong_period_is_refused_and_a_gap_is_noticed() -> None:
    text = render_reconciliation_json(_statement(ITEMS))
    assert load_carry_forward(text, FILE, into=Period.month(2026, 10))[1] == []
    (same,) = load_carry_forward(text, FILE, into=SEPTEMBER)[1]
    assert (same.column, same.severity) == ("period", Severity.ERROR)
    (gap,) = load_carry_forward(text, FILE, into=Period.month(2026, 12))[1]
    assert (gap.column, gap.severity) == ("period", Severity.NOTICE)


def test_carried_items_become_lines_on_the_side_that_still_waits_for_them() -> None:
    bank, ledger = carried_lines(tuple(_carried(i) for i in ITEMS), currency="CNY")
    assert [(r["row"], r["direction"], r["amount"]) for r in bank] == [(-1, "in", 500000), (-2, "out", 1500)]
    assert [(r["row"], r["direction"], r["amount"]) for r in ledger] == [
        (-1, "in", 20000), (-2, "out", 123456), (-3, "out", 2816)
    ]  # fmt: skip
    assert bank[0]["counterparty_name"] == "恒远电子有限公司"
    assert bank[0]["memo"] == "货款" and bank[0]["date"] == date(2026, 9, 30)
    assert [r["voucher_no"] for r in ledger] == ["上期未达-1", "上期未达-2", "上期未达-3"]
    assert {r["account_code"] for r in ledger} == {"1002"}
    assert {r["currency"] for r in bank + ledger} == {"CNY"}
    assert all(r["source_row"] is None for r in bank + ledger)


def test_carried_lines_fit_the_frame_schemas() -> None:
    bank, ledger = carried_lines(ITEMS, currency="USD", account_code="100201")
    assert all(set(r) <= set(BANK_SCHEMA) for r in bank)
    assert all(set(r) <= set(LEDGER_SCHEMA) for r in ledger)
    bank_frame = frame_from_records(bank, BANK_SCHEMA)
    ledger_frame = frame_from_records(ledger, LEDGER_SCHEMA)
    assert bank_frame["row"].to_list() == [-1, -2]
    assert ledger_frame["account_code"].to_list() == ["100201"] * 3
    assert set(ledger_frame["currency"].to_list()) == {"USD"}
    assert carried_lines(()) == ([], [])
