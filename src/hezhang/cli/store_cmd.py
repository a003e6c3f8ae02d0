"""Commands on the firm's store: init, clients, imports, keys, and people's decisions on matches."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.table import Table

from hezhang.cli import params
from hezhang.cli.console import console, red, yellow
from hezhang.cli.errors import EXIT_PROBLEMS, guarded
from hezhang.cli.session import current_context
from hezhang.cli.sign_option import SIGN_HELP, SignOption

client_app = typer.Typer(help="客户 / clients", no_args_is_help=True)
import_app = typer.Typer(
    help="导入对账单或序时账到库 / import a statement or a journal into the store", no_args_is_help=True
)
keys_app = typer.Typer(help="密钥 / keys", no_args_is_help=True)
match_app = typer.Typer(help="人工确认、拒绝、手工勾对、取消勾对 / decide on matches", no_args_is_help=True)

ClientOption = Annotated[UUID, typer.Option("--client", help="客户 id / client id", parser=params.client_id)]
ClientArgument = Annotated[UUID, typer.Argument(help="客户 id / client id", parser=params.client_id)]
Reconciliation = Annotated[UUID, typer.Argument(help="调节表 id / reconciliation id", parser=params.reconciliation_id)]
MatchNumber = Annotated[int, typer.Argument(help="勾对编号 / match id", parser=params.match_number)]


def _table(*headers: str) -> Table:
    """A table that wraps long cells instead of cutting them: an id or a masked number is shown whole."""
    table = Table()
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


@guarded
def init(
    admin: Annotated[
        str | None, typer.Option("--admin", help="同时创建第一位管理员 / also create the first firm admin")
    ] = None,
) -> None:
    """初始化本地库与密钥环 / Create the store and the local keyring (embedded default: SQLite)."""
    from hezhang.services.store_access import initialize

    store, created = initialize()
    console.print(f"库 / store: {store.settings.database_url}")
    if created:
        console.print(
            yellow(
                "已新建密钥环 / new keyring: ",
                f"{store.settings.keyring_path} — "
                "请另行备份，丢失则数据无法解密 / back it up separately: without it nothing can be decrypted",
            )
        )
    if admin is not None:
        from hezhang.cli.people_cmd import new_password, print_enrollment
        from hezhang.security.policy import Role
        from hezhang.services.people import bootstrap_admin, check_new_user

        check_new_user(admin, Role.FIRM_ADMIN, None, None)  # before the password is asked for
        user_id, enrollment = bootstrap_admin(store, admin, new_password())
        console.print(f"已创建管理员 / first firm admin: {admin} ({user_id})")
        print_enrollment(enrollment)
        return
    from hezhang.services.people import needs_first_admin

    if needs_first_admin(store):
        console.print(
            yellow(
                "库中还没有用户 / no user yet: ",
                "hezhang init --admin 登录名 / NAME 创建第一位管理员 / creates the first firm admin",
            )
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

    client_id = create_client(open_store(), current_context(), name, uscc, contact, phone, email)
    console.print(f"已新增客户 / client added: {client_id}")


@client_app.command("list")
@guarded
def client_list() -> None:
    """列出客户（联系人信息已脱敏）/ List clients (contacts masked)."""
    from hezhang.services.clients import list_clients
    from hezhang.services.store_access import open_store

    clients = list_clients(open_store(), current_context())
    if not clients:
        console.print("没有您可以查看的客户（须被分派到客户）/ no client you may read (you need an assignment)")
        return
    table = _table("id", "名称 / name", "统一社会信用代码", "联系人", "电话", "邮箱", "状态")
    for c in clients:
        table.add_row(str(c.id), c.name, c.uscc or "", c.contact_name or "", c.contact_phone or "",
                      c.contact_email or "", c.status)  # fmt: skip
    console.print(table)


@client_app.command("directory")
@guarded
def client_directory() -> None:
    """全部客户名录（不含联系人）/ Every client's name and status (no contacts), for the firm admin and the security
    officer."""
    from hezhang.services.clients import client_directory
    from hezhang.services.store_access import open_store

    table = _table("id", "名称 / name", "统一社会信用代码", "状态")
    for c in client_directory(open_store(), current_context()):
        table.add_row(str(c.id), c.name, c.uscc or "", c.status)
    console.print(table)


@client_app.command("reveal")
@guarded
def client_reveal(
    client: ClientOption,
    table_name: Annotated[str, typer.Argument(help="表 / table, e.g. bank_accounts")],
    record: Annotated[UUID, typer.Argument(help="记录 id / record id", parser=params.record_id)],
    column: Annotated[str, typer.Argument(help="字段 / field, e.g. account_number")],
    reason: Annotated[str, typer.Option("--reason", help="理由（记入审计）/ why (recorded)")],
) -> None:
    """显示一个脱敏字段的完整值（须说明理由，记入审计，限频）/ Show one masked field in full (reason, audited)."""
    from hezhang.services.reveal import reveal
    from hezhang.services.store_access import open_store

    shown = reveal(open_store(), current_context(), client, table_name, record, column, reason)
    console.print(f"{shown.table}.{shown.column} = {shown.value if shown.value is not None else '（空 / empty）'}")


@client_app.command("account")
@guarded
def client_account(
    client: ClientArgument,
    number: Annotated[str, typer.Argument(help="银行账号 / account number")],
    bank: Annotated[str | None, typer.Option("--bank", help="开户行 / bank")] = None,
    ledger_code: Annotated[str | None, typer.Option("--ledger-code", help="科目代码, e.g. 100201")] = None,
) -> None:
    """为客户登记银行账户 / Register a client's bank account."""
    from hezhang.services.clients import add_bank_account
    from hezhang.services.store_access import open_store

    account_id = add_bank_account(open_store(), current_context(), client, number, bank_name=bank,
                                  ledger_code=ledger_code)  # fmt: skip
    console.print(f"已登记银行账户 / bank account added: {account_id}")


def _import(client: UUID, file: Path, kind: str, account: UUID | None, prefix: str, sign: str | None = None) -> None:
    from hezhang.services.imports import import_file
    from hezhang.services.store_access import open_store

    outcome = import_file(open_store(), current_context(), client, file, "bank" if kind == "bank" else "journal",
                          bank_account_id=account, account_prefix=prefix,
                          sign=None if sign is None else SignOption(sign).value)  # fmt: skip
    if outcome.problems:
        for p in outcome.problems[:50]:
            console.print(red("✗ ", p))
        console.print(
            f"文件被拒绝，未导入任何内容 / the file was refused whole; nothing was stored ({len(outcome.problems)})"
        )
        raise typer.Exit(EXIT_PROBLEMS)
    console.print(f"已导入 / imported {outcome.lines:,} 行 / lines: {outcome.import_id}")


@import_app.command("bank")
@guarded
def import_bank(
    client: ClientOption,
    account: Annotated[UUID, typer.Option("--account", help="银行账户 id / bank account id", parser=params.account_id)],
    file: Annotated[Path, typer.Argument(help="对账单文件 / statement file")],
    sign: Annotated[
        SignOption | None,
        typer.Option("--sign", help=SIGN_HELP),
    ] = None,
) -> None:
    """导入银行对账单（原文件与个人信息加密保存）/ Import a bank statement (raw file and personal data sealed)."""
    _import(client, file, "bank", account, "1002", None if sign is None else sign.value)


@import_app.command("journal")
@guarded
def import_journal(
    client: ClientOption,
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

    console.print(f"当前密钥版本 / current key version: {rotate(open_store(), current_context())}")


@keys_app.command("rewrap")
@guarded
def keys_rewrap() -> None:
    """把所有客户数据密钥改用当前版本包裹 / Rewrap every client data key with the current version."""
    from hezhang.services.keys import rewrap
    from hezhang.services.store_access import open_store

    outcome = rewrap(open_store(), current_context())
    console.print(f"已重新包裹 / rewrapped: {outcome.rewrapped}；当前版本 / current: {outcome.current_version}")
    if outcome.left_on_old_versions:
        console.print(red(f"仍在旧版本 / still on old versions: {outcome.left_on_old_versions}"))
        raise typer.Exit(EXIT_PROBLEMS)
    console.print("旧版本上已无数据密钥，可以退役 / no data key remains on an old version; old versions can be retired")


@keys_app.command("retire")
@guarded
def keys_retire(
    version: Annotated[int, typer.Argument(help="旧版本号 / old version", parser=params.key_version)],
) -> None:
    """退役旧密钥版本（须已无数据密钥使用）/ Retire an old key version (none may still use it)."""
    from hezhang.services.keys import retire
    from hezhang.services.store_access import open_store

    retire(open_store(), current_context(), version)
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
    client: ClientOption,
    reconciliation: Reconciliation,
    match_id: MatchNumber,
) -> None:
    """确认一条建议勾对 / Confirm a suggestion."""
    from hezhang.services.match_decisions import confirm
    from hezhang.services.store_access import open_store

    _decided(confirm(open_store(), current_context(), client, reconciliation, match_id))


@match_app.command("reject")
@guarded
def match_reject(
    client: ClientOption,
    reconciliation: Reconciliation,
    match_id: MatchNumber,
) -> None:
    """拒绝一条建议勾对 / Reject a suggestion."""
    from hezhang.services.match_decisions import reject
    from hezhang.services.store_access import open_store

    _decided(reject(open_store(), current_context(), client, reconciliation, match_id))


@match_app.command("manual")
@guarded
def match_manual(
    client: ClientOption,
    reconciliation: Reconciliation,
    bank_rows: Annotated[params.Rows, typer.Option("--bank-rows", help="银行行号，如 3;7", parser=params.rows)],
    ledger_rows: Annotated[params.Rows, typer.Option("--ledger-rows", help="日记账行号，如 12", parser=params.rows)],
    reason: Annotated[str, typer.Option("--reason", help="理由 / why")],
) -> None:
    """手工勾对（须说明理由）/ Match lines by hand (with a reason)."""
    from hezhang.services.match_decisions import manual_match
    from hezhang.services.store_access import open_store

    bank, ledger = list(bank_rows.numbers), list(ledger_rows.numbers)
    _decided(manual_match(open_store(), current_context(), client, reconciliation, bank, ledger, reason))


@match_app.command("undo")
@guarded
def match_undo(
    client: ClientOption,
    reconciliation: Reconciliation,
    match_id: MatchNumber,
    reason: Annotated[str, typer.Option("--reason", help="理由 / why")],
) -> None:
    """取消一条勾对（须说明理由）/ Undo a match (with a reason)."""
    from hezhang.services.match_decisions import unmatch
    from hezhang.services.store_access import open_store

    _decided(unmatch(open_store(), current_context(), client, reconciliation, match_id, reason))


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(client_app, name="client")
    app.add_typer(import_app, name="import")
    app.add_typer(keys_app, name="keys")
    app.add_typer(match_app, name="match")
