"""The audit trail: events, signed checkpoints, signing keys. Append-only for everyone.

Firm-level tables (no row-level security). On PostgreSQL they belong to the owner role, the application role
may only SELECT and INSERT, and a trigger refuses UPDATE, DELETE (each row) and TRUNCATE (each statement) from
anyone, the owner and administrators included: changing the trail means first disabling the trigger as the
owner (a change of the schema) or, as a superuser, setting `session_replication_role = replica` for the session
(no change of the schema); either way the hash chain, the signed checkpoints and the witness show what was
touched. On SQLite the same triggers refuse UPDATE and DELETE (a file's owner can drop them: there the
chain and checkpoints are the protection).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hezhang.store import rls

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Client-scoped tables this revision adds (none: the trail is the firm's record).
CLIENT_SCOPED: dict[str, str] = {}

#: Firm-level tables this revision adds, with the application role's privileges: read and append, nothing more.
FIRM_LEVEL: dict[str, str] = {
    "audit_events": "SELECT, INSERT",
    "audit_checkpoints": "SELECT, INSERT",
    "audit_signing_keys": "SELECT, INSERT",
}

REFUSE_FUNCTION = "audit_trail_refuse_change"
_MESSAGE_ZH = "审计记录只能追加，不能修改、删除或清空"
_MESSAGE_EN = "the audit trail is append-only"


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("sequence", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("resource", sa.Text(), nullable=False),
        sa.Column("data_classes", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.LargeBinary(), nullable=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sequence", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_client_id"), "audit_events", ["client_id"])
    op.create_table(
        "audit_checkpoints",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root", sa.LargeBinary(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("frontier", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("size", name=op.f("pk_audit_checkpoints")),
    )
    op.create_table(
        "audit_signing_keys",
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("keyring_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_audit_signing_keys")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _protect_postgresql()
    else:
        _protect_sqlite()


def _protect_postgresql() -> None:
    op.execute(
        f"""
CREATE OR REPLACE FUNCTION {REFUSE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{_MESSAGE_ZH}：% % / {_MESSAGE_EN}: % on % refused', TG_OP, TG_TABLE_NAME, TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$"""
    )
    op.execute(f"ALTER FUNCTION {REFUSE_FUNCTION}() OWNER TO {rls.OWNER_ROLE}")
    for table, privileges in FIRM_LEVEL.items():
        op.execute(f"ALTER TABLE {table} OWNER TO {rls.OWNER_ROLE}")
        op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
        op.execute(f"GRANT {privileges} ON {table} TO {rls.APP_ROLE}")
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION {REFUSE_FUNCTION}()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {REFUSE_FUNCTION}()"
        )


def _protect_sqlite() -> None:
    for table in FIRM_LEVEL:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table}"
                f" BEGIN SELECT RAISE(ABORT, '{_MESSAGE_ZH} / {_MESSAGE_EN}'); END"
            )


def downgrade() -> None:
    # The triggers go with their tables; the function on PostgreSQL after them.
    op.drop_table("audit_signing_keys")
    op.drop_table("audit_checkpoints")
    op.drop_index(op.f("ix_audit_events_client_id"), table_name="audit_events")
    op.drop_table("audit_events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {REFUSE_FUNCTION}()")
