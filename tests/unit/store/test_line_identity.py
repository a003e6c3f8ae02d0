"""Which lines of a file are new, given the identities of the lines already stored."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from hezhang.store.line_identity import bank_identity, ledger_identity, new_rows

ACCOUNT = UUID(int=1)
LINE = {"date": date(2026, 10, 5), "direction": "out", "amount": 50_000, "currency": "CNY"}


def test_identical_lines_inside_one_file_are_two_lines() -> None:
    assert new_rows([b"a", b"a"], []) == [0, 1]
    assert new_rows([b"a", b"a"], [b"a"]) == [1]  # one twin stored: the file adds the other
    assert new_rows([b"a", b"b", b"a"], [b"a", b"a", b"b"]) == []


@given(st.lists(st.sampled_from([b"a", b"b", b"c"]), max_size=12), st.lists(st.sampled_from([b"a", b"b", b"c"])))
def test_each_stored_line_accounts_for_one_line_of_the_file(file: list[bytes], stored: list[bytes]) -> None:
    kept = [file[i] for i in new_rows(file, stored)]
    for mark in set(file):
        assert kept.count(mark) == max(0, file.count(mark) - stored.count(mark))


def test_a_running_balance_identifies_a_bank_line_whatever_its_texts_say() -> None:
    one = bank_identity(ACCOUNT, {**LINE, "balance": 1_000, "memo": "房租", "bank_ref": "A1"})
    other_export = bank_identity(ACCOUNT, {**LINE, "balance": 1_000, "memo": "房租 十月", "bank_ref": None})
    assert one == other_export
    assert one != bank_identity(ACCOUNT, {**LINE, "balance": 1_001})
    assert one != bank_identity(UUID(int=2), {**LINE, "balance": 1_000})  # another account's line


def test_without_balance_or_serial_the_texts_decide() -> None:
    a = bank_identity(ACCOUNT, {**LINE, "memo": "房租", "counterparty_name": "房东甲"})
    b = bank_identity(ACCOUNT, {**LINE, "memo": "房租", "counterparty_name": "房东乙"})
    assert a != b
    assert bank_identity(ACCOUNT, {**LINE, "bank_ref": "X9"}) != bank_identity(ACCOUNT, {**LINE, "bank_ref": "X8"})


def test_fields_cannot_run_into_each_other() -> None:
    assert bank_identity(ACCOUNT, {**LINE, "memo": "ab", "counterparty_name": "c"}) != bank_identity(
        ACCOUNT, {**LINE, "memo": "a", "counterparty_name": "bc"}
    )


def test_a_journal_line_is_its_voucher_and_entry() -> None:
    line = {**LINE, "account_code": "100201", "voucher_no": "记-0012", "entry_no": 1, "memo": "付房租"}
    assert ledger_identity(line) == ledger_identity({**line, "memo": "付十月房租"})
    assert ledger_identity(line) != ledger_identity({**line, "entry_no": 2})
