"""Statement and journal imports: the raw file (sealed), its hash, and the parsed lines.

Line columns follow `BANK_SCHEMA` / `LEDGER_SCHEMA` of `hezhang.domain.frames`. A sealed value's row id (for the
associated data) is the line's `id`.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Time,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.sql.schema import SchemaItem

from hezhang.privacy.classes import DataClass
from hezhang.store.tables.base import (
    CLIENT_COLUMN,
    blind_index,
    client_column,
    col,
    fen,
    id_column,
    metadata,
    retention_columns,
    sealed,
    timestamp,
    user_ref,
)


def _import_columns() -> list[SchemaItem]:
    return [
        id_column(),
        client_column(),
        sealed("raw_file", nullable=False),
        col("sha256", String(64), DataClass.S0, nullable=False, index=True),
        sealed("file_name", mask="file_name"),
        col("format", String(40), DataClass.S0, nullable=False),
        col("encoding", String(40), DataClass.S0),
        col("period", String(32), DataClass.S1),  # "2026-10" or "2026-10-01..2026-10-31"
        col("line_count", Integer(), DataClass.S0, nullable=False),
        #: Lines of the file already stored by an earlier import (an overlapping export): not stored again.
        col("duplicate_lines", Integer(), DataClass.S0, nullable=False, default=0),
        user_ref("imported_by"),
        timestamp("imported_at", nullable=False, now=True),
        *retention_columns(),
    ]


statement_imports = Table(
    "statement_imports",
    metadata,
    *_import_columns(),
    col("bank_account_id", Uuid(), DataClass.S0, ForeignKey("bank_accounts.id"), nullable=False, index=True),
    col("currency", String(3), DataClass.S1),
    fen("opening_balance"),
    fen("closing_balance"),
    #: Where the file's own balances disagree (`domain.gap.BalanceGap` as JSON: account masked, rows, fen).
    col("gaps", JSON(), DataClass.S1),
    info={CLIENT_COLUMN: "client_id"},
)

journal_imports = Table(
    "journal_imports",
    metadata,
    *_import_columns(),
    info={CLIENT_COLUMN: "client_id"},
)


def _line_head(import_table: str) -> list[SchemaItem]:
    return [
        id_column(),
        client_column(),
        col("import_id", Uuid(), DataClass.S0, ForeignKey(f"{import_table}.id", ondelete="CASCADE"), nullable=False),
        col("row", Integer(), DataClass.S0, nullable=False),
        col("source_row", Integer(), DataClass.S0),
        col("date", Date(), DataClass.S1, nullable=False),
        col("direction", String(3), DataClass.S1, nullable=False),  # "in" / "out"
        fen("amount", nullable=False),
        col("currency", String(3), DataClass.S1, nullable=False, default="CNY"),
        sealed("counterparty_name", mask="name"),
        blind_index("counterparty_name"),
        sealed("memo", mask="free_text"),
        col("settlement_method", String(40), DataClass.S1),
        #: The line's identity (HMAC under the client's key), to find a line imported twice (`store.line_identity`).
        col("fingerprint", LargeBinary(), DataClass.S1, nullable=False, index=True),
        UniqueConstraint("import_id", "row"),
    ]


bank_lines = Table(
    "bank_lines",
    metadata,
    *_line_head("statement_imports"),
    col("time", Time(), DataClass.S1),
    col("value_date", Date(), DataClass.S1),
    fen("balance"),
    sealed("counterparty_account", mask="account"),
    blind_index("counterparty_account"),
    sealed("counterparty_bank"),
    col("bank_ref", String(64), DataClass.S1),  # a bank serial is not personal
    col("instrument_no", String(64), DataClass.S1),
    sealed("account", mask="account"),  # the client's own account number as the file shows it
    *retention_columns(),
    info={CLIENT_COLUMN: "client_id"},
)

ledger_lines = Table(
    "ledger_lines",
    metadata,
    *_line_head("journal_imports"),
    col("voucher_no", String(40), DataClass.S1),
    col("entry_no", BigInteger(), DataClass.S1),
    col("account_code", String(40), DataClass.S1, index=True),
    sealed("account_name", mask="account_name"),  # 应收账款-王某某: an auxiliary account may name a person
    sealed("contra_accounts", mask="contra_accounts"),
    col("settlement_no", String(64), DataClass.S1),
    sealed("preparer", mask="person_name"),  # a person's name as written in the journal
    *retention_columns(),
    info={CLIENT_COLUMN: "client_id"},
)
