"""Key rotation: a new keyring version, and moving every client's wrapped data key onto it."""

from __future__ import annotations

from dataclasses import dataclass

from hezhang.security.keyring import WrappedKey
from hezhang.security.policy import Action
from hezhang.services.clients import all_client_ids
from hezhang.services.context import Context
from hezhang.services.door import door
from hezhang.services.errors import UserError
from hezhang.services.second_factor import rewrap_second_factors
from hezhang.services.store_access import Store


@dataclass(frozen=True, slots=True)
class RewrapOutcome:
    current_version: int
    rewrapped: int  # client data keys moved (staff TOTP keys are moved too, and counted in the event)
    #: Live data keys still wrapped by an older version (none after a complete rewrap).
    left_on_old_versions: dict[int, int]


def rotate(store: Store, ctx: Context) -> int:
    """Add a keyring version and make it current; existing wrapped keys stay readable until rewrapped.

    The keyring file changes outside the database: the event is written after the rotation succeeded."""
    with door(store, ctx, Action.KEY_MANAGE, resource="keyring") as passage:
        version = store.keyring.rotate()
        passage.touched("keyring", "S3", detail=f"rotated to version {version}")
    return version


def rewrap(store: Store, ctx: Context) -> RewrapOutcome:
    """Rewrap every live data key (clients' and the staff's TOTP keys) with the current version, in one transaction."""
    keyring = store.keyring
    current = keyring.current_version
    done = 0
    with door(store, ctx, Action.KEY_MANAGE, clients=all_client_ids(store), resource="client_keys") as passage:
        uow = passage.uow
        for key in uow.keys.all_live():
            if key.key_version == current or key.wrapped_key is None:
                continue
            wrapped = keyring.rewrap(WrappedKey(key.key_version, key.wrapped_key))
            uow.keys.rewrap(key, wrapped.version, wrapped.blob)
            done += 1
        staff = rewrap_second_factors(keyring, uow.people)
        left = {v: n for v, n in uow.keys.versions_in_use().items() if v != current}
        for v, n in uow.people.totp_key_versions().items():
            if v != current:
                left[v] = left.get(v, 0) + n
        detail = f"{done} client data keys and {staff} staff TOTP keys rewrapped to version {current}"
        passage.touched("client_keys", "S3", detail=detail)
    return RewrapOutcome(current, done, left)


def retire(store: Store, ctx: Context, version: int) -> None:
    """Retire an old keyring version once no live data key is wrapped by it."""
    with door(store, ctx, Action.KEY_MANAGE, clients=all_client_ids(store), resource="keyring") as passage:
        in_use = passage.uow.keys.versions_in_use().get(version, 0)
        in_use += passage.uow.people.totp_key_versions().get(version, 0)
        if in_use:
            raise UserError(
                f"密钥版本 {version} 仍包裹 {in_use} 个数据密钥（客户数据或员工双因素），请先 hezhang keys rewrap / "
                f"version {version} still wraps {in_use} data keys (clients' or staff TOTP): run `hezhang keys rewrap`"
            )
        store.keyring.retire(version)
        passage.touched("keyring", "S3", detail=f"version {version} retired")
