"""The initial schema; on PostgreSQL also the owner and application roles and row-level security.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 17:47:53.720331
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hezhang.store import rls

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _create_tables()
    if op.get_bind().dialect.name == "postgresql":
        _protect()


def _create_tables() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("contact_name", sa.LargeBinary(), nullable=True),
        sa.Column("contact_phone", sa.LargeBinary(), nullable=True),
        sa.Column("contact_email", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
    )
    op.create_table(
        "destruction_register",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("record_table", sa.String(length=64), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("record_archive_type", sa.String(length=32), nullable=True),
        sa.Column("record_retain_until", sa.String(length=10), nullable=True),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("destroyed_by", sa.String(length=64), nullable=True),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archive_type", sa.String(length=32), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_destruction_register")),
    )
    op.create_index(op.f("ix_destruction_register_client_id"), "destruction_register", ["client_id"])
    op.create_table(
        "aliases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("core_name", sa.LargeBinary(), nullable=False),
        sa.Column("core_name_bi", sa.LargeBinary(), nullable=True),
        sa.Column("alias", sa.LargeBinary(), nullable=True),
        sa.Column("alias_bi", sa.LargeBinary(), nullable=True),
        sa.Column("payee_account", sa.String(length=40), nullable=True),
        sa.Column("confirmed_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_aliases_client_id_clients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aliases")),
    )
    op.create_index(op.f("ix_aliases_alias_bi"), "aliases", ["alias_bi"])
    op.create_index(op.f("ix_aliases_client_id"), "aliases", ["client_id"])
    op.create_index(op.f("ix_aliases_core_name_bi"), "aliases", ["core_name_bi"])
    op.create_table(
        "bank_accounts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("account_number", sa.LargeBinary(), nullable=False),
        sa.Column("account_number_bi", sa.LargeBinary(), nullable=True),
        sa.Column("bank_name", sa.String(length=100), nullable=True),
        sa.Column("ledger_account_code", sa.String(length=32), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_bank_accounts_client_id_clients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_accounts")),
        sa.UniqueConstraint(
            "client_id", "account_number_bi", name=op.f("uq_bank_accounts_client_id_account_number_bi")
        ),
    )
    op.create_index(op.f("ix_bank_accounts_account_number_bi"), "bank_accounts", ["account_number_bi"])
    op.create_index(op.f("ix_bank_accounts_client_id"), "bank_accounts", ["client_id"])
    op.create_table(
        "client_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("algorithm", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_client_keys_client_id_clients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_keys")),
    )
    op.create_index(op.f("ix_client_keys_client_id"), "client_keys", ["client_id"])
    op.create_table(
        "deletion_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_deletion_requests_client_id_clients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deletion_requests")),
    )
    op.create_index(op.f("ix_deletion_requests_client_id"), "deletion_requests", ["client_id"])
    op.create_table(
        "journal_imports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("raw_file", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.LargeBinary(), nullable=True),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("encoding", sa.String(length=40), nullable=True),
        sa.Column("period", sa.String(length=32), nullable=True),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archive_type", sa.String(length=32), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_journal_imports_client_id_clients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_imports")),
    )
    op.create_index(op.f("ix_journal_imports_client_id"), "journal_imports", ["client_id"])
    op.create_index(op.f("ix_journal_imports_sha256"), "journal_imports", ["sha256"])
    op.create_table(
        "ledger_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("counterparty_name", sa.LargeBinary(), nullable=True),
        sa.Column("counterparty_name_bi", sa.LargeBinary(), nullable=True),
        sa.Column("memo", sa.LargeBinary(), nullable=True),
        sa.Column("settlement_method", sa.String(length=40), nullable=True),
        sa.Column("voucher_no", sa.String(length=40), nullable=True),
        sa.Column("entry_no", sa.BigInteger(), nullable=True),
        sa.Column("account_code", sa.String(length=40), nullable=True),
        sa.Column("account_name", sa.String(length=200), nullable=True),
        sa.Column("contra_accounts", sa.LargeBinary(), nullable=True),
        sa.Column("settlement_no", sa.String(length=64), nullable=True),
        sa.Column("preparer", sa.LargeBinary(), nullable=True),
        sa.Column("archive_type", sa.String(length=32), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_ledger_lines_client_id_clients")),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["journal_imports.id"],
            name=op.f("fk_ledger_lines_import_id_journal_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_lines")),
        sa.UniqueConstraint("import_id", "row", name=op.f("uq_ledger_lines_import_id_row")),
    )
    op.create_index(op.f("ix_ledger_lines_account_code"), "ledger_lines", ["account_code"])
    op.create_index(op.f("ix_ledger_lines_client_id"), "ledger_lines", ["client_id"])
    op.create_index(op.f("ix_ledger_lines_counterparty_name_bi"), "ledger_lines", ["counterparty_name_bi"])
    op.create_table(
        "statement_imports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("raw_file", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.LargeBinary(), nullable=True),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("encoding", sa.String(length=40), nullable=True),
        sa.Column("period", sa.String(length=32), nullable=True),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archive_type", sa.String(length=32), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=True),
        sa.Column("bank_account_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("opening_balance", sa.BigInteger(), nullable=True),
        sa.Column("closing_balance", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bank_account_id"], ["bank_accounts.id"], name=op.f("fk_statement_imports_bank_account_id_bank_accounts")
        ),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_statement_imports_client_id_clients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_imports")),
    )
    op.create_index(op.f("ix_statement_imports_bank_account_id"), "statement_imports", ["bank_account_id"])
    op.create_index(op.f("ix_statement_imports_client_id"), "statement_imports", ["client_id"])
    op.create_index(op.f("ix_statement_imports_sha256"), "statement_imports", ["sha256"])
    op.create_table(
        "bank_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("counterparty_name", sa.LargeBinary(), nullable=True),
        sa.Column("counterparty_name_bi", sa.LargeBinary(), nullable=True),
        sa.Column("memo", sa.LargeBinary(), nullable=True),
        sa.Column("settlement_method", sa.String(length=40), nullable=True),
        sa.Column("time", sa.Time(), nullable=True),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column("balance", sa.BigInteger(), nullable=True),
        sa.Column("counterparty_account", sa.LargeBinary(), nullable=True),
        sa.Column("counterparty_account_bi", sa.LargeBinary(), nullable=True),
        sa.Column("counterparty_bank", sa.LargeBinary(), nullable=True),
        sa.Column("bank_ref", sa.String(length=64), nullable=True),
        sa.Column("instrument_no", sa.String(length=64), nullable=True),
        sa.Column("account", sa.LargeBinary(), nullable=True),
        sa.Column("archive_type", sa.String(length=32), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_bank_lines_client_id_clients")),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["statement_imports.id"],
            name=op.f("fk_bank_lines_import_id_statement_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_lines")),
        sa.UniqueConstraint("import_id", "row", name=op.f("uq_bank_lines_import_id_row")),
    )
    op.create_index(op.f("ix_bank_lines_client_id"), "bank_lines", ["client_id"])
    op.create_index(op.f("ix_bank_lines_counterparty_account_bi"), "bank_lines", ["counterparty_account_bi"])
    op.create_index(op.f("ix_bank_lines_counterparty_name_bi"), "bank_lines", ["counterparty_name_bi"])
    op.create_table(
        "reconciliations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("bank_account_id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("preparer", sa.String(length=64), nullable=True),
        sa.Column("reviewer", sa.String(length=64), nullable=True),
        sa.Column("statement_import_id", sa.Uuid(), nullable=True),
        sa.Column("journal_import_id", sa.Uuid(), nullable=True),
        sa.Column("statement", sa.JSON(), nullable=True),
        sa.Column("statement_private", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archive_type", sa.String(length=32), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bank_account_id"], ["bank_accounts.id"], name=op.f("fk_reconciliations_bank_account_id_bank_accounts")
        ),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_reconciliations_client_id_clients")),
        sa.ForeignKeyConstraint(
            ["journal_import_id"],
            ["journal_imports.id"],
            name=op.f("fk_reconciliations_journal_import_id_journal_imports"),
        ),
        sa.ForeignKeyConstraint(
            ["statement_import_id"],
            ["statement_imports.id"],
            name=op.f("fk_reconciliations_statement_import_id_statement_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliations")),
        sa.UniqueConstraint(
            "client_id", "bank_account_id", "period", name=op.f("uq_reconciliations_client_id_bank_account_id_period")
        ),
    )
    op.create_index(op.f("ix_reconciliations_client_id"), "reconciliations", ["client_id"])
    op.create_table(
        "matches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("reconciliation_id", sa.Uuid(), nullable=True),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("difference_fen", sa.BigInteger(), nullable=False),
        sa.Column("bank_rows", sa.JSON(), nullable=False),
        sa.Column("ledger_rows", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.String(length=200), nullable=True),
        sa.Column("confirmed_by", sa.String(length=64), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.Column("archive_type", sa.String(length=32), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_matches_client_id_clients")),
        sa.ForeignKeyConstraint(
            ["reconciliation_id"],
            ["reconciliations.id"],
            name=op.f("fk_matches_reconciliation_id_reconciliations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matches")),
        sa.UniqueConstraint("reconciliation_id", "match_id", name=op.f("uq_matches_reconciliation_id_match_id")),
    )
    op.create_index(op.f("ix_matches_client_id"), "matches", ["client_id"])
    op.create_table(
        "outstanding_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("reconciliation_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("memo", sa.LargeBinary(), nullable=True),
        sa.Column("counterparty", sa.LargeBinary(), nullable=True),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("bank_row", sa.Integer(), nullable=True),
        sa.Column("ledger_row", sa.Integer(), nullable=True),
        sa.Column("match_id", sa.Integer(), nullable=True),
        sa.Column("carried", sa.Boolean(), nullable=False),
        sa.Column("since", sa.String(length=32), nullable=True),
        sa.Column("archive_type", sa.String(length=32), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_outstanding_items_client_id_clients")),
        sa.ForeignKeyConstraint(
            ["reconciliation_id"],
            ["reconciliations.id"],
            name=op.f("fk_outstanding_items_reconciliation_id_reconciliations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outstanding_items")),
    )
    op.create_index(op.f("ix_outstanding_items_client_id"), "outstanding_items", ["client_id"])
    op.create_index(op.f("ix_outstanding_items_reconciliation_id"), "outstanding_items", ["reconciliation_id"])


#: Client-scoped tables and their client column, frozen as of this revision.
CLIENT_SCOPED = {
    "clients": "id",
    "bank_accounts": "client_id",
    "client_keys": "client_id",
    "deletion_requests": "client_id",
    "statement_imports": "client_id",
    "journal_imports": "client_id",
    "bank_lines": "client_id",
    "ledger_lines": "client_id",
    "reconciliations": "client_id",
    "matches": "client_id",
    "outstanding_items": "client_id",
    "aliases": "client_id",
    "destruction_register": "client_id",
}

#: Kept permanently: the application may add entries, never change or remove them.
APPEND_ONLY = {"destruction_register"}


def _protect() -> None:
    for statement in rls.role_statements():
        op.execute(statement)
    for table, column in CLIENT_SCOPED.items():
        for statement in rls.protect_table(table, column, append_only=table in APPEND_ONLY):
            op.execute(statement)


def downgrade() -> None:
    # Roles are cluster-wide and may serve other databases: they stay. Policies go with their tables.
    for table in reversed(list(CLIENT_SCOPED_ORDER)):
        op.drop_table(table)


#: Creation order (parents first); downgrade drops in reverse.
CLIENT_SCOPED_ORDER = (
    "clients",
    "destruction_register",
    "aliases",
    "bank_accounts",
    "client_keys",
    "deletion_requests",
    "journal_imports",
    "ledger_lines",
    "statement_imports",
    "bank_lines",
    "reconciliations",
    "matches",
    "outstanding_items",
)
