"""The expected decision table, decided from facts a real store holds, on SQLite and PostgreSQL.

For every role the test makes three people in department 一部 (complete; without a confidentiality agreement;
with privacy training older than 12 months) and four clients: their own (assigned to them, and to an accountant
of 一部 so a supervisor sees it through the department), one nobody is assigned to, one assigned to an accountant
of 二部, and their own again but frozen by a deletion request. Then `door.decision` (the facts the door loads, the
policy that decides) must give the table's reason for every action x role x situation.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from uuid import UUID

import pytest

from factories.decisions import SITUATIONS, read_table
from factories.people import client_user, staff
from hezhang.security.policy import ACTIONS, Role
from hezhang.services.clients import create_client
from hezhang.services.context import Context
from hezhang.services.door import decision
from hezhang.services.freeze import request_freeze
from hezhang.services.store_access import Store
from hezhang.store.uow import UnitOfWork

if TYPE_CHECKING:
    pass

ROWS = read_table()


def _old_training(store: Store, ctx: Context) -> None:
    """Replace the factory's recent training by one 400 days ago."""
    day = ctx.today()
    with UnitOfWork(store.engine, []) as uow:
        uow.people.add_training(ctx.user_id, "隐私保护培训", day - timedelta(days=400), 90, True, "test")


@pytest.fixture(scope="module")
def world(store: Store) -> dict[tuple[Role, str], tuple[Context, UUID | None]]:
    """(role, situation) -> (the acting context, the client the situation is about)."""
    admin = staff(store, Role.FIRM_ADMIN)
    own, other, elsewhere, frozen = (create_client(store, admin, name) for name in ("自家", "无人", "二部的", "冻结"))
    staff(store, Role.ACCOUNTANT, clients=[own, frozen], department="一部")
    staff(store, Role.ACCOUNTANT, clients=[elsewhere], department="二部")
    for client in (own, frozen):  # one client user each, made before the freeze
        client_user(store, client)
    freezer = client_user(store, frozen)
    request_freeze(store, freezer, frozen, "客户要求删除")
    situations: dict[tuple[Role, str], tuple[Context, UUID | None]] = {}
    for role in Role:
        if role is Role.CLIENT_USER:
            me = client_user(store, own)
            mine_frozen = freezer
            people = {"own": me, "other_client": me, "other_dept": me, "no_agreement": me, "expired_training": me}
        else:
            assigned = [] if role is Role.SUPERVISOR else [own, frozen]
            me = staff(store, role, clients=assigned, department="一部")
            people = {
                "own": me, "other_client": me, "other_dept": me,
                "no_agreement": staff(store, role, clients=assigned, department="一部", agreement=False),
                "expired_training": staff(store, role, clients=assigned, department="一部", training=False),
            }  # fmt: skip
            _old_training(store, people["expired_training"])
            mine_frozen = me
        targets = {"own": own, "other_client": other, "other_dept": elsewhere, "no_agreement": own,
                   "expired_training": own}  # fmt: skip
        for situation, ctx in people.items():
            situations[role, situation] = (ctx, targets[situation])
        situations[role, "frozen"] = (mine_frozen, frozen)
    return situations


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.action.value}-{r.role.value}")
def test_the_store_s_facts_give_the_expected_decisions(store: Store, world, row) -> None:  # type: ignore[no-untyped-def]
    got = {}
    for situation in SITUATIONS:
        ctx, client_id = world[row.role, situation]
        scoped = ACTIONS[row.action].client_scoped
        got[situation] = decision(store, ctx, row.action, client_id if scoped else None).reason.value
    assert got == row.expected
