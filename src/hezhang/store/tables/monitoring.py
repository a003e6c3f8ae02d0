"""Alerts: what monitoring of access found worth a person's look (too many reveals, and what follows)."""

from __future__ import annotations

from sqlalchemy import String, Table, Text, Uuid

from hezhang.privacy.classes import DataClass
from hezhang.store.tables.base import col, id_column, metadata, timestamp, user_ref

#: Firm-level: an alert names the user and, when there is one, the client; never client data itself.
alerts = Table(
    "alerts",
    metadata,
    id_column(),
    timestamp("raised_at", nullable=False, now=True),
    col("kind", String(32), DataClass.S0, nullable=False),  # reveal_rate, ...
    user_ref("user_name"),
    col("user_id", Uuid(), DataClass.S0),
    col("client_id", Uuid(), DataClass.S0),
    col("detail", Text(), DataClass.S0, nullable=False),
    col("status", String(16), DataClass.S0, nullable=False, default="open"),  # open, closed
    user_ref("closed_by"),
    timestamp("closed_at"),
)
