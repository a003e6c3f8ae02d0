"""The destruction register (销毁清册): what was destroyed, when, approved by whom, destroyed by whom. Permanent.

`client_id` has no foreign key: an entry outlives the client it speaks of. The application role may insert and
read entries, never change or delete them (see the first migration).
"""

from __future__ import annotations

from sqlalchemy import Integer, String, Table, Text

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
    info={CLIENT_COLUMN: "client_id"},
)
