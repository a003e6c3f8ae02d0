"""Importers: bytes and a file name in, `ImportResult(lines, problems, meta)` out. Never raise on bad input.

parse_bank(data, filename, format=None)
parse_journal(data, filename, format=None, account_prefix="1002")
"""

from __future__ import annotations

from hezhang.importers.result import ImportResult, Kind, StatementMeta

__all__ = ["ImportResult", "StatementMeta", "format_names", "parse", "parse_bank", "parse_journal"]


def parse(
    data: bytes, filename: str, kind: Kind, format: str | None = None, account_prefix: str = "1002"
) -> ImportResult:
    from hezhang.domain.problem import Problem
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
        fmt = detect.detect(data, kind)
        if fmt is None:
            what = "银行对账单" if kind == "bank" else "序时账"
            what_en = "bank statement" if kind == "bank" else "journal"
            names = "、".join(f.name for f in detect.formats(kind))
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
    return fmt.parse(data, filename)


def parse_bank(data: bytes, filename: str, format: str | None = None) -> ImportResult:
    return parse(data, filename, "bank", format)


def parse_journal(data: bytes, filename: str, format: str | None = None, account_prefix: str = "1002") -> ImportResult:
    return parse(data, filename, "journal", format, account_prefix)


def format_names(kind: Kind) -> list[str]:
    from hezhang.importers import detect

    return [f.name for f in detect.formats(kind)]
