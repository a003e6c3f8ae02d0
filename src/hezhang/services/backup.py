"""Backups of the firm's store: create an encrypted archive, verify it without restoring, restore into an empty store.

The archive holds the database dump and a manifest (see `backup_manifest`), packed as tar and encrypted (see
`backup_archive`) under a key the keyring wraps. The keyring itself is never inside: back it up separately. Client
data stays sealed with each client's own data key inside the dump, so a client whose data key was destroyed before
the backup stays unreadable in it.

Each use case returns a small result saying what happened, for the audit trail to record.
"""

from __future__ import annotations

import os
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from hezhang.security.policy import Action
from hezhang.services.audit_trail import mark_restore
from hezhang.services.backup_archive import BackupError, BackupProblem, Fault, open_file, seal_file
from hezhang.services.backup_database import (
    database_kind,
    dump_postgresql,
    dump_sqlite,
    list_postgresql_dump,
    refuse_unless_empty,
    restore_postgresql,
    restore_sqlite,
    row_counts,
    shown_url,
    sqlite_file_counts,
    sqlite_integrity,
    sqlite_path,
)
from hezhang.services.backup_manifest import DUMP_NAMES, MANIFEST_NAME, Manifest, hash_file, read_manifest
from hezhang.services.backup_sample import DecryptionSample, sample_decryption
from hezhang.services.context import Context
from hezhang.services.door import door, record_event
from hezhang.services.errors import UserError
from hezhang.services.store_access import Store
from hezhang.store import migrate


@dataclass(frozen=True, slots=True)
class BackupResult:
    """What `create_backup` did (for the audit trail)."""

    archive: Path
    archive_sha256: str
    archive_bytes: int
    source: str  # the database URL, password hidden
    manifest: Manifest
    key_version: int  # the keyring version that wraps the archive key
    actor: str
    action: str = "backup.create"


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What `verify_backup` found; `ok` when nothing is wrong."""

    archive: Path
    manifest: Manifest | None
    problems: tuple[BackupProblem, ...]
    actor: str
    action: str = "backup.verify"

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What `restore_backup` did and what the checks after it found; `ok` when they found nothing wrong."""

    archive: Path
    target: str  # the database URL, password hidden
    manifest: Manifest
    row_counts: dict[str, int]
    schema_revision: str | None
    sample: DecryptionSample
    actor: str
    problems: tuple[BackupProblem, ...] = field(default=())
    action: str = "backup.restore"

    @property
    def ok(self) -> bool:
        return not self.problems


# -- create ---------------------------------------------------------------------------------------------------


def create_backup(store: Store, ctx: Context, out: Path) -> BackupResult:
    """Dump the store (consistently, while in use), write the manifest, pack and encrypt both into `out`."""
    with door(store, ctx, Action.BACKUP_CREATE, resource=f"backup:{out.name}") as passage:
        # SQLite: read on this transaction's connection (it holds the write lock); PostgreSQL: as the owner
        embedded = store.settings.embedded
        revision = (
            migrate.current_on(passage.uow.connection)
            if embedded
            else migrate.current(store.settings.admin_database_url)
        )
        made = _create(store, out, passage.name, revision)
        passage.touched(
            f"backup:{out.name}", "S0", "S1", "S2", detail=f"sha256 {made.archive_sha256}, keyring v{made.key_version}"
        )
    return made


def _create(store: Store, out: Path, actor: str, revision: str | None) -> BackupResult:
    if out.exists():
        raise UserError(
            f"备份文件已存在，拒绝覆盖：{out} / the backup file already exists, refusing to overwrite: {out}"
        )
    url = store.settings.admin_database_url
    kind = database_kind(url)
    keyring = store.keyring
    with tempfile.TemporaryDirectory(prefix="hezhang-backup-") as work:
        folder = Path(work)
        dump = folder / DUMP_NAMES[kind]
        counts = dump_sqlite(url, dump) if kind == "sqlite" else dump_postgresql(url, dump)
        manifest = Manifest(
            created_at=datetime.now(UTC),
            database=kind,
            schema_revision=revision,
            row_counts=counts,
            members={dump.name: hash_file(dump)},
        )
        (folder / MANIFEST_NAME).write_bytes(manifest.to_json())
        packed = folder / "archive.tar"
        with tarfile.open(packed, "w", format=tarfile.PAX_FORMAT) as tar:
            for name in (MANIFEST_NAME, dump.name):
                tar.add(folder / name, arcname=name, recursive=False)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.name}.partial")
        with open(partial, "wb", opener=lambda p, f: os.open(p, f, 0o600)) as handle:
            version = seal_file(packed, handle, keyring)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, out)
    written = hash_file(out)
    return BackupResult(out, written.sha256, written.bytes, shown_url(url), manifest, version, actor)


# -- verify ---------------------------------------------------------------------------------------------------


def _unpack(store: Store, archive: Path, folder: Path) -> tuple[Manifest, Path, list[BackupProblem]]:
    """Decrypt and unpack into `folder`; check every member against the manifest. Raises `BackupError` when the
    archive cannot be read at all; returns the problems of members that do not match."""
    packed = folder / "archive.tar"
    with open(packed, "wb", opener=lambda p, f: os.open(p, f, 0o600)) as handle:
        open_file(archive, handle, store.keyring)
    problems: list[BackupProblem] = []
    found: dict[str, Path] = {}
    try:
        with tarfile.open(packed, "r:") as tar:
            for member in tar:
                if not member.isfile() or member.name not in (MANIFEST_NAME, *DUMP_NAMES.values()):
                    problems.append(
                        BackupProblem(
                            Fault.MANIFEST, f"多余的成员 {member.name!r}", f"unexpected member {member.name!r}"
                        )
                    )
                    continue
                source = tar.extractfile(member)
                assert source is not None
                target = folder / member.name
                with source, target.open("wb") as out:
                    while block := source.read(1 << 20):
                        out.write(block)
                found[member.name] = target
    except tarfile.TarError as error:
        raise BackupError(
            Fault.TAMPERED, f"包内容无法读取：{error}", f"the packed members cannot be read: {error}"
        ) from None
    finally:
        packed.unlink(missing_ok=True)
    if MANIFEST_NAME not in found:
        raise BackupError(Fault.MANIFEST, "备份中没有清单", "the archive holds no manifest")
    manifest = read_manifest(found[MANIFEST_NAME].read_bytes())
    for name, expected in manifest.members.items():
        path = found.get(name)
        actual = None if path is None else hash_file(path)
        if actual != expected:
            got = "缺失 / missing" if actual is None else actual.sha256
            problems.append(
                BackupProblem(
                    Fault.HASH_MISMATCH,
                    f"成员 {name} 的 SHA-256 与清单不符（清单 {expected.sha256}，实际 {got}）",
                    f"member {name} does not match the manifest's SHA-256 (manifest {expected.sha256}, found {got})",
                )
            )
    for name in set(found) - set(manifest.members) - {MANIFEST_NAME}:
        problems.append(BackupProblem(Fault.MANIFEST, f"清单未列出 {name}", f"{name} is not listed in the manifest"))
    return manifest, folder / manifest.dump_name, problems


def _check_dump(manifest: Manifest, dump: Path) -> list[BackupProblem]:
    """Read the dump without restoring it: SQLite's integrity check and row counts; pg_restore's table of contents."""
    if not dump.exists():
        return []
    if manifest.database == "postgresql":
        try:
            list_postgresql_dump(dump)
        except BackupError as fault:
            return [fault.problem]
        return []
    verdict = sqlite_integrity(dump)
    if verdict != "ok":
        return [BackupProblem(Fault.DUMP, f"数据库文件损坏：{verdict}", f"the database file is damaged: {verdict}")]
    return _count_problems(manifest.row_counts, sqlite_file_counts(dump))


def _count_problems(expected: dict[str, int], actual: dict[str, int]) -> list[BackupProblem]:
    wrong = {t: (expected.get(t), actual.get(t)) for t in sorted(set(expected) | set(actual))}
    wrong = {t: pair for t, pair in wrong.items() if pair[0] != pair[1]}
    if not wrong:
        return []
    listed = ", ".join(f"{t} {e}→{a}" for t, (e, a) in list(wrong.items())[:10])
    return [
        BackupProblem(Fault.ROW_COUNTS, f"行数与清单不符：{listed}", f"row counts differ from the manifest: {listed}")
    ]


def verify_backup(store: Store, ctx: Context, archive: Path) -> VerifyReport:
    """Check an archive without restoring it: it decrypts with the keyring, is whole and unchanged, every member
    matches the manifest's SHA-256, and the dump reads (with the manifest's row counts, for SQLite)."""
    with door(store, ctx, Action.BACKUP_VERIFY, resource=f"backup:{archive.name}") as passage:
        report = _verify(store, archive, passage.name)
        passage.touched(
            f"backup:{archive.name}", "S0", detail="verified" if report.ok else f"{len(report.problems)} problems"
        )
    return report


def _verify(store: Store, archive: Path, actor: str) -> VerifyReport:
    with tempfile.TemporaryDirectory(prefix="hezhang-verify-") as work:
        try:
            manifest, dump, problems = _unpack(store, archive, Path(work))
        except BackupError as fault:
            return VerifyReport(archive, None, (fault.problem,), actor)
        if not problems:
            problems = _check_dump(manifest, dump)
    return VerifyReport(archive, manifest, tuple(problems), actor)


# -- restore --------------------------------------------------------------------------------------------------


def restore_backup(
    store: Store, archive: Path, into: str | None = None, *, ctx: Context | None = None, operator: str = ""
) -> RestoreResult:
    """Restore `archive` into the empty database at `into` (PostgreSQL: an administrator's URL), or into the
    configured store when it is empty; then check row counts, hashes, schema revision and a decryption sample.

    Into another database, a signed-in security officer restores (`ctx`, authorized and recorded in this store).
    Into the configured store, which is empty, nobody can sign in: the holder of the keyring restores (disaster
    recovery) and the restore is recorded as the first event after the restored trail, naming `operator`; a signed
    restore line in the audit witness sets aside its checkpoints of the store that was lost (`mark_restore`).
    Refuses (raises `BackupError`) a damaged archive, another kind of database, or a target holding data."""
    if ctx is not None:
        with door(store, ctx, Action.BACKUP_RESTORE, resource=f"backup:{archive.name}") as passage:
            restored = _restore(store, archive, into, passage.name)
            passage.touched(f"backup:{archive.name}", "S0", "S1", "S2", detail=f"restored into {restored.target}")
        return restored
    if into is not None and into != store.settings.admin_database_url:
        raise UserError("恢复到其他数据库须先登录（安全负责人）/ restoring into another database needs a signed-in "
                        "security officer")  # fmt: skip
    who = operator.strip() or "keyring holder"
    restored = _restore(store, archive, None, who)
    lost = mark_restore(store)  # the witness: its checkpoints of the lost store are set aside
    record_event(
        store, actor=f"{who} (restore)", source="local", action=Action.BACKUP_RESTORE.value,
        outcome="allowed" if restored.ok else "error",
        reason=f"restored {archive.name} into the empty store" + (f"; {lost}" if lost else ""),
        request_id=uuid4().hex, resource=f"backup:{archive.name}", data_classes=("S0", "S1", "S2"),
    )  # fmt: skip
    return restored


def _restore(store: Store, archive: Path, into: str | None, actor: str) -> RestoreResult:
    target = into or store.settings.admin_database_url
    kind = database_kind(target)
    with tempfile.TemporaryDirectory(prefix="hezhang-restore-") as work:
        manifest, dump, problems = _unpack(store, archive, Path(work))
        if problems:
            first = problems[0]
            raise BackupError(first.code, f"拒绝恢复：{first.message_zh}", f"refusing to restore: {first.message_en}")
        if manifest.database != kind:
            raise BackupError(
                Fault.DUMP,
                f"这是 {manifest.database} 的备份，不能恢复到 {kind}",
                f"a {manifest.database} backup does not restore into {kind}",
            )
        before = refuse_unless_empty(target)
        if kind == "sqlite":
            restore_sqlite(dump, target)
            if hash_file(sqlite_path(target)) != manifest.members[manifest.dump_name]:
                problems.append(
                    BackupProblem(Fault.HASH_MISMATCH, "恢复后的库文件与清单不符", "the restored file differs")
                )
        else:
            restore_postgresql(dump, target, has_schema=bool(before))
    counts = row_counts(target)
    problems += _count_problems(manifest.row_counts, counts)
    revision = migrate.current(target)
    if revision != manifest.schema_revision:
        problems.append(
            BackupProblem(
                Fault.SCHEMA_REVISION,
                f"恢复后的库结构版本 {revision} 与清单 {manifest.schema_revision} 不符",
                f"the restored schema revision {revision} differs from the manifest's {manifest.schema_revision}",
            )
        )
    sample = sample_decryption(target, store.keyring, set(manifest.row_counts))
    problems += sample.problems
    return RestoreResult(archive, shown_url(target), manifest, counts, revision, sample, actor, tuple(problems))
