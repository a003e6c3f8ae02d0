"""A month in the firm's store through the command line, as the people who do it, ending with the client checking
who touched its books with the standalone verifier.

init with the first admin → the admin adds an accountant, a client, the assignment, the agreement and training (an
activation code for each person, nothing secret) → the accountant activates their account, imports, reconciles,
reveals an account number with a reason → the client user activates theirs and exports its access history with
proofs → `python -m hezhang.audit.verify` says it is intact, and catches a changed byte.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pyotp
import pytest
from typer.testing import CliRunner

from factories.enrollment import activation_code, next_secrets, totp_secret
from hezhang.cli.app import app
from hezhang.samples.client_month import generate_client_month
from hezhang.services.context import Context

runner = CliRunner()
PASSWORD = "Orchard-Lantern-Quay-58"


def _id(output: str) -> str:
    found = re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", output)
    assert found, output
    return found[-1]


def _ok(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    done = runner.invoke(app, args, input=stdin, env=env)
    assert done.exit_code == 0, (args, done.output)
    return done.output


def test_a_month_in_the_store_and_the_client_checks_its_access_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        "HEZHANG_DATA_DIR": str(tmp_path / "data"),
        "HEZHANG_DATABASE_URL": "",
        "HEZHANG_SESSION": "",
        "COLUMNS": "200",
    }
    admin_secret = totp_secret(_ok(["init", "--admin", "boss"], env, f"{PASSWORD}\n{PASSWORD}\n"))
    _ok(["login", "boss"], env, f"{PASSWORD}\n{pyotp.TOTP(admin_secret).now()}\n")
    phones = next_secrets(monkeypatch, 2)  # the authenticators wang and client.li will enrol
    admin = {**env, "HEZHANG_SESSION": (tmp_path / "data" / "session").read_text(encoding="ascii")}
    wang_code = activation_code(_ok(["user", "add", "wang", "--role", "accountant"], admin))
    client = _id(_ok(["client", "add", "上海演示商贸有限公司", "--phone", "13912345678"], admin))
    owner_code = activation_code(_ok(["user", "add", "client.li", "--role", "client_user", "--client", client], admin))
    today = Context(user_id=UUID(int=0)).today()
    _ok(["user", "assign", "wang", client, "--until", str(today + timedelta(days=90))], admin)
    _ok(["user", "agreement", "wang", "--version", "2026", "--signed", str(today),
         "--expires", str(today + timedelta(days=365))], admin)  # fmt: skip
    _ok(["user", "training", "wang", "--course", "隐私保护", "--date", str(today), "--score", "92"], admin)
    _ok(["logout"], env)

    _ok(["activate", "wang"], env, f"{wang_code}\n{PASSWORD}\n{PASSWORD}\n{pyotp.TOTP(phones[0]).now()}\n")
    month = generate_client_month(5)
    bank, journal = month.write(tmp_path / "files")
    account = _id(_ok(["client", "account", client, "6222020000000000005", "--ledger-code", month.account_code], env))
    _ok(["import", "bank", "--client", client, "--account", account, str(bank)], env)
    _ok(["import", "journal", "--client", client, "--account", month.account_code, str(journal)], env)
    out = _ok(["reconcile", "--client", client, "--bank-account", account, "--period", str(month.period),
               "--out", str(tmp_path / "out")], env)  # fmt: skip
    assert "已存为草稿" in out
    shown = _ok(["client", "reveal", "--client", client, "bank_accounts", account, "account_number",
                 "--reason", "核对银行回单"], env)  # fmt: skip
    assert "6222020000000000005" in shown
    listed = _ok(["client", "list"], env)
    assert "139****" in listed and "13912345678" not in listed  # masked (a narrow terminal may fold the cell)
    refused = runner.invoke(app, ["audit", "verify"], env=env)  # an accountant does not verify the firm's trail
    assert refused.exit_code == 1 and "拒绝" in refused.output
    _ok(["logout"], env)

    _ok(["activate", "client.li"], env, f"{owner_code}\n{PASSWORD}\n{PASSWORD}\n{pyotp.TOTP(phones[1]).now()}\n")
    history, key = tmp_path / "history.jsonl", tmp_path / "key.pem"
    _ok(["audit", "history", client, "--out", str(history), "--key-out", str(key)], env)
    lines = [json.loads(line) for line in history.read_text(encoding="utf-8").splitlines()]
    actions = [line["event"]["action"] for line in lines if "event" in line]
    assert {"import", "reconcile", "reveal", "client.read"} <= set(actions)
    reveal = next(line["event"] for line in lines if line.get("event", {}).get("action") == "reveal")
    assert reveal["actor"].startswith("wang") and "核对银行回单" in reveal["reason"]

    verifier = [sys.executable, "-m", "hezhang.audit.verify", str(history), "--key", str(key)]
    checked = subprocess.run(verifier, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    history.write_text(history.read_text(encoding="utf-8").replace("核对银行回单", "随便看看", 1), encoding="utf-8")
    caught = subprocess.run(verifier, capture_output=True, text=True, check=False)
    assert caught.returncode != 0 and str(reveal["sequence"]) in caught.stdout + caught.stderr
