"""`hezhang retention …`, `hezhang freeze …` and `hezhang export client …`: retention, destruction, deletion
requests and offboarding. `register(app)` adds the three groups."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer

from hezhang.cli import params
from hezhang.cli.console import console, yellow
from hezhang.cli.errors import guarded
from hezhang.cli.session import current_context

if TYPE_CHECKING:
    from hezhang.services.store_access import Store

retention_app = typer.Typer(help="会计档案保管与销毁 / retention and destruction of records", no_args_is_help=True)
freeze_app = typer.Typer(
    help="客户删除请求（保存期内冻结）/ a client's deletion request (frozen)", no_args_is_help=True
)
export_app = typer.Typer(help="导出 / export", no_args_is_help=True)

ClientOpt = Annotated[UUID, typer.Option("--client", help="客户 id / client id", parser=params.client_id)]
ClientsOpt = Annotated[
    list[UUID] | None,
    typer.Option("--client", help="客户 id（可多次）/ client id (repeatable)", parser=params.client_id),
]
ClientArg = Annotated[UUID, typer.Argument(help="客户 id / client id", parser=params.client_id)]


def register(app: typer.Typer) -> None:
    app.add_typer(retention_app, name="retention")
    app.add_typer(freeze_app, name="freeze")
    app.add_typer(export_app, name="export")


def _ids(values: list[UUID] | None) -> list[UUID] | None:
    return values or None


def _store() -> Store:
    from hezhang.services.store_access import open_store

    return open_store()


@retention_app.command("due")
@guarded
def retention_due(
    as_of: Annotated[
        date | None,
        typer.Option("--as-of", help="按此日期计算（默认今天）/ as of this day (default today)", parser=params.day),
    ] = None,
    client: ClientsOpt = None,
) -> None:
    """列出保管期已满的档案 / List records whose retention has ended."""
    from hezhang.services.retention import RECORD_NAMES, due

    items = due(_store(), current_context(), as_of, _ids(client))
    console.print(f"保管期已满 / expired as of {as_of or '今天 / today'}:")
    for i in items:
        console.print(
            f"  {i.client_id}  {RECORD_NAMES.get(i.table, i.table)}  {i.count:,}  {i.archive_type}  "
            f"保管至 / kept until {i.retain_until}  可销毁自 / destroyable from {i.destroyable_from}",
            soft_wrap=True,
        )
    if not items:
        console.print("没有保管期已满的档案 / nothing has expired")


@retention_app.command("destroy")
@guarded
def retention_destroy(
    client: ClientOpt,
    table: Annotated[
        list[str] | None, typer.Option("--table", help="statement_imports / journal_imports / reconciliations")
    ] = None,
    record: Annotated[
        list[UUID] | None, typer.Option("--record", help="记录 id（可多次）/ record id", parser=params.record_id)
    ] = None,
) -> None:
    """申请销毁保管期已满的档案（须另一人批准）/ Request destruction of expired records (a second person approves)."""
    from hezhang.services.retention import RECORD_NAMES, request_destruction

    request = request_destruction(_store(), current_context(), client, tables=table, record_ids=_ids(record))
    for r in request.records:
        console.print(f"  {RECORD_NAMES[r.table]}  {r.period or '-'}  保管至 / kept until {r.retain_until}  {r.id}")
    console.print(
        f"已提交销毁申请 / destruction requested: {request.id}\n"
        f"须由 {request.requested_by} 以外的人批准 / to be approved by someone other than {request.requested_by}: "
        f"hezhang retention approve {request.id} --client {client}"
    )


@retention_app.command("approve")
@guarded
def retention_approve(
    request: Annotated[UUID, typer.Argument(help="销毁申请 id / destruction request id", parser=params.request_id)],
    client: Annotated[
        UUID | None, typer.Option("--client", help="客户 id / client id", parser=params.client_id)
    ] = None,
) -> None:
    """批准销毁申请：删除记录并登记销毁清册 / Approve: destroy the records and write the destruction register."""
    from hezhang.services.retention import approve_destruction

    outcome = approve_destruction(_store(), current_context(), request, client_id=client)
    for g in outcome.destroyed:
        console.print(f"已销毁 / destroyed {g.table}: {g.count:,}（保管至 / kept until {g.retain_until}）")
    for h in outcome.held_back:
        console.print(yellow("保留 / kept", f" {h.table} {h.id}: 仍被调节表引用 / still named by a reconciliation"))
    console.print(f"销毁清册已登记 / register entries: {len(outcome.register_ids)}")
    if outcome.deletion_completed:
        console.print("客户删除请求已完成，数据密钥已销毁 / the client's deletion request is complete; key destroyed")


@retention_app.command("pending")
@guarded
def retention_pending(client: ClientsOpt = None) -> None:
    """待批准的销毁申请 / Pending destruction requests."""
    from hezhang.services.retention import pending_destructions

    for r in pending_destructions(_store(), current_context(), _ids(client)):
        console.print(
            f"{r.id}  客户 / client {r.client_id}  申请人 / by {r.requested_by}  {len(r.records)} 份 / records"
        )


@retention_app.command("register")
@guarded
def retention_register(client: ClientsOpt = None) -> None:
    """销毁清册 / The destruction register."""
    from hezhang.services.retention import register_entries

    for e in register_entries(_store(), current_context(), _ids(client)):
        console.print(
            f"{e['destroyed_at']}  {e['client_id']}  {e['what']}  申请 / requested {e['requested_by']}  "
            f"批准 / approved {e['approved_by']}"
        )


@freeze_app.command("request")
@guarded
def freeze_request(
    client: ClientArg,
    reason: Annotated[str | None, typer.Option("--reason", help="请求说明 / what the client asked")] = None,
) -> None:
    """登记客户删除请求并冻结其数据 / Record a client's deletion request and freeze its data."""
    from hezhang.services.freeze import request_freeze

    request_id = request_freeze(_store(), current_context(), client, reason)
    console.print(f"已冻结 / frozen: {client}（删除请求 / deletion request {request_id}）")


@freeze_app.command("revoke")
@guarded
def freeze_revoke(client: ClientArg) -> None:
    """客户撤回删除请求，解除冻结 / The client withdrew its request: lift the freeze."""
    from hezhang.services.freeze import revoke_freeze

    revoke_freeze(_store(), current_context(), client)
    console.print(f"已解除冻结 / freeze lifted: {client}")


@freeze_app.command("status")
@guarded
def freeze_status_cmd(client: ClientArg) -> None:
    """查看冻结状态 / Show whether the client is frozen."""
    from hezhang.services.freeze import freeze_status

    s = freeze_status(_store(), current_context(), client)
    if s.frozen:
        console.print(
            yellow(
                "已冻结 / frozen",
                f"：{s.requested_at} 由 {s.requested_by} 登记删除请求 / deletion request "
                f"recorded by {s.requested_by}；档案保管至 / records kept until {s.kept_until}，"
                "期满经批准销毁后解除 / lifts when they are destroyed after that, or when revoked",
            )
        )
    else:
        console.print(f"未冻结 / not frozen（状态 / status {s.client_status}）")


@export_app.command("client")
@guarded
def export_client_cmd(
    client: ClientArg,
    out: Annotated[Path, typer.Option("--out", help="新的导出目录 / a new export folder")],
    shred: Annotated[
        bool,
        typer.Option("--shred", help="导出并校验后销毁数据密钥 / shred the data key after a verified export"),
    ] = False,
) -> None:
    """移交客户全部资料（原文件、明细 CSV、调节表 JSON、清单）/ Hand over everything of a client in open formats."""
    from hezhang.services.offboarding import export_client

    outcome = export_client(_store(), current_context(), client, out, shred=shred)
    console.print(
        f"已导出 / exported: {outcome.files} 个原文件 / files, {outcome.bank_lines:,} + {outcome.ledger_lines:,} 行 / "
        f"lines, {outcome.reconciliations} 份调节表 / reconciliations → {outcome.folder}"
    )
    console.print(f"清单 / manifest: {outcome.manifest}")
    if outcome.shredded:
        console.print(yellow("客户数据密钥已销毁 / the client's data key was destroyed (crypto-shredded)"))
