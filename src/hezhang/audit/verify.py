"""The standalone verifier of an audit export: copy this one file, run it, trust nothing else.

    python -m hezhang.audit.verify EXPORT --key PUBLIC_KEY_PEM [--witness FILE ...]
    (or: python verify.py EXPORT --key KEY)

It imports only the standard library and `cryptography`, so a client or an outside auditor can read it whole
(which is why it is one file, longer than the house's usual module). The producing side of hezhang (`event`,
`merkle`, `checkpoint`) imports its checking half from here, so the encoding, the tree and the signed message
have one definition. `--key` may be given several times, and a PEM file may hold several keys: checkpoints made
before a keyring rotation are signed by the key of their time.

Two formats; the verifier tells them apart by their first line (an access history starts with its header).

Whole-trail export (UTF-8, one JSON object a line, lines end with "\\n"): all events in sequence order, then all
checkpoints in size order. Every line is canonical JSON: keys sorted, no whitespace, non-ASCII kept as UTF-8.

    {"event":<canonical event>,"hash":"<64 lowercase hex>"}
    {"checkpoint":{"at":"<time>","key_id":"<16 hex>","root":"<64 hex>","signature":"<128 hex>","size":<n>}}

<canonical event> is the JSON object of the event's fields `action, actor, at, client (string or null),
data_classes (list of "S0".."S3"), outcome, prev_hash (hex), reason, request_id, resource, sequence (1, 2, ...),
source`; times are UTC, ISO 8601 with microseconds and "Z". The event's hash is SHA-256(prev_hash || those
exact bytes); the first event's prev_hash is 32 zero bytes. The Merkle tree is RFC 6962's over the event hashes
(leaf = SHA-256(0x00 || hash), node = SHA-256(0x01 || left || right)). A checkpoint signs, with Ed25519,
CHECKPOINT_CONTEXT followed by the canonical JSON of {"at", "root" (hex), "size"}; key_id is the first 8 bytes
of SHA-256 of the raw public key, in hex.

A client's access history: the events about one client, each with its RFC 6962 inclusion proof (PATH, leaf
first, RFC 9162 §2.1.3) at index sequence - 1 in the tree of one signed checkpoint. A header, then the events in
sequence order:

    {"access_history":{"checkpoint":{<as above>},"client":"<id>","key_id":"<16 hex>","sequences":[<n>,...],
                       "signature":"<128 hex>"}}                                              (one line)
    {"event":<canonical event>,"hash":"<64 hex>","proof":["<64 hex>",...]}

The header's signature (by the key `key_id`, usually the checkpoint's) covers ACCESS_CONTEXT followed by the
canonical JSON of {"client", "root" (hex), "sequences", "size"}: the firm states under its key that these are
all the client's events in that tree, so one left out, added or moved shows. Each event must hash to its
`hash`, belong to the client, and its proof must lead to the checkpoint's root. (A proof shows an event is in
the trail; that no event of the client is missing rests on the signed list, which an auditor holding the whole
trail can check.)

Witnesses (`--witness`, several allowed) are files of signed checkpoints kept apart from the trail, compared with
a whole-trail export: the witness file hezhang appends every committed checkpoint to (`hezhang.audit.witness`), an
earlier export (its checkpoint lines; its event lines are skipped), a client's access history (its header's
checkpoint). Checkpoint lines as above, and restore lines a restore into the empty store appends:

    {"restored":{"at":"<time>","key_id":"<16 hex>","root":"<64 hex>","signature":"<128 hex>","size":<n>}}

signed over RESTORE_CONTEXT followed by the canonical JSON of {"at", "root", "size"}: at that time the store was
restored with a trail of that many events. Each signed restore line sets aside the witnesses' checkpoints signed
before its time (they are of the store that was lost; one copied to a later place still sets aside only those).
A witness's checkpoint is compared like the export's own: beyond the export's last event, events were removed
(truncated); with a root the export's events no longer give, they were rewritten. A witness line that cannot be
read (an append cut short by a crash) and a witness that is behind the export are noted (`Report.notices`), not
failed: a witness only ever lags.

The verifier reports the first bad sequence number: the first place where the export stops being the log that
was signed. A changed event whose hash was recomputed is named by the event that no longer chains to it; when
every later hash was recomputed too (a consistent chain), by the first event after the last checkpoint that
still holds, with the range up to the first checkpoint that no longer does. Every checkpoint's signature is
checked. Events after the last checkpoint are checked as a chain only, and events removed from the end together
with their checkpoints look like a whole, shorter trail: hezhang signs a checkpoint with every transaction that
writes events, and only a witness (or a client's export) holding a later checkpoint shows the removal.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import itertools
import json
import re
import sys
from array import array
from binascii import unhexlify
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

GENESIS = bytes(32)
EMPTY_ROOT = hashlib.sha256(b"").digest()
CHECKPOINT_CONTEXT = b"hezhang audit checkpoint v1\n"
EVENT_KEYS = frozenset(
    {"action", "actor", "at", "client", "data_classes", "outcome", "prev_hash", "reason", "request_id", "resource"}
    | {"sequence", "source"}
)
CHECKPOINT_KEYS = frozenset({"at", "key_id", "root", "signature", "size"})
ACCESS_CONTEXT = b"hezhang audit access history v1\n"
ACCESS_KEYS = frozenset({"checkpoint", "client", "key_id", "sequences", "signature"})
EVENT_HEAD, HASH_MID, LINE_TAIL = b'{"event":', b',"hash":"', b'"}'
CHECKPOINT_HEAD, ACCESS_HEAD, RESTORED_HEAD = b'{"checkpoint":', b'{"access_history":', b'{"restored":'
RESTORE_CONTEXT = b"hezhang audit restore v1\n"
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":"))
_HEX64 = re.compile(rb"[0-9a-f]{64}")
_DECODER = json.JSONDecoder()
_HEX64_TEXT = re.compile(r"[0-9a-f]{64}")
_HEX_TEXT = re.compile(r"[0-9a-f]*")
_sha256 = hashlib.sha256
_STR = rb'"(?:[^"\\\x00-\x1f]++|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*+"'  # a JSON string (UTF-8 checked apart)
#: A checkpoint line (or a witness's restore line) as hezhang writes it: groups head, at, key id, root, signature,
#: size. Any other line is read by parsing its JSON (`_checkpoint_parsed`), with the same result.
_CHECKPOINT_LINE = re.compile(
    rb'\{"(checkpoint|restored)":\{"at":"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z)",'
    rb'"key_id":"([0-9a-f]{16})","root":"([0-9a-f]{64})","signature":"([0-9a-f]{128})","size":(0|[1-9][0-9]{0,17})\}\}'
)
_AT_WIDTH = 27  # "2026-12-07T03:04:05.060708Z"
#: An event line as hezhang writes it (keys in order, no whitespace): groups canonical event, prev_hash, sequence,
#: hash. A line it does not match is read the slow way (`_event_parsed`), with the same result for every line.
_EVENT_LINE = re.compile(
    rb'\{"event":(\{"action":'
    + _STR
    + rb',"actor":'
    + _STR
    + rb',"at":'
    + _STR
    + rb',"client":(?:'
    + _STR
    + rb'|null),"data_classes":\[(?:'
    + _STR
    + rb"(?:,"
    + _STR
    + rb')*+)?\],"outcome":'
    + _STR
    + rb',"prev_hash":"([0-9a-f]{64})","reason":'
    + _STR
    + rb',"request_id":'
    + _STR
    + rb',"resource":'
    + _STR
    + rb',"sequence":([1-9][0-9]{0,17}),"source":'
    + _STR
    + rb'\}),"hash":"([0-9a-f]{64})"\}'
)


def encode(value: object) -> bytes:
    """Canonical JSON: sorted keys, no whitespace, UTF-8."""
    return _ENCODER.encode(value).encode()


def event_hash(canonical: bytes, prev_hash: bytes) -> bytes:
    return _sha256(prev_hash + canonical).digest()


def leaf_hash(leaf: bytes) -> bytes:
    return _sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(b"\x01" + left + right).digest()


class Frontier:
    """A growing RFC 6962 tree kept as the roots of its perfect subtrees, largest first (O(log n) memory)."""

    __slots__ = ("_stack", "size")

    def __init__(self) -> None:
        self._stack: list[bytes] = []
        self.size = 0

    def push(self, leaf: bytes) -> None:
        self._add(_sha256(b"\x00" + leaf).digest(), 0)

    def extend(self, leaves: bytes) -> None:
        """`push` each 32-byte leaf of `leaves` in turn; the same tree, built a level at a time (about 3x faster)."""
        if len(leaves) % 32:
            raise ValueError(f"leaves come 32 bytes each, got {len(leaves)} bytes")
        nodes = [_sha256(b"\x00" + leaves[i : i + 32]).digest() for i in range(0, len(leaves), 32)]
        start = 0
        while start < len(nodes):
            # the largest perfect subtree that fits what is left and starts where the tree now ends
            height = (len(nodes) - start).bit_length() - 1
            if self.size:
                height = min(height, (self.size & -self.size).bit_length() - 1)
            level = nodes[start : start + (1 << height)]
            while len(level) > 1:
                level = [_sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
            self._add(level[0], height)
            start += 1 << height

    def _add(self, node: bytes, height: int) -> None:
        """Append the root of a perfect subtree of 2**height leaves (the size is a multiple of 2**height)."""
        n = self.size >> height
        while n & 1:
            node = _sha256(b"\x01" + self._stack.pop() + node).digest()
            n >>= 1
        self._stack.append(node)
        self.size += 1 << height

    def nodes(self) -> bytes:
        """The perfect subtrees' roots, largest first, 32 bytes each: with `size`, all the tree needs to grow."""
        return b"".join(self._stack)

    @classmethod
    def restore(cls, size: int, nodes: bytes) -> Frontier:
        """The frontier of a tree of `size` leaves from its `nodes()` (one 32-byte root per bit set in size)."""
        if size < 0 or len(nodes) != 32 * size.bit_count():
            raise ValueError(f"a frontier of {size} leaves has {size.bit_count()} nodes, not {len(nodes) / 32}")
        frontier = cls()
        frontier._stack = [nodes[i : i + 32] for i in range(0, len(nodes), 32)]
        frontier.size = size
        return frontier

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        node = self._stack[-1]
        for left in reversed(self._stack[:-1]):
            node = node_hash(left, node)
        return node


def merkle_root(leaves: Iterable[bytes]) -> bytes:
    frontier = Frontier()
    frontier.extend(b"".join(leaves))
    return frontier.root()


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: is `leaf` the `index`-th (0-based) leaf of the tree of `size` leaves with this root?"""
    if not 0 <= index < size or any(len(p) != 32 for p in proof):
        return False
    fn, sn, r = index, size - 1, leaf_hash(leaf)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(m: int, n: int, root_m: bytes, root_n: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of `m` leaves with `root_m` a prefix of the tree of `n` leaves with `root_n`?"""
    if not 0 <= m <= n or any(len(p) != 32 for p in proof):
        return False
    if m == 0:
        return not proof and root_m == EMPTY_ROOT
    if m == n:
        return not proof and root_m == root_n
    if not proof:
        return False
    path = [root_m, *proof] if m & (m - 1) == 0 else list(proof)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == root_m and sr == root_n


def checkpoint_message(size: int, root: bytes, at: str) -> bytes:
    return CHECKPOINT_CONTEXT + encode({"at": at, "root": root.hex(), "size": size})


def restore_message(size: int, root: bytes, at: str) -> bytes:
    """What a witness's restore line signs: at `at` the store was restored with a trail of `size` events, `root`."""
    return RESTORE_CONTEXT + encode({"at": at, "root": root.hex(), "size": size})


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _sha256(raw).digest()[:8].hex()


Keys = Mapping[str, Ed25519PublicKey]  # by key id
PublicKeys = Ed25519PublicKey | Iterable[Ed25519PublicKey]


def _signed(keys: Keys, kid: str, message: bytes, signature: bytes) -> bool:
    key = keys.get(kid)
    return key is not None and signature_valid(key, message, signature)


def signature_valid(public_key: Ed25519PublicKey, message: bytes, signature: bytes) -> bool:
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


# -- reading and checking an export ------------------------------------------------------------------------
class Kind(StrEnum):
    CHANGED = "changed"
    MISSING = "missing"
    INSERTED = "inserted"
    DUPLICATED = "duplicated"
    REORDERED = "reordered"
    TRUNCATED = "truncated"
    BAD_SIGNATURE = "bad-signature"
    GARBAGE = "garbage"
    BAD_PROOF = "bad-proof"


KIND_ZH = {
    Kind.CHANGED: "被篡改",
    Kind.MISSING: "缺失（被删除）",
    Kind.INSERTED: "被插入",
    Kind.DUPLICATED: "重复",
    Kind.REORDERED: "顺序被打乱",
    Kind.TRUNCATED: "被截断",
    Kind.BAD_SIGNATURE: "签名无效",
    Kind.GARBAGE: "无法读取",
    Kind.BAD_PROOF: "包含证明无效",
}


@dataclass(frozen=True, slots=True)
class Failure:
    """What is wrong first: `sequence` is the first bad sequence number (None: a checkpoint line unreadable);
    `line` the line of the export, or of the witness `source` names."""

    sequence: int | None
    kind: Kind
    line: int | None
    detail_zh: str
    detail_en: str
    source: str | None = None  # the witness the line is in (None: the export itself)

    def message_zh(self) -> str:
        where = f"第 {self.sequence} 条" if self.sequence is not None else "检查点"
        at = "" if self.line is None else f"第 {self.line} 行"
        at = f"（{self.source} {at}）" if self.source is not None else f"（{at}）" if at else ""
        return f"{where}{KIND_ZH[self.kind]}{at}：{self.detail_zh}"

    def message_en(self) -> str:
        where = f"sequence {self.sequence}" if self.sequence is not None else "checkpoint"
        at = "" if self.line is None else f"line {self.line}"
        at = f" ({self.source}, {at})" if self.source is not None else f" ({at})" if at else ""
        return f"{where} {self.kind.value}{at}: {self.detail_en}"


@dataclass(frozen=True, slots=True)
class Notice:
    """Something about a witness worth knowing that is not a failure (Chinese, English)."""

    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Report:
    events: int
    checkpoints: int
    covered: int  # events covered by a checkpoint whose signature and root both check (or proven in it)
    failure: Failure | None
    format: str = "log"  # "log": the whole trail; "access-history": one client's events with inclusion proofs
    witnessed: int = 0  # the witnesses' signed checkpoints compared with the trail (after any restore line)
    witness_size: int = 0  # the most events one of them covers
    notices: tuple[Notice, ...] = ()

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(slots=True)
class _Checkpoint:
    line: int
    size: int
    root: bytes
    at: str
    signature: bytes
    key_id: str


TRAIL = 0  # the source of a checkpoint in the export itself; witness k is source k (1, 2, ...)


@dataclass(slots=True)
class _Checkpoints:
    """Signed checkpoints as columns (a busy trail has one per transaction): position i is one checkpoint line of
    the export or of a witness, its signature checked when it was read."""

    sizes: array[int] = field(default_factory=lambda: array("q"))
    lines: array[int] = field(default_factory=lambda: array("q"))
    sources: array[int] = field(default_factory=lambda: array("q"))
    roots: bytearray = field(default_factory=bytearray)
    signed: bytearray = field(default_factory=bytearray)  # 1: the signature checks with the keys
    live: bytearray = field(default_factory=bytearray)  # 0: a witness's, set aside by a restore line
    restores: bytearray = field(default_factory=bytearray)  # 1: a witness's restore line
    ats: bytearray = field(default_factory=bytearray)  # _AT_WIDTH bytes each (other texts in `odd_ats`)
    odd_ats: dict[int, str] = field(default_factory=dict)
    digests: bytearray = field(default_factory=bytearray)  # 8 bytes of the line's BLAKE2b each, when kept
    in_trail: int = 0  # the first `in_trail` positions are the export's own
    trail_sorted: bool = True  # the export's own are in size order (as hezhang writes them)

    def add(self, source: int, line: int, size: int, root: bytes, at: str, signed: bool, restore: bool,
            digest: bytes = b"") -> None:  # fmt: skip
        i = len(self.sizes)
        if source == TRAIL:
            self.trail_sorted = self.trail_sorted and (not i or self.sizes[i - 1] <= size)
            self.in_trail += 1
        self.sizes.append(size)
        self.lines.append(line)
        self.sources.append(source)
        self.roots += root
        self.signed.append(signed)
        self.live.append(1)
        self.restores.append(restore)
        if len(at) == _AT_WIDTH and at.isascii():
            self.ats += at.encode()
        else:
            self.ats += bytes(_AT_WIDTH)
            self.odd_ats[i] = at
        self.digests += digest

    def __len__(self) -> int:
        return len(self.sizes)

    def at(self, i: int) -> str:
        return self.odd_ats.get(i) or self.ats[_AT_WIDTH * i : _AT_WIDTH * (i + 1)].decode()

    def root(self, i: int) -> bytes:
        return bytes(self.roots[32 * i : 32 * i + 32])

    def in_export(self, size: int, digest: bytes) -> bool:
        """Does the export hold this very checkpoint line (the same bytes) at `size`?"""
        if len(self.digests) < 8 * self.in_trail:
            return False
        if self.trail_sorted:
            j = bisect_left(self.sizes, size, 0, self.in_trail)
            while j < self.in_trail and self.sizes[j] == size:
                if self.digests[8 * j : 8 * j + 8] == digest:
                    return True
                j += 1
            return False
        return any(self.sizes[j] == size and self.digests[8 * j : 8 * j + 8] == digest for j in range(self.in_trail))


@dataclass(slots=True)
class _Export:
    """The events as compact columns (position i = expected sequence i + 1) and the checkpoints."""

    seqs: array[int] = field(default_factory=lambda: array("q"))
    lines: array[int] = field(default_factory=lambda: array("q"))
    oks: bytearray = field(default_factory=bytearray)
    prevs: bytearray = field(default_factory=bytearray)
    hashes: bytearray = field(default_factory=bytearray)
    garbage: dict[int, tuple[str, str]] = field(default_factory=dict)
    checkpoints: _Checkpoints = field(default_factory=_Checkpoints)
    late: list[Failure] = field(default_factory=list)
    first_break: int | None = None  # position of the first event that is not the next link of the chain

    def hash(self, i: int) -> bytes:
        return bytes(self.hashes[32 * i : 32 * i + 32]) if i >= 0 else GENESIS

    def prev(self, i: int) -> bytes:
        return bytes(self.prevs[32 * i : 32 * i + 32])

    def add_garbage(self, line: int, why_zh: str, why_en: str) -> None:
        if len(self.checkpoints):
            self.late.append(Failure(None, Kind.GARBAGE, line, why_zh, why_en))
            return
        self.garbage[len(self.seqs)] = (why_zh, why_en)
        if self.first_break is None:
            self.first_break = len(self.seqs)
        self.seqs.append(0)
        self.lines.append(line)
        self.oks.append(False)
        self.prevs += GENESIS
        self.hashes += GENESIS


def _event(raw: bytes) -> tuple[int, bytes, bytes, bool] | tuple[str, str]:
    """(sequence, prev_hash, hash, hash matches contents) of an event line, or why it is unreadable (zh, en)."""
    match = _EVENT_LINE.fullmatch(raw)
    if match is None:
        return _event_parsed(raw)
    canonical, prev_hex, seq, claimed_hex = match.groups()
    try:
        canonical.decode()
    except UnicodeDecodeError:
        return _event_parsed(raw)
    prev, claimed = unhexlify(prev_hex), unhexlify(claimed_hex)
    return int(seq), prev, claimed, _sha256(prev + canonical).digest() == claimed


def _event_parsed(raw: bytes) -> tuple[int, bytes, bytes, bool] | tuple[str, str]:
    """`_event` by parsing the JSON: any key order and spacing, and the reason a line cannot be read."""
    end = len(raw)
    if end < 86 or raw[-75:-66] != HASH_MID or raw[-2:] != LINE_TAIL or not _HEX64.fullmatch(raw, end - 66, end - 2):
        return "事件行格式不对", "the event line is not in the export format"
    canonical = raw[9:-75]
    try:
        text = canonical.decode()
        obj, stop = _DECODER.raw_decode(text)
    except ValueError:
        return "事件不是合法的 UTF-8 JSON", "the event is not valid UTF-8 JSON"
    if stop != len(text) or type(obj) is not dict or obj.keys() != EVENT_KEYS:
        return "事件字段与格式不符", "the event's fields are not those of the format"
    seq, prev_hex = obj["sequence"], obj["prev_hash"]
    if type(seq) is not int or not 0 < seq < 1 << 62:
        return "序号不是正整数", "the sequence is not a positive integer"
    if type(prev_hex) is not str or not _HEX64_TEXT.fullmatch(prev_hex):
        return "prev_hash 不是 64 位小写十六进制", "prev_hash is not 64 lowercase hex digits"
    prev, claimed = unhexlify(prev_hex), unhexlify(raw[end - 66 : end - 2])
    return seq, prev, claimed, _sha256(prev + canonical).digest() == claimed


def _read(lines: Iterable[bytes], keys: Keys, digests: bool) -> _Export:
    """The export's events and checkpoints (each checkpoint's signature checked as it is read; with `digests`, a
    digest of each checkpoint line is kept, to recognise a witness line that repeats it)."""
    out, last = _Export(), GENESIS
    seqs, numbers, oks, prevs, hashes = out.seqs, out.lines, out.oks, out.prevs, out.hashes
    for number, raw_line in enumerate(lines, 1):
        raw = raw_line[:-1] if raw_line[-1:] == b"\n" else raw_line
        if raw.startswith(EVENT_HEAD) and not len(out.checkpoints):
            parsed = _event(raw)
            if len(parsed) == 2:
                out.add_garbage(number, *parsed)
                continue
            seq, prev, claimed, ok = parsed
            if out.first_break is None and (seq != len(seqs) + 1 or not ok or prev != last):
                out.first_break = len(seqs)
            last = claimed
            seqs.append(seq)
            numbers.append(number)
            oks.append(ok)
            prevs += prev
            hashes += claimed
        elif raw.startswith(CHECKPOINT_HEAD):
            checkpoint = _checkpoint(raw)
            if checkpoint is None or checkpoint[0]:
                out.add_garbage(number, "检查点行无法读取", "the checkpoint line cannot be read")
                continue
            _, size, root, at, signature, kid = checkpoint
            signed = _signed(keys, kid, checkpoint_message(size, root, at), signature)
            digest = _digest(raw) if digests else b""
            out.checkpoints.add(TRAIL, number, size, root, at, signed, False, digest)
        elif raw.startswith(EVENT_HEAD):
            why_en = "an event line after the checkpoints"
            out.late.append(Failure(None, Kind.GARBAGE, number, "检查点之后出现事件行", why_en))
        else:
            out.add_garbage(number, "不是事件行也不是检查点行", "neither an event line nor a checkpoint line")
    return out


def _digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=8).digest()


def _checkpoint(raw: bytes) -> tuple[bool, int, bytes, str, bytes, str] | None:
    """(is a restore line, size, root, at, signature, key id) of a checkpoint or restore line, else None."""
    match = _CHECKPOINT_LINE.fullmatch(raw)
    if match is not None:
        head, at, kid, root, signature, size = match.groups()
        return head == b"restored", int(size), unhexlify(root), at.decode(), unhexlify(signature), kid.decode()
    try:
        obj = json.loads(raw)
        (head,) = obj.keys()
        cp = obj[head]
        good = head in ("checkpoint", "restored") and cp.keys() == CHECKPOINT_KEYS and encode(obj) == raw
        size, root, at, sig, kid = cp["size"], cp["root"], cp["at"], cp["signature"], cp["key_id"]
        good = good and type(size) is int and size >= 0 and all(type(v) is str for v in (root, at, sig, kid))
        # Hex is written in lower case only: "AB" would decode like "ab", but it is not what was written.
        good = good and all(v == v.lower() for v in (root, sig, kid))
        parsed = (head == "restored", size, bytes.fromhex(root), at, bytes.fromhex(sig), kid) if good else None
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return None if parsed is None or len(parsed[2]) != 32 else parsed


def witness_checkpoints(lines: Iterable[bytes]) -> Iterator[tuple[bool, int, str]]:
    """(is a restore line, size, time) of every readable checkpoint or restore line of a witness, signatures
    unchecked (what a restore needs to know of the witness it continues)."""
    for raw_line in lines:
        parsed = _checkpoint(raw_line.rstrip(b"\n"))
        if parsed is not None:
            yield parsed[0], parsed[1], parsed[3]


def _read_witness(
    cps: _Checkpoints, source: int, name: str, lines: Iterable[bytes], keys: Keys, notices: list[Notice]
) -> tuple[int, int]:
    """Add a witness's signed checkpoints to `cps` (a line the export holds byte for byte is counted, not added).

    A witness is the file hezhang appends each committed checkpoint to, or anything else holding signed
    checkpoints: an earlier whole-trail export (its events are skipped), a client's access history (its header's
    checkpoint). A line that cannot be read is noted, not failed: an interrupted append leaves its last line cut
    short, and a witness is only ever behind. Returns how many checkpoints the export already holds, and the most
    events one of them covers."""
    repeated = repeated_size = 0
    for number, raw_line in enumerate(lines, 1):
        ended = raw_line[-1:] == b"\n"
        raw = raw_line[:-1] if ended else raw_line
        if not raw.strip() or raw.startswith(EVENT_HEAD):
            continue
        parsed: tuple[bool, int, bytes, str, bytes, str] | None = None
        if raw.startswith(ACCESS_HEAD):
            header = _header(raw)
            if header is not None:
                cp = header[0]
                parsed = (False, cp.size, cp.root, cp.at, cp.signature, cp.key_id)
                body = {"at": cp.at, "key_id": cp.key_id, "root": cp.root.hex(), "signature": cp.signature.hex(),
                        "size": cp.size}  # fmt: skip
                raw = encode({"checkpoint": body})
        elif raw.startswith((CHECKPOINT_HEAD, RESTORED_HEAD)):
            parsed = _checkpoint(raw)
        if parsed is None:
            if ended:
                why = (f"见证文件 {name} 第 {number} 行无法读取，未作对照",
                       f"line {number} of the witness {name} cannot be read and was not compared")  # fmt: skip
            else:
                why = (f"见证文件 {name} 的最后一行（第 {number} 行）不完整：追加时被中断",
                       f"the last line of the witness {name} (line {number}) is cut short: an append was "
                       "interrupted")  # fmt: skip
            notices.append(Notice(*why))
            continue
        restore, size, root, at, signature, kid = parsed
        digest = _digest(raw)
        if not restore and cps.in_export(size, digest):
            repeated += 1
            repeated_size = max(repeated_size, size)
            continue
        message = (restore_message if restore else checkpoint_message)(size, root, at)
        cps.add(source, number, size, root, at, _signed(keys, kid, message, signature), restore)
    return repeated, repeated_size


def _set_aside(cps: _Checkpoints, names: Sequence[str], notices: list[Notice]) -> None:
    """A signed restore line (time T, N events) sets aside every witness checkpoint signed before T: they are of the
    store that was lost, and its events after N went with it. Copied elsewhere, a restore line sets aside only what
    was signed before it was made, so it cannot hide a later truncation."""
    for r in range(len(cps)):
        if not (cps.restores[r] and cps.signed[r]):
            continue
        when, kept = cps.at(r), cps.sizes[r]
        gone = [i for i in range(cps.in_trail, len(cps)) if cps.live[i] and i != r and cps.at(i) < when]
        for i in gone:
            cps.live[i] = 0
        lost = max((cps.sizes[i] for i in gone), default=0)
        where = names[cps.sources[r] - 1]
        zh = f"见证文件 {where} 第 {cps.lines[r]} 行：{when} 从备份恢复，恢复的审计记录有 {kept} 条"
        en = f"the witness {where}, line {cps.lines[r]}: a restore at {when} from a backup of {kept} events"
        if lost > kept:
            zh += f"；此前见证的检查点至第 {lost} 条，第 {kept + 1}–{lost} 条随旧库丢失"
            en += f"; the witness's earlier checkpoints reached {lost} events: {kept + 1} to {lost} were lost"
        zh += f"；{len(gone)} 个更早的检查点不再对照"
        en += f"; {len(gone)} earlier checkpoints are set aside"
        notices.append(Notice(zh, en))


def _classify(ex: _Export, i: int) -> Failure:
    """Why position `i` (expected sequence i + 1) breaks the chain, given everything before it checks."""
    e, line, n = i + 1, ex.lines[i], len(ex.seqs)
    if i in ex.garbage:
        return Failure(e, Kind.GARBAGE, line, *ex.garbage[i])
    s, h, p, before = ex.seqs[i], ex.hash(i), ex.prev(i), ex.hash(i - 1)
    if not ex.oks[i]:
        return Failure(e, Kind.CHANGED, line, "哈希与内容不符", "its hash does not match its contents")
    nxt = i + 1 if i + 1 < n and i + 1 not in ex.garbage else None
    next_is_real = nxt is not None and ex.seqs[nxt] == e and ex.prev(nxt) == before
    inserted = Failure(
        e, Kind.INSERTED, line, "此处的事件不在链上", f"the event here (claiming {s}) is not in the chain"
    )
    if s == e:
        if next_is_real:
            return inserted
        if i == 0:
            return Failure(
                1, Kind.CHANGED, line, "第一条没有从创世哈希开始", "the first event does not start the chain"
            )
        return Failure(e - 1, Kind.CHANGED, ex.lines[i - 1], f"第 {e} 条不再链接到它：内容被改且哈希被重算",
                       f"event {e} no longer chains to it: changed and its hash recomputed")  # fmt: skip
    if s > e:
        if p == before:
            return (
                inserted
                if next_is_real
                else Failure(e, Kind.CHANGED, line, f"序号被改为 {s}", f"sequence changed to {s}")
            )
        hashes = {ex.hash(j) for j in range(n) if j != i and j not in ex.garbage}
        if h in hashes:
            return Failure(e, Kind.DUPLICATED, line, f"第 {s} 条的副本", f"a copy of sequence {s}")
        if e in ex.seqs[i + 1 :]:
            if next_is_real and p not in hashes:
                return inserted
            return Failure(
                e, Kind.REORDERED, line, f"第 {s} 条出现在第 {e} 条的位置", f"sequence {s} stands where {e} should"
            )
        return Failure(e, Kind.MISSING, line, f"第 {e}–{s - 1} 条不见了", f"events {e} to {s - 1} are missing")
    if ex.hash(s - 1) == h:
        return Failure(e, Kind.DUPLICATED, line, f"第 {s} 条的副本", f"a copy of sequence {s}")
    # Two events claim s = e - 1. The genuine one is the one its successor, or else a signed checkpoint, vouches for.
    if s == e - 1 and (ex.prev(nxt) == h if nxt is not None else _signed_without(ex, i - 1)):
        return Failure(
            e - 1, Kind.INSERTED, ex.lines[i - 1], "此处的事件不在链上", "the event here is not in the chain"
        )
    return Failure(e, Kind.INSERTED, line, f"又一条事件自称第 {s} 条", f"a second event claims sequence {s}")


def _signed_without(ex: _Export, skip: int) -> bool:
    """Does the first signed checkpoint covering position `skip` match the events without the one there?"""
    n, cps = len(ex.seqs), ex.checkpoints
    covering = [i for i in range(len(cps)) if skip < cps.sizes[i] < n and cps.signed[i] and cps.live[i]]
    if not covering:
        return False
    first = min(covering, key=cps.sizes.__getitem__)
    size = cps.sizes[first]
    return merkle_root(ex.hash(j) for j in range(size + 1) if j != skip) == cps.root(first)


def _check_checkpoints(
    ex: _Export, limit: int, names: Sequence[str], trail: tuple[str, str]
) -> tuple[list[Failure], int]:
    """Signature, truncation and root of each checkpoint, the export's and the witnesses'; roots only over the
    chain-verified prefix (< limit). Returns the failures and how many events a signed checkpoint covers."""
    failures, n, cps = [], len(ex.seqs), ex.checkpoints
    order = sorted(range(len(cps)), key=cps.sizes.__getitem__)

    def source(i: int) -> str | None:
        return None if cps.sources[i] == TRAIL else names[cps.sources[i] - 1]

    beyond = -1  # the signed checkpoint covering the most events beyond the trail
    for i in order:
        if not cps.live[i]:
            continue
        if not cps.signed[i]:
            why = ("检查点签名无效或不是这些密钥所签", "the checkpoint's signature does not check with these keys")
            failures.append(Failure(cps.sizes[i], Kind.BAD_SIGNATURE, cps.lines[i], *why, source(i)))
        elif cps.sizes[i] > n:
            beyond = i
    if beyond >= 0:
        size, at, noun = cps.sizes[beyond], cps.at(beyond), trail
        if cps.sources[beyond] == TRAIL:
            why = (
                f"检查点签过 {size} 条，{noun[0]}只有 {n} 条",
                f"a checkpoint signed {size} events, {noun[1]} holds {n}",
            )
        else:
            why = (f"见证文件记录了 {size} 条事件的签名检查点（时间 {at}），{noun[0]}只有 {n} 条",
                   f"the witness holds a checkpoint of {size} events signed at {at}; {noun[1]} holds {n}")  # fmt: skip
        failures.append(Failure(n + 1, Kind.TRUNCATED, cps.lines[beyond], *why, source(beyond)))
    frontier, root, covered, holding = Frontier(), EMPTY_ROOT, 0, -1
    below, below_at = 0, -1  # the checkpoint that holds covering the most events before the size at hand
    for i in order:
        size = cps.sizes[i]
        if not (cps.live[i] and cps.signed[i]) or size > n:
            continue
        if size >= limit:
            break
        if size != frontier.size:
            below, below_at = covered, holding
            frontier.extend(bytes(ex.hashes[32 * frontier.size : 32 * size]))
            root = frontier.root()
        if cps.root(i) != root:
            failures.append(_rewritten(cps, i, below + 1, below_at, source(i)))
            break
        covered, holding = size, i
    return failures, covered


def _rewritten(cps: _Checkpoints, i: int, first: int, holding: int, source: str | None) -> Failure:
    """Events `first` to the size of checkpoint `i` no longer give its root (their hashes were recomputed): the first
    that can differ is the one after the last checkpoint that still holds (`holding`, -1: none)."""
    size, at, one = cps.sizes[i], cps.at(i), first == cps.sizes[i]
    zh = f"第 {first} 条" if one else f"第 {first}–{size} 条"
    en = f"event {first}" if one else f"events {first}–{size}"
    if holding >= 0:
        since = cps.at(holding)
        zh += f"在 {since} 签署的检查点（{first - 1} 条）之后被改动，"
        en += f" changed after the checkpoint of {first - 1} events signed at {since}: {'it' if one else 'they'}"
    zh += f"与 {at} 签署的 {size} 条检查点不符"
    en += f" {'differs' if one else 'differ'} from the checkpoint of {size} events signed at {at}"
    if one:
        zh, en = zh + "（其后的哈希被重算）", en + " (hashes recomputed from it on)"
    else:
        zh += f"（哈希被重算）；第一条可能被改的是第 {first} 条"
        en += f" (hashes recomputed); the first that can differ is {first}"
    return Failure(first, Kind.CHANGED, cps.lines[i], zh, en, source)


def _verify_log(
    lines: Iterable[bytes], keys: Keys, witnesses: Sequence[tuple[str, Iterable[bytes]]], trail: tuple[str, str]
) -> Report:
    ex = _read(lines, keys, digests=bool(witnesses))
    cps, names = ex.checkpoints, [name for name, _ in witnesses]
    notices: list[Notice] = []
    repeated = repeated_size = 0
    for k, (name, witness) in enumerate(witnesses, 1):
        count, size = _read_witness(cps, k, name, witness, keys, notices)
        repeated, repeated_size = repeated + count, max(repeated_size, size)
    _set_aside(cps, names, notices)
    failures = [] if ex.first_break is None else [_classify(ex, ex.first_break)]
    limit = (failures[0].sequence or 1) if failures else len(ex.seqs) + 1
    found, covered = _check_checkpoints(ex, limit, names, trail)
    failures += found + ex.late
    first = min(failures, key=lambda f: (f.sequence is None, f.sequence or 0), default=None)
    seen = [i for i in range(cps.in_trail, len(cps)) if cps.live[i] and cps.signed[i]]
    witnessed, size = repeated + len(seen), max([repeated_size, *(cps.sizes[i] for i in seen)])
    n = len(ex.seqs)
    if witnesses and first is None and size < n:
        zh, en = (f"第 {n} 条", f"event {n} is") if size + 1 == n else (f"第 {size + 1}–{n} 条", f"events {size + 1} "
                                                                        f"to {n} are")  # fmt: skip
        notices.append(Notice(f"见证的检查点至第 {size} 条；{zh}只由{trail[0]}中的检查点与哈希链保护",
                              f"the witnesses' checkpoints reach event {size}; {en} protected only by {trail[1]}'s "
                              "checkpoints and the chain"))  # fmt: skip
    return Report(n, cps.in_trail, covered, first, "log", witnessed, size, tuple(notices))


# -- a client's access history: some events, each with an inclusion proof in one signed checkpoint ----------
def access_statement(client: str, size: int, root: bytes, sequences: Sequence[int]) -> bytes:
    """What the header's own signature covers: this client's events in the checkpoint's tree are exactly these."""
    return ACCESS_CONTEXT + encode({"client": client, "root": root.hex(), "sequences": list(sequences), "size": size})


def _hex(value: object, digits: int) -> bytes | None:
    """Lowercase hex of exactly `digits` digits (as written by hezhang), else None: "AB" is not what was signed."""
    if type(value) is not str or len(value) != digits or not _HEX_TEXT.fullmatch(value):
        return None
    return bytes.fromhex(value)


def _header(raw: bytes) -> tuple[_Checkpoint, str, list[int], str, bytes] | None:
    """(checkpoint, client, listed sequences, the list's key id and signature) of a well-formed header, else None."""
    try:
        obj = json.loads(raw)
        body = obj["access_history"]
        cp = body["checkpoint"]
        good = obj.keys() == {"access_history"} and body.keys() == ACCESS_KEYS and cp.keys() == CHECKPOINT_KEYS
        good = good and encode(obj) == raw  # canonical, as written: nothing re-spelled
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    if not good:
        return None
    seqs, size, client, kid = body["sequences"], cp["size"], body["client"], body["key_id"]
    if type(size) is not int or size < 0 or type(client) is not str or type(cp["at"]) is not str:
        return None
    if type(seqs) is not list or any(type(q) is not int or not 0 < q <= size for q in seqs):
        return None
    if any(a >= b for a, b in itertools.pairwise(seqs)):
        return None
    root, sig, statement_sig = _hex(cp["root"], 64), _hex(cp["signature"], 128), _hex(body["signature"], 128)
    if root is None or sig is None or statement_sig is None or None in (_hex(cp["key_id"], 16), _hex(kid, 16)):
        return None
    return _Checkpoint(1, size, root, cp["at"], sig, cp["key_id"]), client, seqs, kid, statement_sig


def _proven_event(raw: bytes) -> tuple[int, str | None, bytes, bool, list[bytes]] | None:
    """(sequence, client, hash, hash matches contents, proof) of a well-formed event line, else None."""
    try:
        obj = json.loads(raw)
        event = obj["event"]
        good = obj.keys() == {"event", "hash", "proof"} and event.keys() == EVENT_KEYS and encode(obj) == raw
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    if not good:
        return None
    seq, claimed, prev = event["sequence"], _hex(obj["hash"], 64), _hex(event["prev_hash"], 64)
    proof = [_hex(node, 64) for node in obj["proof"]] if type(obj["proof"]) is list else [None]
    if type(seq) is not int or seq < 1 or claimed is None or prev is None or None in proof:
        return None
    client = event["client"] if type(event["client"]) is str else None
    return seq, client, claimed, event_hash(encode(event), prev) == claimed, [p for p in proof if p is not None]


def _verify_access(lines: Iterable[bytes], keys: Keys) -> Report:
    """Every listed event present in order, sealed by its own hash, and proven in the signed checkpoint's tree."""
    numbered = [(n, raw[:-1] if raw[-1:] == b"\n" else raw) for n, raw in enumerate(lines, 1)]
    at = next(i for i, (_, raw) in enumerate(numbered) if raw.startswith(ACCESS_HEAD))
    header_line, parsed, rows = numbered[at][0], _header(numbered[at][1]), numbered[at + 1 :]
    assert parsed is not None, "only a file with a readable header is read as an access history"
    cp, client, listed, statement_key, statement_sig = parsed
    first = listed[0] if listed else None
    failure, proven = None, 0
    if at:
        why = ("访问记录头之前有多余内容", "something stands before the access history header")
        failure = Failure(first, Kind.GARBAGE, numbered[0][0], *why)
    elif not (
        _signed(keys, cp.key_id, checkpoint_message(cp.size, cp.root, cp.at), cp.signature)
        and _signed(keys, statement_key, access_statement(client, cp.size, cp.root, listed), statement_sig)
    ):
        why = ("检查点或清单的签名无效或不是这些密钥所签", "a signature does not check with these keys")
        failure = Failure(first, Kind.BAD_SIGNATURE, header_line, *why)
    else:
        events = [_proven_event(raw) for _, raw in rows]
        for i, (line, _) in enumerate(rows):
            failure = _check_proven(events, i, listed, client, cp, line)
            if failure is not None:
                break
            proven += 1
        if failure is None and len(rows) < len(listed):
            why = (f"清单列有 {len(listed)} 条，文件只有 {len(rows)} 条",
                   f"the signed list has {len(listed)} events, the file {len(rows)}")  # fmt: skip
            failure = Failure(listed[len(rows)], Kind.TRUNCATED, None, *why)
    return Report(len(rows), 1, proven, failure, "access-history")


def _check_proven(
    events: list[tuple[int, str | None, bytes, bool, list[bytes]] | None], i: int, listed: list[int], client: str,
    cp: _Checkpoint, line: int,
) -> Failure | None:  # fmt: skip
    """Why the event line at position `i` (expected: sequence listed[i]) does not check, or None."""
    event = events[i]
    if i >= len(listed):
        extra = None if event is None else event[0]
        return Failure(extra, Kind.INSERTED, line, "清单之外多出事件", "an event beyond the signed list")
    expected = listed[i]
    if event is None:
        return Failure(expected, Kind.GARBAGE, line, "事件行无法读取", "the event line cannot be read")
    seq, event_client, claimed, sealed, proof = event
    if seq != expected:
        if seq not in listed:
            why = (f"清单里没有第 {seq} 条", f"sequence {seq} is not in the signed list")
            return Failure(expected, Kind.INSERTED, line, *why)
        if seq in {e[0] for e in events[:i] if e is not None}:
            return Failure(expected, Kind.DUPLICATED, line, f"第 {seq} 条的副本", f"a copy of sequence {seq}")
        if expected in {e[0] for e in events[i + 1 :] if e is not None}:
            why = (f"第 {seq} 条出现在第 {expected} 条的位置", f"sequence {seq} stands where {expected} should")
            return Failure(expected, Kind.REORDERED, line, *why)
        return Failure(expected, Kind.MISSING, line, f"第 {expected} 条不见了", f"event {expected} is missing")
    if event_client != client:
        return Failure(expected, Kind.INSERTED, line, "这条事件不属于此客户", "the event is about another client")
    if not sealed:
        return Failure(expected, Kind.CHANGED, line, "哈希与内容不符", "its hash does not match its contents")
    if not verify_inclusion(claimed, seq - 1, cp.size, proof, cp.root):
        return Failure(expected, Kind.BAD_PROOF, line, "包含证明与签名检查点不符",
                       "its inclusion proof does not lead to the signed checkpoint's root")  # fmt: skip
    return None


def _formats(lines: Iterable[bytes]) -> tuple[bool, Iterator[bytes]]:
    """Is this an access history? It is when a readable header comes before any event or checkpoint line (an
    unreadable one is garbage in a whole-trail export). Returns the answer and the lines, none consumed."""
    iterator, seen = iter(lines), []
    for raw in iterator:
        seen.append(raw)
        if raw.startswith((EVENT_HEAD, CHECKPOINT_HEAD, ACCESS_HEAD)):
            header = raw.startswith(ACCESS_HEAD) and _header(raw[:-1] if raw[-1:] == b"\n" else raw) is not None
            return header, itertools.chain(seen, iterator)
    return False, iter(seen)


Witnesses = Sequence[tuple[str, Iterable[bytes]]]  # (a name for messages, its lines)
EXPORT = ("导出", "the export")


def verify_lines(
    lines: Iterable[bytes], public_key: PublicKeys, witnesses: Witnesses = (), trail: tuple[str, str] = EXPORT
) -> Report:
    """Check an export given as its lines (a file opened in binary mode will do), whichever of the two formats.

    `public_key`: the key, or every key, that may have signed its checkpoints (the keyring rotates). `witnesses`:
    files of signed checkpoints kept apart from the trail (the witness file, earlier exports, clients' access
    histories), each compared with a whole-trail export. `trail` names the trail in messages (Chinese, English).
    """
    keys = {key_id(k): k for k in ([public_key] if isinstance(public_key, Ed25519PublicKey) else public_key)}
    access, rest = _formats(lines)
    if access and witnesses:
        raise ValueError("见证文件只能与整条审计记录的导出对照 / a witness is compared with a whole-trail export, "
                         "not with an access history")  # fmt: skip
    return _verify_access(rest, keys) if access else _verify_log(rest, keys, witnesses, trail)


def verify_export(data: bytes | str, public_key: PublicKeys, witnesses: Sequence[tuple[str, bytes]] = ()) -> Report:
    """Check a whole export held in memory (and witnesses held in memory too)."""

    def lines(text: bytes | str) -> io.BytesIO:
        return io.BytesIO(text.encode() if isinstance(text, str) else text)

    return verify_lines(lines(data), public_key, [(name, lines(text)) for name, text in witnesses])


def load_public_keys(pem: bytes) -> list[Ed25519PublicKey]:
    """Every Ed25519 public key in a PEM text (one or several blocks)."""
    blocks = re.findall(rb"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", pem, re.DOTALL)
    if not blocks:
        raise ValueError("no PEM public key found")
    return [load_public_key(block) for block in blocks]


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="verify", description="核对审计导出 / verify an audit export")
    parser.add_argument("export", type=Path, help="导出文件 / the export (JSON lines)")
    parser.add_argument("--key", type=Path, required=True, action="append",
                        help="检查点公钥 PEM，可多个 / checkpoint public keys (PEM), one or more")  # fmt: skip
    parser.add_argument("--witness", type=Path, action="append", default=[],
                        help="见证文件（签名检查点），可多个 / witness files of signed checkpoints: the firm's witness "
                             "file, earlier exports, clients' access histories")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        keys = [key for path in args.key for key in load_public_keys(path.read_bytes())]
        with ExitStack() as stack:
            handle = stack.enter_context(args.export.open("rb"))
            witnesses = [(path.name, stack.enter_context(path.open("rb"))) for path in args.witness]
            report = verify_lines(handle, keys, witnesses)
    except (OSError, ValueError) as error:
        print(f"无法读取输入 / cannot read the input: {error}", file=sys.stderr)
        return 2
    for notice in report.notices:
        print(f"注意：{notice.zh}")
        print(f"Note: {notice.en}")
    if report.failure is not None:
        print(f"核对失败：{report.failure.message_zh()}")
        print(f"Verification failed: {report.failure.message_en()}")
        return 1
    if report.format == "access-history":
        print(f"访问记录完好：{report.events} 条事件均在签名检查点中得到证明。")
        print(f"Access history intact: all {report.events} events are proven in the signed checkpoint.")
        return 0
    print(f"审计记录完好：{report.events} 条事件，{report.checkpoints} 个检查点，签名覆盖至第 {report.covered} 条。")
    print(f"Audit trail intact: {report.events} events, {report.checkpoints} checkpoints, "
          f"signed up to sequence {report.covered}.")  # fmt: skip
    if args.witness:
        print(f"见证：{report.witnessed} 个签名检查点与之相符，至第 {report.witness_size} 条。")
        print(f"Witnesses: {report.witnessed} signed checkpoints agree with it, up to sequence {report.witness_size}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
