"""Zip containers (XLSX workbooks, zipped CAMT.053 files) checked before anything unpacks them.

A few megabytes of zip can unpack to gigabytes, and a workbook a few kilobytes long can declare a sheet of
seventeen billion cells that a reader then allocates. Before a reader sees the bytes, every member's declared
size is added up, every member is inflated once (in chunks, nothing kept) to count its real size, and each
worksheet's cells are located, so that a file past a limit is refused with a message naming the limit.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

#: The most a container may unpack to, all members together (declared and actual).
MAX_UNZIPPED_BYTES = 1 << 30
#: The most members a container may hold.
MAX_MEMBERS = 10_000
#: The most cells (rows × columns, empty ones included) one worksheet may span.
MAX_SHEET_CELLS = 25_000_000
_CHUNK = 1 << 20
_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
#: A row's or a cell's position: `r="12"` on a row, `r="AB12"` on a cell (matched wherever `r="` stands, so that
#: no separator before it hides one; a match elsewhere only costs an exact count).
_REF = re.compile(rb'r="([A-Z]{0,3})(\d{1,7})"')
#: A reference past column Z or row 99,999: only then can a sheet span more than 26 × 99,999 cells, and the
#: extent is counted exactly.
_FAR = re.compile(rb'r="(?:[A-Z]{2,3}\d|[A-Z]?\d{6})')


class ZipLimitError(ValueError):
    """The container is past a limit or damaged. The message says which, in Chinese and English."""


@dataclass(frozen=True, slots=True)
class _Checked:
    data: bytes
    error: ZipLimitError | None


#: The last container checked (one entry): detection and reading get the same bytes object.
_last: list[_Checked] = []


def check(data: bytes, what: str = "ZIP") -> None:
    """Raise `ZipLimitError` when `data` (a zip container) is damaged or unpacks past a limit.

    The last container checked is remembered (by identity), so detection and reading check a file once.
    """
    if _last and _last[0].data is data:
        if _last[0].error is not None:
            raise _last[0].error
        return
    error = _check(data, what)
    _last[:] = [_Checked(data, error)]
    if error is not None:
        raise error


def _check(data: bytes, what: str) -> ZipLimitError | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            members = book.infolist()
            if len(members) > MAX_MEMBERS:
                return _limit(what, f"{len(members)} 个成员", f"{len(members)} members", f"{MAX_MEMBERS} 个成员",
                              f"{MAX_MEMBERS} members")  # fmt: skip
            declared = sum(m.file_size for m in members)
            if declared > MAX_UNZIPPED_BYTES:
                return _too_big(what, declared)
            total = 0
            for member in members:
                total, error = _inflate(book, member, total, what)
                if error is not None:
                    return error
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
        return ZipLimitError(
            f"{what} 文件（zip 压缩包）损坏，无法解压：{e} / the {what} file (a zip archive) is damaged: {e}"
        )
    return None


def _inflate(book: zipfile.ZipFile, member: zipfile.ZipInfo, total: int, what: str) -> tuple[int, ZipLimitError | None]:
    """Inflate one member in chunks, counting; a worksheet that reaches past column Z or row 99,999 has the extent
    of its cells counted (in a second pass)."""
    sheet = bool(_SHEET.match(member.filename))
    far = False
    tail = b""
    with book.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > MAX_UNZIPPED_BYTES:
                return total, _too_big(what, total)
            if sheet and not far:
                far = _FAR.search(tail + chunk) is not None
                tail = chunk[-16:]
    if not far:
        return total, None
    rows, columns = _extent(book, member)
    if rows * columns > MAX_SHEET_CELLS:
        return total, ZipLimitError(
            f"{what} 工作表 {member.filename} 跨 {rows} 行 × {columns} 列，超过上限 {MAX_SHEET_CELLS:,} 个单元格 / "
            f"worksheet {member.filename} spans {rows} rows × {columns} columns, past the limit of "
            f"{MAX_SHEET_CELLS:,} cells"
        )
    return total, None


def _extent(book: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[int, int]:
    """(last row, last column) that the row and cell references of a worksheet reach."""
    rows, columns, tail = 0, 1, b""
    with book.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            refs = set(_REF.findall(tail + chunk))
            rows = max([rows, *(int(d) for _, d in refs)])
            columns = max([columns, *(_column(c) for c, _ in refs if c)])
            tail = chunk[-16:]
    return rows, columns


def _column(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _too_big(what: str, size: int) -> ZipLimitError:
    mib, limit = size // (1 << 20), MAX_UNZIPPED_BYTES // (1 << 20)
    return _limit(what, f"超过 {mib} MiB", f"more than {mib} MiB", f"{limit} MiB", f"{limit} MiB")


def _limit(what: str, found_zh: str, found_en: str, limit_zh: str, limit_en: str) -> ZipLimitError:
    return ZipLimitError(
        f"{what} 文件解压后{found_zh}，超过上限 {limit_zh}（可能是压缩炸弹），已拒绝 / the {what} file unpacks to "
        f"{found_en}, past the limit of {limit_en} (possibly a zip bomb): refused"
    )
