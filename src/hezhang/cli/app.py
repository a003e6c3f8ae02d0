"""`hezhang`: the command line."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from hezhang.cli.errors import EXIT_PROBLEMS, guarded
from hezhang.cli.summary import print_summary

app = typer.Typer(
    name="hezhang",
    help="核账：代理记账公司的银行对账 / hezhang: bank reconciliation for agency bookkeeping firms",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()


class FileKind(StrEnum):
    bank = "bank"
    journal = "journal"


@app.command()
@guarded
def parse(
    file: Annotated[Path, typer.Argument(help="对账单或序时账文件 / statement or journal file")],
    kind: Annotated[FileKind, typer.Option("--kind", help="bank = 银行对账单, journal = 序时账")] = FileKind.bank,
    format: Annotated[
        str | None, typer.Option("--format", help="指定格式（默认自动识别）/ force a format (default: detect)")
    ] = None,
    account: Annotated[
        str, typer.Option("--account", help="银行存款科目代码前缀 / bank account code prefix (journals)")
    ] = "1002",
    out: Annotated[
        Path | None, typer.Option("--out", help="规范化明细写入此 CSV / write the normalized lines to this CSV")
    ] = None,
) -> None:
    """读取一个文件并汇总；有问题时退出码非零 / Read one file and summarize it; non-zero exit on problems."""
    from hezhang.services.parsing import parse_file

    summary = parse_file(file, kind.value, format=format, account_prefix=account, out=out)
    print_summary(console, summary)
    if summary.problems:
        raise typer.Exit(EXIT_PROBLEMS)
    if out is not None:
        console.print(f"已写入 / written: {out}")


@app.command()
@guarded
def formats(kind: Annotated[FileKind, typer.Option("--kind")] = FileKind.bank) -> None:
    """列出支持的格式 / List the formats hezhang reads."""
    from hezhang.services.parsing import known_formats

    for name in known_formats(kind.value):
        console.print(name)


@app.command()
@guarded
def demo(
    directory: Annotated[Path, typer.Option("--dir", help="演示文件目录 / where to write the demo files")] = Path("demo"),
) -> None:
    """生成演示文件并逐个读取 / Generate demo files and read each of them."""
    from hezhang.services.demo import write_demo_files
    from hezhang.services.parsing import parse_file

    failed = False
    for path, kind in write_demo_files(directory):
        summary = parse_file(path, kind)
        print_summary(console, summary, max_problems=5)
        failed |= bool(summary.problems)
    if failed:
        raise typer.Exit(EXIT_PROBLEMS)


def main() -> None:
    app()
