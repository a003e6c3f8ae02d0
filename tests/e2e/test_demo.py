"""`hezhang demo` (what `make run` runs): the files, the month, and the month in a fresh demo store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from hezhang.cli.app import app

runner = CliRunner()


def test_the_demo_runs_twice_and_its_store_month_is_verified(tmp_path: Path) -> None:
    env = {"COLUMNS": "200", "HEZHANG_SESSION": ""}
    for _ in range(2):  # a second run replaces the demo store it made
        done = runner.invoke(app, ["demo", "--dir", str(tmp_path)], env=env)
        assert done.exit_code == 0, done.output
    out = " ".join(done.output.split())  # the console wraps long lines at spaces
    assert "139****5678" in out and "13912345678" not in out  # the contact is shown masked
    assert "not assigned to this client" in out and "verified by the standalone verifier" in out
    assert (
        "the supervisor reviewing what he prepared: 拒绝 review：编制人或作出勾对决定的人不能复核" in out
    )  # maker-checker
    history, key = tmp_path / "store-access-history.jsonl", tmp_path / "store-audit-key.pem"
    checked = subprocess.run([sys.executable, "-m", "hezhang.audit.verify", str(history), "--key", str(key)],
                             capture_output=True, text=True, check=False)  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_demo_never_replaces_a_folder_it_did_not_make(tmp_path: Path) -> None:
    precious = tmp_path / "store"
    precious.mkdir()
    (precious / "keyring.json").write_text("{}", encoding="utf-8")
    done = runner.invoke(app, ["demo", "--dir", str(tmp_path)], env={"HEZHANG_SESSION": ""})
    assert done.exit_code != 0
    assert (precious / "keyring.json").read_text(encoding="utf-8") == "{}"
