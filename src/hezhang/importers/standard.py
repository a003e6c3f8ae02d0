"""The hezhang standard statement CSV, and the fast path that reads it at Polars speed.

Header (CSV, or the first row of an XLSX/XLS sheet):
交易日期,交易时间,流水号,摘要,对方户名,对方账号,收入金额,支出金额,余额,币种 (交易时间 and 币种 optional,
columns in any order). Dates as 2026-10-01, 20261001 or 2026/10/01; amounts as 1234.56 (1,234.56 accepted).
A well-formed file goes through Polars' CSV reader; anything unusual (blank lines, quoted line breaks,
ragged rows) through the careful path shared with the bank exports. Both give the same result.
"""

from __future__ import annotations

import polars as pl

from hezhang.domain.problem import Problem
from hezhang.importers.bank_table import parse_frame, parse_grid
from hezhang.importers.grid import GridError, file_type, read_grid, split_rows, text_grid
from hezhang.importers.header import map_columns
from hezhang.importers.registry import Format
from hezhang.importers.result import ImportResult, StatementMeta
from hezhang.importers.text import DecodeError, decode

FORMAT_NAME = "standard"
STANDARD_HEADER = (
    "交易日期",
    "交易时间",
    "流水号",
    "摘要",
    "对方户名",
    "对方账号",
    "收入金额",
    "支出金额",
    "余额",
    "币种",
)
OPTIONAL = ("交易时间", "币种")
_REQUIRED = tuple(h for h in STANDARD_HEADER if h not in OPTIONAL)


def _header_cells(head: str) -> list[str]:
    head = head.lstrip("\ufeff")
    end = head.find("\n")
    first = (head if end < 0 else head[:end]).rstrip("\r")
    return [c.strip().strip('"').strip() for c in first.split(",")]


def sniff(data: bytes, head: str | None) -> bool:
    """The first line is the standard header: every required column, nothing else."""
    if head is None:
        return False
    cells = _header_cells(head)
    return all(name in cells for name in _REQUIRED) and set(cells) <= set(STANDARD_HEADER)


def parse(data: bytes, filename: str) -> ImportResult:
    if file_type(data) != "csv":  # the same columns in a spreadsheet
        try:
            grid = read_grid(data)
        except GridError as e:
            return ImportResult.failed("bank", [_problem(filename, str(e))], StatementMeta(FORMAT_NAME))
        return parse_grid(grid, filename, FORMAT_NAME, grid.lines)
    fast = parse_fast(data, filename)
    if fast is not None:
        return fast
    try:
        text, encoding = decode(data)
    except DecodeError as e:
        return ImportResult.failed("bank", [_problem(filename, str(e))], StatementMeta(FORMAT_NAME))
    if encoding not in ("utf-8", "utf-8-sig"):  # GBK and friends: re-encode once, then the fast reader
        fast = parse_fast(text.lstrip("\ufeff").encode("utf-8"), filename, encoding)
        if fast is not None:
            return fast
    return parse_careful(text, encoding, filename)


def parse_careful(text: str, encoding: str | None, filename: str) -> ImportResult:
    """Any well- or ill-formed standard CSV, through Python's csv module and the general table reader."""
    try:
        grid = text_grid(text, encoding)
    except GridError as e:
        return ImportResult.failed("bank", [_problem(filename, str(e))], StatementMeta(FORMAT_NAME, encoding))
    return parse_grid(grid, filename, FORMAT_NAME, grid.lines)


def _problem(filename: str, message: str) -> Problem:
    zh, _, en = message.partition(" / ")
    return Problem(filename, zh, en or zh)


def parse_fast(data: bytes, filename: str, encoding: str | None = None) -> ImportResult | None:
    """Polars' CSV reader on UTF-8 bytes (Polars checks the encoding); None (take the careful path) when the
    bytes are not UTF-8 or the shape is unusual.

    Rows must be one physical line each, so that `source_row` is the line number: a file with quoted line
    breaks reads fewer rows than it has lines and is handed to the careful path. NUL bytes mean binary.
    """
    bom = data.startswith(b"\xef\xbb\xbf")
    source = data[3:] if bom else data
    try:
        first = source[: source.find(b"\n") if b"\n" in source[:4096] else 4096].decode("utf-8")
    except UnicodeDecodeError:
        return None
    header = _header_cells(first)
    cmap = map_columns(header, 0)
    if cmap is None or b"\x00" in source:
        return None
    if not source.endswith((b"\n", b"\r")):  # a last line without a break may be cut off: let the careful path judge
        tail = source[source.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")
        if len(split_rows(tail)[0][0] if tail else []) < len(header):
            return None
    encoding = encoding or ("utf-8-sig" if bom else "utf-8")
    try:
        raw = pl.read_csv(
            source,
            has_header=True,
            infer_schema=False,
            new_columns=[f"c{j}" for j in range(len(header))],
        )
    except (pl.exceptions.PolarsError, ValueError):
        return None
    lines = source.count(b"\n") + (0 if source.endswith(b"\n") else 1)
    if raw.width != len(header) or raw.height != lines - 1:
        return None
    raw = raw.with_columns(pl.int_range(2, raw.height + 2, dtype=pl.Int64).alias("source_row"))
    return parse_frame(raw, cmap, filename, FORMAT_NAME, encoding=encoding)


FORMATS = [Format(FORMAT_NAME, "bank", "核账标准对账单 CSV / hezhang standard statement CSV", sniff, parse)]
