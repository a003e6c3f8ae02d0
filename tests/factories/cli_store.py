"""A fresh embedded store (SQLite and a local keyring) in a temporary folder, and the environment that points the
command line at it.

    store, env = cli_store(tmp_path)
    boss = staff(store, Role.FIRM_ADMIN)
    runner.invoke(app, ["user", "list"], env={**env, "HEZHANG_SESSION": session_token(store, boss)})
"""

from __future__ import annotations

from pathlib import Path

from hezhang.config import load_settings
from hezhang.services.store_access import Store, initialize


def cli_env(folder: Path) -> dict[str, str]:
    """The variables that make `hezhang` use the store in `folder / "data"`, with no session from the environment."""
    return {"HEZHANG_DATA_DIR": str(folder / "data"), "HEZHANG_DATABASE_URL": "", "HEZHANG_SESSION": "",
            "HEZHANG_ENV": "dev", "COLUMNS": "200"}  # fmt: skip


def cli_store(folder: Path) -> tuple[Store, dict[str, str]]:
    """A migrated store with its keyring in `folder / "data"`, and `cli_env(folder)`."""
    env = cli_env(folder)
    store, _ = initialize(load_settings({k: v for k, v in env.items() if v}))
    return store, env
