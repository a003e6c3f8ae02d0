"""The command line for people and sessions: init with the first admin, login with a TOTP code, whoami, add a
department and a user (an activation code, nothing secret), the person activating their own account, resets, list,
logout; the session file is the owner's only, and logout ends only the session it was given."""

from __future__ import annotations

import re
import stat
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from typer.testing import CliRunner

from factories.cli_store import cli_store
from factories.enrollment import activation_code, next_secrets, totp_secret
from factories.people import session_token, staff
from hezhang.cli.app import app
from hezhang.cli.session import cli_source, save_token
from hezhang.security.policy import Role
from hezhang.services.context import utc_now
from hezhang.services.sign_in import SessionEndedError, resume
from hezhang.store.uow import UnitOfWork

runner = CliRunner()
PASSWORD = "correct horse battery staple 7"
NEW_PASSWORD = "another long pass phrase 42"


def test_first_admin_signs_in_and_manages_people(tmp_path: Path) -> None:
    env = {"HEZHANG_DATA_DIR": str(tmp_path / "data"), "HEZHANG_DATABASE_URL": "", "HEZHANG_SESSION": ""}
    done = runner.invoke(app, ["init", "--admin", "boss.admin"], input=f"{PASSWORD}\n{PASSWORD}\n", env=env)
    assert done.exit_code == 0, done.output
    assert "恢复码" in done.output and "otpauth://totp/" in done.output  # the first admin enrols themselves
    secret = totp_secret(done.output)

    refused = runner.invoke(app, ["whoami"], env=env)
    assert refused.exit_code == 1 and "请先登录" in refused.output

    code = pyotp.TOTP(secret).now()
    done = runner.invoke(app, ["login", "boss.admin"], input=f"{PASSWORD}\n{code}\n", env=env)
    assert done.exit_code == 0, done.output
    session = tmp_path / "data" / "session"
    assert stat.S_IMODE(session.stat().st_mode) == 0o600

    done = runner.invoke(app, ["whoami"], env=env)
    assert done.exit_code == 0 and "boss.admin" in done.output and "firm_admin" in done.output, done.output
    done = runner.invoke(app, ["client", "list"], env=env)  # nobody is assigned anything yet: says so
    assert done.exit_code == 0 and "没有您可以查看的客户" in done.output and "assignment" in done.output, done.output

    done = runner.invoke(app, ["user", "department", "add", "一部"], env=env)
    assert done.exit_code == 0, done.output
    done = runner.invoke(
        app, ["user", "add", "wang.fang", "--role", "accountant", "--department", "一部", "--display-name", "王芳"],
        env=env,
    )  # fmt: skip
    assert done.exit_code == 0 and "hezhang activate wang.fang" in done.output, done.output
    assert activation_code(done.output) and "secret" not in done.output and "password:" not in done.output
    for args, why in ((["--role", "king"], "unknown role"), (["--role", "client_user"], "needs their client")):
        done = runner.invoke(app, ["user", "add", "x.user", *args], env=env)
        assert done.exit_code == 1 and why in done.output and "activation code" not in done.output, done.output

    done = runner.invoke(app, ["user", "list"], env=env)
    assert done.exit_code == 0 and "wang.fang" in done.output, done.output

    done = runner.invoke(app, ["logout"], env=env)
    assert done.exit_code == 0 and "已退出" in done.output and not session.exists()
    refused = runner.invoke(app, ["user", "list"], env=env)
    assert refused.exit_code == 1 and "请先登录" in refused.output

    again = runner.invoke(app, ["init", "--admin", "another.admin"], input=f"{PASSWORD}\n{PASSWORD}\n", env=env)
    assert again.exit_code == 1 and "已有用户" in again.output


def test_the_admin_never_sees_or_chooses_another_users_password_or_second_factor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new user, a password reset and a second-factor reset each give the admin a one-time activation code; the
    person activates with it (`hezhang activate`, or the code typed at `hezhang login`), chooses their password and
    enrols their authenticator. Nothing the admin's commands print holds the person's password, TOTP secret,
    otpauth URI or recovery codes, and no admin command asks for a password."""
    store, env = cli_store(tmp_path)
    boss = staff(store, Role.FIRM_ADMIN)
    as_admin = {**env, "HEZHANG_SESSION": session_token(store, boss)}
    as_person = {**env, "LOGNAME": "boss", "USER": "boss"}  # the environment names someone else: changes nothing
    secrets_made = next_secrets(monkeypatch)
    admin_saw: list[str] = []

    def admin(*args: str) -> str:
        done = runner.invoke(app, list(args), env=as_admin)  # no input: a prompt would abort it
        assert done.exit_code == 0, (args, done.output)
        admin_saw.append(done.output)
        return done.output

    def person(args: list[str], answers: list[str]) -> str:
        done = runner.invoke(app, args, input="".join(f"{a}\n" for a in answers), env=as_person)
        assert done.exit_code == 0, (args, done.output)
        return done.output

    code = activation_code(admin("user", "add", "wang.fang", "--role", "accountant"))
    assert "密码" not in admin_saw[-1].replace("设置自己的密码", "")  # nothing about a password but that wang sets it
    first = person(["activate", "wang.fang"], [code, PASSWORD, PASSWORD, "000000", _now(secrets_made[0])])
    assert "验证码不对" in first and totp_secret(first) == secrets_made[0] and "已激活并登录" in first
    recovery = _recovery_codes(first)
    assert len(recovery) == 10
    assert "wang.fang" in person(["whoami"], [])

    code = activation_code(admin("user", "reset-password", "wang.fang"))
    step_later = pyotp.TOTP(secrets_made[0]).at(utc_now() + timedelta(seconds=30))  # a step not used yet
    again = person(["login", "wang.fang"], [code, NEW_PASSWORD, NEW_PASSWORD, step_later])  # the code as the password
    assert "激活码" in again and "已激活并登录" in again and "secret" not in again  # the same authenticator

    code = activation_code(admin("user", "reset-mfa", "wang.fang"))
    replaced = person(["activate", "wang.fang"], [code, NEW_PASSWORD, _now(secrets_made[1])])
    assert totp_secret(replaced) == secrets_made[1] and "已激活并登录" in replaced
    admin("user", "list")
    admin("whoami")

    seen = "\n".join(admin_saw)
    kept_from_admin = [PASSWORD, NEW_PASSWORD, *secrets_made, *recovery, *_recovery_codes(replaced), "otpauth://"]
    assert not [s for s in kept_from_admin if s in seen], seen
    assert "new password" not in seen and "TOTP" not in seen
    with UnitOfWork(store.engine, []) as uow:
        sources = {e.source for e in uow.audit.events(after=0) if e.action in ("activation.use", "login")}
    assert sources == {cli_source()} and "boss" not in cli_source()


def _now(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def _recovery_codes(output: str) -> list[str]:
    return re.findall(r"^\s+([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})$", output, flags=re.MULTILINE)


def test_init_without_an_admin_says_how_to_make_the_first_one(tmp_path: Path) -> None:
    env = {"HEZHANG_DATA_DIR": str(tmp_path / "data"), "HEZHANG_DATABASE_URL": "", "HEZHANG_SESSION": ""}
    done = runner.invoke(app, ["init"], env=env)
    assert done.exit_code == 0 and "init --admin" in done.output, done.output


def test_logout_ends_the_session_it_was_given_and_leaves_another_users_file(tmp_path: Path) -> None:
    """`HEZHANG_SESSION` names one user's session while the session file holds another's: logout ends the session
    it was given and leaves the file (and its session) alone; the file goes only with its own session."""
    store, env = cli_store(tmp_path)
    wang, li = staff(store, Role.ACCOUNTANT), staff(store, Role.SUPERVISOR)
    wang_token, li_token = session_token(store, wang), session_token(store, li)
    path = save_token(store, wang_token)  # wang signed in on this machine

    done = runner.invoke(app, ["logout"], env={**env, "HEZHANG_SESSION": li_token})  # li, from a script
    assert done.exit_code == 0 and "已退出" in done.output, done.output
    assert path.read_text(encoding="ascii") == wang_token
    assert resume(store, wang_token, "test").user_id == wang.user_id
    with pytest.raises(SessionEndedError):
        resume(store, li_token, "test")

    done = runner.invoke(app, ["logout"], env={**env, "HEZHANG_SESSION": wang_token})  # the file's own session
    assert done.exit_code == 0 and not path.exists(), done.output
    with pytest.raises(SessionEndedError):
        resume(store, wang_token, "test")

    zhao = staff(store, Role.ACCOUNTANT)
    save_token(store, session_token(store, zhao))
    done = runner.invoke(app, ["logout"], env=env)  # no variable: the file's session ends and the file goes
    assert done.exit_code == 0 and "已退出" in done.output and not path.exists(), done.output
