"""SWIFT message text as banks deliver it, made plain for the MT940 reader without moving any line.

- A message sent over SWIFT is framed by SOH (0x01) before its basic header block `{1:…}` and ETX (0x03) after
  its trailer `}`; the blocks `{1:…}{2:…}{3:…}{4:` stand before the text and `-}{5:…}` after it. They are
  the envelope, not damage: the envelope lines become empty (the statement's own `-` stays).
- A field SWIFT writes on one line, wrapped by a bank (`:28C:00035/` and `001` on the next line), is joined;
  an empty line takes the place of the second one, so every later line keeps its number.
"""

from __future__ import annotations

import re

_SOH = re.compile(r"\x01(?=\{1:)|^\x01[ \t]*(?=\r?$)", re.MULTILINE)
_ETX = re.compile(r"(?<=\})\x03|(?<=^-)\x03|^\x03[ \t]*(?=\r?$)", re.MULTILINE)
_HEAD = re.compile(r"(?m)^\{1:[^\r\n]*?\{4:[ \t]*(?=\r?$)")
_TAIL = re.compile(r"(?m)^-\}(?:\{5:[^\r\n]*)?[ \t]*(?=\r?$)")
_WRAPPED_NUMBER = re.compile(r"(?m)^(:28C?:[0-9/]*)(\r?\n)([0-9/]+)[ \t]*(?=\r?$)")


def unframe(text: str) -> str:
    """The text without its SWIFT envelope, with wrapped one-line fields joined; the line count is kept."""
    if "\x01" in text or "\x03" in text:
        text = _ETX.sub("", _SOH.sub("", text))
    if "{1:" in text:
        text = _TAIL.sub("-", _HEAD.sub("", text))
    return _WRAPPED_NUMBER.sub(r"\1\3\2", text)
