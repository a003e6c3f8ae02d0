"""Any memo or counterparty text goes through file-mode reconcile: read, matched, reconciled, never a crash.

A bank 摘要 `1234 ABCDE` with a 流水号, or a journal 摘要 `收到货款 1234 ABCDE FGHIJ`, once raised a Polars
ShapeError from the reference-token filter (matching/prepare.py). The statement is built from consistent books
here (the same money on both sides, both opening at 0.00), so whatever the texts say it must balance.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hezhang.services.reconciling import reconcile_files

#: Text a person or a bank might put in a memo: any printable character, digits and Latin runs made likely.
memo_text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    st.lists(st.sampled_from(["1234", "ABCDE", "FGHIJ", "20261001", "123456", "收到货款", "付", " ", "-", "#"]),
             max_size=8).map(" ".join),
)  # fmt: skip
amount = st.integers(1, 10**8)
BANK_HEADER = ["交易日期", "交易时间", "流水号", "摘要", "对方户名", "对方账号", "收入金额", "支出金额", "余额", "币种"]
JOURNAL_HEADER = ["日期", "凭证字号", "分录号", "摘要", "科目代码", "科目名称", "借方金额", "贷方金额"]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@settings(max_examples=60)
@given(st.lists(st.tuples(memo_text, memo_text, memo_text, amount), min_size=1, max_size=4))
@example([("1234 ABCDE", "收到货款 1234 ABCDE FGHIJ", "某公司", 100_00)])
def test_any_memo_reconciles_and_the_statement_balances(
    tmp_path_factory: pytest.TempPathFactory, lines: list[tuple[str, ...]]
) -> None:
    folder = tmp_path_factory.mktemp("memo")
    bank_rows, journal_rows, balance = [], [], 0
    for i, (bank_memo, book_memo, name, fen) in enumerate(lines, start=1):
        balance += int(fen)
        bank_rows.append(["2026-10-0" + str(i), "10:00:00", f"SN{i:04d}", bank_memo, name, "6222000011112222",
                          _yuan(int(fen)), "", _yuan(balance), "CNY"])  # fmt: skip
        journal_rows += [["2026-10-0" + str(i), f"记-{i:04d}", "1", book_memo, "100201", "银行存款-工商银行",
                          _yuan(int(fen)), ""],
                         ["2026-10-0" + str(i), f"记-{i:04d}", "2", book_memo, "1122", "应收账款", "",
                          _yuan(int(fen))]]  # fmt: skip
    bank = _write(folder / "bank.csv", BANK_HEADER, bank_rows)
    journal = _write(folder / "journal.csv", JOURNAL_HEADER, journal_rows)
    outcome = reconcile_files(bank, journal, folder / "out", account_prefix="100201", book_opening="0.00")
    if outcome.problems:  # a text the importers refuse (say, a lone quote) is refused with a message, not a crash
        assert all(p.message for p in outcome.problems)
        return
    assert outcome.statement is not None
    assert outcome.statement.balanced, outcome.statement
    assert outcome.bank_lines == len(lines) and outcome.ledger_lines == len(lines)
