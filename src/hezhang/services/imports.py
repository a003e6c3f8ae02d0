"""Importing a statement or a journal into the store: all lines or none, personal data sealed on the way in, and
no line stored twice.

A file with any problem is refused whole. The same file imported again is refused; a file overlapping what is
stored (this month's export also holding last month's last days) adds only the lines not stored yet, and says how
many it left out (`store.line_identity`). Imports of one bank account (of one client's journal) run one after the
other, so two at once cannot both store the same lines.
"""

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
from hezhang.services.door import Passage, door
from hezhang.services.errors import UserError
from hezhang.services.freeze import ensure_not_frozen
from hezhang.services.gaps import gap_documents
from hezhang.services.store_access import Store
from hezhang.store.limits import too_long_in_frame
from hezhang.store.line_identity import BANK_DOMAIN, LEDGER_DOMAIN, bank_identity, ledger_identity, new_rows
from hezhang.store.records import JournalImport, StatementImport
from hezhang.store.registry import sealed_columns
from hezhang.store.sealer import EnvelopeSealer
from hezhang.store.sealing import seal_values
from hezhang.store.tables import bank_lines, journal_imports, ledger_lines, new_id, statement_imports


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: the new import's id and the lines it stored, the lines of the file already stored by
    earlier imports (left out), or the problems that refused the file."""

    import_id: UUID | None
    lines: int
    problems: tuple[Problem, ...] = ()
    duplicates: int = 0


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


def _too_long(frame: pl.DataFrame, table: Table, file: str) -> list[Problem]:
    problems = []
    for found in too_long_in_frame(table, frame):
        value = frame[found.column][found.index]
        source_row = frame["source_row"][found.index] if "source_row" in frame.columns else None
        problems.append(Problem(
            file, f"{found.column} 最多 {found.limit} 个字符，此处有 {found.length} 个",
            f"{found.column} holds at most {found.limit} characters; this one has {found.length}",
            row=source_row, column=found.column, value=str(value)[:40] + "…",
        ))  # fmt: skip
    return problems


def _earlier(passage: Passage, kind: Kind, client_id: UUID, digest: str, lines: int) -> None:
    """Refuse a file imported before (the same bytes), naming that import and how many lines it already stored."""
    imports = passage.uow.imports
    found = (
        imports.find_statement_by_sha256(client_id, digest)
        if kind == "bank"
        else imports.find_journal_by_sha256(client_id, digest)
    )
    if found:
        first = found[0]
        when = first.imported_at.strftime("%Y-%m-%d %H:%M UTC")
        raise UserError(
            f"此文件已于 {when} 由 {first.imported_by} 导入（导入 {first.id}），其 {lines} 行均已在库中，未再次导入 / "
            f"this file was already imported on {when} by {first.imported_by} (import {first.id}): its {lines} lines "
            "are stored; nothing was stored again"
        )


def _new_lines(
    passage: Passage, kind: Kind, client_id: UUID, frame: pl.DataFrame, account_id: UUID | None
) -> tuple[pl.DataFrame, list[bytes], int]:
    """The lines of `frame` not stored yet, their identities, and how many were already stored."""
    sealer, imports = passage.sealer, passage.uow.imports
    records = frame.to_dicts()
    if kind == "bank":
        assert account_id is not None
        domain, identities = BANK_DOMAIN, [bank_identity(account_id, r) for r in records]
    else:
        domain, identities = LEDGER_DOMAIN, [ledger_identity(r) for r in records]
    marks = [sealer.blind(client_id, domain, identity) for identity in identities]
    if frame.is_empty():
        return frame, marks, 0
    first, last = frame["date"].min(), frame["date"].max()
    stored = (
        imports.bank_fingerprints(account_id, first, last)  # type: ignore[arg-type]
        if kind == "bank"
        else imports.ledger_fingerprints(client_id, first, last)  # type: ignore[arg-type]
    )
    keep = new_rows(marks, stored)
    return frame[keep], [marks[i] for i in keep], frame.height - len(keep)


def import_file(
    store: Store, ctx: Context, client_id: UUID, path: Path, kind: Kind, *, bank_account_id: UUID | None = None,
    account_prefix: str = "1002", sign: Sign | None = None,
) -> ImportOutcome:  # fmt: skip
    """Parse `path`; a file with any problem is refused whole and nothing is stored. Otherwise the raw file
    (sealed), its SHA-256 and every line not stored yet go in one transaction: a crash midway leaves the store as
    it was."""
    if kind == "bank" and bank_account_id is None:
        raise UserError("导入对账单须指定银行账户 / a statement import needs --account (the bank account id)")
    data = path.read_bytes()
    # Parsing touches nothing stored: it runs before the door's transaction, which holds SQLite's write lock.
    result: ImportResult = parse(data, path.name, kind, account_prefix=account_prefix, sign=sign)
    digest = hashlib.sha256(data).hexdigest()
    frame = result.lines
    if kind == "journal" and result.context is not None:
        frame = pl.concat([result.lines, result.context]).sort("row")
    line_table, head_table = (bank_lines, statement_imports) if kind == "bank" else (ledger_lines, journal_imports)
    problems = result.problems or tuple(_too_long(frame, line_table, path.name))
    with door(store, ctx, Action.IMPORT, client_id=client_id) as passage:
        uow, sealer, actor = passage.uow, passage.sealer, passage.name
        if problems:
            passage.touched(f"file:{digest[:16]}", detail=f"refused: {len(problems)} problems")
            return ImportOutcome(None, 0, problems)
        if uow.clients.get(client_id) is None:
            raise UserError(f"没有这个客户 / no such client: {client_id}")
        ensure_not_frozen(uow, client_id)
        if kind == "bank":
            account = uow.bank_accounts.get(bank_account_id)  # type: ignore[arg-type]
            if account is None or account.client_id != client_id:  # another client's account looks the same
                raise UserError(f"该客户没有这个银行账户 / this client has no bank account {bank_account_id}")
            uow.imports.lock_account(account.id)
        else:
            uow.imports.lock_journal(client_id)
        _earlier(passage, kind, client_id, digest, frame.height)
        fresh, marks, duplicates = _new_lines(passage, kind, client_id, frame, bank_account_id)
        if not frame.is_empty() and fresh.is_empty():
            raise UserError(
                f"文件中的 {frame.height} 行均已在库中（来自此前的导入），未导入 / all {frame.height} lines of the "
                "file are already stored by earlier imports; nothing was stored"
            )
        import_id = new_id()
        period = str(result.meta.period) if result.meta.period else None
        detail = f"{fresh.height} lines, S2 sealed" + (f"; {duplicates} already stored, left out" if duplicates else "")
        passage.touched(f"{head_table.name}:{import_id}", "S1", "S2", detail=detail)
        files = seal_values(sealer, head_table, client_id, import_id, {"raw_file": data, "file_name": path.name})
        rows = _sealed_lines(fresh, line_table, sealer, client_id)
        for row, mark in zip(rows, marks, strict=True):
            row["fingerprint"] = mark
        if kind == "bank":
            assert bank_account_id is not None
            meta = result.meta
            record = StatementImport(
                client_id=client_id, bank_account_id=bank_account_id, sha256=digest, format=meta.format,
                line_count=fresh.height, period=period, encoding=meta.encoding, currency=meta.currency,
                opening_balance=None if meta.opening_balance is None else meta.opening_balance.fen,
                closing_balance=None if meta.closing_balance is None else meta.closing_balance.fen,
                duplicate_lines=duplicates, gaps=gap_documents(meta.gaps), imported_by=actor, id=import_id,
                **files,  # type: ignore[arg-type]
            )  # fmt: skip
            uow.imports.add_statement(record, rows)
        else:
            journal = JournalImport(
                client_id=client_id, sha256=digest, format=result.meta.format, line_count=fresh.height,
                period=period, encoding=result.meta.encoding, duplicate_lines=duplicates, imported_by=actor,
                id=import_id, **files,  # type: ignore[arg-type]
            )  # fmt: skip
            uow.imports.add_journal(journal, rows)
    bank_count = (
        fresh.height if kind == "bank" else fresh.filter(pl.col("row").is_in(result.lines["row"].implode())).height
    )
    return ImportOutcome(import_id, bank_count, duplicates=duplicates)
