import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.domain.money import parse_fen
from hezhang.domain.period import Period
from hezhang.reconciliation.model import BalanceReconciliation, Cause, OutstandingItem, OutstandingKind
from hezhang.reports.reconciliation_json import render_reconciliation_json

K = OutstandingKind
TWELVE = [
    "account", "period", "currency", "book_balance", "bank_balance", "bank_received_book_not", "bank_paid_book_not",
    "book_received_bank_not", "book_paid_bank_not", "adjusted_book_balance", "adjusted_bank_balance", "balanced",
]  # fmt: skip
OCTOBER = Period.month(2026, 10)


def _statement(**changes: object) -> BalanceReconciliation:
    items = (
        OutstandingItem(K.BANK_RECEIVED_BOOK_NOT, 500000, date(2026, 10, 30), "货款", "恒远电子有限公司", bank_row=41),
        OutstandingItem(K.BANK_PAID_BOOK_NOT, 1500, date(2026, 10, 12), "手续费", match_id=7),
        OutstandingItem(K.BANK_PAID_BOOK_NOT, 2816, date(2026, 10, 31), None, bank_row=44),
        OutstandingItem(K.BOOK_PAID_BANK_NOT, 123456, date(2026, 9, 28), "支票 0012", ledger_row=3, carried=True,
                        since="2026-09"),
    )  # fmt: skip
    fields: dict[str, object] = {
        "account": "**** **** **** 1234",
        "period": OCTOBER,
        "currency": "CNY",
        "book_balance_fen": 10_000_000,
        "bank_balance_fen": 10_000_000 + 500000 - 1500 - 2816 + 123456,
        "items": items,
        "book_opening_fen": 8_000_000,
    }
    fields.update(changes)
    return BalanceReconciliation(**fields)  # type: ignore[arg-type]


def test_the_twelve_keys_come_first_in_order_then_the_extras() -> None:
    doc = json.loads(render_reconciliation_json(_statement()))
    assert list(doc)[:12] == TWELVE
    assert list(doc)[12:] == ["difference", "book_opening", "book_opening_assumed", "bank_balance_assumed", "causes",
                              "agrees", "gaps", "gaps_acknowledged"]  # fmt: skip


def test_balances_and_items_are_written_as_an_accountant_reads_them() -> None:
    text = render_reconciliation_json(_statement())
    doc = json.loads(text)
    assert doc["period"] == "2026-10"
    assert doc["currency"] == "CNY"
    assert doc["book_balance"] == "100000.00"
    assert doc["bank_balance"] == "106191.40"
    assert doc["adjusted_book_balance"] == doc["adjusted_bank_balance"] == "104956.84"
    assert doc["balanced"] is True
    assert doc["difference"] == "0.00"
    assert doc["book_opening"] == "80000.00"
    assert doc["book_opening_assumed"] is False
    assert doc["bank_balance_assumed"] is False
    assert doc["bank_received_book_not"] == [
        {"amount": "5000.00", "date": "2026-10-30", "memo": "货款", "bank_row": 41,
         "counterparty": "恒远电子有限公司", "carried": False, "since": None},
    ]  # fmt: skip
    fee, unnamed = doc["bank_paid_book_not"]
    assert fee["match_id"] == 7 and "bank_row" not in fee and "ledger_row" not in fee
    assert unnamed["memo"] is None
    (cheque,) = doc["book_paid_bank_not"]
    assert cheque == {"amount": "1234.56", "date": "2026-09-28", "memo": "支票 0012", "ledger_row": 3,
                      "counterparty": None, "carried": True, "since": "2026-09"}  # fmt: skip
    assert doc["book_received_bank_not"] == []
    assert "恒远电子" in text  # ensure_ascii=False: Chinese stays readable
    assert text.startswith('{\n  "account"')  # two-space indent


def test_an_unbalanced_statement_says_so_with_its_difference_and_causes() -> None:
    cause = Cause("transposition", "疑似数字错位：54 与 45", "digits transposed", bank_row=3, ledger_row=9)
    doc = json.loads(render_reconciliation_json(_statement(book_balance_fen=10_000_900, causes=(cause,))))
    assert doc["balanced"] is False
    assert doc["difference"] == "9.00"
    assert doc["adjusted_book_balance"] == "104965.84"
    assert doc["causes"] == [
        {
            "code": "transposition",
            "zh": "疑似数字错位：54 与 45",
            "en": "digits transposed",
            "bank_row": 3,
            "ledger_row": 9,
        }
    ]


def test_negative_balances_keep_their_sign() -> None:
    doc = json.loads(render_reconciliation_json(_statement(book_balance_fen=-500, bank_balance_fen=-500, items=())))
    assert doc["book_balance"] == doc["adjusted_bank_balance"] == "-5.00"


@pytest.mark.parametrize("sources", [{}, {"bank_row": 1, "match_id": 2}])
def test_an_item_without_exactly_one_source_is_a_programming_error(sources: dict[str, int]) -> None:
    item = OutstandingItem(K.BANK_PAID_BOOK_NOT, 100, date(2026, 10, 1), **sources)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="exactly one"):
        render_reconciliation_json(_statement(items=(item,)))


items = st.builds(
    OutstandingItem,
    kind=st.sampled_from(K),
    amount_fen=st.integers(min_value=1, max_value=10**13),
    date=st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 10, 31)),
    memo=st.none() | st.text(max_size=20),
    bank_row=st.integers(min_value=1, max_value=10**6),
)


@settings(max_examples=200)
@given(
    st.lists(items, max_size=8),
    st.integers(min_value=-(10**13), max_value=10**13),
    st.integers(min_value=-(10**13), max_value=10**13),
)
def test_the_written_statement_adds_up(given_items: list[OutstandingItem], book: int, bank: int) -> None:
    rec = _statement(items=tuple(given_items), book_balance_fen=book, bank_balance_fen=bank)
    doc = json.loads(render_reconciliation_json(rec))

    def total(key: str) -> int:
        return sum(parse_fen(i["amount"]) for i in doc[key])

    adjusted_book = parse_fen(doc["book_balance"]) + total("bank_received_book_not") - total("bank_paid_book_not")
    adjusted_bank = parse_fen(doc["bank_balance"]) + total("book_received_bank_not") - total("book_paid_bank_not")
    assert parse_fen(doc["adjusted_book_balance"]) == adjusted_book
    assert parse_fen(doc["adjusted_bank_balance"]) == adjusted_bank
    assert doc["balanced"] is (adjusted_book == adjusted_bank)
    assert parse_fen(doc["difference"]) == adjusted_book - adjusted_bank
    assert sum(len(doc[k.value]) for k in K) == len(given_items)
