"""The lock files pin every dependency pyproject.toml names, so `make` installs the same versions everywhere.

A dependency added to pyproject.toml without `make lock` would otherwise be missing from a fresh clone's venv
(make installs from the lock files only), or come in at whatever version the registry has that day.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pinned(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        found = re.match(r"^([A-Za-z0-9_.\-]+)==([^ ;\\]+)", line)
        if found:
            pins[found[1].lower().replace("_", "-")] = found[2]
    return pins


def test_every_runtime_dependency_is_pinned_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _pinned(ROOT / "requirements" / "runtime.txt")
    missing = [_name(r) for r in project["dependencies"] if _name(r) not in runtime]
    assert not missing, f"not in requirements/runtime.txt (run `make lock`): {missing}"
    assert "--hash=sha256:" in (ROOT / "requirements" / "runtime.txt").read_text(encoding="utf-8")


def test_every_development_dependency_is_pinned_and_runtime_versions_agree() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dev = _pinned(ROOT / "requirements" / "dev.txt")
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    missing = [_name(r) for r in wanted if _name(r) not in dev]
    assert not missing, f"not in requirements/dev.txt (run `make lock`): {missing}"
    runtime = _pinned(ROOT / "requirements" / "runtime.txt")
    differ = {n: (v, dev[n]) for n, v in runtime.items() if n in dev and dev[n] != v}
    assert not differ, f"runtime and development locks pin different versions: {differ}"


def test_the_development_dependencies_stay_out_of_the_runtime_lock() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _pinned(ROOT / "requirements" / "runtime.txt")
    leaked = [_name(r) for r in project["optional-dependencies"]["dev"] if _name(r) in runtime]
    assert not leaked, f"development dependencies in the runtime lock: {leaked}"
