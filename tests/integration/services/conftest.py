"""The services' store for a test module: a fresh migrated database (SQLite and PostgreSQL, from `store_db`), a
data folder with a new keyring, and the administrator's URL for the firm-level reads that need it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from hezhang.config import load_settings
from hezhang.security.keyring import Keyring
from hezhang.services.store_access import Store

if TYPE_CHECKING:
    from integration.conftest import StoreDb


@pytest.fixture(scope="module")
def store(store_db: StoreDb, tmp_path_factory: pytest.TempPathFactory) -> Store:
    settings = load_settings({"HEZHANG_DATA_DIR": str(tmp_path_factory.mktemp("keys")),
                              "HEZHANG_DATABASE_URL": store_db.url,
                              "HEZHANG_ADMIN_DATABASE_URL": store_db.admin_url})  # fmt: skip
    Keyring.create(settings.keyring_path)
    return Store(settings)
