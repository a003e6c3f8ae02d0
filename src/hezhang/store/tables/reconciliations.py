"""Reconciliations per bank account and period, their matches, outstanding items, and learned aliases."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Table, UniqueConstraint, Uuid

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

#: Status of a reconciliation: draft -> prepared (制单) -> reviewed (复核) -> locked.
RECONCILIATION_STATUSES = ("draft", "prepared", "reviewed", "locked")

reconciliations = Table(
    "reconciliations",
    metadata,
    id_column(),
    client_column(),
    col("bank_account_id", Uuid(), DataClass.S0, ForeignKey("bank_accounts.id"), nullable=False),
    col("period", String(32), DataClass.S1, nullable=False),
    #: Versions of one account's period: a new version never changes an earlier one (its status stays).
    col("version", Integer(), DataClass.S0, nullable=False, default=1),
    #: The version that replaced this one (None: this is the period's current version).
    col("superseded_by", Uuid(), DataClass.S0),
    col("status", String(16), DataClass.S0, nullable=False, default="draft"),
    user_ref("preparer"),
    user_ref("reviewer"),
    #: The previous period's version whose outstanding items were carried in.
    col("carried_from", Uuid(), DataClass.S0),
    #: The 余额调节表 as JSON with S0/S1 values only (balances, totals, item kinds, amounts, dates, rows).
    col("statement", JSON(), DataClass.S1),
    #: The full statement JSON (memos, counterparties), sealed.
    sealed("statement_private"),
    #: Who acknowledged that the statement's own balances disagree (its gaps), when, and why (sealed).
    user_ref("gaps_acknowledged_by"),
    timestamp("gaps_acknowledged_at"),
    sealed("gaps_reason"),
    timestamp("created_at", nullable=False, now=True),
    timestamp("updated_at", nullable=False, now=True),
    *retention_columns(),
    UniqueConstraint("client_id", "bank_account_id", "period", "version"),
    info={CLIENT_COLUMN: "client_id"},
)

#: The stored lines a reconciliation version was made from, in the order its rows number them (1, 2, ...).
reconciliation_lines = Table(
    "reconciliation_lines",
    metadata,
    id_column(),
    client_column(),
    col(
        "reconciliation_id", Uuid(), DataClass.S0, ForeignKey("reconciliations.id", ondelete="CASCADE"), nullable=False
    ),
    col("side", String(8), DataClass.S0, nullable=False),  # "bank" or "ledger"
    col("ordinal", Integer(), DataClass.S0, nullable=False),
    col("bank_line_id", Uuid(), DataClass.S0, ForeignKey("bank_lines.id"), index=True),
    col("ledger_line_id", Uuid(), DataClass.S0, ForeignKey("ledger_lines.id"), index=True),
    *retention_columns(),
    UniqueConstraint("reconciliation_id", "side", "ordinal"),
    info={CLIENT_COLUMN: "client_id"},
)

#: One match of the engine or of a person. Rows are the reconciliation's row ordinals (`reconciliation_lines`).
matches = Table(
    "matches",
    metadata,
    id_column(),
    client_column(),
    col("reconciliation_id", Uuid(), DataClass.S0, ForeignKey("reconciliations.id", ondelete="CASCADE")),
    col("match_id", Integer(), DataClass.S0, nullable=False),
    col("status", String(16), DataClass.S0, nullable=False),  # auto, suggested, confirmed, rejected, manual
    col("rule", String(64), DataClass.S0, nullable=False),
    col("confidence", Float(), DataClass.S0, nullable=False, default=0.0),
    fen("difference_fen", nullable=False),
    col("bank_rows", JSON(), DataClass.S1, nullable=False),
    col("ledger_rows", JSON(), DataClass.S1, nullable=False),
    col("evidence", String(200), DataClass.S0),  # evidence codes separated by commas
    user_ref("confirmed_by"),
    timestamp("confirmed_at"),
    sealed("reason"),  # why a person unmatched or matched by hand (free text)
    *retention_columns(),
    UniqueConstraint("reconciliation_id", "match_id"),
    info={CLIENT_COLUMN: "client_id"},
)

#: A 未达账项 at period end. `source` is "bank", "ledger" or "match" (a difference of a match).
outstanding_items = Table(
    "outstanding_items",
    metadata,
    id_column(),
    client_column(),
    col("reconciliation_id", Uuid(), DataClass.S0, ForeignKey("reconciliations.id", ondelete="CASCADE"), index=True),
    col("kind", String(32), DataClass.S1, nullable=False),
    fen("amount_fen", nullable=False),
    col("date", Date(), DataClass.S1, nullable=False),
    sealed("memo", mask="free_text"),
    sealed("counterparty", mask="name"),
    col("source", String(8), DataClass.S1, nullable=False),
    col("bank_row", Integer(), DataClass.S0),
    col("ledger_row", Integer(), DataClass.S0),
    col("match_id", Integer(), DataClass.S0),
    col("carried", Boolean(), DataClass.S0, nullable=False, default=False),
    col("since", String(32), DataClass.S1),  # the period the item first appeared in
    *retention_columns(),
    info={CLIENT_COLUMN: "client_id"},
)

#: A learned alias: how the bookkeeper writes a counterparty (`core_name`) in ledger memos (`alias`).
aliases = Table(
    "aliases",
    metadata,
    id_column(),
    client_column(),
    sealed("core_name", mask="name", nullable=False),
    blind_index("core_name", domain="counterparty_name"),
    sealed("alias", mask="name"),
    blind_index("alias", domain="counterparty_name"),
    sealed("payee_account", mask="free_text"),  # the other side's ledger account (应付账款-王某某 names a person)
    user_ref("confirmed_by"),
    timestamp("created_at", nullable=False, now=True),
    info={CLIENT_COLUMN: "client_id"},
)
