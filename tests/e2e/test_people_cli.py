"""The command line for people and sessions: init with the first admin, login with a TOTP code, whoami, add a
department and a user, list, logout; the session file is the owner's only."""

from __future__ import annotations

import stat
from pathlib import Path

import pyotp
from typer.testing import CliRunner

from factories.enrollment import totp_secret
from hezhang.cli.app import app

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
