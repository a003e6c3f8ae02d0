"""The audit trail as services: verify it, export it, sign a checkpoint now, give a client its access history.

Every function goes through the door (`Action.AUDIT_VERIFY`; `Action.ACCESS_HISTORY` for a client's history), so
reading the trail is itself recorded. The work is done by the `*_in` functions on an open unit of work.

Retention: audit events are kept at least `HEZHANG_AUDIT_KEEP_DAYS` days (default 1096, three years: PIPL Art.
55-56 processing records; the setting refuses less than 183 days, the six months of 网络安全法 Art. 21). Nothing
in hezhang deletes an audit event, a checkpoint or a signing key: the application role may only read and append,
and a database trigger refuses UPDATE, DELETE and TRUNCATE of the trail from anyone (migration 0004). So events
are in fact kept for good; removing old ones would be a deliberate act of the database's owner, outside hezhang,
and the next verification would show where the trail no longer starts at sequence 1.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from uuid import UUID

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from hezhang.audit import export_lines
from hezhang.audit.access import access_history_lines
from hezhang.audit.checkpoint import Checkpoint, key_id
from hezhang.audit.merkle import inclusion_proofs
from hezhang.audit.signer import KeyringSigner
from hezhang.audit.verify import Report, verify_lines
from hezhang.security.errors import UnknownKeyVersion
from hezhang.security.policy import Action
from hezhang.services.context import Context
from hezhang.services.door import door
from hezhang.services.errors import UserError
from hezhang.services.store_access import Store
from hezhang.store.uow import UnitOfWork

__all__ = [
    "AccessHistory",
    "TrailExport",
    "export_access_history",
    "export_access_history_in",
    "export_trail",
    "export_trail_in",
    "make_checkpoint",
    "public_key_pem",
    "public_keys_in",
    "verify_trail",
    "verify_trail_in",
]


@dataclass(frozen=True, slots=True)
class TrailExport:
    events: int
    checkpoints: int


@dataclass(frozen=True, slots=True)
class AccessHistory:
    """What was written: the client's events, the checkpoint they are proven in, and the keys that verify it."""

    events: int
    checkpoint_size: int
    key_pem: bytes


# -- the services ---------------------------------------------------------------------------------------------


def verify_trail(store: Store, ctx: Context) -> Report:
    """Check the whole trail in the store: every hash and link, every checkpoint's root and signature."""
    with door(store, ctx, Action.AUDIT_VERIFY, resource="audit_events") as passage:
        report = verify_trail_in(passage.uow, store.audit_signer)
        failure = report.failure
        outcome = "intact" if failure is None else f"first bad sequence {failure.sequence} ({failure.kind.value})"
        passage.touched("audit_events", "S0", "S1", detail=f"verified {report.events} events: {outcome}")
    return report


def export_trail(store: Store, ctx: Context, out: Path) -> TrailExport:
    """Write the whole trail with all its checkpoints in the verifier's format (file mode 0600)."""
    with door(store, ctx, Action.AUDIT_VERIFY, resource="audit_events") as passage:
        made = export_trail_in(passage.uow, out)
        passage.touched("audit_events", "S0", "S1", detail=f"exported {made.events} events")
    return made


def make_checkpoint(store: Store, ctx: Context) -> Checkpoint:
    """Sign the trail as it stands now (the latest checkpoint when it already covers every event)."""
    with door(store, ctx, Action.AUDIT_VERIFY, resource="audit_checkpoints") as passage:
        made = passage.uow.audit.checkpoint(ctx.now())
        passage.touched(f"audit_checkpoints:{made.size}", "S0", detail=f"checkpoint at {made.size} events")
    return made


def export_access_history(store: Store, ctx: Context, client_id: UUID, out: Path) -> AccessHistory:
    """Write a client's access history: its events with inclusion proofs in a checkpoint signed now (mode 0600)."""
    resource = f"audit_events:client={client_id}"
    with door(store, ctx, Action.ACCESS_HISTORY, client_id=client_id, resource=resource) as passage:
        made = export_access_history_in(passage.uow, store.audit_signer, client_id, out, ctx.now())
        passage.touched(resource, "S0", "S1", detail=f"{made.events} events, checkpoint {made.checkpoint_size}")
    return made


def public_key_pem(store: Store, ctx: Context) -> bytes:
    """Every public key that signed a checkpoint, and the current one, as PEM (for `verify --key`)."""
    with door(store, ctx, Action.AUDIT_VERIFY, resource="audit_signing_keys") as passage:
        keys = public_keys_in(passage.uow, store.audit_signer)
        passage.touched("audit_signing_keys", "S0")
    return b"".join(_pem(key) for key in keys)


# -- the work, on an open unit of work ------------------------------------------------------------------------


def public_keys_in(uow: UnitOfWork, signer: KeyringSigner) -> list[Ed25519PublicKey]:
    """The keys to check checkpoints with: for a keyring version still held, the key derived from the keyring
    (a key planted in the table does not count); for a retired one, the key the table recorded."""
    keys: dict[str, Ed25519PublicKey] = {}
    for stored in uow.audit.public_keys():
        try:
            derived = signer.for_version(stored.keyring_version).public_key
        except UnknownKeyVersion:
            derived = Ed25519PublicKey.from_public_bytes(stored.public_key)
        keys[key_id(derived)] = derived
    current = signer.signing_key()
    keys.setdefault(current.key_id, current.public_key)
    return list(keys.values())


def verify_trail_in(uow: UnitOfWork, signer: KeyringSigner) -> Report:
    """Stream the table, as stored, through the standalone verifier."""
    return verify_lines(_trail_lines(uow), public_keys_in(uow, signer))


def export_trail_in(uow: UnitOfWork, out: Path) -> TrailExport:
    events = 0
    checkpoints = uow.audit.checkpoints()
    with _private_file(out) as handle:
        for line in uow.audit.event_lines():
            handle.write(line)
            events += 1
        handle.writelines(export_lines((), checkpoints))
    return TrailExport(events, len(checkpoints))


def export_access_history_in(
    uow: UnitOfWork, signer: KeyringSigner, client_id: UUID, out: Path, at: datetime
) -> AccessHistory:
    """Sign a checkpoint (or take the latest, when it covers everything), then prove each of the client's events.

    The proofs need every event hash up to the checkpoint in memory (32 bytes an event: about 70 MB a million)."""
    checkpoint = uow.audit.checkpoint(at)
    try:
        events = list(uow.audit.client_events(client_id, until=checkpoint.size))
    except ValueError as error:
        raise UserError(
            f"审计记录已损坏，请先核对审计记录：{error} / the audit trail is damaged, verify it first: {error}"
        ) from None
    leaves = list(uow.audit.hashes(until=checkpoint.size))
    proofs = inclusion_proofs((event.sequence - 1 for event in events), leaves)
    key = signer.signing_key()
    lines = access_history_lines(str(client_id), checkpoint, events,
                                 {e.sequence: proofs[e.sequence - 1] for e in events}, key.private_key)  # fmt: skip
    with _private_file(out) as handle:
        handle.writelines(lines)
    verifying = {checkpoint.key_id, key.key_id}
    pem = b"".join(_pem(k) for k in public_keys_in(uow, signer) if key_id(k) in verifying)
    return AccessHistory(len(events), checkpoint.size, pem)


def _trail_lines(uow: UnitOfWork) -> Iterator[bytes]:
    yield from uow.audit.event_lines()
    yield from export_lines((), uow.audit.checkpoints())


def _pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


@contextmanager
def _private_file(path: Path) -> Iterator[BinaryIO]:
    """A file only its owner may read (the trail names staff and network addresses)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as handle:
        yield handle
