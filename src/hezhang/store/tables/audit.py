"""The audit trail (审计记录): hash-chained events, signed Merkle checkpoints, and the keys that signed them.

Firm-level tables (no row-level security): an event names the client it is about, but it is the firm's record
of what its people did, and it outlives the client (`client_id` has no foreign key). On PostgreSQL the
application role may only read and append (SELECT, INSERT), and a trigger refuses UPDATE, DELETE and TRUNCATE
from anyone who has not switched it off (migration 0004). The fields are those of `hezhang.audit.event.AuditEvent`;
the hash covers them as written, so they are stored in the clear: the actor is a staff label and the reason a
short text the services write (no client's personal value goes into an event).

- `audit_events`: one row per event, `sequence` 1, 2, 3... without gaps; `hash` = SHA-256(prev_hash ||
  canonical event); `data_classes` the sorted class names joined by commas ("S1,S2").
- `audit_checkpoints`: the Merkle root of the first `size` events signed with Ed25519, one for each transaction
  that appended events (and on demand); `frontier` is the tree's frontier at that size (the roots of its perfect
  subtrees, largest first, 32 bytes each), so the next checkpoint needs only the events after this one. Each is
  copied to the witness file outside the database once its transaction committed (`hezhang.audit.witness`).
- `audit_signing_keys`: every public key that signed a checkpoint, with the keyring version it was derived from,
  so old checkpoints stay verifiable after the keyring is rotated and the old version retired.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, String, Table, Text, Uuid

from hezhang.privacy.classes import DataClass
from hezhang.store.tables.base import col, metadata, timestamp

audit_events = Table(
    "audit_events",
    metadata,
    col("sequence", BigInteger(), DataClass.S0, primary_key=True, autoincrement=False, nullable=False),
    timestamp("at", nullable=False),
    #: Who: "name <user id>" of a staff member, or a system actor. The firm's staff directory, not client data.
    col("actor", Text(), DataClass.S1, nullable=False),
    #: From where: the network address of the request ("local" for the command line).
    col("source", Text(), DataClass.S1, nullable=False),
    col("action", String(64), DataClass.S0, nullable=False),
    col("client_id", Uuid(), DataClass.S0, index=True),  # no foreign key: events outlive clients
    col("resource", Text(), DataClass.S0, nullable=False),
    col("data_classes", String(32), DataClass.S0, nullable=False),
    col("outcome", String(16), DataClass.S0, nullable=False),  # allowed, denied, error
    #: Why: the policy's reason, the person's stated purpose, or the error (written by services, S2-free).
    col("reason", Text(), DataClass.S1, nullable=False),
    col("request_id", Text(), DataClass.S0, nullable=False),
    col("prev_hash", LargeBinary(), DataClass.S0, nullable=False),
    col("hash", LargeBinary(), DataClass.S0, nullable=False),
    Index("ix_audit_events_actor_action_at", "actor", "action", "at"),  # migration 0005: monitoring counts
)

audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    col("size", BigInteger(), DataClass.S0, primary_key=True, autoincrement=False, nullable=False),
    col("root", LargeBinary(), DataClass.S0, nullable=False),
    timestamp("at", nullable=False),
    col("signature", LargeBinary(), DataClass.S0, nullable=False),
    col("key_id", String(16), DataClass.S0, nullable=False),
    col("frontier", LargeBinary(), DataClass.S0, nullable=False),
)

audit_signing_keys = Table(
    "audit_signing_keys",
    metadata,
    col("key_id", String(16), DataClass.S0, primary_key=True, nullable=False),
    #: The raw 32-byte Ed25519 public key (public: anyone may verify with it).
    col("public_key", LargeBinary(), DataClass.S0, nullable=False),
    col("keyring_version", Integer(), DataClass.S0, nullable=False),
    timestamp("created_at", nullable=False, now=True),
)
