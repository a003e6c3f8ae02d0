"""Confirmed matches teach aliases; next month the same names are matched automatically."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from hezhang.cli.app import app
from hezhang.domain.lines import BankLine, Direction, LedgerLine
from hezhang.domain.money import Money
from hezhang.samples.bank_exports import render_standard_csv
from hezhang.samples.journal import render_standard_journal

runner = CliRunner()
PAYERS = (("上海开发区世创商贸有限公司", "收SC货款"), ("北京恒达科技股份有限公司", "收HD货款"))


def _month(folder: Path, month: int) -> tuple[Path, Path]:
    day = date(2026, month, 5)
    bank = [
        BankLine(row=i, date=day, direction=Direction.IN, amount=Money(500_000), counterparty_name=name, memo="货款")
        for i, (name, _) in enumerate(PAYERS, start=1)
    ]
    book: list[LedgerLine] = []
    for n, (_, memo) in enumerate(reversed(PAYERS), start=1):
        for code, name, d in (("100201", "银行存款", Direction.IN), ("1122", "应收账款", Direction.OUT)):
            book.append(LedgerLine(row=len(book) + 1, date=day, voucher_no=f"记-{n:04d}", account_code=code,
                                   account_name=name, direction=d, amount=Money(500_000), memo=memo))  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bank.csv").write_bytes(render_standard_csv(bank))
    (folder / "journal.csv").write_bytes(render_standard_journal(book))
    return folder / "bank.csv", folder / "journal.csv"


def _reconcile(bank: Path, journal: Path, out: Path, *extra: str) -> list[dict[str, str]]:
    args = ["reconcile", "--bank", str(bank), "--journal", str(journal), "--out", str(out), "--account", "100201"]
    result = runner.invoke(app, [*args, "--book-opening", "0", *extra])
    assert result.exit_code == 0, result.output
    with (out / "matches.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_a_confirmed_alias_turns_next_months_suggestion_into_a_match(tmp_path: Path) -> None:
    bank, journal = _month(tmp_path / "oct", 10)
    october = _reconcile(bank, journal, tmp_path / "oct-out")
    assert {r["status"] for r in october} == {"suggested"}  # nothing tells 世创 from 恒达 yet
    # The accountant confirms: bank line 1 (世创商贸) is ledger row 3 (收SC货款), bank line 2 is ledger row 1.
    kept = [
        dict(r, status="confirmed") for r in october if (r["bank_rows"], r["ledger_rows"]) in {("1", "3"), ("2", "1")}
    ]
    assert len(kept) == 2
    confirmed = tmp_path / "oct-out" / "matches.csv"
    with confirmed.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(october[0]))
        writer.writeheader()
        writer.writerows(kept)
    aliases = tmp_path / "aliases.json"
    learned = runner.invoke(app, ["learn", "--bank", str(bank), "--journal", str(journal), "--matches", str(confirmed),
                                  "--aliases", str(aliases), "--account", "100201"])  # fmt: skip
    assert learned.exit_code == 0, learned.output
    assert '"SC"' in aliases.read_text("utf-8") and '"HD"' in aliases.read_text("utf-8")

    bank, journal = _month(tmp_path / "nov", 11)
    november = _reconcile(bank, journal, tmp_path / "nov-out", "--aliases", str(aliases))
    assert {(r["status"], r["bank_rows"], r["ledger_rows"]) for r in november} == {
        ("auto", "1", "3"),
        ("auto", "2", "1"),
    }
