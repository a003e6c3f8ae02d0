"""What an accountant sees the engine do on small, telling cases."""

from factories.lines import bank, ledger, pairs_of
from hezhang.matching import match


def test_one_to_one_by_counterparty_and_reference() -> None:
    b = bank(
        {"day": 3, "direction": "in", "amount": 1_000_000, "counterparty_name": "上海开发区世创商贸有限公司"},
        {"day": 5, "direction": "in", "amount": 123_456, "memo": "INV7788 服务费", "counterparty_name": "某某"},
    )
    l_ = ledger(
        {"day": 2, "direction": "in", "amount": 1_000_000, "memo": "收世创商贸货款"},
        {"day": 6, "direction": "in", "amount": 123_456, "memo": "收服务费 INV7788"},
    )
    result = match(b, l_)
    assert pairs_of(result) == {((1,), (1,)), ((2,), (2,))}
    first = next(m for m in result.matches if m.bank_rows == (1,))
    assert first.rule == "counterparty"
    assert "对方单位相符" in first.explanation_zh and "same counterparty" in first.explanation_en
    second = next(m for m in result.matches if m.bank_rows == (2,))
    assert second.rule == "reference"
    assert {e.code for e in second.evidence} >= {"amount", "reference"}


def test_equal_rent_to_two_payees_without_evidence_is_only_suggested() -> None:
    b = bank(
        {"day": 4, "direction": "out", "amount": 800_000, "counterparty_name": "张伟", "memo": "房租"},
        {"day": 6, "direction": "out", "amount": 800_000, "counterparty_name": "李娜", "memo": "房租"},
    )
    l_ = ledger(
        {"day": 5, "direction": "out", "amount": 800_000, "memo": "付房租"},
        {"day": 5, "direction": "out", "amount": 800_000, "memo": "付房租"},
    )
    result = match(b, l_)
    assert not result.auto
    assert pairs_of(result, "suggested") == {((1,), (1,)), ((1,), (2,)), ((2,), (1,)), ((2,), (2,))}
    assert result.unmatched_bank_rows == (1, 2) and result.unmatched_ledger_rows == (1, 2)


def test_equal_rent_is_decided_when_the_memo_names_the_payee() -> None:
    b = bank(
        {"day": 4, "direction": "out", "amount": 800_000, "counterparty_name": "张伟", "memo": "房租"},
        {"day": 6, "direction": "out", "amount": 800_000, "counterparty_name": "李娜", "memo": "房租"},
    )
    l_ = ledger(
        {"day": 5, "direction": "out", "amount": 800_000, "memo": "付李娜房租"},
        {"day": 5, "direction": "out", "amount": 800_000, "memo": "付张伟房租"},
    )
    assert pairs_of(match(b, l_)) == {((1,), (2,)), ((2,), (1,))}


def test_identical_payments_are_suggestions_not_a_pick() -> None:
    """Two identical payments against two identical bookings: which bank line is which booking is nothing the
    files say, so both are suggestions for a person (the statement is the same either way), never a pick."""
    same = {
        "day": 3,
        "direction": "out",
        "amount": 50_000,
        "counterparty_name": "杭州启明软件有限公司",
        "memo": "服务费",
    }
    b = bank(same, same)
    l_ = ledger(*[{"day": 3, "direction": "out", "amount": 50_000, "memo": "付启明软件服务费"}] * 2)
    result = match(b, l_)
    assert not result.auto
    assert {m.bank_rows for m in result.suggested} == {(1,), (2,)}
    assert {m.ledger_rows for m in result.suggested} == {(1,), (2,)}


def test_fee_deducted_receipt_is_a_match_with_a_difference() -> None:
    b = bank({"day": 3, "direction": "in", "amount": 998_500, "counterparty_name": "北京恒达科技股份有限公司"})
    l_ = ledger({"day": 2, "direction": "in", "amount": 1_000_000, "memo": "收恒达科技货款"})
    (m,) = match(b, l_).auto
    assert m.rule == "fee" and m.difference_fen == 1_500
    assert "手续费 15.00" in m.explanation_zh


def test_customer_pays_three_invoices_in_one_transfer() -> None:
    b = bank({"day": 10, "direction": "in", "amount": 600_000, "counterparty_name": "深圳市华信电子有限公司"})
    l_ = ledger(
        {"day": 8, "direction": "in", "amount": 100_000, "memo": "收华信电子发票A"},
        {"day": 8, "direction": "in", "amount": 200_000, "memo": "收华信电子发票B"},
        {"day": 9, "direction": "in", "amount": 300_000, "memo": "收华信电子发票C"},
        {"day": 9, "direction": "in", "amount": 250_000, "memo": "收其他公司货款"},
    )
    result = match(b, l_)
    assert pairs_of(result) == {((1,), (1, 2, 3))}
    assert result.unmatched_ledger_rows == (4,)


def test_taxes_debited_separately_booked_in_one_voucher() -> None:
    b = bank(
        {
            "day": 15,
            "direction": "out",
            "amount": 100_000,
            "counterparty_name": "国家金库上海市分库",
            "memo": "增值税 税费扣缴",
        },
        {
            "day": 15,
            "direction": "out",
            "amount": 7_000,
            "counterparty_name": "国家金库上海市分库",
            "memo": "城建税 税费扣缴",
        },
        {
            "day": 15,
            "direction": "out",
            "amount": 3_000,
            "counterparty_name": "国家金库上海市分库",
            "memo": "教育费附加 税费扣缴",
        },
    )
    l_ = ledger({"day": 15, "direction": "out", "amount": 110_000, "memo": "缴纳10月税费"})
    assert pairs_of(match(b, l_)) == {((1, 2, 3), (1,))}


def test_many_to_many_by_counterparty_when_the_totals_agree() -> None:
    who = "上海开发区世创商贸有限公司"
    b = bank(
        {"day": 5, "direction": "in", "amount": 70_000, "counterparty_name": who},
        {"day": 7, "direction": "in", "amount": 80_000, "counterparty_name": who},
    )
    l_ = ledger(
        {"day": 4, "direction": "in", "amount": 50_000, "memo": "收世创商贸货款1"},
        {"day": 6, "direction": "in", "amount": 60_000, "memo": "收世创商贸货款2"},
        {"day": 6, "direction": "in", "amount": 40_000, "memo": "收世创商贸货款3"},
    )
    assert pairs_of(match(b, l_)) == {((1, 2), (1, 2, 3))}


def test_lines_further_apart_than_a_month_are_not_matched() -> None:
    b = bank({"day": 1, "direction": "in", "amount": 10_000})
    l_ = ledger({"day": 40, "direction": "in", "amount": 10_000})
    result = match(b, l_)
    assert not result.matches
    assert result.unmatched_bank_rows == (1,) and result.unmatched_ledger_rows == (1,)


def test_the_only_line_of_its_amount_matches_whatever_the_lag_inside_the_month() -> None:
    """Books kept at month end: a payment of the 6th booked on the 31st is the only line of its amount on either
    side, so it matches however far apart the dates are; a second booking that names the payee as well makes it a
    suggestion (nothing says which of the two it is)."""
    b = bank({"day": 6, "direction": "out", "amount": 350_000, "counterparty_name": "快讯服饰有限公司"})
    l_ = ledger({"day": 31, "direction": "out", "amount": 350_000, "memo": "付快讯服饰房租"})
    (m,) = match(b, l_).auto
    assert (m.bank_rows, m.ledger_rows) == ((1,), (1,))
    twin = ledger({"day": 31, "direction": "out", "amount": 350_000, "memo": "付快讯服饰房租"},
                  {"day": 30, "direction": "out", "amount": 350_000, "memo": "付快讯服饰10月房租"})  # fmt: skip
    result = match(b, twin)
    assert not result.auto and result.suggested


def test_direction_must_agree() -> None:
    b = bank({"day": 1, "direction": "in", "amount": 10_000})
    l_ = ledger({"day": 1, "direction": "out", "amount": 10_000})
    assert not match(b, l_).matches


def test_a_line_is_in_at_most_one_auto_match_and_suggestions_only_touch_free_lines() -> None:
    b = bank(*[{"day": d, "direction": "out", "amount": 500} for d in (1, 2, 3)])
    l_ = ledger(*[{"day": d, "direction": "out", "amount": 500} for d in (1, 2)])
    result = match(b, l_)
    auto_b = [r for m in result.auto for r in m.bank_rows]
    auto_l = [r for m in result.auto for r in m.ledger_rows]
    assert len(auto_b) == len(set(auto_b)) and len(auto_l) == len(set(auto_l))
    for m in result.suggested:
        assert set(m.bank_rows) <= set(result.unmatched_bank_rows)
        assert set(m.ledger_rows) <= set(result.unmatched_ledger_rows)


def test_a_group_never_mixes_money_in_and_money_out() -> None:
    who = "上海开发区世创商贸有限公司"
    b = bank(
        {"day": 5, "direction": "in", "amount": 50_000, "counterparty_name": who},
        {"day": 6, "direction": "out", "amount": 20_000, "counterparty_name": who},
    )
    l_ = ledger(
        {"day": 5, "direction": "in", "amount": 30_000, "memo": "收世创商贸货款1"},
        {"day": 6, "direction": "in", "amount": 40_000, "memo": "收世创商贸货款2"},
        {"day": 6, "direction": "out", "amount": 10_000, "memo": "付世创商贸货款"},
    )
    result = match(b, l_)
    assert not result.auto  # 500 in + 200 out is not 300 in + 400 in
    for m in result.matches:
        directions = {b.filter(b["row"].is_in(list(m.bank_rows)))["direction"][0]}
        assert directions == {"in"}
