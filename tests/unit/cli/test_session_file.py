"""The CLI's session file: owner-only, replaced whole, overridden by HEZHANG_SESSION, gone after logout."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from hezhang.cli.session import (
    ENV_SESSION,
    NotSignedInError,
    cli_source,
    current_context,
    forget_token,
    read_token,
    save_token,
    session_path,
)
from hezhang.config import load_settings
from hezhang.services.store_access import Store


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.delenv(ENV_SESSION, raising=False)
    return Store(load_settings({"HEZHANG_DATA_DIR": str(tmp_path / "data")}))


def test_the_token_file_is_the_owners_only_and_replaced_whole(store: Store) -> None:
    assert read_token(store) is None
    path = save_token(store, "first-token")
    assert path == session_path(store) and stat.S_IMODE(path.stat().st_mode) == 0o600
    save_token(store, "second-token")
    assert read_token(store) == "second-token"
    assert [p.name for p in path.parent.iterdir()] == ["session"]  # no temporary file left behind
    assert not forget_token(store, "first-token")  # not the file's session: the file stays
    assert read_token(store) == "second-token"
    assert forget_token(store, "second-token")
    assert not forget_token(store, "second-token")  # twice is fine
    assert read_token(store) is None


def test_the_environment_overrides_the_file(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    save_token(store, "from-file")
    monkeypatch.setenv(ENV_SESSION, "from-env")
    assert read_token(store) == "from-env"


def test_nobody_signed_in_is_a_clear_error(store: Store) -> None:
    with pytest.raises(NotSignedInError, match="请先登录 hezhang login / sign in first"):
        current_context(store)


def test_the_source_names_the_os_user_and_host() -> None:
    source = cli_source()
    assert source.startswith("cli:") and "@" in source


def test_the_source_is_the_os_user_id_and_host_whatever_the_environment_says(monkeypatch: pytest.MonkeyPatch) -> None:
    """Anyone can set LOGNAME or USER: a source taken from them would slip the per-address lockout and forge the
    audit trail's source. The source comes from the process's real user id and the host name."""
    expected = f"cli:uid:{os.getuid()}@{socket.gethostname()}"
    assert cli_source() == expected
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "boss.admin")
    assert cli_source() == expected
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(variable)
    assert cli_source() == expected
