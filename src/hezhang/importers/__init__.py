"""Importers: bytes and a file name in, `ImportResult(lines, problems, meta)` out. Never raise on bad input.

parse_bank(data, filename, format=None, sign=None)
parse_journal(data, filename, format=None, account_prefix="1002")

`sign` ("spend-positive" or "income-positive") answers, for a file with one signed amount column, whether a
positive amount is money out (a credit-card bill) or in (an account statement); without it the file must say.
"""

from __future__ import annotations

from hezhang.importers.result import SIGNS, ImportResult, Kind, Sign, StatementMeta

__all__ = ["SIGNS", "ImportResult", "Sign", "StatementMeta", "format_names", "parse", "parse_bank", "parse_journal"]


def parse(
    data: bytes,
    filename: str,
    kind: Kind,
    format: str | None = None,
    account_prefix: str = "1002",
    sign: Sign | None = None,
) -> ImportResult:
    from dataclasses import replace

    from hezhang.domain.problem import Problem, Severity
    from hezhang.importers import detect

    if format is not None:
        fmt = detect.format_named(format, kind)
        if fmt is None:
            names = "、".join(f.name for f in detect.formats(kind))
            return ImportResult.failed(
                kind,
                [
                    Problem(
                        filename,
                        f"未知格式 {format!r}；可选：{names}",
                        f"unknown format {format!r}; choose one of: {names}",
                    )
                ],
                StatementMeta(format=format),
            )
    else:
        if (refused := _zip_refusal(data, filename, kind)) is not None:
            return refused
        fmt = detect.detect(data, kind)
        if fmt is None:
            what = "银行对账单" if kind == "bank" else "序时账"
            what_en = "bank statement" if kind == "bank" else "journal"
            names = "、".join(f.name for f in detect.formats(kind))
            if data.startswith(b"PK\x03\x04"):
                what, what_en = (
                    f"{what}（此文件是 ZIP 压缩包，其中没有 camt.053 XML 或工作表）",
                    (f"{what_en} (this file is a zip archive holding no camt.053 XML and no workbook)"),
                )
            return ImportResult.failed(
                kind,
                [
                    Problem(
                        filename,
                        f"无法识别的{what}格式（已尝试：{names}）",
                        f"not a {what_en} format hezhang knows (tried: {names})",
                    )
                ],
                StatementMeta(format="unknown"),
            )
    if kind == "journal":
        from hezhang.importers.journal import with_prefix

        return with_prefix(fmt.parse(data, filename), account_prefix)
    if fmt.parse_signed is not None:
        return fmt.parse_signed(data, filename, sign)
    result = fmt.parse(data, filename)
    if sign is None:
        return result
    unused = Problem(
        filename,
        f"{fmt.name} 格式的每一行都写明收支方向，未使用 --sign {sign}",
        f"every line of a {fmt.name} file states its direction; --sign {sign} was not used",
        severity=Severity.NOTICE,
    )
    return replace(result, notices=(*result.notices, unused))


def _zip_refusal(data: bytes, filename: str, kind: Kind) -> ImportResult | None:
    """A zip container (XLSX, zipped CAMT.053) past the unpacking limits is refused before anything reads it."""
    from hezhang.domain.problem import Problem
    from hezhang.importers import zipped

    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        zipped.check(data)
    except zipped.ZipLimitError as e:
        zh, _, en = str(e).partition(" / ")
        return ImportResult.failed(kind, [Problem(filename, zh, en or zh)], StatementMeta(format="zip"))
    return None


def parse_bank(data: bytes, filename: str, format: str | None = None, sign: Sign | None = None) -> ImportResult:
    return parse(data, filename, "bank", format, sign=sign)


def parse_journal(data: bytes, filename: str, format: str | None = None, account_prefix: str = "1002") -> ImportResult:
    return parse(data, filename, "journal", format, account_prefix)


def format_names(kind: Kind) -> list[str]:
    from hezhang.importers import detect

    return [f.name for f in detect.formats(kind)]
