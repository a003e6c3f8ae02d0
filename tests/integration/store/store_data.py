"""Store test data: clients with an account, a statement and a journal. S2 values are stand-in ciphertext bytes
(the store only checks that they are bytes; encryption is the services' business)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Engine

from hezhang.store.records import BankAccount, Client, JournalImport, StatementImport
from hezhang.store.tables import new_id
from hezhang.store.uow import UnitOfWork


def sealed(text: str) -> bytes:
    return b"ct:" + text.encode()


def bank_line_rows(n: int) -> list[dict[str, Any]]:
    return [
        {
            "row": i + 1,
            "source_row": i + 2,
            "date": date(2026, 10, 1) + timedelta(days=i % 28),
            "direction": "in" if i % 2 else "out",
            "amount": 10_000 + i,
            "currency": "CNY",
            "balance": 1_000_000 + i,
            "counterparty_name": sealed(f"张三{i}"),
            "counterparty_name_bi": hashlib.sha256(f"张三{i}".encode()).digest(),
            "counterparty_account": sealed(f"62220200000{i:05d}"),
            "memo": sealed("货款"),
            "bank_ref": f"REF{i:06d}",
            "fingerprint": hashlib.sha256(f"bank line {i}".encode()).digest()[:16],
        }
        for i in range(n)
    ]


def ledger_line_rows(n: int) -> list[dict[str, Any]]:
    return [
        {
            "row": i + 1,
            "date": date(2026, 10, 1) + timedelta(days=i % 28),
            "voucher_no": f"记-{i:04d}",
            "account_code": "100201",
            "direction": "out" if i % 2 else "in",
            "amount": 10_000 + i,
            "memo": sealed("收货款"),
            "contra_accounts": sealed("1122"),
            "fingerprint": hashlib.sha256(f"ledger line {i}".encode()).digest()[:16],
        }
        for i in range(n)
    ]


@dataclass(frozen=True)
class Seeded:
    client_id: UUID
    account_id: UUID
    statement_id: UUID
    journal_id: UUID


def seed_client(engine: Engine, name: str = "某某贸易有限公司", lines: int = 5) -> Seeded:
    """A client with a bank account, a statement of `lines` lines and a journal, committed."""
    client_id = new_id()
    with UnitOfWork(engine, {client_id}) as uow:
        uow.clients.add(Client(id=client_id, name=name, uscc="91310000MA1K00000X", contact_phone=sealed("13800001234")))
        account_id = uow.bank_accounts.add(
            BankAccount(client_id=client_id, account_number=sealed("6222020000001234"), account_number_bi=b"bi-1234")
        )
        raw = b"statement file"
        statement_id = uow.imports.add_statement(
            StatementImport(
                client_id=client_id,
                bank_account_id=account_id,
                raw_file=sealed("statement file"),
                sha256=hashlib.sha256(raw).hexdigest(),
                format="icbc_xlsx",
                line_count=lines,
                period="2026-10",
                file_name=sealed("工行流水.xlsx"),
            ),
            bank_line_rows(lines),
        )
        journal_id = uow.imports.add_journal(
            JournalImport(
                client_id=client_id,
                raw_file=sealed("journal file"),
                sha256=hashlib.sha256(b"journal").hexdigest(),
                format="standard",
                line_count=lines,
                period="2026-10",
            ),
            ledger_line_rows(lines),
        )
    return Seeded(client_id, account_id, statement_id, journal_id)
