"""Key rotation: a new keyring version, and moving every client's wrapped data key onto it."""

from __future__ import annotations

from dataclasses import dataclass

from hezhang.security.keyring import WrappedKey
from hezhang.services.clients import all_client_ids
from hezhang.services.store_access import Store


@dataclass(frozen=True, slots=True)
class RewrapOutcome:
    current_version: int
    rewrapped: int
    #: Live data keys still wrapped by an older version (none after a complete rewrap).
    left_on_old_versions: dict[int, int]


def rotate(store: Store) -> int:
    """Add a keyring version and make it current; existing wrapped keys stay readable until rewrapped."""
    return store.keyring.rotate()


def rewrap(store: Store) -> RewrapOutcome:
    """Rewrap every live data key with the current keyring version, in one transaction."""
    keyring = store.keyring
    current = keyring.current_version
    done = 0
    with store.work(all_client_ids(store)) as (uow, _):
        for key in uow.keys.all_live():
            if key.key_version == current or key.wrapped_key is None:
                continue
            wrapped = keyring.rewrap(WrappedKey(key.key_version, key.wrapped_key))
            uow.keys.rewrap(key, wrapped.version, wrapped.blob)
            done += 1
        left = {v: n for v, n in uow.keys.versions_in_use().items() if v != current}
    return RewrapOutcome(current, done, left)


def retire(store: Store, version: int) -> None:
    """Retire an old keyring version once no live data key is wrapped by it."""
    with store.work(all_client_ids(store)) as (uow, _):
        in_use = uow.keys.versions_in_use().get(version, 0)
    if in_use:
        from hezhang.services.errors import UserError

        raise UserError(
            f"密钥版本 {version} 仍包裹 {in_use} 个客户数据密钥，请先 hezhang keys rewrap / "
            f"version {version} still wraps {in_use} data keys: run `hezhang keys rewrap` first"
        )
    store.keyring.retire(version)
