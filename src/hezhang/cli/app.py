"""`hezhang`: the command line."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from hezhang.cli import audit_cmd, backup_cmd, params, people_cmd, retention_cmd, store_cmd
from hezhang.cli.console import console, green, red
from hezhang.cli.errors import EXIT_PROBLEMS, guarded
from hezhang.cli.sign_option import SIGN_HELP, SignOption
from hezhang.cli.summary import print_summary
from hezhang.cli.usage import HezhangGroup
from hezhang.domain.period import Period

app = typer.Typer(
    cls=HezhangGroup,
    name="hezhang",
    help="核账：代理记账公司的银行对账 / hezhang: bank reconciliation for agency bookkeeping firms",
    no_args_is_help=True,
    add_completion=False,
)


class FileKind(StrEnum):
    bank = "bank"
    journal = "journal"


@app.command()
@guarded
def parse(
    file: Annotated[Path, typer.Argument(help="对账单或序时账文件 / statement or journal file")],
    kind: Annotated[FileKind, typer.Option("--kind", help="bank = 银行对账单, journal = 序时账")] = FileKind.bank,
    format: Annotated[
        str | None, typer.Option("--format", help="指定格式（默认自动识别）/ force a format (default: detect)")
    ] = None,
    account: Annotated[
        str, typer.Option("--account", help="银行存款科目代码前缀 / bank account code prefix (journals)")
    ] = "1002",
    out: Annotated[
        Path | None, typer.Option("--out", help="规范化明细写入此 CSV / write the normalized lines to this CSV")
    ] = None,
    sign: Annotated[
        SignOption | None,
        typer.Option("--sign", help=SIGN_HELP),
    ] = None,
) -> None:
    """读取一个文件并汇总；有问题时退出码非零 / Read one file and summarize it; non-zero exit on problems."""
    from hezhang.services.parsing import parse_file

    summary = parse_file(
        file, "bank" if kind is FileKind.bank else "journal", format=format, account_prefix=account, out=out,
        sign=None if sign is None else sign.value,
    )  # fmt: skip
    print_summary(console, summary)
    if summary.problems:
        raise typer.Exit(EXIT_PROBLEMS)
    if out is not None:
        console.print(f"已写入 / written: {out}")


@app.command()
@guarded
def reconcile(
    out: Annotated[Path, typer.Option("--out", help="输出目录 / output directory")],
    bank: Annotated[Path | None, typer.Option("--bank", help="银行对账单文件 / bank statement file")] = None,
    journal: Annotated[Path | None, typer.Option("--journal", help="序时账文件 / journal file")] = None,
    account: Annotated[str, typer.Option("--account", help="银行存款科目代码前缀 / bank account code prefix")] = "1002",
    book_opening: Annotated[
        str | None,
        typer.Option(
            "--book-opening", help="日记账期初余额 / book opening balance, e.g. 12345.67", parser=params.amount
        ),
    ] = None,
    carry_forward: Annotated[
        Path | None, typer.Option("--carry-forward", help="上期 reconciliation.json / last period's statement")
    ] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="勾对规则 TOML / matching rules")] = None,
    aliases: Annotated[Path | None, typer.Option("--aliases", help="已学习的别名 JSON / learned aliases")] = None,
    client: Annotated[
        UUID | None,
        typer.Option("--client", help="库中客户 id（库模式）/ client id (stored mode)", parser=params.client_id),
    ] = None,
    bank_account: Annotated[
        UUID | None, typer.Option("--bank-account", help="库中银行账户 id / bank account id", parser=params.account_id)
    ] = None,
    period: Annotated[
        Period | None, typer.Option("--period", help="期间，如 2026-10 / period", parser=params.period)
    ] = None,
    accept_gaps: Annotated[
        str | None,
        typer.Option(
            "--accept-gaps",
            metavar="REASON",
            help="确认银行对账单自身的缺口（余额不连续、期初期末不符）并说明理由 / accept, with a reason, where the "
            "bank statement's own numbers disagree (without it such a statement is never balanced)",
        ),
    ] = None,
    new_version: Annotated[
        bool,
        typer.Option(
            "--new-version",
            help="已编制/已复核或已有人工决定时另建新版本（原版本保留）/ make a new version "
            "beside a prepared or reviewed statement, or a draft with decisions (the old one stays)",
        ),
    ] = False,
) -> None:
    """勾对并编制银行存款余额调节表 / Match a statement with a journal and write the reconciliation.

    文件模式：--bank 与 --journal；库模式：--client、--bank-account 与 --period（结果同时存入库，状态为草稿）。
    File mode: --bank and --journal. Stored mode: --client, --bank-account and --period (saved as a draft)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from hezhang.cli.statement_view import print_statement
    from hezhang.services.reconciling import ReconcileOutcome, reconcile_files

    if client is not None:
        from hezhang.services.reconciling import write_outputs
        from hezhang.services.store_access import open_store
        from hezhang.services.stored_reconciliation import reconcile_period

        if bank_account is None or period is None:
            raise typer.BadParameter(
                "库模式需要 --bank-account 与 --period / stored mode needs --bank-account and --period"
            )
        from hezhang.cli.session import current_context

        stored = reconcile_period(open_store(), current_context(), client, bank_account, period,
                                  book_opening=book_opening, new_version=new_version,
                                  accept_gaps=accept_gaps)  # fmt: skip
        written = write_outputs(out, stored.result, stored.statement)
        shown = ReconcileOutcome(
            statement=stored.statement,
            auto=len(stored.result.auto),
            suggested=len(stored.result.suggested),
            bank_lines=stored.bank_lines,
            ledger_lines=stored.ledger_lines,
            written=written,
        )
        print_statement(console, shown)
        console.print(f"已存为草稿（第 {stored.version} 版）/ saved as a draft (version {stored.version}): "
                      f"{stored.reconciliation_id}")  # fmt: skip
        return
    if bank is None or journal is None:
        raise typer.BadParameter("文件模式需要 --bank 与 --journal / file mode needs --bank and --journal")
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                  transient=True) as bar:  # fmt: skip
        task = bar.add_task("…")
        outcome = reconcile_files(
            bank, journal, out, account_prefix=account, book_opening=book_opening, carry_forward=carry_forward,
            accept_gaps=accept_gaps,
            rules_path=rules, aliases_path=aliases, progress=lambda text: bar.update(task, description=text),
        )  # fmt: skip
    if outcome.problems:
        for p in outcome.problems[:50]:
            console.print(red("✗ ", p))
        console.print(
            f"共 {len(outcome.problems)} 个问题，未写出任何结果 / {len(outcome.problems)} problems; nothing written"
        )
        raise typer.Exit(EXIT_PROBLEMS)
    print_statement(console, outcome)
    for path in outcome.written:
        console.print(f"已写入 / written: {path}")


class Status(StrEnum):
    prepared = "prepared"
    reviewed = "reviewed"
    locked = "locked"


@app.command("advance")
@guarded
def advance_reconciliation(
    client: Annotated[UUID, typer.Option("--client", help="客户 id / client id", parser=params.client_id)],
    reconciliation: Annotated[
        UUID, typer.Argument(help="调节表 id / reconciliation id", parser=params.reconciliation_id)
    ],
    to: Annotated[Status, typer.Argument(help="prepared | reviewed | locked")],
) -> None:
    """调节表 制表→复核→锁定（制单人不得复核或锁定）/ Prepare, review, lock (the preparer never reviews or locks)."""
    from hezhang.cli.session import current_context
    from hezhang.services.store_access import open_store
    from hezhang.services.stored_reconciliation import advance

    console.print(f"状态 / status: {advance(open_store(), current_context(), client, reconciliation, to.value)}")


@app.command()
@guarded
def learn(
    bank: Annotated[Path, typer.Option("--bank", help="本期银行对账单 / this period's statement")],
    journal: Annotated[Path, typer.Option("--journal", help="本期序时账 / this period's journal")],
    matches: Annotated[Path, typer.Option("--matches", help="已确认的 matches.csv / the confirmed matches.csv")],
    aliases: Annotated[Path, typer.Option("--aliases", help="别名文件（追加）/ alias file to add to")],
    account: Annotated[str, typer.Option("--account", help="银行存款科目代码前缀 / bank account code prefix")] = "1002",
) -> None:
    """从已确认的勾对中学习对方别名 / Learn counterparty aliases from confirmed matches."""
    from hezhang.services.learning import learn_from_files

    outcome = learn_from_files(bank, journal, matches, aliases, account_prefix=account)
    if outcome.problems:
        for p in outcome.problems[:50]:
            console.print(red("✗ ", p))
        raise typer.Exit(EXIT_PROBLEMS)
    console.print(
        f"新增别名 {outcome.aliases} 个、对方科目 {outcome.accounts} 个 / "
        f"learned {outcome.aliases} aliases and {outcome.accounts} payee accounts: {aliases}"
    )


@app.command()
@guarded
def formats(kind: Annotated[FileKind, typer.Option("--kind")] = FileKind.bank) -> None:
    """列出支持的格式 / List the formats hezhang reads."""
    from hezhang.services.parsing import known_formats

    for name in known_formats("bank" if kind is FileKind.bank else "journal"):
        console.print(name)


@app.command()
@guarded
def demo(
    directory: Annotated[Path, typer.Option("--dir", help="演示文件目录 / where to write the demo files")] = Path(
        "demo"
    ),
) -> None:
    """生成演示文件，逐个读取，并对一个演示客户月度对账 / Generate demo files, read them, reconcile a demo month."""
    from rich.table import Table

    from hezhang.cli.statement_view import print_statement
    from hezhang.services.demo import write_demo_files, write_demo_month
    from hezhang.services.parsing import parse_file
    from hezhang.services.reconciling import reconcile_files

    table = Table(title="演示文件读取结果 / demo files read", title_justify="left")
    for column in ("文件 / file", "格式 / format", "笔数 / lines", "收入 / in", "支出 / out", "问题 / problems"):
        table.add_column(column, justify="right" if column[0] in "笔收支问" else "left")
    failed = False
    for path, kind in write_demo_files(directory):
        s = parse_file(path, kind)
        table.add_row(
            path.name,
            s.format + (f" ({s.bank})" if s.bank else ""),
            f"{s.count:,}",
            s.total_in.format(),
            s.total_out.format(),
            str(len(s.problems)),
        )
        failed |= bool(s.problems)
    console.print(table)
    bank, journal, account, opening = write_demo_month(directory / "month")
    console.print(f"\n演示客户月度对账 / demo client-month: {bank.name} + {journal.name}")
    outcome = reconcile_files(bank, journal, directory / "month" / "out", account_prefix=account, book_opening=opening)
    for p in outcome.problems:
        console.print(red("✗ ", p))
    print_statement(console, outcome)
    stored_ok = _store_demo(directory)
    if failed or outcome.problems or not stored_ok:
        raise typer.Exit(EXIT_PROBLEMS)


def _store_demo(directory: Path) -> bool:
    """The same kind of month in a fresh embedded store (SQLite + local keyring), as the people who do it."""
    from hezhang.services.demo_store import run_store_demo

    console.print("\n演示库 / the demo store (SQLite + 本地密钥环 / local keyring)：管理员以密码和动态码登录；"
                  "会计、主管和客户人员用管理员给的激活码激活账号，自行设置密码并绑定验证器 / "
                  "the admin signs in with a password and TOTP; accountants, a supervisor and a client user "
                  "activate their accounts with the admin's one-time codes, choosing their own passwords and "
                  "authenticators")  # fmt: skip
    d = run_store_demo(directory)
    state = "平衡 / balanced" if d.balanced else "不平 / not balanced"
    console.print(
        f"  导入并对账 / imported and reconciled: 银行 {d.bank_lines} 行、日记账 {d.ledger_lines} 行 / lines, {state}"
    )
    console.print(f"  未分派的会计 / an accountant not assigned: {d.refusal}")
    console.print(f"  联系电话（脱敏显示）/ contact phone, masked: {d.contact_shown}")
    console.print(
        f"  揭示银行账号（理由：核对银行回单，已记入审计）/ account revealed with a reason: {d.revealed_account}"
    )
    console.print(f"  主管复核自己编制的调节表 / the supervisor reviewing what he prepared: {d.review_refusal}")
    console.print(f"  主管复核后状态 / after the supervisor's review: {d.status}")
    mark = green("  ✓") if d.history_ok else red("  ✗")
    mark.append(f" 客户导出的访问记录 / the client's access history: {d.history_events} 条 / events "
                f"({', '.join(d.history_actions)})，独立校验通过 / verified by the standalone verifier")  # fmt: skip
    console.print(mark)
    console.print(f"  python -m hezhang.audit.verify {directory / 'store-access-history.jsonl'} "
                  f"--key {directory / 'store-audit-key.pem'}")  # fmt: skip
    return d.balanced and d.history_ok


retention_cmd.register(app)
backup_cmd.register(app)
store_cmd.register(app)
people_cmd.register(app)
audit_cmd.register(app)


def main() -> None:
    app()
