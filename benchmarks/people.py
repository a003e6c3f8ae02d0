"""The people a store benchmark acts as: a firm admin who creates the client and an accountant assigned to it,
written straight through the repositories (no password: nobody signs in; the services get their contexts)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

from hezhang.security.policy import Role
from hezhang.services.context import Context, utc_now
from hezhang.services.store_access import Store
from hezhang.store.uow import UnitOfWork

NO_PASSWORD = "benchmark: no password"


def person(store: Store, role: Role, clients: tuple[UUID, ...] = ()) -> Context:
    """An active, MFA-enrolled member of staff with a current agreement and training, assigned to `clients`."""
    today = Context(user_id=UUID(int=0)).today()
    with UnitOfWork(store.engine, []) as uow:
        people = uow.people
        user_id = people.add_user(f"bench.{role.value}.{uuid4().hex[:8]}", role, NO_PASSWORD)
        people.mark_enrolled(user_id, utc_now())
        people.add_agreement(user_id, "benchmark", today, today + timedelta(days=365), "benchmark")
        people.add_training(user_id, "个人信息保护培训", today, 100, True, "benchmark")
        for client_id in clients:
            people.assign(user_id, client_id, today, today + timedelta(days=365), "benchmark")
    return Context(user_id=user_id, source="benchmark")
