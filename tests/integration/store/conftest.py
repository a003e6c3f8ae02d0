"""Store fixtures: `seed` makes a committed client with an account, a statement and a journal."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from integration.store.store_data import Seeded, seed_client


@pytest.fixture
def seed(engine: Engine) -> Callable[..., Seeded]:
    def make(name: str = "某某贸易有限公司", lines: int = 5) -> Seeded:
        return seed_client(engine, name, lines)

    return make
