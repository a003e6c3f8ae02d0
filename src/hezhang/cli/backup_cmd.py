"""`hezhang backup create|verify|restore`: encrypted backups of the store and a checked restore."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hezhang.cli.console import console, green, red, yellow
from hezhang.cli.errors import EXIT_PROBLEMS, guarded
from hezhang.cli.session import current_context


def register(app: typer.Typer) -> None:
    """Add the `backup` commands to `app`."""
    backup_app = typer.Typer(help="备份与恢复 / backup and restore", no_args_is_help=True)
    backup_app.command("create")(create)
    backup_app.command("verify")(verify)
    backup_app.command("restore")(restore)
    app.add_typer(backup_app, name="backup")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{table} {n:,}" for table, n in counts.items() if n)


@guarded
def create(
    out: Annotated[Path, typer.Option("--out", help="备份文件（不覆盖已有文件）/ archive file (never overwritten)")],
) -> None:
    """备份库为一个加密文件（密钥环不在其中，须另行备份）/ Back the store up into one encrypted archive
    (the keyring is not inside: back it up separately)."""
    from hezhang.services.backup import create_backup
    from hezhang.services.store_access import open_store

    store = open_store()
    result = create_backup(store, current_context(), out)
    m = result.manifest
    console.print(f"已备份 / backed up: {result.source} -> {result.archive} ({result.archive_bytes:,} bytes)")
    console.print(f"  SHA-256: {result.archive_sha256}")
    console.print(f"  库结构版本 / schema revision: {m.schema_revision}；密钥版本 / key version: {result.key_version}")
    console.print(f"  行数 / rows: {_counts(m.row_counts)}")
    console.print(yellow("请另行备份密钥环 / back the keyring up separately: ", store.settings.keyring_path))


@guarded
def verify(archive: Annotated[Path, typer.Argument(help="备份文件 / archive file")]) -> None:
    """检查备份（不恢复）：能否解密、是否完整未改动、成员哈希与清单 / Check an archive without restoring it."""
    from hezhang.services.backup import verify_backup
    from hezhang.services.store_access import open_store

    if not archive.is_file():
        raise FileNotFoundError(2, "not found", str(archive))
    report = verify_backup(open_store(), current_context(), archive)
    for problem in report.problems:
        console.print(red("✗ ", f"({problem.code}) {problem}"))
    if not report.ok:
        raise typer.Exit(EXIT_PROBLEMS)
    assert report.manifest is not None
    m = report.manifest
    console.print(
        green(
            "✓ ",
            f"备份完好 / the archive is sound: {m.database}, {m.created_at:%Y-%m-%d %H:%M:%S} UTC, "
            f"schema {m.schema_revision}",
        )
    )
    console.print(f"  行数 / rows: {_counts(m.row_counts)}")


@guarded
def restore(
    archive: Annotated[Path, typer.Argument(help="备份文件 / archive file")],
    into: Annotated[
        str | None,
        typer.Option(
            "--into",
            help="目标空库 URL（PostgreSQL 用管理员）；默认为已配置的库（须为空）/ "
            "empty target database URL (PostgreSQL: the administrator); default: the configured store (must be empty)",
        ),
    ] = None,
) -> None:
    """恢复到空库并核对行数、哈希、结构版本与解密抽样 / Restore into an empty store, then check row counts,
    hashes, schema revision and a decryption sample."""
    from hezhang.services.backup import restore_backup
    from hezhang.services.store_access import open_store

    if not archive.is_file():
        raise FileNotFoundError(2, "not found", str(archive))
    if into is None:  # the configured store, empty: nobody can sign in to it; the keyring holder restores
        from hezhang.cli.session import os_identity

        result = restore_backup(open_store(), archive, None, operator=os_identity())
    else:
        result = restore_backup(open_store(), archive, into, ctx=current_context())
    s = result.sample
    console.print(f"已恢复 / restored into: {result.target}")
    console.print(f"  行数 / rows: {_counts(result.row_counts)}")
    console.print(
        f"  解密抽样 / decryption sample: {s.opened_clients}/{s.clients} 个客户, {s.values_opened} 个加密值 / "
        f"clients, sealed values opened"
    )
    if s.shredded:
        console.print(
            f"  密钥已销毁的客户（不可读）/ clients whose key was destroyed (unreadable by design): {len(s.shredded)}"
        )
    for problem in result.problems:
        console.print(red("✗ ", f"({problem.code}) {problem}"))
    if not result.ok:
        console.print(red("恢复后的核对未通过 / the checks after the restore failed"))
        raise typer.Exit(EXIT_PROBLEMS)
    console.print(green("✓ ", "核对通过 / every check passed"))
