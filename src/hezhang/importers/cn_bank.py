"""Chinese online-banking exports (ICBC, CCB, ABC, BOC, CMB, BOCOM, SPDB, Minsheng, CITIC, …) and credit-card bills
(BOC, BOCOM, CMB, CGB, …) in CSV, XLS, XLSX.

Layouts vary by bank and by year; columns are found by name (`profiles/banks.toml`), wherever the header row is.
"""

from __future__ import annotations

from hezhang.domain.problem import Problem
from hezhang.importers.bank_table import parse_grid
from hezhang.importers.grid import GridError, read_grid, split_rows
from hezhang.importers.header import HEADER_SEARCH_ROWS, find_header
from hezhang.importers.registry import Format
from hezhang.importers.result import ImportResult, Sign, StatementMeta

FORMAT_NAME = "cn-bank"


def sniff(data: bytes, head: str | None) -> bool:
    """A table: a header row that maps to statement fields, or (last resort among bank formats) any row of
    three or more cells, so that an unknown layout is answered with the headers seen and those needed."""
    if head is None:
        return False
    try:
        rows, _ = split_rows(head)
    except GridError:
        return False
    if find_header(rows) is not None:
        return True
    return any(sum(1 for c in row if c.strip()) >= 3 for row in rows[:HEADER_SEARCH_ROWS])


def parse(data: bytes, filename: str, sign: Sign | None = None) -> ImportResult:
    try:
        grid = read_grid(data)
    except GridError as e:
        zh, _, en = str(e).partition(" / ")
        return ImportResult.failed("bank", [Problem(filename, zh, en or zh)], StatementMeta(FORMAT_NAME))
    return parse_grid(grid, filename, FORMAT_NAME, grid.lines, sign)


FORMATS = [
    Format(FORMAT_NAME, "bank", "国内银行网银导出（CSV/XLS/XLSX）/ Chinese online-banking export", sniff, parse, parse),
]
