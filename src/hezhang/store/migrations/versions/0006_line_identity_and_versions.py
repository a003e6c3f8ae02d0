"""Lines with an identity (a re-import is found), journal account names sealed, reconciliations in versions
made from every import of their period, and statement gaps.

- `bank_lines.fingerprint`, `ledger_lines.fingerprint`: the line's identity, an HMAC under the client's key
  (`hezhang.store.line_identity`); `statement_imports.duplicate_lines`, `journal_imports.duplicate_lines`.
- `ledger_lines.account_name` and `aliases.payee_account` are sealed (应收账款-王某某 names a person).
- `statement_imports.gaps`: where the file's own balances disagree.
- `reconciliations`: `version`, `superseded_by`, `carried_from`, the acknowledgement of gaps; one row per
  version (unique client, account, period, version); `statement_import_id` and `journal_import_id` give way to
  `reconciliation_lines`, the stored lines each version numbers 1, 2, ...
- The plain `reconciliations.statement` JSON keeps no memo and no counterparty (they stay in
  `statement_private` and `outstanding_items`, sealed).

Existing lines need the client's key to be fingerprinted and their account names sealed: `hezhang init` passes
a sealer (`migrate.upgrade(url, sealer=...)`); without one, a store holding lines is refused with that message.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import uuid4

import sqlalchemy as sa
from alembic import op

from hezhang.domain.period import Period
from hezhang.store import rls
from hezhang.store.line_identity import BANK_DOMAIN, LEDGER_DOMAIN, bank_identity, ledger_identity

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Client-scoped tables this revision adds, and their client column.
CLIENT_SCOPED = {"reconciliation_lines": "client_id"}

_BANK_TEXT = ("counterparty_name", "counterparty_account", "memo")
_LEDGER_TEXT = ("counterparty_name", "memo", "contra_accounts")


def _sealer() -> Any:
    """The sealer `hezhang init` hands over (a callable on the migration's connection), or None."""
    config = op.get_context().config
    make: Callable[[sa.Connection], Any] | None = None if config is None else config.attributes.get("sealer")
    return None if make is None else make(op.get_bind())


def upgrade() -> None:
    bind = op.get_bind()
    lines = bind.execute(
        sa.text(
            "SELECT (SELECT count(*) FROM bank_lines) + (SELECT count(*) FROM ledger_lines) "
            "+ (SELECT count(*) FROM aliases WHERE payee_account IS NOT NULL)"
        )
    )
    sealer = _sealer()
    if lines.scalar_one() and sealer is None:
        raise RuntimeError(
            "库中已有对账单或序时账行，升级须用客户密钥为其生成标识并加密科目名称：请运行 hezhang init（需要密钥环）/ "
            "the store holds statement and journal lines: upgrading fingerprints them and seals journal account "
            "names with the clients' keys; run `hezhang init` (it holds the keyring)"
        )
    for table in ("statement_imports", "journal_imports"):
        op.add_column(table, sa.Column("duplicate_lines", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("statement_imports", sa.Column("gaps", sa.JSON(), nullable=True))
    op.add_column("bank_lines", sa.Column("fingerprint", sa.LargeBinary(), nullable=True))
    op.add_column("ledger_lines", sa.Column("fingerprint", sa.LargeBinary(), nullable=True))
    op.add_column("ledger_lines", sa.Column("account_name_sealed", sa.LargeBinary(), nullable=True))
    op.add_column("aliases", sa.Column("payee_account_sealed", sa.LargeBinary(), nullable=True))
    if sealer is not None:
        _fingerprint_bank_lines(bind, sealer)
        _fingerprint_and_seal_ledger_lines(bind, sealer)
        _seal_payee_accounts(bind, sealer)
    with op.batch_alter_table("aliases") as batch:
        batch.drop_column("payee_account")
        batch.alter_column("payee_account_sealed", new_column_name="payee_account", existing_type=sa.LargeBinary())
    with op.batch_alter_table("bank_lines") as batch:
        batch.alter_column("fingerprint", existing_type=sa.LargeBinary(), nullable=False)
        batch.create_index(batch.f("ix_bank_lines_fingerprint"), ["fingerprint"])
    with op.batch_alter_table("ledger_lines") as batch:
        batch.alter_column("fingerprint", existing_type=sa.LargeBinary(), nullable=False)
        batch.create_index(batch.f("ix_ledger_lines_fingerprint"), ["fingerprint"])
        batch.drop_column("account_name")
        batch.alter_column("account_name_sealed", new_column_name="account_name", existing_type=sa.LargeBinary())

    _create_reconciliation_lines()
    for rec in bind.execute(sa.select(_reconciliations)).mappings().all():
        _lines_of_old_reconciliation(bind, rec)
    with op.batch_alter_table("reconciliations") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("superseded_by", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("carried_from", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("gaps_acknowledged_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("gaps_acknowledged_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("gaps_reason", sa.LargeBinary(), nullable=True))
        batch.drop_constraint("uq_reconciliations_client_id_bank_account_id_period", type_="unique")
        batch.create_unique_constraint(
            batch.f("uq_reconciliations_client_id_bank_account_id_period_version"),
            ["client_id", "bank_account_id", "period", "version"],
        )
        batch.drop_constraint("fk_reconciliations_statement_import_id_statement_imports", type_="foreignkey")
        batch.drop_constraint("fk_reconciliations_journal_import_id_journal_imports", type_="foreignkey")
        batch.drop_column("statement_import_id")
        batch.drop_column("journal_import_id")
    if bind.dialect.name == "postgresql":
        for table, column in CLIENT_SCOPED.items():
            for statement in rls.protect_table(table, column):
                op.execute(statement)


def _create_reconciliation_lines() -> None:
    op.create_table(
        "reconciliation_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("reconciliation_id", sa.Uuid(), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("bank_line_id", sa.Uuid(), nullable=True),
        sa.Column("ledger_line_id", sa.Uuid(), nullable=True),
        sa.Column("archive_type", sa.String(length=32), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_reconciliation_lines_client_id_clients")),
        sa.ForeignKeyConstraint(["reconciliation_id"], ["reconciliations.id"], ondelete="CASCADE",
                                name=op.f("fk_reconciliation_lines_reconciliation_id_reconciliations")),
        sa.ForeignKeyConstraint(["bank_line_id"], ["bank_lines.id"],
                                name=op.f("fk_reconciliation_lines_bank_line_id_bank_lines")),
        sa.ForeignKeyConstraint(["ledger_line_id"], ["ledger_lines.id"],
                                name=op.f("fk_reconciliation_lines_ledger_line_id_ledger_lines")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_lines")),
        sa.UniqueConstraint("reconciliation_id", "side", "ordinal",
                            name=op.f("uq_reconciliation_lines_reconciliation_id_side_ordinal")),
    )  # fmt: skip
    op.create_index(op.f("ix_reconciliation_lines_client_id"), "reconciliation_lines", ["client_id"])
    op.create_index(op.f("ix_reconciliation_lines_bank_line_id"), "reconciliation_lines", ["bank_line_id"])
    op.create_index(op.f("ix_reconciliation_lines_ledger_line_id"), "reconciliation_lines", ["ledger_line_id"])


#: The columns this revision reads, typed (so SQLite gives back dates, times and UUIDs, as the importers made them).
_bank = sa.table(
    "bank_lines", sa.column("id", sa.Uuid()), sa.column("client_id", sa.Uuid()), sa.column("import_id", sa.Uuid()),
    sa.column("row", sa.Integer()), sa.column("date", sa.Date()), sa.column("time", sa.Time()),
    sa.column("direction", sa.String()), sa.column("amount", sa.BigInteger()), sa.column("currency", sa.String()),
    sa.column("balance", sa.BigInteger()), sa.column("bank_ref", sa.String()), sa.column("instrument_no", sa.String()),
    sa.column("counterparty_name", sa.LargeBinary()), sa.column("counterparty_account", sa.LargeBinary()),
    sa.column("memo", sa.LargeBinary()), sa.column("fingerprint", sa.LargeBinary()),
)  # fmt: skip
_ledger = sa.table(
    "ledger_lines", sa.column("id", sa.Uuid()), sa.column("client_id", sa.Uuid()), sa.column("import_id", sa.Uuid()),
    sa.column("row", sa.Integer()), sa.column("date", sa.Date()), sa.column("direction", sa.String()),
    sa.column("amount", sa.BigInteger()), sa.column("currency", sa.String()), sa.column("account_code", sa.String()),
    sa.column("account_name", sa.String()), sa.column("voucher_no", sa.String()),
    sa.column("entry_no", sa.BigInteger()),
    sa.column("counterparty_name", sa.LargeBinary()), sa.column("memo", sa.LargeBinary()),
    sa.column("contra_accounts", sa.LargeBinary()), sa.column("fingerprint", sa.LargeBinary()),
    sa.column("account_name_sealed", sa.LargeBinary()),
)  # fmt: skip
_statement_imports = sa.table("statement_imports", sa.column("id", sa.Uuid()), sa.column("bank_account_id", sa.Uuid()))
_reconciliations = sa.table(
    "reconciliations", sa.column("id", sa.Uuid()), sa.column("client_id", sa.Uuid()),
    sa.column("bank_account_id", sa.Uuid()), sa.column("period", sa.String()),
    sa.column("statement_import_id", sa.Uuid()), sa.column("journal_import_id", sa.Uuid()),
    sa.column("statement", sa.JSON()), sa.column("archive_type", sa.String()), sa.column("retain_until", sa.Date()),
)  # fmt: skip
_accounts = sa.table("bank_accounts", sa.column("id", sa.Uuid()), sa.column("ledger_account_code", sa.String()))
_lines = sa.table(
    "reconciliation_lines", sa.column("id", sa.Uuid()), sa.column("client_id", sa.Uuid()),
    sa.column("reconciliation_id", sa.Uuid()), sa.column("side", sa.String()), sa.column("ordinal", sa.Integer()),
    sa.column("bank_line_id", sa.Uuid()), sa.column("ledger_line_id", sa.Uuid()),
    sa.column("archive_type", sa.String()), sa.column("retain_until", sa.Date()),
)  # fmt: skip


def _opened(sealer: Any, table: str, row: sa.RowMapping, columns: Sequence[str]) -> dict[str, Any]:
    values = dict(row)
    for column in columns:
        blob = values.get(column)
        if blob is not None:
            values[column] = sealer.open(row["client_id"], table, column, row["id"], bytes(blob)).decode()
    return values


def _fingerprint_bank_lines(bind: sa.Connection, sealer: Any) -> None:
    query = sa.select(_bank, _statement_imports.c.bank_account_id).join(
        _statement_imports, _statement_imports.c.id == _bank.c.import_id
    )
    for row in bind.execute(query).mappings().all():
        line = _opened(sealer, "bank_lines", row, _BANK_TEXT)
        fingerprint = sealer.blind(row["client_id"], BANK_DOMAIN, bank_identity(row["bank_account_id"], line))
        bind.execute(_bank.update().where(_bank.c.id == row["id"]).values(fingerprint=fingerprint))


def _fingerprint_and_seal_ledger_lines(bind: sa.Connection, sealer: Any) -> None:
    for row in bind.execute(sa.select(_ledger)).mappings().all():
        line = _opened(sealer, "ledger_lines", row, _LEDGER_TEXT)
        name = row["account_name"]
        sealed = None if name is None else sealer.seal(row["client_id"], "ledger_lines", "account_name", row["id"],
                                                        name.encode())  # fmt: skip
        fingerprint = sealer.blind(row["client_id"], LEDGER_DOMAIN, ledger_identity(line))
        bind.execute(_ledger.update().where(_ledger.c.id == row["id"])
                     .values(fingerprint=fingerprint, account_name_sealed=sealed))  # fmt: skip


_aliases = sa.table(
    "aliases",
    sa.column("id", sa.Uuid()),
    sa.column("client_id", sa.Uuid()),
    sa.column("payee_account", sa.String()),
    sa.column("payee_account_sealed", sa.LargeBinary()),
)


def _seal_payee_accounts(bind: sa.Connection, sealer: Any) -> None:
    for row in bind.execute(sa.select(_aliases).where(_aliases.c.payee_account.is_not(None))).mappings().all():
        sealed = sealer.seal(row["client_id"], "aliases", "payee_account", row["id"], row["payee_account"].encode())
        bind.execute(_aliases.update().where(_aliases.c.id == row["id"]).values(payee_account_sealed=sealed))


def _lines_of_old_reconciliation(bind: sa.Connection, rec: sa.RowMapping) -> None:
    """An existing reconciliation numbered its lines by its imports' own rows: record those lines under the same
    numbers, and drop memos and counterparties from its plain statement JSON."""
    period = Period.parse(rec["period"])
    prefix = bind.execute(
        sa.select(_accounts.c.ledger_account_code).where(_accounts.c.id == rec["bank_account_id"])
    ).scalar() or "1002"  # fmt: skip
    rows: list[dict[str, Any]] = []
    in_period = (_bank.c.date >= period.start, _bank.c.date <= period.end)
    if rec["statement_import_id"] is not None:
        found = bind.execute(sa.select(_bank.c.id, _bank.c.row).where(_bank.c.import_id == rec["statement_import_id"],
                                                                       *in_period))  # fmt: skip
        rows += [{"side": "bank", "ordinal": r.row, "bank_line_id": r.id, "ledger_line_id": None} for r in found]
    if rec["journal_import_id"] is not None:
        found = bind.execute(sa.select(_ledger.c.id, _ledger.c.row).where(
            _ledger.c.import_id == rec["journal_import_id"], _ledger.c.date >= period.start,
            _ledger.c.date <= period.end, _ledger.c.account_code.startswith(prefix)))  # fmt: skip
        rows += [{"side": "ledger", "ordinal": r.row, "bank_line_id": None, "ledger_line_id": r.id} for r in found]
    if rows:
        common = {"client_id": rec["client_id"], "reconciliation_id": rec["id"], "archive_type": rec["archive_type"],
                  "retain_until": rec["retain_until"]}  # fmt: skip
        bind.execute(_lines.insert(), [{"id": uuid4(), **common, **r} for r in rows])
    statement = rec["statement"]
    if isinstance(statement, dict):
        cleaned = _without_personal_data(statement)
        if cleaned != statement:
            bind.execute(_reconciliations.update().where(_reconciliations.c.id == rec["id"]).values(statement=cleaned))


def _without_personal_data(statement: dict[str, Any]) -> dict[str, Any]:
    kinds = ("bank_received_book_not", "bank_paid_book_not", "book_received_bank_not", "book_paid_bank_not")
    out = dict(statement)
    for kind in kinds:
        if isinstance(out.get(kind), list):
            out[kind] = [{k: v for k, v in item.items() if k not in ("memo", "counterparty")} for item in out[kind]]
    return out


def downgrade() -> None:
    raise NotImplementedError("0006 seals data and merges imports into versions: restore a backup to go back")
