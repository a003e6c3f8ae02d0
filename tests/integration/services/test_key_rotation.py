"""Key rotation on the embedded store: rotate, rewrap every client key, retire the old version, data still opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from factories.people import staff
from hezhang.config import load_settings
from hezhang.security.policy import Reason, Role
from hezhang.services.clients import create_client, view_client
from hezhang.services.door import AccessDeniedError
from hezhang.services.errors import UserError
from hezhang.services.keys import retire, rewrap, rotate
from hezhang.services.store_access import initialize


def test_rotate_rewrap_retire(tmp_path: Path) -> None:
    store, created = initialize(load_settings({"HEZHANG_DATA_DIR": str(tmp_path)}))
    assert created
    admin, officer = staff(store, Role.FIRM_ADMIN), staff(store, Role.SECURITY_OFFICER)
    clients = [create_client(store, admin, f"客户{i}", contact_phone=f"1391234567{i}") for i in range(3)]
    with pytest.raises(AccessDeniedError) as denied:
        rotate(store, admin)  # keys are the security officer's
    assert denied.value.decision.reason is Reason.ROLE and store.keyring.versions() == [1]
    assert rotate(store, officer) == 2
    with pytest.raises(UserError, match="rewrap"):
        retire(store, officer, 1)  # three data keys are still wrapped by version 1
    outcome = rewrap(store, officer)
    assert (outcome.current_version, outcome.rewrapped, outcome.left_on_old_versions) == (2, 3, {})
    retire(store, officer, 1)
    assert store.keyring.versions() == [2]
    wang = staff(store, Role.ACCOUNTANT, clients=clients)
    assert [view_client(store, wang, c).contact_phone for c in clients] == [
        "139****5670",
        "139****5671",
        "139****5672",
    ]
