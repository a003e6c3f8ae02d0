"""The command line for people and sessions: init with the first admin, login with a TOTP code, whoami, add a
department and a user, list, logout; the session file is the owner's only."""

from __future__ import annotations

import stat
from pathlib import Path

import pyotp
import pytest
from typer.testing import CliRunner

from factories.cli_store import cli_store
from factories.enrollment import totp_secret
from factories.people import session_token, staff
from hezhang.cli.app import app
from hezhang.cli.session import save_token
from hezhang.security.policy import Role
from hezhang.services.sign_in import SessionEndedError, resume

runner = CliRunner()
PASSWORD = "correct horse battery staple 7"


def test_first_admin_signs_in_and_manages_people(tmp_path: Path) -> None:
    env = {"HEZHANG_DATA_DIR": str(tmp_path / "data"), "HEZHANG_DATABASE_URL": "", "HEZHANG_SESSION": ""}
    done = runner.invoke(app, ["init", "--admin", "boss.admin"], input=f"{PASSWORD}\n{PASSWORD}\n", env=env)
    assert done.exit_code == 0, done.output
    assert "恢复码" in done.output and "otpauth://totp/" in done.output
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
        input=f"{PASSWORD}\n{PASSWORD}\n", env=env,
    )  # fmt: skip
    assert done.exit_code == 0 and totp_secret(done.output) != secret, done.output
    for args, why in ((["--role", "king"], "unknown role"), (["--role", "client_user"], "needs their client")):
        done = runner.invoke(app, ["user", "add", "x.user", *args], env=env)  # refused before any password prompt
        assert done.exit_code == 1 and why in done.output and "new password" not in done.output, done.output
    done = runner.invoke(app, ["user", "add", "weak.one", "--role", "accountant"], input="short\nshort\n", env=env)
    assert done.exit_code == 1 and "12" in done.output

    done = runner.invoke(app, ["user", "list"], env=env)
    assert done.exit_code == 0 and "wang.fang" in done.output, done.output

    done = runner.invoke(app, ["logout"], env=env)
    assert done.exit_code == 0 and "已退出" in done.output and not session.exists()
    refused = runner.invoke(app, ["user", "list"], env=env)
    assert refused.exit_code == 1 and "请先登录" in refused.output

    again = runner.invoke(app, ["init", "--admin", "another.admin"], input=f"{PASSWORD}\n{PASSWORD}\n", env=env)
    assert again.exit_code == 1 and "已有用户" in again.output


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
