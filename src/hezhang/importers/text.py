"""Bytes to text, and header cells to comparable keys."""

from __future__ import annotations

import codecs
import re
import unicodedata

#: What pads a cell: Unicode white space (spaces of every width, NBSP, the ideographic space, tabs, line breaks)
#: and the invisible marks that spreadsheets and web pages leave (byte-order mark, zero-width space).
PAD = "".join(
    map(chr, (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F,
              0x205F, 0x3000, 0xFEFF, 0x200B))
)  # fmt: skip

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class DecodeError(ValueError):
    """The bytes are text in no encoding we accept."""


def decode(data: bytes) -> tuple[str, str]:
    """Decode statement bytes: a BOM wins, then strict UTF-8, then GB18030 (a superset of GBK and GB2312).

    Returns (text, encoding name). Raises `DecodeError` when none fits, or the text holds NUL bytes
    (a binary file is not a statement).
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(name)
            except UnicodeDecodeError as e:
                raise DecodeError(f"{name} 解码失败 / not valid {name}: byte {e.start}") from None
            return _checked(text, name)
    for name in ("utf-8", "gb18030"):
        try:
            return _checked(data.decode(name), name)
        except UnicodeDecodeError:
            continue
    raise DecodeError("既不是 UTF-8 也不是 GBK/GB18030 文本 / text is neither UTF-8 nor GBK/GB18030")


#: Single-byte European code pages a SWIFT file may come in (Central European Windows and DOS, Western Windows).
SINGLE_BYTE = ("cp1250", "cp852", "cp1252")


def decode_latin(data: bytes) -> tuple[str, str]:
    """`decode`, for formats written in Latin script (SWIFT MT940): bytes that GB18030 would turn into Chinese
    characters no Chinese text holds are read in the single-byte code page that gives the most letters.

    GB18030 accepts most byte pairs, so "ó" followed by "s" in a CP1250 file decodes to a Chinese character.
    Real Chinese text (GB2312 and the common GBK range) pairs two bytes of 0x81 and above; a high byte followed
    by an ASCII byte, or a four-byte sequence, is what an accented Latin letter gives. Returns the code page's
    name (one of `SINGLE_BYTE`) when it was inferred.
    """
    try:
        text, name = decode(data)
    except DecodeError:
        text, name = "", ""
    if name not in ("", "gb18030") or (name and not _latin_in_gb(text)):
        return text, name
    best: tuple[int, str, str] | None = None
    for candidate in SINGLE_BYTE:
        try:
            decoded = _checked(data.decode(candidate), candidate)[0]
        except (UnicodeDecodeError, DecodeError):
            continue
        letters = sum(1 for ch in decoded if ord(ch) > 127 and ch.isalpha())
        if best is None or letters > best[0]:
            best = (letters, decoded, candidate)
    if best is None:
        raise DecodeError("既不是 UTF-8、GBK/GB18030，也不是单字节欧洲编码 / text is in no encoding hezhang reads")
    return best[1], best[2]


def _latin_in_gb(text: str) -> bool:
    """Most of the non-ASCII characters are pairs with an ASCII trail byte or four-byte sequences."""
    wide = [ch for ch in text if ord(ch) > 127]
    if not wide:
        return False
    odd = 0
    for ch in wide:
        raw = ch.encode("gb18030")
        odd += len(raw) == 4 or (len(raw) == 2 and raw[1] < 0x80)
    return 2 * odd > len(wide)


def _checked(text: str, name: str) -> tuple[str, str]:
    if "\x00" in text:
        raise DecodeError("文件含有二进制内容 / the file holds binary data, not text")
    return text, name


_SPACE = re.compile(r"\s+")
_BILINGUAL = re.compile(r"\[[^\]]*\]")


def header_key(cell: str) -> str:
    """A header cell as a key: full-width to half-width, no whitespace, lower case, no English gloss.

    "交易类型[ Transaction Type ]" -> "交易类型"; "借方发生额（支取）" -> "借方发生额(支取)".
    """
    text = unicodedata.normalize("NFKC", clean_cell(cell))
    text = _SPACE.sub("", text).lower().rstrip(":")
    stripped = _BILINGUAL.sub("", text)
    return stripped or text


def clean_cell(cell: str) -> str:
    """The cell without padding (`PAD`) around it and without Excel's forced-text wrapping (`="…"`)."""
    text = cell.strip(PAD)
    if len(text) > 2 and text.startswith('="') and text.endswith('"'):
        return text[2:-1].strip(PAD)
    return text
