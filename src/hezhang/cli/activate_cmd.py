"""`hezhang activate NAME`: the person a firm admin made or reset an account for takes it over with the one-time
activation code the admin handed them, choosing their own password and enrolling their own authenticator (or, after
a reset, proving the factor they kept). `hezhang login` comes here too when an activation code is typed as the
password."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hezhang.cli.console import console, err, red, yellow
from hezhang.cli.errors import guarded
from hezhang.cli.session import cli_source, save_token

if TYPE_CHECKING:
    from hezhang.services.activation import ActivationCode
    from hezhang.services.second_factor import Enrollment
    from hezhang.services.store_access import Store

TRIES = 3


def print_activation_code(given: ActivationCode) -> None:
    """What the firm admin sees: the code (once), until when, and what the person will do with it."""
    from hezhang.services.context import SHANGHAI

    until = given.expires_at.astimezone(SHANGHAI)
    console.print(yellow("激活码（只显示这一次）/ activation code (shown once): ", given.code))
    console.print(f"  有效至 / valid until: {until:%Y-%m-%d %H:%M} (Asia/Shanghai)")
    what_zh = "设置自己的密码" if given.new_password else "以现有密码证明身份"
    what_en = "choose their own password" if given.new_password else "prove their password"
    if given.new_second_factor:
        what_zh, what_en = f"{what_zh}并绑定自己的验证器", f"{what_en} and enrol their own authenticator"
    else:
        what_zh, what_en = f"{what_zh}，并以验证器或恢复码证明身份", f"{what_en}, then prove their authenticator"
    who = given.name
    console.print(f"  请当面或经另一渠道交给 {who}；{who} 运行 hezhang activate {who}，{what_zh} / "
                  f"hand it to {who} in person or by another channel; {who} runs `hezhang activate {who}` "
                  f"to {what_en}")  # fmt: skip


def print_authenticator(enrollment: Enrollment) -> None:
    """The new authenticator's secret and otpauth:// URI, shown once to the person enrolling it."""
    console.print(
        yellow("以下内容只显示这一次，请立即添加到验证器 / shown once only: add it to your authenticator now")
    )
    console.print(f"TOTP 密钥 / secret: {enrollment.secret}")
    console.print(f"otpauth URI（可生成二维码 / for a QR code）: {enrollment.uri}")


def print_recovery_codes(codes: tuple[str, ...]) -> None:
    console.print(yellow("恢复码（每个只能用一次，只显示这一次）/ recovery codes (each works once; shown once):"))
    for code in codes:
        console.print(f"  {code}")


def _choose_password(name: str) -> str:
    from hezhang.services.activation import ActivationInputError, password_problems

    for _ in range(TRIES):
        password: str = typer.prompt(
            "新密码 / new password", hide_input=True, confirmation_prompt="再输入一次 / repeat it"
        )
        problems = password_problems(password, name)
        if not problems:
            return password
        err.print(red("✗ ", "；".join(problems)))
    raise ActivationInputError(f"密码 {TRIES} 次未通过检查 / the password was refused {TRIES} times")


def finish_activation(store: Store, name: str, code: str, *, recovery: bool = False) -> None:
    """The activation after the code was typed: check it, ask what it needs, complete, keep the session."""
    from hezhang.services.activation import ActivationError, Answers, check_activation, complete_activation

    source = cli_source()
    pending = check_activation(store, name, code, source)
    new_password = _choose_password(pending.name) if pending.new_password else None
    current = None if pending.new_password else typer.prompt("当前密码 / your current password", hide_input=True)
    if pending.enrollment is not None:
        print_authenticator(pending.enrollment.enrollment)
    for attempt in range(1, TRIES + 1):
        if pending.enrollment is not None:
            answers = Answers(
                new_password, current, code=typer.prompt("验证器上的 6 位验证码 / the 6-digit code it shows")
            )
        elif recovery:
            answers = Answers(
                new_password, current, recovery_code=typer.prompt("恢复码 / recovery code", hide_input=True)
            )
        else:
            answers = Answers(new_password, current, code=typer.prompt("动态验证码 / TOTP code"))
        try:
            done = complete_activation(store, name, code, answers, source, enrollment=pending.enrollment)
            break
        except ActivationError as wrong:
            if wrong.reason != "bad_new_code" or attempt == TRIES:
                raise
            err.print(red("✗ ", "验证码不对，请输入验证器当前显示的验证码 / not that code: type the one it shows now"))
    path = save_token(store, done.signed.token)
    console.print(f"已激活并登录 / activated and signed in: {pending.name}（会话 / session: {path}）")
    if done.recovery_codes:
        print_recovery_codes(done.recovery_codes)


@guarded
def activate(
    name: Annotated[str, typer.Argument(help="登录名 / login name")],
    recovery_code: Annotated[
        bool,
        typer.Option(
            "--recovery-code", help="密码重设后用恢复码证明身份 / after a password reset, prove it with a recovery code"
        ),
    ] = False,
) -> None:
    """用管理员给的激活码激活账号：自己设置密码、绑定验证器 / Activate your account with the code the firm admin gave
    you: choose your own password, enrol your own authenticator."""
    from hezhang.services.store_access import open_store

    store = open_store()
    code: str = typer.prompt("激活码 / activation code", hide_input=True)
    finish_activation(store, name, code, recovery=recovery_code)


def register(app: typer.Typer) -> None:
    app.command("activate")(activate)
