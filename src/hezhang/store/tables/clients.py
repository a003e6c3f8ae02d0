"""Clients (客户), their bank accounts, their data keys, and deletion requests (with the freeze they cause)."""

from __future__ import annotations

from sqlalchemy import Integer, LargeBinary, String, Table, UniqueConstraint

from hezhang.privacy.classes import DataClass
from hezhang.store.tables.base import (
    CLIENT_COLUMN,
    blind_index,
    client_column,
    col,
    id_column,
    metadata,
    sealed,
    timestamp,
    user_ref,
)

#: A client row is its own scope: row-level security compares `id`.
clients = Table(
    "clients",
    metadata,
    id_column(),
    col("name", String(200), DataClass.S1, nullable=False),  # a company's name is public business information
    col("uscc", String(18), DataClass.S1),  # 统一社会信用代码: public business information
    sealed("contact_name", mask="person_name"),
    sealed("contact_phone", mask="mobile"),
    sealed("contact_email", mask="email"),
    col("status", String(16), DataClass.S0, nullable=False, default="active"),  # active, frozen, offboarded
    timestamp("created_at", nullable=False, now=True),
    info={CLIENT_COLUMN: "id"},
)

bank_accounts = Table(
    "bank_accounts",
    metadata,
    id_column(),
    client_column(),
    sealed("account_number", mask="account", nullable=False),
    blind_index("account_number"),
    col("bank_name", String(100), DataClass.S1),
    col("ledger_account_code", String(32), DataClass.S1),  # 1002xx
    col("currency", String(3), DataClass.S1, nullable=False, default="CNY"),
    timestamp("created_at", nullable=False, now=True),
    UniqueConstraint("client_id", "account_number_bi"),
    info={CLIENT_COLUMN: "client_id"},
)

#: A client's data key, wrapped by the keyring's key-encryption key of `key_version`.
#: Destroying it (`destroyed_at` set, `wrapped_key` cleared) shreds every S2 value of the client.
client_keys = Table(
    "client_keys",
    metadata,
    id_column(),
    client_column(),
    col("key_version", Integer(), DataClass.S0, nullable=False),
    col("wrapped_key", LargeBinary(), DataClass.S3),
    col("algorithm", String(32), DataClass.S0, nullable=False),
    timestamp("created_at", nullable=False, now=True),
    timestamp("destroyed_at"),
    info={CLIENT_COLUMN: "client_id"},
)

#: A client's deletion request; during retention it freezes the data to storage only (PIPL Art. 47(2)).
deletion_requests = Table(
    "deletion_requests",
    metadata,
    id_column(),
    client_column(),
    timestamp("requested_at", nullable=False, now=True),
    user_ref("requested_by"),
    col("status", String(16), DataClass.S0, nullable=False, default="frozen"),  # frozen, revoked, completed
    sealed("reason"),
    timestamp("decided_at"),
    user_ref("decided_by"),
    info={CLIENT_COLUMN: "client_id"},
)
