"""The audit trail: hash-chained events, an RFC 6962 Merkle tree over them, signed checkpoints, and the
standalone verifier (`hezhang.audit.verify`, which needs nothing else from hezhang).

    event       AuditEvent, canonical, event_hash
    chain       append, AuditLog
    merkle      root, inclusion_proof, consistency_proof, verify_inclusion, verify_consistency
    checkpoint  Checkpoint, sign_checkpoint, verify_checkpoint
    verify      verify_export, verify_lines, the export format and `python -m hezhang.audit.verify`

This file imports nothing at load time, so `python -m hezhang.audit.verify` runs the verifier alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hezhang.audit.checkpoint import Checkpoint
    from hezhang.audit.event import AuditEvent

__all__ = ["export_lines", "write_export"]


def export_lines(events: Iterable[AuditEvent], checkpoints: Iterable[Checkpoint]) -> Iterator[bytes]:
    """The export, line by line (each ends with b"\\n"): events, then checkpoints by size (format: `verify`)."""
    from hezhang.audit.event import canonical, format_time
    from hezhang.audit.verify import EVENT_HEAD, HASH_MID, LINE_TAIL, encode

    for event in events:
        yield b"".join((EVENT_HEAD, canonical(event), HASH_MID, event.hash.hex().encode(), LINE_TAIL, b"\n"))
    for cp in sorted(checkpoints, key=lambda c: c.size):
        body = {"at": format_time(cp.at), "key_id": cp.key_id, "root": cp.root.hex(),
                "signature": cp.signature.hex(), "size": cp.size}  # fmt: skip
        yield encode({"checkpoint": body}) + b"\n"


def write_export(events: Iterable[AuditEvent], checkpoints: Iterable[Checkpoint]) -> str:
    """The export as text, for a client or an auditor to check with `hezhang.audit.verify`."""
    return b"".join(export_lines(events, checkpoints)).decode()
