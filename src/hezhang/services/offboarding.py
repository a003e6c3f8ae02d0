"""Offboarding a client: hand over everything in open formats, verify it, then shred (会计档案管理办法 Art. 24).

`export_client` writes into a new folder (0700, files 0600):

    files/statements/<id8>_<name>   the original statement files, decrypted, byte for byte as imported
    files/journals/<id8>_<name>     the original journal files
    lines/bank_lines.csv            normalized lines (UTF-8 with BOM, amounts as yuan with two decimals)
    lines/ledger_lines.csv
    reconciliations/<period>_<id8>.json   each reconciliation with its matches and outstanding items
    manifest.json                   the client, its bank accounts, every file with SHA-256, archive type,
                                    retention date and counts

The export is the client's own handover, so personal data in it is decrypted, not masked. Every written file is
read back and checked against the manifest (originals also against the SHA-256 taken at import). Only then, with
`shred=True`, the client's data key is destroyed: what stays in the store (and in every backup) is unreadable.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import RowMapping, Table

from hezhang.domain.money import format_fen
from hezhang.reports.csv_text import neutral
from hezhang.security.policy import Action
from hezhang.services.context import Context
from hezhang.services.door import door
from hezhang.services.errors import UserError
from hezhang.services.freeze import OFFBOARDED, ensure_not_frozen
from hezhang.services.store_access import Store
from hezhang.store.registry import blind_indexes, sealed_columns
from hezhang.store.repositories.retention import RetentionRepository
from hezhang.store.sealer import EnvelopeSealer
from hezhang.store.tables import (
    bank_accounts,
    bank_lines,
    clients,
    journal_imports,
    ledger_lines,
    matches,
    outstanding_items,
    reconciliations,
    statement_imports,
)
from hezhang.store.tables.base import utcnow
from hezhang.store.uow import UnitOfWork

MANIFEST = "manifest.json"
BASIS = "会计档案管理办法第二十四条：终止委托时移交会计档案 / Accounting Archives Measures Art. 24: handover"
#: Columns never exported: the owner id (it is the manifest's client) and blind indexes (HMACs, useless outside).
_SKIPPED = {"client_id"}
_MONEY = {"amount", "balance", "amount_fen", "difference_fen", "opening_balance", "closing_balance"}


@dataclass(frozen=True, slots=True)
class ExportOutcome:
    folder: Path
    manifest: Path
    files: int
    bank_lines: int
    ledger_lines: int
    reconciliations: int
    shredded: bool


def _plain(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _opened(sealer: EnvelopeSealer, table: Table, row: Mapping[str, Any] | RowMapping) -> dict[str, Any]:
    """A stored row as the client's own data: S2 values decrypted, blind indexes left out, amounts in yuan."""
    s2 = set(sealed_columns(table))
    skipped = _SKIPPED | set(blind_indexes(table))
    out: dict[str, Any] = {}
    for name, stored in row.items():
        if name in skipped:
            continue
        value = stored
        if name in s2 and stored is not None:
            value = sealer.open(row["client_id"], table.name, name, row["id"], bytes(stored)).decode("utf-8")
        elif name in _MONEY and isinstance(stored, int):
            value = format_fen(stored)
        out[name] = _plain(value)
    return out


def _safe_name(name: str) -> str:
    base = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", Path(name.replace("\\", "/")).name).strip(". ")
    return base or "file"


class _Folder:
    """The export folder: private, created new, every file recorded with its SHA-256."""

    def __init__(self, root: Path) -> None:
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise UserError(f"导出目录须为新目录或空目录：{root} / the export folder must be new or empty: {root}")
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(root, 0o700)
        self.root = root
        self.written: dict[str, str] = {}

    def write(self, relative: str, data: bytes) -> str:
        path = self.root / relative
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        digest = hashlib.sha256(data).hexdigest()
        self.written[relative] = digest
        return digest

    def verify(self) -> None:
        for relative, digest in self.written.items():
            if hashlib.sha256((self.root / relative).read_bytes()).hexdigest() != digest:
                raise UserError(f"导出文件校验失败：{relative} / the exported file does not verify: {relative}")


def _csv(rows: Sequence[Mapping[str, Any]]) -> bytes:
    if not rows:
        return "\ufeff".encode()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: neutral(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, default=_plain) + "\n").encode("utf-8")


def _export(uow: UnitOfWork, sealer: EnvelopeSealer, client_id: UUID, folder: _Folder) -> dict[str, Any]:
    client = uow.clients.get(client_id)
    assert client is not None
    heads = RetentionRepository(uow.connection, uow.scope).heads(client_id)
    files: list[dict[str, Any]] = []
    lines: dict[str, list[dict[str, Any]]] = {"bank_lines": [], "ledger_lines": []}
    for head in (h for h in heads if h.table != "reconciliations"):
        bank = head.table == "statement_imports"
        table = statement_imports if bank else journal_imports
        record = uow.imports.get_statement(head.id) if bank else uow.imports.get_journal(head.id)
        assert record is not None
        raw = sealer.open(client_id, table.name, "raw_file", record.id, record.raw_file)
        if hashlib.sha256(raw).hexdigest() != record.sha256:
            raise UserError(f"原始文件与导入时的 SHA-256 不符：{record.id} / original file fails its import SHA-256")
        shown = _opened(sealer, table, {**_row(record), "raw_file": None})
        name = _safe_name(shown["file_name"] or "file")
        path = f"files/{'statements' if bank else 'journals'}/{record.id.hex[:8]}_{name}"
        folder.write(path, raw)
        files.append({"path": path, "kind": "statement" if bank else "journal", "bytes": len(raw), **shown})
        line_table = bank_lines if bank else ledger_lines
        stored = uow.imports.statement_lines(record.id) if bank else uow.imports.journal_lines(record.id)
        lines[line_table.name] += [_opened(sealer, line_table, row) for row in stored]
    tables = []
    for name, rows in lines.items():
        path = f"lines/{name}.csv"
        tables.append({"path": path, "table": name, "rows": len(rows), "sha256": folder.write(path, _csv(rows))})
    recs = []
    for head in (h for h in heads if h.table == "reconciliations"):
        stored_rec = uow.reconciliations.get(head.id)
        assert stored_rec is not None
        body = _opened(sealer, reconciliations, _row(stored_rec))
        if body.get("statement_private"):
            body["statement_private"] = json.loads(body["statement_private"])
        body["matches"] = [_opened(sealer, matches, m) for m in uow.reconciliations.matches(head.id)]
        body["outstanding_items"] = [
            _opened(sealer, outstanding_items, i) for i in uow.reconciliations.outstanding(head.id)
        ]
        path = f"reconciliations/{stored_rec.period}_{stored_rec.id.hex[:8]}.json"
        recs.append({"path": path, "id": str(stored_rec.id), "period": stored_rec.period,
                     "archive_type": stored_rec.archive_type, "retain_until": _plain(stored_rec.retain_until),
                     "sha256": folder.write(path, _json(body))})  # fmt: skip
    accounts = [_opened(sealer, bank_accounts, _row(a)) for a in uow.bank_accounts.list(client_id)]
    return {
        "format": "hezhang-client-export/1",
        "basis": BASIS,
        "exported_at": utcnow().isoformat(),
        "client": _opened(sealer, clients, {**_row(client), "client_id": client.id}),
        "bank_accounts": accounts,
        "files": files,
        "tables": tables,
        "reconciliations": recs,
        "counts": {"files": len(files), **{t["table"]: t["rows"] for t in tables}, "reconciliations": len(recs)},
        "csv": "UTF-8 with BOM, CRLF; amounts in yuan with two decimals / 金额单位元，两位小数",
    }


def _row(record: Any) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def export_client(store: Store, ctx: Context, client_id: UUID, out: Path, *, shred: bool = False) -> ExportOutcome:
    """Write everything of the client into `out` (new or empty; made 0700), verify it, and with `shred` destroy
    the client's data key afterwards. Refused for a frozen, handed-over or deleted client."""
    _check_readable(store, client_id)
    folder = _Folder(out)
    with door(store, ctx, Action.CLIENT_EXPORT, client_id=client_id) as passage:
        ensure_not_frozen(passage.uow, client_id)
        manifest = _export(passage.uow, passage.sealer, client_id, folder)
        passage.touched(f"clients:{client_id}", "S1", "S2", detail=f"exported in full (revealed) to {out}")
    manifest["written"] = dict(sorted(folder.written.items()))
    folder.verify()
    manifest_path = out / MANIFEST
    folder.write(MANIFEST, _json(manifest))
    folder.verify()
    if shred:
        with door(store, ctx, Action.CLIENT_EXPORT, client_id=client_id) as passage:
            ensure_not_frozen(passage.uow, client_id)
            passage.uow.keys.destroy(client_id)
            passage.uow.clients.set_status(client_id, OFFBOARDED)
            passage.touched(f"client_keys:{client_id}", "S3", detail="data key destroyed after the export (offboarded)")
    counts = manifest["counts"]
    return ExportOutcome(
        out, manifest_path, counts["files"], counts["bank_lines"], counts["ledger_lines"], counts["reconciliations"],
        shred,
    )  # fmt: skip


def _check_readable(store: Store, client_id: UUID) -> None:
    """Refuse before any folder is made: the client must exist and be readable."""
    with store.work([client_id]) as (uow, _):
        ensure_not_frozen(uow, client_id)
