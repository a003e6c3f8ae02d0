"""Importing a statement or a journal into the store: all lines or none, personal data sealed on the way in."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import polars as pl
from sqlalchemy import Table

from hezhang.domain.problem import Problem
from hezhang.importers import ImportResult, parse
from hezhang.importers.result import Kind, Sign
from hezhang.security.policy import Action
from hezhang.services.context import Context
from hezhang.services.door import door
from hezhang.services.errors import UserError
from hezhang.services.freeze import ensure_not_frozen
from hezhang.services.sealer import EnvelopeSealer
from hezhang.services.store_access import Store
from hezhang.store.records import JournalImport, StatementImport
from hezhang.store.registry import sealed_columns
from hezhang.store.sealing import seal_values
from hezhang.store.tables import bank_lines, journal_imports, ledger_lines, new_id, statement_imports


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: the new import's id and line count, or the problems that refused the file."""

    import_id: UUID | None
    lines: int
    problems: tuple[Problem, ...] = ()


def _sealed_lines(frame: pl.DataFrame, table: Table, sealer: EnvelopeSealer, client_id: UUID) -> list[dict[str, Any]]:
    """The frame's rows as table rows, each S2 value sealed to its own row id."""
    s2 = [c for c in sealed_columns(table) if c in frame.columns]
    plain_columns = [c for c in frame.columns if c in table.c and c not in s2]
    rows = []
    for record in frame.iter_rows(named=True):
        row_id = new_id()
        row = {c: record[c] for c in plain_columns}
        row["id"] = row_id
        row.update(seal_values(sealer, table, client_id, row_id, {c: record[c] for c in s2}))
        rows.append(row)
    return rows


def import_file(
    store: Store, ctx: Context, client_id: UUID, path: Path, kind: Kind, *, bank_account_id: UUID | None = None,
    account_prefix: str = "1002", sign: Sign | None = None,
) -> ImportOutcome:  # fmt: skip
    """Parse `path`; a file with any problem is refused whole and nothing is stored. Otherwise the raw file
    (sealed), its SHA-256 and every line go in one transaction: a crash midway leaves the store as it was."""
    if kind == "bank" and bank_account_id is None:
        raise UserError("导入对账单须指定银行账户 / a statement import needs --account (the bank account id)")
    data = path.read_bytes()
    # Parsing touches nothing stored: it runs before the door's transaction, which holds SQLite's write lock.
    result: ImportResult = parse(data, path.name, kind, account_prefix=account_prefix, sign=sign)
    with door(store, ctx, Action.IMPORT, client_id=client_id) as passage:
        uow, sealer, actor = passage.uow, passage.sealer, passage.name
        if result.problems:
            passage.touched(
                f"file:{hashlib.sha256(data).hexdigest()[:16]}", detail=f"refused: {len(result.problems)} problems"
            )
            return ImportOutcome(None, 0, result.problems)
        import_id = new_id()
        period = str(result.meta.period) if result.meta.period else None
        digest = hashlib.sha256(data).hexdigest()
        if uow.clients.get(client_id) is None:
            raise UserError(f"没有这个客户 / no such client: {client_id}")
        ensure_not_frozen(uow, client_id)
        head_table = statement_imports if kind == "bank" else journal_imports
        passage.touched(f"{head_table.name}:{import_id}", "S1", "S2", detail=f"{result.lines.height} lines, S2 sealed")
        files = seal_values(sealer, head_table, client_id, import_id, {"raw_file": data, "file_name": path.name})
        if kind == "bank":
            assert bank_account_id is not None
            meta = result.meta
            record = StatementImport(
                client_id=client_id, bank_account_id=bank_account_id, sha256=digest, format=meta.format,
                line_count=result.lines.height, period=period, encoding=meta.encoding, currency=meta.currency,
                opening_balance=None if meta.opening_balance is None else meta.opening_balance.fen,
                closing_balance=None if meta.closing_balance is None else meta.closing_balance.fen,
                imported_by=actor, id=import_id, **files,  # type: ignore[arg-type]
            )  # fmt: skip
            uow.imports.add_statement(record, _sealed_lines(result.lines, bank_lines, sealer, client_id))
        else:
            frame = result.lines if result.context is None else pl.concat([result.lines, result.context]).sort("row")
            journal = JournalImport(
                client_id=client_id, sha256=digest, format=result.meta.format, line_count=frame.height,
                period=period, encoding=result.meta.encoding, imported_by=actor, id=import_id,
                **files,  # type: ignore[arg-type]
            )  # fmt: skip
            uow.imports.add_journal(journal, _sealed_lines(frame, ledger_lines, sealer, client_id))
    return ImportOutcome(import_id, result.lines.height)
