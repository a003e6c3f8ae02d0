"""The destruction register (销毁清册): what was destroyed, when, approved by whom, destroyed by whom. Permanent.

`client_id` has no foreign key: an entry outlives the client it speaks of. The application role may insert and
read entries, never change or delete them (see the first migration).

Destruction requests: expired records proposed for destruction by one person and approved (then destroyed) by
another (migration 0002).
"""

from __future__ import annotations

from sqlalchemy import JSON, Date, Integer, String, Table, Text, Uuid

from hezhang.privacy.classes import DataClass
from hezhang.store.tables.base import (
    CLIENT_COLUMN,
    client_column,
    col,
    id_column,
    metadata,
    retention_columns,
    timestamp,
    user_ref,
)

destruction_register = Table(
    "destruction_register",
    metadata,
    id_column(),
    client_column(foreign_key=False),
    #: What was destroyed, without any S2 value: record table, archive type, period, counts.
    col("what", Text(), DataClass.S1, nullable=False),
    col("record_table", String(64), DataClass.S0, nullable=False),
    col("record_count", Integer(), DataClass.S0, nullable=False),
    col("record_archive_type", String(32), DataClass.S0),
    col("record_retain_until", String(10), DataClass.S0),
    user_ref("approved_by"),
    timestamp("approved_at"),
    user_ref("destroyed_by"),
    timestamp("destroyed_at", nullable=False, now=True),
    *retention_columns(),  # always "register_permanent", retain_until null
    user_ref("requested_by"),  # 0002
    col("request_id", Uuid(), DataClass.S0),  # 0002: the destruction request approved
    info={CLIENT_COLUMN: "client_id"},
)

#: A proposal to destroy a client's expired records (status pending -> destroyed or withdrawn). The scope is the
#: client's records whose retention ended before `cutoff` (the request day), optionally limited to some record
#: tables (`scope_tables`, comma-separated) or records (`scope_records`, a JSON list of ids).
destruction_requests = Table(
    "destruction_requests",
    metadata,
    id_column(),
    client_column(),
    col("scope_tables", String(200), DataClass.S0),
    col("scope_records", JSON(), DataClass.S0),
    col("cutoff", Date(), DataClass.S0, nullable=False),
    col("status", String(16), DataClass.S0, nullable=False, default="pending"),  # pending, destroyed, withdrawn
    user_ref("requested_by"),
    timestamp("requested_at", nullable=False, now=True),
    user_ref("decided_by"),
    timestamp("decided_at"),
    info={CLIENT_COLUMN: "client_id"},
)
