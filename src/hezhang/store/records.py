"""Records the repositories take and return. Field names are column names; S2 fields hold ciphertext bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from hezhang.store.tables.base import new_id, utcnow


@dataclass(frozen=True, slots=True)
class Client:
    name: str
    uscc: str | None = None
    contact_name: bytes | None = None  # S2, sealed
    contact_phone: bytes | None = None  # S2, sealed
    contact_email: bytes | None = None  # S2, sealed
    status: str = "active"
    id: UUID = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class BankAccount:
    client_id: UUID
    account_number: bytes  # S2, sealed
    account_number_bi: bytes | None = None
    bank_name: str | None = None
    ledger_account_code: str | None = None
    currency: str = "CNY"
    id: UUID = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class StatementImport:
    client_id: UUID
    bank_account_id: UUID
    raw_file: bytes  # S2, sealed
    sha256: str
    format: str
    line_count: int
    period: str | None = None
    file_name: bytes | None = None  # S2, sealed
    encoding: str | None = None
    currency: str | None = None
    opening_balance: int | None = None
    closing_balance: int | None = None
    gaps: list[dict[str, Any]] | None = None  # the file's own balances that disagree (S1)
    duplicate_lines: int = 0
    imported_by: str | None = None
    id: UUID = field(default_factory=new_id)
    imported_at: datetime = field(default_factory=utcnow)
    archive_type: str | None = None  # filled by the repository when None
    retain_until: date | None = None  # filled by the repository from the period when archive_type is None


@dataclass(frozen=True, slots=True)
class JournalImport:
    client_id: UUID
    raw_file: bytes  # S2, sealed
    sha256: str
    format: str
    line_count: int
    period: str | None = None
    file_name: bytes | None = None  # S2, sealed
    encoding: str | None = None
    duplicate_lines: int = 0
    imported_by: str | None = None
    id: UUID = field(default_factory=new_id)
    imported_at: datetime = field(default_factory=utcnow)
    archive_type: str | None = None
    retain_until: date | None = None


@dataclass(frozen=True, slots=True)
class Reconciliation:
    client_id: UUID
    bank_account_id: UUID
    period: str
    version: int = 1
    superseded_by: UUID | None = None
    status: str = "draft"
    preparer: str | None = None
    reviewer: str | None = None
    carried_from: UUID | None = None
    statement: dict[str, Any] | None = None  # no S2 value inside
    statement_private: bytes | None = None  # S2, sealed
    gaps_acknowledged_by: str | None = None
    gaps_acknowledged_at: datetime | None = None
    gaps_reason: bytes | None = None  # S2, sealed
    id: UUID = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    archive_type: str | None = None
    retain_until: date | None = None


@dataclass(frozen=True, slots=True)
class Alias:
    client_id: UUID
    core_name: bytes  # S2, sealed
    core_name_bi: bytes | None = None
    alias: bytes | None = None  # S2, sealed
    alias_bi: bytes | None = None
    payee_account: bytes | None = None  # S2, sealed
    confirmed_by: str | None = None
    id: UUID = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
