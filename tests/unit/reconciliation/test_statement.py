"""The 银行存款余额调节表 an accountant signs: the four kinds, both adjusted balances, carry-forward, causes."""

from datetime import date

from factories.lines import bank, ledger
from hezhang.domain.period import Period
from hezhang.matching import match
from hezhang.reconciliation import OutstandingItem, OutstandingKind, reconcile

OCT = Period.month(2026, 10)
K = OutstandingKind


def _statement(b, l_, **kw):  # type: ignore[no-untyped-def]
    return reconcile(b, l_, match(b, l_), account="100201", period=OCT, **kw)


def test_the_four_kinds_land_on_the_right_side_and_the_statement_balances() -> None:
    b = bank(
        {"day": 2, "direction": "in", "amount": 500_000, "counterparty_name": "上海开发区世创商贸有限公司"},
        {"day": 30, "direction": "in", "amount": 321, "memo": "结息"},  # interest not yet booked
        {"day": 30, "direction": "out", "amount": 1_500, "memo": "跨行汇款手续费"},  # fee not yet booked
    )
    l_ = ledger(
        {"day": 2, "direction": "in", "amount": 500_000, "memo": "收世创商贸货款"},
        {"day": 31 - 1, "direction": "in", "amount": 77_700, "memo": "存入支票"},  # deposit in transit
        {"day": 29, "direction": "out", "amount": 30_000, "memo": "开出转账支票"},  # cheque not presented
    )
    rec = _statement(b, l_, book_opening_fen=1_000_000, bank_closing_fen=1_000_000 + 500_000 + 321 - 1_500)
    assert [i.bank_row for i in rec.of_kind(K.BANK_RECEIVED_BOOK_NOT)] == [2]
    assert [i.bank_row for i in rec.of_kind(K.BANK_PAID_BOOK_NOT)] == [3]
    assert [i.ledger_row for i in rec.of_kind(K.BOOK_RECEIVED_BANK_NOT)] == [2]
    assert [i.ledger_row for i in rec.of_kind(K.BOOK_PAID_BANK_NOT)] == [3]
    assert rec.book_balance_fen == 1_000_000 + 500_000 + 77_700 - 30_000
    assert rec.adjusted_book_fen == rec.book_balance_fen + 321 - 1_500
    assert rec.adjusted_bank_fen == rec.bank_balance_fen + 77_700 - 30_000
    assert rec.balanced and rec.difference_fen == 0


def test_a_fee_kept_by_the_bank_is_a_book_side_item_of_the_match() -> None:
    b = bank({"day": 3, "direction": "in", "amount": 998_500, "counterparty_name": "北京恒达科技股份有限公司"})
    l_ = ledger({"day": 2, "direction": "in", "amount": 1_000_000, "memo": "收恒达科技货款"})
    rec = _statement(b, l_, book_opening_fen=0, bank_closing_fen=998_500)
    (item,) = rec.items
    assert item.kind is K.BANK_PAID_BOOK_NOT and item.amount_fen == 1_500 and item.match_id == 1
    assert rec.balanced


def test_last_periods_items_clear_against_this_periods_lines() -> None:
    cheque = OutstandingItem(
        K.BOOK_PAID_BANK_NOT, 30_000, date(2026, 9, 29), "开出转账支票", carried=True, since="2026-09"
    )
    fee = OutstandingItem(K.BANK_PAID_BOOK_NOT, 1_500, date(2026, 9, 30), "手续费", carried=True, since="2026-09")
    deposit = OutstandingItem(
        K.BOOK_RECEIVED_BANK_NOT, 9_900, date(2026, 9, 30), "存入现金", carried=True, since="2026-09"
    )
    # September: book 100,000.00 - 300.00 cheque + 99.00 deposit; bank 100,000.00 - 15.00 fee.
    b = bank(
        {"day": 2, "direction": "out", "amount": 30_000, "memo": "支票"},  # the cheque is presented
        {"row": -1, "date": date(2026, 9, 30), "direction": "out", "amount": 1_500, "memo": "手续费"},
    )
    l_ = ledger(
        {"day": 3, "direction": "out", "amount": 1_500, "memo": "补记9月手续费"},  # the fee is booked
        {"row": -1, "date": date(2026, 9, 29), "direction": "out", "amount": 30_000, "memo": "开出转账支票"},
        {"row": -2, "date": date(2026, 9, 30), "direction": "in", "amount": 9_900, "memo": "存入现金"},
    )
    rec = reconcile(
        b,
        l_,
        match(b, l_),
        account="100201",
        period=OCT,
        book_opening_fen=10_000_000 - 30_000 + 9_900,
        bank_closing_fen=10_000_000 - 1_500 - 30_000,
        carried=(fee, cheque, deposit),
    )
    assert [i for i in rec.items] == [deposit]  # still in transit, carried with its origin
    assert rec.balanced


def test_a_wrong_opening_balance_is_named_with_the_difference() -> None:
    b = bank({"day": 1, "direction": "in", "amount": 100_000})
    l_ = ledger({"day": 1, "direction": "in", "amount": 100_000})
    rec = _statement(b, l_, book_opening_fen=132_000, bank_closing_fen=123_000 + 100_000)
    assert not rec.balanced and rec.difference_fen == 9_000
    codes = [c.code for c in rec.causes]
    assert codes[:2] == ["difference", "opening_balance"]
    assert "数字颠倒" in rec.causes[1].zh  # 1,320.00 vs 1,230.00


def test_hints_for_transposed_amounts_sign_errors_and_double_booking() -> None:
    b = bank(
        {"day": 5, "direction": "out", "amount": 123_000, "memo": "付款"},
        {"day": 6, "direction": "in", "amount": 45_600, "memo": "退款"},
        {"day": 7, "direction": "out", "amount": 20_000, "counterparty_name": "张伟", "memo": "报销"},
    )
    l_ = ledger(
        {"day": 5, "direction": "out", "amount": 132_000, "memo": "付款"},
        {"day": 6, "direction": "out", "amount": 45_600, "memo": "退款"},
        {"day": 7, "direction": "out", "amount": 20_000, "memo": "报销张伟"},
        {"day": 7, "direction": "out", "amount": 20_000, "memo": "报销张伟"},
    )
    rec = _statement(b, l_, book_opening_fen=0, bank_closing_fen=-123_000 + 45_600 - 20_000)
    assert rec.balanced  # every difference is listed as an item, so it balances; the hints say why
    codes = {c.code for c in rec.causes}
    assert {"transposition", "sign_error", "booked_twice"} <= codes


def test_without_a_book_opening_it_is_derived_and_said_so() -> None:
    b = bank({"day": 1, "direction": "in", "amount": 100})
    l_ = ledger({"day": 1, "direction": "in", "amount": 100})
    rec = _statement(b, l_, bank_closing_fen=5_100)
    assert rec.book_opening_assumed and rec.book_opening_fen == 5_000 and rec.balanced
