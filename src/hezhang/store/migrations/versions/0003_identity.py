"""Staff identity and registers: departments, users, recovery codes, assignments, confidentiality agreements,
training records, sessions and login failures. Firm-level tables (no row-level security); on PostgreSQL they
belong to the owner role and the application role gets only what it needs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from hezhang.store import rls

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Client-scoped tables this revision adds (none: identity is firm-level).
CLIENT_SCOPED: dict[str, str] = {}

#: Firm-level tables this revision adds, with the application role's privileges on each. The registers of
#: agreements and training are append-only: a record of what someone signed or completed is never changed.
FIRM_LEVEL: dict[str, str] = {
    "departments": "SELECT, INSERT, UPDATE",
    "users": "SELECT, INSERT, UPDATE",
    "recovery_codes": "SELECT, INSERT, UPDATE, DELETE",
    "assignments": "SELECT, INSERT, UPDATE",
    "confidentiality_agreements": "SELECT, INSERT",
    "training_records": "SELECT, INSERT",
    "sessions": "SELECT, INSERT, UPDATE, DELETE",
    "login_failures": "SELECT, INSERT, UPDATE, DELETE",
}


def _timestamp(name: str, *, nullable: bool = True) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "departments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        _timestamp("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("name", name=op.f("uq_departments_name")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("totp_secret", sa.LargeBinary(), nullable=True),
        sa.Column("totp_key", sa.LargeBinary(), nullable=True),
        sa.Column("totp_key_version", sa.Integer(), nullable=True),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        _timestamp("mfa_enrolled_at"),
        _timestamp("password_changed_at"),
        _timestamp("created_at", nullable=False),
        _timestamp("disabled_at"),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_users_client_id_clients")),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], name=op.f("fk_users_department_id_departments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_index(op.f("ix_users_client_id"), "users", ["client_id"])
    op.create_index(op.f("ix_users_department_id"), "users", ["department_id"])
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        _timestamp("created_at", nullable=False),
        _timestamp("used_at"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
    )
    op.create_index(op.f("ix_recovery_codes_user_id"), "recovery_codes", ["user_id"])
    op.create_table(
        "assignments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("assigned_by", sa.String(length=64), nullable=True),
        _timestamp("created_at", nullable=False),
        _timestamp("ended_at"),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_assignments_client_id_clients")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_assignments_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    op.create_index(op.f("ix_assignments_client_id"), "assignments", ["client_id"])
    op.create_index(op.f("ix_assignments_user_id"), "assignments", ["user_id"])
    for register in ("confidentiality_agreements", "training_records"):
        specific: list[sa.Column[Any]] = (
            [
                sa.Column("version", sa.String(length=32), nullable=False),
                sa.Column("signed_on", sa.Date(), nullable=False),
                sa.Column("expires_on", sa.Date(), nullable=True),
            ]
            if register == "confidentiality_agreements"
            else [
                sa.Column("course", sa.String(length=200), nullable=False),
                sa.Column("completed_on", sa.Date(), nullable=False),
                sa.Column("score", sa.Integer(), nullable=True),
                sa.Column("passed", sa.Boolean(), nullable=False),
            ]
        )
        op.create_table(
            register,
            sa.Column("id", sa.Uuid(), nullable=False),
            sa.Column("user_id", sa.Uuid(), nullable=False),
            *specific,
            sa.Column("recorded_by", sa.String(length=64), nullable=True),
            _timestamp("created_at", nullable=False),
            sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f(f"fk_{register}_user_id_users")),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{register}")),
        )
        op.create_index(op.f(f"ix_{register}_user_id"), register, ["user_id"])
    op.create_table(
        "sessions",
        sa.Column("id_hash", sa.LargeBinary(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        _timestamp("created_at", nullable=False),
        _timestamp("last_seen_at", nullable=False),
        _timestamp("revoked_at"),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_sessions")),
    )
    op.create_index(op.f("ix_sessions_user_id"), "sessions", ["user_id"])
    op.create_table(
        "login_failures",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        _timestamp("first_at", nullable=False),
        _timestamp("last_at", nullable=False),
        sa.PrimaryKeyConstraint("kind", "subject", name=op.f("pk_login_failures")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table, privileges in FIRM_LEVEL.items():
            op.execute(f"ALTER TABLE {table} OWNER TO {rls.OWNER_ROLE}")
            op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
            op.execute(f"GRANT {privileges} ON {table} TO {rls.APP_ROLE}")


def downgrade() -> None:
    for table in reversed(list(FIRM_LEVEL)):
        op.drop_table(table)
