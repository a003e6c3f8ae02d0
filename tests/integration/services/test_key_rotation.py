"""Key rotation on the embedded store: rotate, rewrap every client key, retire the old version, data still opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from hezhang.config import load_settings
from hezhang.services.clients import create_client, list_clients
from hezhang.services.errors import UserError
from hezhang.services.keys import retire, rewrap, rotate
from hezhang.services.store_access import initialize


def test_rotate_rewrap_retire(tmp_path: Path) -> None:
    store, created = initialize(load_settings({"HEZHANG_DATA_DIR": str(tmp_path)}))
    assert created
    clients = [create_client(store, f"客户{i}", contact_phone=f"1391234567{i}") for i in range(3)]
    assert rotate(store) == 2
    with pytest.raises(UserError, match="rewrap"):
        retire(store, 1)  # three data keys are still wrapped by version 1
    outcome = rewrap(store)
    assert (outcome.current_version, outcome.rewrapped, outcome.left_on_old_versions) == (2, 3, {})
    retire(store, 1)
    assert store.keyring.versions() == [2]
    assert [c.contact_phone for c in list_clients(store, clients)] == ["139****5670", "139****5671", "139****5672"]
