"""`hezhang`: the command line."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from hezhang.cli import backup_cmd, retention_cmd
from hezhang.cli.errors import EXIT_PROBLEMS, guarded
from hezhang.cli.summary import print_summary

app = typer.Typer(
    name="hezhang",
    help="核账：代理记账公司的银行对账 / hezhang: bank reconciliation for agency bookkeeping firms",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()


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
) -> None:
    """读取一个文件并汇总；有问题时退出码非零 / Read one file and summarize it; non-zero exit on problems."""
    from hezhang.services.parsing import parse_file

    summary = parse_file(
        file, "bank" if kind is FileKind.bank else "journal", format=format, account_prefix=account, out=out
    )
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
        str | None, typer.Option("--book-opening", help="日记账期初余额 / book opening balance, e.g. 12345.67")
    ] = None,
    carry_forward: Annotated[
        Path | None, typer.Option("--carry-forward", help="上期 reconciliation.json / last period's statement")
    ] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="勾对规则 TOML / matching rules")] = None,
    aliases: Annotated[Path | None, typer.Option("--aliases", help="已学习的别名 JSON / learned aliases")] = None,
    client: Annotated[
        str | None, typer.Option("--client", help="库中客户 id（库模式）/ client id (stored mode)")
    ] = None,
    bank_account: Annotated[
        str | None, typer.Option("--bank-account", help="库中银行账户 id / bank account id")
    ] = None,
    period: Annotated[str | None, typer.Option("--period", help="期间，如 2026-10 / period")] = None,
    by: Annotated[str, typer.Option("--by", help="制单人 / preparer (stored mode)")] = "system",
) -> None:
    """勾对并编制银行存款余额调节表 / Match a statement with a journal and write the reconciliation.

    文件模式：--bank 与 --journal；库模式：--client、--bank-account 与 --period（结果同时存入库，状态为草稿）。
    File mode: --bank and --journal. Stored mode: --client, --bank-account and --period (saved as a draft)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from hezhang.cli.statement_view import print_statement
    from hezhang.services.reconciling import ReconcileOutcome, reconcile_files

    if client is not None:
        from uuid import UUID

        from hezhang.services.reconciling import period_of, write_outputs
        from hezhang.services.store_access import open_store
        from hezhang.services.stored_reconciliation import reconcile_period

        if bank_account is None or period is None:
            raise typer.BadParameter(
                "库模式需要 --bank-account 与 --period / stored mode needs --bank-account and --period"
            )
        stored = reconcile_period(open_store(), UUID(client), UUID(bank_account), period_of(period), actor=by,
                                  book_opening=book_opening)  # fmt: skip
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
        console.print(f"已存为草稿 / saved as a draft: {stored.reconciliation_id}")
        return
    if bank is None or journal is None:
        raise typer.BadParameter("文件模式需要 --bank 与 --journal / file mode needs --bank and --journal")
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                  transient=True) as bar:  # fmt: skip
        task = bar.add_task("…")
        outcome = reconcile_files(
            bank, journal, out, account_prefix=account, book_opening=book_opening, carry_forward=carry_forward,
            rules_path=rules, aliases_path=aliases, progress=lambda text: bar.update(task, description=text),
        )  # fmt: skip
    if outcome.problems:
        for p in outcome.problems[:50]:
            console.print(f"[red]✗[/red] {p}")
        console.print(
            f"共 {len(outcome.problems)} 个问题，未写出任何结果 / {len(outcome.problems)} problems; nothing written"
        )
        raise typer.Exit(EXIT_PROBLEMS)
    print_statement(console, outcome)
    for path in outcome.written:
        console.print(f"已写入 / written: {path}")


@app.command("advance")
@guarded
def advance_reconciliation(
    client: Annotated[str, typer.Option("--client", help="客户 id / client id")],
    reconciliation: Annotated[str, typer.Argument(help="调节表 id / reconciliation id")],
    to: Annotated[str, typer.Argument(help="prepared | reviewed | locked")],
    by: Annotated[str, typer.Option("--by", help="操作人 / who does it")],
) -> None:
    """调节表 制表→复核→锁定（制单人不得复核或锁定）/ Prepare, review, lock (the preparer never reviews or locks)."""
    from uuid import UUID

    from hezhang.services.store_access import open_store
    from hezhang.services.stored_reconciliation import advance

    console.print(f"状态 / status: {advance(open_store(), UUID(client), UUID(reconciliation), to, by)}")


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
            console.print(f"[red]✗[/red] {p}")
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
        console.print(f"[red]✗[/red] {p}")
    print_statement(console, outcome)
    if failed or outcome.problems:
        raise typer.Exit(EXIT_PROBLEMS)


client_app = typer.Typer(help="客户 / clients", no_args_is_help=True)
import_app = typer.Typer(
    help="导入对账单或序时账到库 / import a statement or a journal into the store", no_args_is_help=True
)
keys_app = typer.Typer(help="密钥 / keys", no_args_is_help=True)
app.add_typer(client_app, name="client")
app.add_typer(keys_app, name="keys")
retention_cmd.register(app)
match_app = typer.Typer(help="人工确认、拒绝、手工勾对、取消勾对 / decide on matches", no_args_is_help=True)
app.add_typer(match_app, name="match")
backup_cmd.register(app)
app.add_typer(import_app, name="import")


@app.command()
@guarded
def init() -> None:
    """初始化本地库与密钥环 / Create the store and the local keyring (embedded default: SQLite)."""
    from hezhang.services.store_access import initialize

    store, created = initialize()
    console.print(f"库 / store: {store.settings.database_url}")
    if created:
        console.print(
            f"[yellow]已新建密钥环 / new keyring:[/yellow] {store.settings.keyring_path} — "
            "请另行备份，丢失则数据无法解密 / back it up separately: without it nothing can be decrypted"
        )


@client_app.command("add")
@guarded
def client_add(
    name: Annotated[str, typer.Argument(help="客户名称 / client name")],
    uscc: Annotated[str | None, typer.Option("--uscc", help="统一社会信用代码")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="联系人 / contact person")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="联系电话 / phone")] = None,
    email: Annotated[str | None, typer.Option("--email", help="电子邮箱 / e-mail")] = None,
) -> None:
    """新增客户（生成该客户专属数据密钥）/ Add a client with its own data key."""
    from hezhang.services.clients import create_client
    from hezhang.services.store_access import open_store

    client_id = create_client(open_store(), name, uscc, contact, phone, email)
    console.print(f"已新增客户 / client added: {client_id}")


@client_app.command("list")
@guarded
def client_list() -> None:
    """列出客户（联系人信息已脱敏）/ List clients (contacts masked)."""
    from rich.table import Table

    from hezhang.services.clients import list_clients
    from hezhang.services.store_access import open_store

    table = Table("id", "名称 / name", "统一社会信用代码", "联系人", "电话", "邮箱", "状态")
    for c in list_clients(open_store()):
        table.add_row(str(c.id), c.name, c.uscc or "", c.contact_name or "", c.contact_phone or "",
                      c.contact_email or "", c.status)  # fmt: skip
    console.print(table)


@client_app.command("account")
@guarded
def client_account(
    client: Annotated[str, typer.Argument(help="客户 id / client id")],
    number: Annotated[str, typer.Argument(help="银行账号 / account number")],
    bank: Annotated[str | None, typer.Option("--bank", help="开户行 / bank")] = None,
    ledger_code: Annotated[str | None, typer.Option("--ledger-code", help="科目代码, e.g. 100201")] = None,
) -> None:
    """为客户登记银行账户 / Register a client's bank account."""
    from uuid import UUID

    from hezhang.services.clients import add_bank_account
    from hezhang.services.store_access import open_store

    account_id = add_bank_account(open_store(), UUID(client), number, bank_name=bank, ledger_code=ledger_code)
    console.print(f"已登记银行账户 / bank account added: {account_id}")


def _import(client: str, file: Path, kind: str, account: str | None, prefix: str) -> None:
    from uuid import UUID

    from hezhang.services.imports import import_file
    from hezhang.services.store_access import open_store

    outcome = import_file(
        open_store(), UUID(client), file, "bank" if kind == "bank" else "journal",
        bank_account_id=UUID(account) if account else None, account_prefix=prefix,
    )  # fmt: skip
    if outcome.problems:
        for p in outcome.problems[:50]:
            console.print(f"[red]✗[/red] {p}")
        console.print(
            f"文件被拒绝，未导入任何内容 / the file was refused whole; nothing was stored ({len(outcome.problems)})"
        )
        raise typer.Exit(EXIT_PROBLEMS)
    console.print(f"已导入 / imported {outcome.lines:,} 行 / lines: {outcome.import_id}")


@import_app.command("bank")
@guarded
def import_bank(
    client: Annotated[str, typer.Option("--client", help="客户 id / client id")],
    account: Annotated[str, typer.Option("--account", help="银行账户 id / bank account id")],
    file: Annotated[Path, typer.Argument(help="对账单文件 / statement file")],
) -> None:
    """导入银行对账单（原文件与个人信息加密保存）/ Import a bank statement (raw file and personal data sealed)."""
    _import(client, file, "bank", account, "1002")


@import_app.command("journal")
@guarded
def import_journal(
    client: Annotated[str, typer.Option("--client", help="客户 id / client id")],
    file: Annotated[Path, typer.Argument(help="序时账文件 / journal file")],
    prefix: Annotated[str, typer.Option("--account", help="银行存款科目代码前缀")] = "1002",
) -> None:
    """导入序时账 / Import a journal."""
    _import(client, file, "journal", None, prefix)


@keys_app.command("rotate")
@guarded
def keys_rotate() -> None:
    """新增密钥环版本并设为当前 / Add a keyring version and make it current."""
    from hezhang.services.keys import rotate
    from hezhang.services.store_access import open_store

    console.print(f"当前密钥版本 / current key version: {rotate(open_store())}")


@keys_app.command("rewrap")
@guarded
def keys_rewrap() -> None:
    """把所有客户数据密钥改用当前版本包裹 / Rewrap every client data key with the current version."""
    from hezhang.services.keys import rewrap
    from hezhang.services.store_access import open_store

    outcome = rewrap(open_store())
    console.print(f"已重新包裹 / rewrapped: {outcome.rewrapped}；当前版本 / current: {outcome.current_version}")
    if outcome.left_on_old_versions:
        console.print(f"[red]仍在旧版本 / still on old versions: {outcome.left_on_old_versions}[/red]")
        raise typer.Exit(EXIT_PROBLEMS)
    console.print("旧版本上已无数据密钥，可以退役 / no data key remains on an old version; old versions can be retired")


@keys_app.command("retire")
@guarded
def keys_retire(version: Annotated[int, typer.Argument(help="旧版本号 / old version")]) -> None:
    """退役旧密钥版本（须已无数据密钥使用）/ Retire an old key version (none may still use it)."""
    from hezhang.services.keys import retire
    from hezhang.services.store_access import open_store

    retire(open_store(), version)
    console.print(f"已退役 / retired: {version}")


def _decided(outcome: object) -> None:
    statement = getattr(outcome, "statement", None)
    if statement is not None:
        state = (
            "平衡 / balanced" if statement.balanced else f"不平，相差 / differs by {statement.difference_fen / 100:.2f}"
        )
        console.print(f"已保存为草稿；调节表{state}；未达账项 {len(statement.items)} 笔 / outstanding items")


@match_app.command("confirm")
@guarded
def match_confirm(
    client: Annotated[str, typer.Option("--client")],
    reconciliation: Annotated[str, typer.Argument()],
    match_id: Annotated[int, typer.Argument()],
    by: Annotated[str, typer.Option("--by")],
) -> None:
    """确认一条建议勾对 / Confirm a suggestion."""
    from uuid import UUID

    from hezhang.services.store_access import open_store
    from hezhang.services.stored_reconciliation import confirm

    _decided(confirm(open_store(), UUID(client), UUID(reconciliation), match_id, by))


@match_app.command("reject")
@guarded
def match_reject(
    client: Annotated[str, typer.Option("--client")],
    reconciliation: Annotated[str, typer.Argument()],
    match_id: Annotated[int, typer.Argument()],
    by: Annotated[str, typer.Option("--by")],
) -> None:
    """拒绝一条建议勾对 / Reject a suggestion."""
    from uuid import UUID

    from hezhang.services.store_access import open_store
    from hezhang.services.stored_reconciliation import reject

    _decided(reject(open_store(), UUID(client), UUID(reconciliation), match_id, by))


@match_app.command("manual")
@guarded
def match_manual(
    client: Annotated[str, typer.Option("--client")],
    reconciliation: Annotated[str, typer.Argument()],
    bank_rows: Annotated[str, typer.Option("--bank-rows", help="如 3;7")],
    ledger_rows: Annotated[str, typer.Option("--ledger-rows", help="如 12")],
    reason: Annotated[str, typer.Option("--reason", help="理由 / why")],
    by: Annotated[str, typer.Option("--by")],
) -> None:
    """手工勾对（须说明理由）/ Match lines by hand (with a reason)."""
    from uuid import UUID

    from hezhang.services.store_access import open_store
    from hezhang.services.stored_reconciliation import manual_match

    def rows(text: str) -> list[int]:
        return [int(x) for x in text.replace(",", ";").split(";") if x.strip()]

    outcome = manual_match(open_store(), UUID(client), UUID(reconciliation), rows(bank_rows), rows(ledger_rows),
                           reason, by)  # fmt: skip
    _decided(outcome)


@match_app.command("undo")
@guarded
def match_undo(
    client: Annotated[str, typer.Option("--client")],
    reconciliation: Annotated[str, typer.Argument()],
    match_id: Annotated[int, typer.Argument()],
    reason: Annotated[str, typer.Option("--reason", help="理由 / why")],
    by: Annotated[str, typer.Option("--by")],
) -> None:
    """取消一条勾对（须说明理由）/ Undo a match (with a reason)."""
    from uuid import UUID

    from hezhang.services.store_access import open_store
    from hezhang.services.stored_reconciliation import unmatch

    _decided(unmatch(open_store(), UUID(client), UUID(reconciliation), match_id, reason, by))


def main() -> None:
    app()
