"""The witness: an append-only file outside the database holding every checkpoint the store commits.

A checkpoint signs the first `size` events of the trail, so the database alone cannot show that events after its
last checkpoint were removed together with that checkpoint. The witness keeps a copy of each checkpoint where the
database's owner does not write: `hezhang audit verify` and `python -m hezhang.audit.verify --witness FILE` compare
the two, and a checkpoint the witness holds beyond the trail's last event, or whose root the trail no longer gives,
is a truncation or a rewrite.

One line a checkpoint, in the export's format (`verify`), appended after the transaction that made it committed
(so a rolled-back checkpoint never reaches it; a crash in between leaves the witness behind, which is no error):

    {"checkpoint":{"at":"<time>","key_id":"<16 hex>","root":"<64 hex>","signature":"<128 hex>","size":<n>}}

A restore into the empty store appends a restore line, signed over (size, root, time) under its own context
(`verify.restore_message`): the witness's checkpoints signed before it are of the store that was lost.

    {"restored":{"at":"<time>","key_id":"<16 hex>","root":"<64 hex>","signature":"<128 hex>","size":<n>}}

Several processes append to one file: each line is one `write` on a descriptor opened with O_APPEND, under an
exclusive `flock` (released by the kernel if the process dies), so lines never interleave. A write cut short (a
crash, a full disk) leaves a last line without its newline; the next append starts on a new line, and the verifier
notes the cut line instead of failing.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from hezhang.audit.checkpoint import Checkpoint
from hezhang.audit.event import format_time
from hezhang.audit.verify import CHECKPOINT_HEAD, RESTORED_HEAD, encode

__all__ = ["Witness", "WitnessFile", "checkpoint_line", "restored_line"]


class Witness(Protocol):
    """Where committed checkpoints are copied to."""

    def append(self, checkpoint: Checkpoint) -> None: ...


def _body(checkpoint: Checkpoint) -> bytes:
    return encode({"at": format_time(checkpoint.at), "key_id": checkpoint.key_id, "root": checkpoint.root.hex(),
                   "signature": checkpoint.signature.hex(), "size": checkpoint.size})  # fmt: skip


def checkpoint_line(checkpoint: Checkpoint) -> bytes:
    """The checkpoint as a line of the export and of the witness (ends with b"\\n")."""
    return CHECKPOINT_HEAD + _body(checkpoint) + b"}\n"


def restored_line(marker: Checkpoint) -> bytes:
    """A restore line: `marker` signed with `checkpoint.sign_restore` (ends with b"\\n")."""
    return RESTORED_HEAD + _body(marker) + b"}\n"


class WitnessFile:
    """The witness as a local file (created 0600; its folder should be the keyring's, 0700)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, checkpoint: Checkpoint) -> None:
        self._write(checkpoint_line(checkpoint))

    def append_restored(self, marker: Checkpoint) -> None:
        self._write(restored_line(marker))

    def lines(self) -> Iterator[bytes]:
        """The witness's lines as written (none when there is no file yet)."""
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            return
        with handle:
            yield from handle

    def _write(self, line: bytes) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # the look at the last byte and the write, one writer at a time
            end = os.fstat(fd).st_size
            if end and os.pread(fd, 1, end - 1) != b"\n":  # an append cut short before: start on a new line
                line = b"\n" + line
            written = os.write(fd, line)  # one write: O_APPEND puts it whole at the end, never inside another
            if written != len(line):
                raise OSError(f"只写入了 {written}/{len(line)} 字节 / only {written} of {len(line)} bytes written")
        finally:
            os.close(fd)
