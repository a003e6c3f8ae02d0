"""A client's access history: the events about one client, each with its inclusion proof in one signed checkpoint.

The format and its checking half are in `verify` (a client runs that file alone). Here the history is written:
the header (the checkpoint, the client, the list of its events' sequence numbers, signed), then one line per
event with its RFC 6962 proof at index sequence - 1 in the checkpoint's tree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hezhang.audit.checkpoint import Checkpoint, key_id
from hezhang.audit.event import AuditEvent, canonical, format_time
from hezhang.audit.verify import EVENT_HEAD, access_statement, encode

__all__ = ["access_history_lines"]


def access_history_lines(
    client: str,
    checkpoint: Checkpoint,
    events: Sequence[AuditEvent],
    proofs: Mapping[int, Sequence[bytes]],
    private_key: Ed25519PrivateKey,
) -> Iterator[bytes]:
    """The access history, line by line (each ends with b"\\n").

    `events` are the client's events within the checkpoint (sequence <= its size), in sequence order; `proofs`
    maps each event's sequence to its inclusion proof; `private_key` signs the list (the checkpoint's signer).
    """
    sequences = [event.sequence for event in events]
    if sequences != sorted(set(sequences)) or any(s > checkpoint.size for s in sequences):
        raise ValueError("the events must be in sequence order, once each, and within the checkpoint")
    if any(event.client != client for event in events):
        raise ValueError("an access history holds the events of one client only")
    statement = private_key.sign(access_statement(client, checkpoint.size, checkpoint.root, sequences))
    body = {"at": format_time(checkpoint.at), "key_id": checkpoint.key_id, "root": checkpoint.root.hex(),
            "signature": checkpoint.signature.hex(), "size": checkpoint.size}  # fmt: skip
    header = {"checkpoint": body, "client": client, "key_id": key_id(private_key.public_key()),
              "sequences": sequences, "signature": statement.hex()}  # fmt: skip
    yield encode({"access_history": header}) + b"\n"
    for event in events:
        proof = encode([node.hex() for node in proofs[event.sequence]])
        yield b"".join((EVENT_HEAD, canonical(event), b',"hash":"', event.hash.hex().encode(), b'","proof":', proof,
                        b"}\n"))  # fmt: skip
