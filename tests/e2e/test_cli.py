"""The command line as an accountant uses it: parse a file, reconcile a month, carry items forward."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from hezhang.cli.app import app
from hezhang.domain.lines import BankLine, Direction, LedgerLine
from hezhang.domain.money import Money
from hezhang.samples.bank_exports import render_standard_csv
from hezhang.samples.client_month import generate_client_month
from hezhang.samples.journal import render_standard_journal
from hezhang.samples.statements import generate_bank_lines

runner = CliRunner()
JSON_KEYS = [
    "account",
    "period",
    "currency",
    "book_balance",
    "bank_balance",
    "bank_received_book_not",
    "bank_paid_book_not",
    "book_received_bank_not",
    "book_paid_bank_not",
    "adjusted_book_balance",
    "adjusted_bank_balance",
    "balanced",
]


def test_parse_writes_normalized_lines_and_a_summary(tmp_path: Path) -> None:
    lines = generate_bank_lines(50, seed=3)
    src = tmp_path / "statement.csv"
    src.write_bytes(render_standard_csv(lines, "gb18030"))
    out = tmp_path / "lines.csv"
    result = runner.invoke(app, ["parse", str(src), "--kind", "bank", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "50" in result.output and "问题 / problems" in result.output
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 50
    assert rows[0]["row"] == "1" and rows[0]["amount"] == f"{lines[0].amount}"
    assert rows[0]["direction"] == lines[0].direction.value
    # Personal data leaves masked: account numbers keep their last four digits.
    shown = [r["counterparty_account"] for r in rows if r["counterparty_account"]]
    assert shown and all(a.startswith("**** **** **** ") for a in shown)


def test_parse_refuses_a_bad_file_and_says_where(tmp_path: Path) -> None:
    lines = generate_bank_lines(5, seed=4)
    text = render_standard_csv(lines).decode("utf-8").splitlines()
    cells = text[3].split(",")
    cells[0] = "2026-13-45"
    text[3] = ",".join(cells)
    src = tmp_path / "bad.csv"
    src.write_text("\n".join(text) + "\n", encoding="utf-8")
    out = tmp_path / "lines.csv"
    result = runner.invoke(app, ["parse", str(src), "--out", str(out)])
    assert result.exit_code == 1
    assert "bad.csv:4" in result.output and "交易日期" in result.output and "2026-13-45" in result.output
    assert not out.exists()


def test_parse_asks_which_way_one_signed_column_points_and_sign_answers(tmp_path: Path) -> None:
    src = tmp_path / "card.csv"
    src.write_text("交易日期,交易金额,摘要\n2026-10-01,120.00,某某公司\n2026-10-02,-20.00,某某商店\n", encoding="utf-8")
    asked = runner.invoke(app, ["parse", str(src)])
    assert asked.exit_code == 1 and "--sign spend-positive" in asked.output
    out = tmp_path / "lines.csv"
    answered = runner.invoke(app, ["parse", str(src), "--sign", "spend-positive", "--out", str(out)])
    assert answered.exit_code == 0, answered.output
    with out.open(encoding="utf-8") as f:
        assert [r["direction"] for r in csv.DictReader(f)] == ["out", "in"]


def test_parse_shows_each_account_of_a_file_with_several(tmp_path: Path) -> None:
    src = tmp_path / "two.csv"
    src.write_text(
        "交易日期,收入金额,支出金额,余额,账号\n2026-10-01,100.00,,1100.00,6222000011112222\n"
        "2026-10-01,5.00,,505.00,6222000099998888\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["parse", str(src)])
    assert result.exit_code == 0, result.output
    table = result.output.split("各账户 / per account")[1]
    assert "****2222" in table and "1,100.00" in table and "****8888" in table and "505.00" in table


def test_parse_of_a_missing_file_exits_3(tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", str(tmp_path / "nope.csv")])
    assert result.exit_code == 3
    assert "找不到文件" in result.output


def _reconcile(bank: Path, journal: Path, out: Path, *extra: str) -> dict[str, object]:
    result = runner.invoke(
        app, ["reconcile", "--bank", str(bank), "--journal", str(journal), "--out", str(out), *extra]
    )
    assert result.exit_code == 0, result.output
    assert "银行存款余额调节表" in result.output
    doc: dict[str, object] = json.loads((out / "reconciliation.json").read_text("utf-8"))
    return doc


def test_reconcile_writes_the_three_outputs(tmp_path: Path) -> None:
    month = generate_client_month(11)
    bank, journal = month.write(tmp_path)
    opening = month.book_opening_fen
    doc = _reconcile(
        bank,
        journal,
        tmp_path / "out",
        "--account",
        month.account_code,
        "--book-opening",
        f"{opening // 100}.{opening % 100:02d}",
    )
    assert list(doc)[:12] == JSON_KEYS
    assert doc["balanced"] is True and doc["period"] == "2026-10"
    header = (tmp_path / "out" / "matches.csv").read_text("utf-8").splitlines()[0]
    assert header == "match_id,status,bank_rows,ledger_rows,rule,confidence,difference,alternatives,explanation"
    book = load_workbook(tmp_path / "out" / "reconciliation.xlsx")
    assert book.sheetnames[0] == "余额调节表"


def test_outstanding_items_carry_into_the_next_month_and_clear(tmp_path: Path) -> None:
    month = generate_client_month(12)
    bank, journal = month.write(tmp_path / "oct")
    opening = month.book_opening_fen
    october = _reconcile(
        bank,
        journal,
        tmp_path / "oct-out",
        "--account",
        month.account_code,
        "--book-opening",
        f"{opening // 100}.{opening % 100:02d}",
    )
    # November: the bank clears every book-side item; the books record the bank's receipts one by one
    # and October's bank charges as one total, as bookkeepers do.
    day = date(2026, 11, 3)
    bank_lines: list[BankLine] = []
    book_lines: list[LedgerLine] = []

    def book(fen: Money, direction: Direction, memo: str) -> None:
        n = len(book_lines) // 2 + 1
        other = Direction.OUT if direction is Direction.IN else Direction.IN
        for code, name, d in ((month.account_code, "银行存款", direction), ("6603", "财务费用", other)):
            book_lines.append(
                LedgerLine(
                    row=len(book_lines) + 1,
                    date=day,
                    voucher_no=f"记-{n:04d}",
                    account_code=code,
                    account_name=name,
                    direction=d,
                    amount=fen,
                    memo=memo,
                )
            )

    for key, direction in (("book_received_bank_not", Direction.IN), ("book_paid_bank_not", Direction.OUT)):
        for item in october[key]:  # type: ignore[attr-defined]
            bank_lines.append(
                BankLine(
                    row=len(bank_lines) + 1,
                    date=day,
                    direction=direction,
                    amount=Money.parse(item["amount"]),
                    memo=item["memo"],
                )
            )
    for item in october["bank_received_book_not"]:  # type: ignore[attr-defined]
        book(Money.parse(item["amount"]), Direction.IN, f"补记 {item['counterparty'] or ''} {item['memo']}")
    charges = sum(Money.parse(i["amount"]).fen for i in october["bank_paid_book_not"])  # type: ignore[attr-defined]
    book(Money(charges), Direction.OUT, "补记10月银行手续费")
    nov = tmp_path / "nov"
    nov.mkdir()
    (nov / "bank.csv").write_bytes(render_standard_csv(bank_lines))
    (nov / "journal.csv").write_bytes(render_standard_journal(book_lines))
    november = _reconcile(
        nov / "bank.csv",
        nov / "journal.csv",
        tmp_path / "nov-out",
        "--account",
        month.account_code,
        "--carry-forward",
        str(tmp_path / "oct-out" / "reconciliation.json"),
        "--book-opening",
        str(october["book_balance"]),
    )
    assert november["balanced"] is True
    assert all(november[k] == [] for k in JSON_KEYS[5:9]), {k: november[k] for k in JSON_KEYS[5:9]}


def test_reconcile_refuses_bad_input_and_writes_nothing(tmp_path: Path) -> None:
    month = generate_client_month(13)
    bank, journal = month.write(tmp_path)
    bank.write_bytes(bank.read_bytes().replace(b"\r\n", b"\n").replace(b"2026-10-0", b"2026-1O-0", 1))
    result = runner.invoke(
        app, ["reconcile", "--bank", str(bank), "--journal", str(journal), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 1
    assert "nothing written" in result.output
    assert not (tmp_path / "out").exists()


def test_the_console_script_runs(tmp_path: Path) -> None:
    lines = generate_bank_lines(10, seed=5)
    src = tmp_path / "s.csv"
    src.write_bytes(render_standard_csv(lines))
    done = subprocess.run(
        [sys.executable, "-m", "hezhang", "parse", str(src)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "s.csv" in done.stdout
