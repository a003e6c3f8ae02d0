"""Alerts raised by the monitoring of access (too many reveals), and an index for counting a user's recent events.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hezhang.store import rls

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Client-scoped tables this revision adds (none: an alert names a client but holds none of its data).
CLIENT_SCOPED: dict[str, str] = {}

#: Firm-level tables this revision adds, with the application role's privileges (an alert is closed, not deleted).
FIRM_LEVEL: dict[str, str] = {"alerts": "SELECT, INSERT, UPDATE"}


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    op.create_index("ix_audit_events_actor_action_at", "audit_events", ["actor", "action", "at"])
    if op.get_bind().dialect.name == "postgresql":
        for table, privileges in FIRM_LEVEL.items():
            op.execute(f"ALTER TABLE {table} OWNER TO {rls.OWNER_ROLE}")
            op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
            op.execute(f"GRANT {privileges} ON {table} TO {rls.APP_ROLE}")


def downgrade() -> None:
    op.drop_index("ix_audit_events_actor_action_at", table_name="audit_events")
    op.drop_table("alerts")
