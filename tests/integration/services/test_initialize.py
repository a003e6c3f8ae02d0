"""Setting up the embedded store: the files are private, and a store in use is never given a new keyring."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from factories.people import staff
from hezhang.config import load_settings
from hezhang.security.policy import Role
from hezhang.services.clients import create_client
from hezhang.services.errors import UserError
from hezhang.services.store_access import initialize


def test_a_new_sqlite_store_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "shared-folder"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)  # an existing, world-readable folder
    store, created = initialize(load_settings({"HEZHANG_DATA_DIR": str(folder)}))
    assert created
    database = folder / "hezhang.db"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    create_client(store, staff(store, Role.FIRM_ADMIN), "私密公司")  # writes: the WAL files appear
    for extra in folder.glob("hezhang.db-*"):
        assert stat.S_IMODE(extra.stat().st_mode) == 0o600, extra
    assert stat.S_IMODE(store.settings.keyring_path.stat().st_mode) == 0o600
    store.engine.dispose()


def test_init_refuses_a_store_in_use_whose_keyring_is_missing(tmp_path: Path) -> None:
    settings = load_settings({"HEZHANG_DATA_DIR": str(tmp_path)})
    store, _ = initialize(settings)
    create_client(store, staff(store, Role.FIRM_ADMIN), "在用公司")
    store.engine.dispose()
    keyring = settings.keyring_path.read_bytes()
    settings.keyring_path.unlink()
    with pytest.raises(UserError, match="restore it from the keyring's backup"):
        initialize(settings)
    assert not settings.keyring_path.exists()  # no new keyring was made
    settings.keyring_path.write_bytes(keyring)
    settings.keyring_path.chmod(0o600)
    again, created = initialize(settings)  # with the keyring back, init is a no-op
    assert not created
    again.engine.dispose()
