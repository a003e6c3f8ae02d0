"""The hezhang standard statement CSV, and the fast path that reads it at Polars speed.

Header: 交易日期,交易时间,流水号,摘要,对方户名,对方账号,收入金额,支出金额,余额,币种 (交易时间 and 币种 optional).
"""

from __future__ import annotations

import io

import polars as pl

from hezhang.importers.bank_table import parse_frame, parse_grid
from hezhang.importers.grid import Grid, split_text
from hezhang.importers.header import map_columns
from hezhang.importers.registry import Format
from hezhang.importers.result import ImportResult, StatementMeta
from hezhang.importers.text import DecodeError, decode

STANDARD_HEADER = ("交易日期", "交易时间", "流水号", "摘要", "对方户名", "对方账号", "收入金额", "支出金额", "余额", "币种")
_REQUIRED = ("交易日期", "流水号", "摘要", "对方户名", "对方账号", "收入金额", "支出金额", "余额")


def _header_cells(head: str) -> list[str]:
    first = head.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    return [c.strip().strip('"') for c in first.split(",")]


def sniff(data: bytes, head: str | None) -> bool:
    if head is None:
        return False
    cells = _header_cells(head)
    return all(name in cells for name in _REQUIRED) and set(cells) <= set(STANDARD_HEADER)


def parse(data: bytes, filename: str) -> ImportResult:
    try:
        text, encoding = decode(data)
    except DecodeError as e:
        return ImportResult.failed("bank", [_problem(filename, str(e))], StatementMeta("standard"))
    fast = _fast(text, filename, encoding)
    if fast is not None:
        return fast
    return parse_grid(Grid(split_text(text), "csv", encoding), filename, "standard")


def _problem(filename: str, message: str) -> object:
    from hezhang.domain.problem import Problem

    zh, _, en = message.partition(" / ")
    return Problem(filename, zh, en or zh)


def _fast(text: str, filename: str, encoding: str) -> ImportResult | None:
    """Polars' CSV reader for a well-formed file; None (use the general path) when the shape is unusual."""
    header = _header_cells(text)
    cmap = map_columns(header, 0)
    if cmap is None:
        return None
    body = text.lstrip("\ufeff")
    try:
        raw = pl.read_csv(
            io.BytesIO(body.encode("utf-8")),
            has_header=True,
            infer_schema=False,
            new_columns=[f"c{j}" for j in range(len(header))],
        )
    except (pl.exceptions.PolarsError, ValueError):
        return None
    lines = body.count("\n") + (0 if body.endswith("\n") else 1)
    if raw.width != len(header) or raw.height != lines - 1:
        return None  # blank lines or quoted line breaks: positions would be off, take the careful path
    raw = raw.with_columns(pl.int_range(2, raw.height + 2).alias("source_row"))
    return parse_frame(raw, cmap, filename, "standard", encoding, [])


FORMATS = [Format("standard", "bank", "核账标准对账单 CSV / hezhang standard statement CSV", sniff, parse)]
