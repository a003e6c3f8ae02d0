"""Commands on people and sessions: user add/disable/assign/agreement/training/list/department/reset-password/
reset-mfa, login, logout, whoami. A firm admin adding or resetting someone is shown an activation code, never their
password or second factor (the person runs `hezhang activate`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer

from hezhang.cli import params
from hezhang.cli.activate_cmd import finish_activation, print_activation_code, print_authenticator, print_recovery_codes
from hezhang.cli.console import console
from hezhang.cli.errors import guarded
from hezhang.cli.session import cli_source, current_context, forget_token, read_token, save_token

if TYPE_CHECKING:
    from hezhang.services.people import Enrollment

user_app = typer.Typer(help="人员、分派与登记 / people, assignments and registers", no_args_is_help=True)
department_app = typer.Typer(help="部门 / departments", no_args_is_help=True)

Name = Annotated[str, typer.Argument(help="登录名 / login name")]
ClientArg = Annotated[UUID, typer.Argument(help="客户 id / client id", parser=params.client_id)]


def new_password() -> str:
    password: str = typer.prompt("新密码 / new password", hide_input=True, confirmation_prompt="再输入一次 / repeat it")
    return password


def print_enrollment(enrollment: Enrollment) -> None:
    """Show one's own new second factor once (the first admin at `init`): the TOTP secret, its otpauth:// URI and
    the recovery codes."""
    print_authenticator(enrollment)
    print_recovery_codes(enrollment.recovery_codes)


@user_app.command("add")
@guarded
def user_add(
    name: Annotated[str, typer.Argument(help="登录名 / login name")],
    role: Annotated[
        str,
        typer.Option(
            "--role", help="firm_admin, security_officer, supervisor, accountant, assistant, auditor, client_user"
        ),
    ],
    department: Annotated[str | None, typer.Option("--department", help="部门 / department")] = None,
    client: Annotated[
        UUID | None,
        typer.Option("--client", help="客户人员所属客户 id / a client user's client", parser=params.client_id),
    ] = None,
    display_name: Annotated[str | None, typer.Option("--display-name", help="姓名 / display name")] = None,
) -> None:
    """新增用户，给出一次性激活码：本人用它设置密码并绑定验证器 / Add a user and get a one-time activation code with
    which they choose their own password and enrol their own authenticator."""
    from hezhang.services.people import add_user
    from hezhang.services.store_access import open_store

    store = open_store()
    user_id, given = add_user(store, current_context(store), name, role, display_name=display_name,
                              department=department, client_id=client)  # fmt: skip
    console.print(f"已新增用户 / user added: {name} ({user_id})")
    print_activation_code(given)


@user_app.command("disable")
@guarded
def user_disable(name: Annotated[str, typer.Argument(help="登录名 / login name")]) -> None:
    """停用用户，立即结束其所有会话 / Disable a user and end all their sessions at once."""
    from hezhang.services.people import disable_user
    from hezhang.services.store_access import open_store

    store = open_store()
    ended = disable_user(store, current_context(store), name)
    console.print(f"已停用 / disabled: {name}；结束会话 / sessions ended: {ended}")


@user_app.command("assign")
@guarded
def user_assign(
    name: Name,
    client: ClientArg,
    until: Annotated[date, typer.Option("--until", help="结束日期（含）/ last day, YYYY-MM-DD", parser=params.day)],
    start: Annotated[
        date | None,
        typer.Option("--from", help="开始日期，默认今天 / first day (default today)", parser=params.day),
    ] = None,
) -> None:
    """把员工分派到客户（须有结束日期）/ Assign a staff member to a client (an end date is required)."""
    from hezhang.services.people import assign
    from hezhang.services.store_access import open_store

    store = open_store()
    ctx = current_context(store)
    starts_on = start or ctx.today()
    assignment_id = assign(store, ctx, name, client, starts_on, until)
    console.print(f"已分派 / assigned: {name} → {client}，{starts_on} – {until} ({assignment_id})")


@user_app.command("unassign")
@guarded
def user_unassign(
    name: Name,
    client: ClientArg,
) -> None:
    """立即结束员工对客户的分派 / End a staff member's assignment to a client now."""
    from hezhang.services.people import end_assignment
    from hezhang.services.store_access import open_store

    store = open_store()
    ended = end_assignment(store, current_context(store), name, client)
    console.print(f"已结束分派 / assignments ended: {ended}")


@user_app.command("agreement")
@guarded
def user_agreement(
    name: Annotated[str, typer.Argument(help="登录名 / login name")],
    version: Annotated[str, typer.Option("--version", help="协议版本 / agreement version")],
    signed: Annotated[date, typer.Option("--signed", help="签署日期 / signed on, YYYY-MM-DD", parser=params.day)],
    expires: Annotated[date, typer.Option("--expires", help="到期日期 / expires on, YYYY-MM-DD", parser=params.day)],
) -> None:
    """登记保密协议 / Record a signed confidentiality agreement."""
    from hezhang.services.people import record_agreement
    from hezhang.services.store_access import open_store

    store = open_store()
    record_agreement(store, current_context(store), name, version, signed, expires)
    console.print(f"已登记保密协议 / agreement recorded: {name} {version}，{signed} – {expires}")


@user_app.command("training")
@guarded
def user_training(
    name: Annotated[str, typer.Argument(help="登录名 / login name")],
    course: Annotated[str, typer.Option("--course", help="课程 / course")],
    completed: Annotated[date, typer.Option("--date", help="完成日期 / completed on, YYYY-MM-DD", parser=params.day)],
    score: Annotated[int, typer.Option("--score", help="分数 0–100 / score", parser=params.score)],
    failed: Annotated[bool, typer.Option("--failed", help="未通过 / not passed")] = False,
) -> None:
    """登记隐私保护培训 / Record a privacy training."""
    from hezhang.services.people import record_training
    from hezhang.services.store_access import open_store

    store = open_store()
    record_training(store, current_context(store), name, course, completed, score, not failed)
    console.print(f"已登记培训 / training recorded: {name} {course} {completed}（{'未通过' if failed else '通过'}）")


@user_app.command("list")
@guarded
def user_list() -> None:
    """列出用户及其协议、培训与分派情况 / List users with their agreement, training and assignments."""
    from rich.table import Table

    from hezhang.services.people import list_users
    from hezhang.services.store_access import open_store

    store = open_store()
    table = Table(title="用户 / users", title_justify="left")
    table.add_column("登录名 / name", no_wrap=True)
    table.add_column("角色 / role", no_wrap=True)
    for header in ("姓名", "部门", "状态", "MFA", "协议到期", "培训", "客户"):
        table.add_column(header)
    for u in list_users(store, current_context(store)):
        agreement = "无" if not u.has_agreement else str(u.agreement_expires or "长期")
        clients = str(u.client_id) if u.client_id else str(len(u.assigned_clients))
        state, mfa = "启用" if u.active else "停用", "是" if u.mfa_enrolled else "否"
        table.add_row(u.name, u.role.value, u.display_name or "", u.department or "", state, mfa, agreement,
                      str(u.training_completed or ""), clients)  # fmt: skip
    console.print(table)


@department_app.command("add")
@guarded
def department_add(name: Annotated[str, typer.Argument(help="部门名称 / department name")]) -> None:
    """新增部门 / Add a department."""
    from hezhang.services.people import add_department
    from hezhang.services.store_access import open_store

    store = open_store()
    department_id = add_department(store, current_context(store), name)
    console.print(f"已新增部门 / department added: {name} ({department_id})")


@user_app.command("reset-password")
@guarded
def user_reset_password(name: Name) -> None:
    """重设密码：旧密码失效、会话全部结束，本人用激活码设置新密码（仍须验证码）/ Reset a password: the old one stops
    working and the sessions end; the person sets a new one with an activation code (the second factor stays)."""
    from hezhang.services.people import reset_password
    from hezhang.services.store_access import open_store

    store = open_store()
    given = reset_password(store, current_context(store), name)
    console.print(f"已重设密码 / password reset: {name}；会话已结束 / sessions ended")
    print_activation_code(given)


@user_app.command("reset-mfa")
@guarded
def user_reset_mfa(name: Name) -> None:
    """重设双因素（验证器丢失）：会话全部结束，本人用激活码绑定新的验证器 / Reset the second factor of someone who lost
    their authenticator: the sessions end; the person enrols a new one with an activation code."""
    from hezhang.services.people import reset_second_factor
    from hezhang.services.store_access import open_store

    store = open_store()
    given = reset_second_factor(store, current_context(store), name)
    console.print(f"已重设双因素 / second factor reset: {name}；会话已结束 / sessions ended")
    print_activation_code(given)


@guarded
def login(
    name: Annotated[str, typer.Argument(help="登录名 / login name")],
    recovery_code: Annotated[
        bool, typer.Option("--recovery-code", help="用恢复码代替验证码 / use a recovery code instead of a TOTP code")
    ] = False,
) -> None:
    """登录（密码 + 动态验证码或恢复码）；输入激活码代替密码则转入激活 / Sign in with a password and a TOTP code or a
    recovery code; an activation code typed as the password starts the activation."""
    from hezhang.services.activation import looks_like_activation_code
    from hezhang.services.sign_in import sign_in
    from hezhang.services.store_access import open_store

    store = open_store()
    password: str = typer.prompt(
        "密码 / password（新账号：激活码 / a new account: the activation code）", hide_input=True
    )
    if looks_like_activation_code(password):  # no password has this shape: it is refused as one
        console.print("这是激活码，现在激活账号 / an activation code: activating the account")
        finish_activation(store, name, password, recovery=recovery_code)
        return
    if recovery_code:
        code: str = typer.prompt("恢复码 / recovery code", hide_input=True)
        signed = sign_in(store, name, password, None, cli_source(), recovery_code=code)
    else:
        code = typer.prompt("动态验证码 / TOTP code")
        signed = sign_in(store, name, password, code, cli_source())
    path = save_token(store, signed.token)
    console.print(f"已登录 / signed in: {name}（会话 / session: {path}）")


@guarded
def logout() -> None:
    """退出登录：结束当前会话（HEZHANG_SESSION 优先于会话文件）/ Sign out: end this session (HEZHANG_SESSION before
    the session file); the file is removed only when it holds that same session."""
    from hezhang.services.sign_in import sign_out
    from hezhang.services.store_access import open_store

    store = open_store()
    token = read_token(store)
    ended = sign_out(store, token, source=cli_source()) if token else False
    if token:
        forget_token(store, token)
    console.print("已退出 / signed out" if ended else "没有有效会话 / no live session")


@guarded
def whoami() -> None:
    """当前登录用户 / Who is signed in."""
    from hezhang.services.people import whoami as who
    from hezhang.services.store_access import open_store

    store = open_store()
    me = who(store, current_context(store))
    department = f" · {me.department}" if me.department else ""
    console.print(f"{me.name}（{me.display_name or '-'}）{me.role.value}{department}")
    agreement = me.agreement_expires or ("长期 / no expiry" if me.has_agreement else "无 / none")
    training = me.training_completed or "无 / none"
    console.print(f"保密协议到期 / agreement expires: {agreement}；培训 / training: {training}；"
                  f"分派客户 / assigned clients: {len(me.assigned_clients)}")  # fmt: skip


def register(app: typer.Typer) -> None:
    from hezhang.cli import activate_cmd

    activate_cmd.register(app)
    user_app.add_typer(department_app, name="department")
    app.add_typer(user_app, name="user")
    app.command("login")(login)
    app.command("logout")(logout)
    app.command("whoami")(whoami)
