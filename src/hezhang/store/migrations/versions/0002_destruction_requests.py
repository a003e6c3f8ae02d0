"""Destruction requests (proposed by one person, approved by another) and who requested each register entry.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 18:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hezhang.store import rls

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Client-scoped tables this revision adds, with their client column (row-level security on PostgreSQL).
CLIENT_SCOPED = {"destruction_requests": "client_id"}


def upgrade() -> None:
    op.create_table(
        "destruction_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("scope_tables", sa.String(length=200), nullable=True),
        sa.Column("scope_records", sa.JSON(), nullable=True),
        sa.Column("cutoff", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_destruction_requests_client_id_clients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_destruction_requests")),
    )
    op.create_index(op.f("ix_destruction_requests_client_id"), "destruction_requests", ["client_id"])
    with op.batch_alter_table("destruction_register") as batch:
        batch.add_column(sa.Column("requested_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("request_id", sa.Uuid(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        for table, column in CLIENT_SCOPED.items():
            for statement in rls.protect_table(table, column):
                op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table("destruction_register") as batch:
        batch.drop_column("request_id")
        batch.drop_column("requested_by")
    op.drop_index(op.f("ix_destruction_requests_client_id"), table_name="destruction_requests")
    op.drop_table("destruction_requests")
