"""The manifest inside a backup archive: what was dumped, from which schema, how many rows, and every member's hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hezhang.services.backup_archive import BackupError, Fault

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "hezhang-backup-manifest"
MANIFEST_VERSION = 1
#: The database dump's member name, by database kind.
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


@dataclass(frozen=True, slots=True)
class Member:
    sha256: str
    bytes: int


@dataclass(frozen=True, slots=True)
class Manifest:
    created_at: datetime  # UTC
    database: str  # "sqlite" or "postgresql"
    schema_revision: str | None
    row_counts: dict[str, int]
    members: dict[str, Member]
    format_version: int = MANIFEST_VERSION

    @property
    def dump_name(self) -> str:
        return DUMP_NAMES[self.database]

    def to_json(self) -> bytes:
        document = {
            "format": MANIFEST_FORMAT,
            "format_version": self.format_version,
            "created_at": self.created_at.isoformat(),
            "database": self.database,
            "schema_revision": self.schema_revision,
            "row_counts": dict(sorted(self.row_counts.items())),
            "members": {n: {"sha256": m.sha256, "bytes": m.bytes} for n, m in sorted(self.members.items())},
        }
        return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def _bad(why_zh: str, why_en: str) -> BackupError:
    return BackupError(Fault.MANIFEST, f"清单无效：{why_zh}", f"the manifest is not valid: {why_en}")


def read_manifest(data: bytes) -> Manifest:
    """Parse and check a manifest; raise `BackupError(MANIFEST)` naming what is wrong."""
    try:
        document: Any = json.loads(data)
    except ValueError:
        raise _bad("不是 JSON", "not JSON") from None
    if not isinstance(document, dict) or document.get("format") != MANIFEST_FORMAT:
        raise _bad("格式标记不符", "wrong format marker")
    if document.get("format_version") != MANIFEST_VERSION:
        raise _bad(f"不支持的版本 {document.get('format_version')!r}", "unsupported format version")
    database = document.get("database")
    if database not in DUMP_NAMES:
        raise _bad(f"未知数据库类型 {database!r}", f"unknown database kind {database!r}")
    try:
        created_at = datetime.fromisoformat(str(document["created_at"]))
        counts = {str(k): int(v) for k, v in document["row_counts"].items()}
        members = {str(n): Member(str(m["sha256"]), int(m["bytes"])) for n, m in document["members"].items()}
        revision = document["schema_revision"]
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _bad("缺少或错误的字段", "a field is missing or malformed") from None
    if created_at.utcoffset() is None or any(n < 0 for n in counts.values()):
        raise _bad("时间须带时区、行数不能为负", "created_at needs a time zone and row counts cannot be negative")
    if DUMP_NAMES[database] not in members:
        raise _bad(f"没有列出数据库转储 {DUMP_NAMES[database]}", f"the dump {DUMP_NAMES[database]} is not listed")
    if revision is not None and not isinstance(revision, str):
        raise _bad("schema_revision 须是文本", "schema_revision must be text")
    return Manifest(created_at, database, revision, counts, members)


def hash_file(path: Path) -> Member:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return Member(digest.hexdigest(), size)
