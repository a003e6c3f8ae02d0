"""One-time activation codes: a firm admin issues a code, never a password or a second factor; the person chooses
their own password and enrols their own authenticator with it. Firm-level (no row-level security).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hezhang.store import rls

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Client-scoped tables this revision adds (none: identity is firm-level).
CLIENT_SCOPED: dict[str, str] = {}

#: Firm-level tables this revision adds, with the application role's privileges (a code is used or revoked, never
#: deleted: its row says who issued it and when it was used).
FIRM_LEVEL: dict[str, str] = {"activations": "SELECT, INSERT, UPDATE"}


def upgrade() -> None:
    op.create_table(
        "activations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        sa.Column("new_password", sa.Boolean(), nullable=False),
        sa.Column("new_second_factor", sa.Boolean(), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_activations_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activations")),
    )
    op.create_index(op.f("ix_activations_user_id"), "activations", ["user_id"])
    if op.get_bind().dialect.name == "postgresql":
        for table, privileges in FIRM_LEVEL.items():
            op.execute(f"ALTER TABLE {table} OWNER TO {rls.OWNER_ROLE}")
            op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
            op.execute(f"GRANT {privileges} ON {table} TO {rls.APP_ROLE}")


def downgrade() -> None:
    op.drop_index(op.f("ix_activations_user_id"), table_name="activations")
    op.drop_table("activations")
