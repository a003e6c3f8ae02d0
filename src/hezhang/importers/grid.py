"""Tabular files (CSV, TSV, XLS, XLSX) as grids of text cells, whatever their origin.

A grid is a list of rows; each row is a list of cell strings; `rows[i]` is the file's line or sheet row i+1.
Numbers from spreadsheets are written back as their shortest exact decimal, dates as ISO text, so the
cell readers see the same text a CSV would hold.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from hezhang.importers import zipped
from hezhang.importers.text import DecodeError, decode, decode_latin

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class GridError(ValueError):
    """The file is not a table we can read. The message says why."""


@dataclass(frozen=True, slots=True)
class Grid:
    rows: list[list[str]]
    file_type: str  # "csv", "xls" or "xlsx"
    encoding: str | None = None
    sheet: str | None = None
    #: For CSV: the physical line (1-based) each row starts on (a quoted line break makes a row span two).
    lines: list[int] | None = None
    #: For CSV: the last line has no line break and fewer cells than the rows before it (a cut-off file).
    cut_off: bool = False

    def line_of(self, index: int) -> int:
        """The line or sheet row a person sees for `rows[index]`."""
        return self.lines[index] if self.lines is not None and index < len(self.lines) else index + 1


def file_type(data: bytes) -> str:
    """ "xlsx", "xls" or "csv" by content (never by file name: banks name CSV files .xls)."""
    if data.startswith(XLSX_MAGIC):
        return "xlsx"
    if data.startswith(XLS_MAGIC):
        return "xls"
    return "csv"


def read_grid(data: bytes) -> Grid:
    """Read the first sheet that holds data (spreadsheets) or the whole text (CSV/TSV)."""
    kind = file_type(data)
    if kind == "csv":
        try:
            text, encoding = decode(data)
        except DecodeError as e:
            raise GridError(str(e)) from None
        return text_grid(text, encoding)
    return _read_workbook(data, kind)


def text_grid(text: str, encoding: str | None) -> Grid:
    """Decoded CSV/TSV text as a grid, noting a last line that looks cut off."""
    rows, lines = split_rows(text)
    cut_off = bool(rows) and not text.endswith(("\n", "\r")) and len(rows[-1]) < max(map(len, rows[-10:]))
    return Grid(rows=rows, file_type="csv", encoding=encoding, lines=lines, cut_off=cut_off)


#: A tab that separates cells: not padding before a comma, a quote or the end of a line (ICBC pads every
#: cell with spaces and a trailing tab, so a long ICBC CSV holds more tabs than commas).
_SEPARATING_TAB = re.compile(r"\t(?![,\"\r\n]|$)", re.MULTILINE)


def split_rows(text: str) -> tuple[list[list[str]], list[int]]:
    """CSV or TSV text as rows of cells, and the physical line (1-based) each row starts on.

    The delimiter is the one that separates cells in the first 20000 characters (padding tabs do not count).
    Raises `GridError` when the csv module cannot read the text.
    """
    sample = text[:20000]
    delimiter = "\t" if len(_SEPARATING_TAB.findall(sample)) > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[list[str]] = []
    starts: list[int] = []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            starts.append(start)
            start = reader.line_num + 1
    except csv.Error as e:  # e.g. a field larger than the csv module allows
        raise GridError(f"CSV 无法解析 / CSV cannot be read: {e}") from None
    return rows, starts


def split_text(text: str) -> list[list[str]]:
    """CSV or TSV text as rows of cells (see `split_rows`)."""
    return split_rows(text)[0]


def _read_workbook(data: bytes, kind: str) -> Grid:
    from python_calamine import CalamineWorkbook  # a heavy import, only when a workbook arrives

    if kind == "xlsx":
        try:
            zipped.check(data, "XLSX")
        except zipped.ZipLimitError as e:
            raise GridError(str(e)) from None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in book.sheet_names:
            values = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            rows = [[cell_text(v) for v in row] for row in values]
            if any(any(c.strip() for c in row) for row in rows):
                return Grid(rows=rows, file_type=kind, sheet=name)
    except (zipfile.BadZipFile, ValueError, OSError, KeyError, IndexError) as e:
        raise GridError(f"{kind.upper()} 文件损坏或无法读取 / damaged or unreadable {kind.upper()} file: {e}") from None
    except BaseException as e:  # calamine raises its own errors, and a Rust panic (a BaseException) on some damage
        if isinstance(e, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
            raise
        raise GridError(f"{kind.upper()} 文件损坏或无法读取 / damaged or unreadable {kind.upper()} file: {e}") from None
    return Grid(rows=[], file_type=kind)


def cell_text(value: object) -> str:
    """A spreadsheet value as the text a person sees: 1234.5 -> "1234.5", 20261001.0 -> "20261001"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != time(0) else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    return str(value)


def head_text(data: bytes, rows: int = 80) -> str | None:
    """The start of a file as text, for format detection: decoded text (UTF-8, GB18030, else a single-byte
    European code page), or a spreadsheet's first rows as CSV.

    None when the bytes are neither text nor a readable workbook.
    """
    kind = file_type(data)
    if kind == "csv":
        # The cut may fall inside a multi-byte character: step back up to three bytes to a boundary.
        for cut in range(65536, 65532, -1):
            try:
                return decode(data[:cut])[0]
            except DecodeError:
                if len(data) <= cut:
                    break
        try:  # text in a single-byte European code page (an MT940 from a Czech or Polish bank): its tags are ASCII
            return decode_latin(data[:65536])[0]
        except DecodeError:
            return None
    try:
        from python_calamine import CalamineWorkbook

        if kind == "xlsx":
            zipped.check(data, "XLSX")
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in book.sheet_names:
            values = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=rows)
            if any(any(cell_text(v).strip() for v in row) for row in values):
                buffer = io.StringIO()
                csv.writer(buffer).writerows([[cell_text(v) for v in row] for row in values])
                return buffer.getvalue()
    except BaseException as e:  # a damaged workbook (even a Rust panic): detection says "unknown", parsing says why
        if isinstance(e, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
            raise
        return None
    return None
