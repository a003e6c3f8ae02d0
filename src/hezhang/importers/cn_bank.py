"""Chinese corporate online-banking exports (ICBC, CCB, ABC, BOC, CMB, BOCOM, SPDB, Minsheng) in CSV, XLS, XLSX.

Layouts vary by bank and by year; columns are found by name (`profiles/banks.toml`), wherever the header row is.
"""

from __future__ import annotations

from hezhang.domain.problem import Problem
from hezhang.importers.bank_table import parse_grid
from hezhang.importers.grid import GridError, read_grid, split_text
from hezhang.importers.header import find_header
from hezhang.importers.registry import Format
from hezhang.importers.result import ImportResult, StatementMeta


def sniff(data: bytes, head: str | None) -> bool:
    """Any table whose header row maps to statement fields."""
    return head is not None and find_header(split_text(head)) is not None


def parse(data: bytes, filename: str) -> ImportResult:
    try:
        grid = read_grid(data)
    except GridError as e:
        zh, _, en = str(e).partition(" / ")
        return ImportResult.failed("bank", [Problem(filename, zh, en or zh)], StatementMeta("cn-bank"))
    return parse_grid(grid, filename, "cn-bank")


FORMATS = [
    Format("cn-bank", "bank", "国内银行网银导出（CSV/XLS/XLSX）/ Chinese online-banking export", sniff, parse),
]
