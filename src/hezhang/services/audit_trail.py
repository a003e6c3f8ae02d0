"""The audit trail as services: verify it, export it, sign a checkpoint now, give a client its access history.

Every function goes through the door (`Action.AUDIT_VERIFY`; `Action.ACCESS_HISTORY` for a client's history), so
reading the trail is itself recorded. The work is done by the `*_in` functions on an open unit of work.

Retention: audit events are kept at least `HEZHANG_AUDIT_KEEP_DAYS` days (default 1096, three years: PIPL Art.
55-56 processing records; the setting refuses less than 183 days, the six months of 网络安全法 Art. 21). Nothing
in hezhang deletes an audit event, a checkpoint or a signing key: the application role may only read and append,
and a database trigger refuses UPDATE, DELETE and TRUNCATE of the trail from anyone who has not switched it off
(migration 0004). So events are in fact kept for good; removing old ones would be a deliberate act of the
database's owner, outside hezhang, and the next verification would show where the trail no longer starts at
sequence 1, and the witness file (`hezhang.audit.witness`) where it no longer ends where it did.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO
from uuid import UUID

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from hezhang.audit.access import access_history_lines
from hezhang.audit.checkpoint import Checkpoint, key_id, sign_restore
from hezhang.audit.event import format_time
from hezhang.audit.merkle import inclusion_proofs
from hezhang.audit.signer import KeyringSigner
from hezhang.audit.verify import Frontier, Notice, Report, verify_lines, witness_checkpoints
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
    "mark_restore",
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


#: How messages name the trail checked here.
DATABASE = ("数据库", "the database")


# -- the services ---------------------------------------------------------------------------------------------


def verify_trail(store: Store, ctx: Context, witnesses: Sequence[Path] = ()) -> Report:
    """Check the whole trail in the store: every hash and link, every checkpoint's root and signature, against the
    witness file and any other `witnesses` (earlier exports, clients' access histories)."""
    for path in witnesses:
        if not path.is_file():
            raise UserError(f"找不到见证文件 {path} / no witness file at {path}")
    with door(store, ctx, Action.AUDIT_VERIFY, resource="audit_events") as passage:
        witness = store.settings.audit_witness
        report = verify_trail_in(passage.uow, store.audit_signer, [witness, *witnesses])
        if not witness.exists() and report.events:
            missing = Notice(f"没有见证文件 {witness}：从末尾删去的事件连同其检查点无法发现",
                             f"there is no witness file at {witness}: events removed from the end together with "
                             "their checkpoints cannot be seen")  # fmt: skip
            report = dataclasses.replace(report, notices=(missing, *report.notices))
        failure = report.failure
        outcome = "intact" if failure is None else f"first bad sequence {failure.sequence} ({failure.kind.value})"
        passage.touched("audit_events", "S0", "S1", detail=f"verified {report.events} events, "
                        f"{report.witnessed} witnessed checkpoints: {outcome}")  # fmt: skip
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


def mark_restore(store: Store) -> str:
    """After a restore into the configured, empty store: append a signed restore line to the witness, so that its
    checkpoints of the store that was lost (signed before now) are set aside rather than shown as a truncation
    forever. Returns what the witness says was lost (for the restore's event), or "" when nothing was.

    The line signs the restored trail's size and Merkle root at a time later than every line already there: copied
    elsewhere later, it still sets aside only what came before this restore."""
    with UnitOfWork(store.engine, []) as uow:
        frontier = Frontier()
        chunk = bytearray()
        for leaf in uow.audit.hashes():
            chunk += leaf
            if len(chunk) >= 32 * 10_000:
                frontier.extend(bytes(chunk))
                chunk.clear()
        frontier.extend(bytes(chunk))
    witness = store.audit_witness
    seen = list(witness_checkpoints(witness.lines()))
    latest = max((at for _, _, at in seen), default="")
    since = max((at for restore, _, at in seen if restore), default="")
    reached = [(size, at) for restore, size, at in seen if not restore and at > since]
    at = datetime.now(UTC)
    if latest and format_time(at) <= latest:  # this machine's clock is behind the last line's
        at = datetime.fromisoformat(latest) + timedelta(microseconds=1)
    witness.append_restored(
        sign_restore(frontier.size, frontier.root(), at, store.audit_signer.signing_key().private_key)
    )
    lost_size, lost_at = max(reached, default=(0, ""))
    if lost_size <= frontier.size:
        return ""
    return (f"the witness's last checkpoint ({lost_at}) covered {lost_size} events, the backup {frontier.size}: "
            f"events {frontier.size + 1} to {lost_size} were lost with the old store")  # fmt: skip


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


def verify_trail_in(uow: UnitOfWork, signer: KeyringSigner, witnesses: Sequence[Path] = ()) -> Report:
    """Stream the table, as stored, through the standalone verifier, with the witnesses (files that do not exist
    are left out) beside it.

    Others may append meanwhile, and on PostgreSQL each statement reads the latest commits: so the witnesses are
    taken up to their length now (each of their lines is a checkpoint that had committed), then the largest
    checkpoint's size, then every event, then the checkpoints up to that size. A checkpoint committed later would
    cover events this reading may lack, and show a truncation that is none."""
    with ExitStack() as stack:
        named = [(path.name, _as_of_now(stack, path)) for path in witnesses if path.exists()]
        signed = uow.audit.signed_size()
        lines = itertools.chain(uow.audit.event_lines(), uow.audit.checkpoint_lines(until=signed))
        return verify_lines(lines, public_keys_in(uow, signer), named, DATABASE)


def export_trail_in(uow: UnitOfWork, out: Path) -> TrailExport:
    events = checkpoints = 0
    signed = uow.audit.signed_size()
    with _private_file(out) as handle:
        for line in uow.audit.event_lines():
            handle.write(line)
            events += 1
        for line in uow.audit.checkpoint_lines(until=signed):
            handle.write(line)
            checkpoints += 1
    return TrailExport(events, checkpoints)


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


def _as_of_now(stack: ExitStack, path: Path) -> Iterator[bytes]:
    """The file's lines up to its length now (appends after this are not read)."""
    handle = stack.enter_context(path.open("rb"))
    left = os.fstat(handle.fileno()).st_size

    def lines() -> Iterator[bytes]:
        nonlocal left
        for line in handle:
            if len(line) >= left:
                yield line[:left]
                return
            left -= len(line)
            yield line

    return lines()


def _pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


@contextmanager
def _private_file(path: Path) -> Iterator[BinaryIO]:
    """A file only its owner may read (the trail names staff and network addresses)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as handle:
        yield handle
