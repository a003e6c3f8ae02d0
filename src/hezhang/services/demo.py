"""Demo files: one generated client account in several of the layouts hezhang reads, and a client-month."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hezhang.domain.money import Money, format_fen
from hezhang.domain.period import Period
from hezhang.importers.result import Kind, StatementMeta
from hezhang.samples.bank_exports import render_bank_export, render_standard_csv
from hezhang.samples.client_month import generate_client_month
from hezhang.samples.journal import generate_journal, render_kingdee, render_standard_journal
from hezhang.samples.payment_bills import render_alipay, render_wechat
from hezhang.samples.statements import generate_bank_lines
from hezhang.samples.swift import render_camt053, render_mt940, render_ofx

DEMO_ACCOUNT = "31050161373600001234"
DEMO_NAME = "上海演示商贸有限公司"


def write_demo_files(directory: Path) -> list[tuple[Path, Kind]]:
    """Write the demo statement in each layout, and a demo journal; return (path, kind) pairs."""
    directory.mkdir(parents=True, exist_ok=True)
    period = Period.month(2026, 10)
    lines = generate_bank_lines(120, seed=2026, start=date(2026, 10, 1))
    opening = Money(50_000_000)
    closing = Money(lines[-1].balance.fen if lines[-1].balance else 0)
    meta = StatementMeta(
        "demo",
        account=DEMO_ACCOUNT,
        account_name=DEMO_NAME,
        currency="CNY",
        period=period,
        opening_balance=opening,
        closing_balance=closing,
    )
    bank_files: dict[str, bytes] = {
        "standard.csv": render_standard_csv(lines, "utf-8-sig"),
        "icbc-export.csv": render_bank_export(
            "icbc", lines, account=DEMO_ACCOUNT, account_name=DEMO_NAME, period=period, encoding="gb18030"
        ),
        "ccb-export.xlsx": render_bank_export(
            "ccb", lines, account=DEMO_ACCOUNT, account_name=DEMO_NAME, period=period, file_type="xlsx"
        ),
        "cmb-export.csv": render_bank_export(
            "cmb", lines, account=DEMO_ACCOUNT, account_name=DEMO_NAME, period=period, encoding="gb18030"
        ),
        "alipay-bill.csv": render_alipay(lines[:40]),
        "wechat-bill.csv": render_wechat(lines[:40]),
        "statement.mt940": render_mt940(lines, meta),
        "statement.camt053.xml": render_camt053(lines, meta),
        "statement.ofx": render_ofx(lines, meta),
    }
    journal = generate_journal(period, vouchers=60, seed=2026)
    journal_files = {
        "journal-standard.csv": render_standard_journal(journal),
        "journal-kingdee.xlsx": render_kingdee(journal, file_type="xlsx"),
    }
    written: list[tuple[Path, Kind]] = []
    for name, data in bank_files.items():
        (directory / name).write_bytes(data)
        written.append((directory / name, "bank"))
    for name, data in journal_files.items():
        (directory / name).write_bytes(data)
        written.append((directory / name, "journal"))
    return written


def write_demo_month(directory: Path, seed: int = 2026) -> tuple[Path, Path, str, str]:
    """A generated client-month: (statement, journal, bank account code, book opening balance as text)."""
    month = generate_client_month(seed)
    bank, journal = month.write(directory)
    return bank, journal, month.account_code, format_fen(month.book_opening_fen)
