"""`hezhang audit verify|export|checkpoint|history|key` and `hezhang alerts list|close`: the trail and what
monitoring raised. A client checks its history without hezhang: `python -m hezhang.audit.verify FILE --key PEM`
(the verifier is one file, standard library plus `cryptography`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from hezhang.cli import params
from hezhang.cli.console import console, green, red, yellow
from hezhang.cli.errors import EXIT_PROBLEMS, guarded
from hezhang.cli.session import current_context


def register(app: typer.Typer) -> None:
    audit_app = typer.Typer(help="审计记录 / the audit trail", no_args_is_help=True)
    audit_app.command("verify")(verify)
    audit_app.command("export")(export)
    audit_app.command("checkpoint")(checkpoint)
    audit_app.command("history")(history)
    audit_app.command("key")(key)
    app.add_typer(audit_app, name="audit")
    alerts_app = typer.Typer(help="访问监控告警 / alerts from the monitoring of access", no_args_is_help=True)
    alerts_app.command("list")(alerts_list)
    alerts_app.command("close")(alerts_close)
    app.add_typer(alerts_app, name="alerts")


@guarded
def verify(
    witness: Annotated[
        list[Path] | None,
        typer.Option(
            "--witness",
            exists=True,
            dir_okay=False,
            help="另加见证文件（客户导出的访问记录、早先的导出），可多个 / more witnesses: "
            "clients' access histories, earlier exports",
        ),
    ] = None,
) -> None:
    """校验整条审计链：每条记录的哈希与链接、每个检查点的默克尔根与签名，并与见证文件对照 / Verify the whole trail,
    against the witness file."""
    from hezhang.services.audit_trail import verify_trail
    from hezhang.services.store_access import open_store

    store = open_store()
    report = verify_trail(store, current_context(), witness or [])
    for notice in report.notices:
        console.print(yellow("! ", f"{notice.zh} / {notice.en}"))
    if report.failure is not None:
        console.print(red("✗ ", f"{report.failure.message_zh()} / {report.failure.message_en()}"))
        raise typer.Exit(EXIT_PROBLEMS)
    console.print(
        green(
            "✓ ",
            f"审计链完好 / the trail is intact: {report.events:,} 条 / events, "
            f"{report.checkpoints:,} 个检查点 / checkpoints, {report.covered:,} 条已签名覆盖 / covered by a signature; "
            f"见证 / witnessed: {report.witnessed:,} 个检查点至第 {report.witness_size:,} 条 / checkpoints up to "
            f"{report.witness_size:,} ({store.settings.audit_witness})",
        )
    )


@guarded
def export(out: Annotated[Path, typer.Option("--out", help="导出文件 / export file (JSON lines)")]) -> None:
    """导出整条审计链（可用独立校验程序核对）/ Export the whole trail for the standalone verifier."""
    from hezhang.services.audit_trail import export_trail
    from hezhang.services.store_access import open_store

    made = export_trail(open_store(), current_context(), out)
    console.print(f"已导出 / exported: {made.events:,} 条 / events, {made.checkpoints} 个检查点 / checkpoints → {out}")


@guarded
def checkpoint() -> None:
    """立即签署检查点 / Sign a checkpoint of the trail now."""
    from hezhang.services.audit_trail import make_checkpoint
    from hezhang.services.store_access import open_store

    made = make_checkpoint(open_store(), current_context())
    console.print(f"检查点 / checkpoint: {made.size:,} 条 / events, root {made.root.hex()}, key {made.key_id}")


@guarded
def history(
    client: Annotated[UUID, typer.Argument(help="客户 id / client id", parser=params.client_id)],
    out: Annotated[Path, typer.Option("--out", help="导出文件 / export file (JSON lines)")],
    key_out: Annotated[Path | None, typer.Option("--key-out", help="公钥 PEM / write the public key here")] = None,
) -> None:
    """导出客户的访问记录（谁在何时因何查看了账簿）及包含证明 / A client's access history with proofs."""
    from hezhang.services.audit_trail import export_access_history
    from hezhang.services.store_access import open_store

    made = export_access_history(open_store(), current_context(), client, out)
    console.print(
        f"已导出 / exported: {made.events:,} 条 / events, 检查点 / checkpoint {made.checkpoint_size:,} → {out}"
    )
    if key_out is not None:
        key_out.write_bytes(made.key_pem)
        console.print(f"公钥 / public key → {key_out}")
    console.print(f"校验 / verify: python -m hezhang.audit.verify {out} --key {key_out or 'KEY.pem'}")


@guarded
def key(out: Annotated[Path, typer.Option("--out", help="公钥 PEM 文件 / PEM file")]) -> None:
    """导出签署检查点的公钥 / Write the public keys that sign checkpoints (for the verifier)."""
    from hezhang.services.audit_trail import public_key_pem
    from hezhang.services.store_access import open_store

    out.write_bytes(public_key_pem(open_store(), current_context()))
    console.print(f"公钥 / public keys → {out}")


@guarded
def alerts_list() -> None:
    """未关闭的告警 / Open alerts."""
    from hezhang.services.alerts import open_alerts
    from hezhang.services.store_access import open_store

    found = open_alerts(open_store(), current_context())
    for a in found:
        console.print(
            f"{a.id}  {a.raised_at:%Y-%m-%d %H:%M} UTC  {a.kind}  {a.user_name}  {a.client_id or ''}  {a.detail}"
        )
    if not found:
        console.print("没有未关闭的告警 / no open alerts")


@guarded
def alerts_close(
    alert: Annotated[UUID, typer.Argument(help="告警 id / alert id", parser=params.alert_id)],
    note: Annotated[str, typer.Option("--note", help="处理结果 / what was found")],
) -> None:
    """关闭告警并记录处理结果 / Close an alert with a note on what was found."""
    from hezhang.services.alerts import close_alert
    from hezhang.services.store_access import open_store

    close_alert(open_store(), current_context(), alert, note)
    console.print(f"已关闭 / closed: {alert}")
