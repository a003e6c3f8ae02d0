"""The reveal limit holds when reveals arrive at the same moment (21 got through a limit of 20 on PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from factories.people import staff
from hezhang.security.policy import Role
from hezhang.services import clients, reveal
from hezhang.services.store_access import Store


def test_simultaneous_reveals_never_pass_the_limit(store: Store) -> None:
    admin = staff(store, Role.FIRM_ADMIN)
    client = clients.create_client(store, admin, "并发公司", contact_name="欧阳娜娜")
    accountant = staff(store, Role.ACCOUNTANT, clients=[client])
    for _ in range(reveal.REVEALS_PER_HOUR - 5):
        reveal.reveal(store, accountant, client, "clients", client, "contact_name", "核对联系人")

    def attempt(_: int) -> str:
        try:
            reveal.reveal(store, accountant, client, "clients", client, "contact_name", "核对联系人")
        except reveal.RevealLimitError:
            return "refused"
        return "revealed"

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(attempt, range(24)))
    assert outcomes.count("revealed") == 5 and outcomes.count("refused") == 19, outcomes
