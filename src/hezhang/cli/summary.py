"""A parse summary as a person reads it in the terminal."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from hezhang.cli.console import red, yellow
from hezhang.services.parsing import ParseSummary


def _money(m: object) -> str:
    from hezhang.domain.money import Money

    return m.format() if isinstance(m, Money) else "—"


def print_summary(console: Console, s: ParseSummary, *, max_problems: int = 50) -> None:
    table = Table(title=f"{s.file}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    what = "银行对账单 / bank statement" if s.kind == "bank" else "序时账 / journal"
    table.add_row("类型 / kind", what)
    table.add_row("格式 / format", s.format + (f" ({s.bank})" if s.bank else ""))
    table.add_row("编码 / encoding", s.encoding or "—")
    table.add_row("账号 / account", s.account or "—")
    table.add_row("期间 / period", str(s.period) if s.period else "—")
    label = "银行存款行数 / bank lines" if s.kind == "journal" else "笔数 / lines"
    table.add_row(label, f"{s.count:,}")
    if s.kind == "journal":
        table.add_row("其他科目行数 / other lines", f"{s.context_count:,}")
    table.add_row("收入合计 / total in", f"{_money(s.total_in)} {s.currency}")
    table.add_row("支出合计 / total out", f"{_money(s.total_out)} {s.currency}")
    table.add_row("期初余额 / opening balance", _money(s.opening_balance))
    table.add_row("期末余额 / closing balance", _money(s.closing_balance))
    table.add_row("余额缺口 / balance gaps", str(len(s.gaps)))
    table.add_row("问题 / problems", str(len(s.problems)))
    table.add_row("提示 / notices", str(len(s.notices)))
    console.print(table)
    if s.accounts:
        print_accounts(console, s)
    for p in s.problems[:max_problems]:
        console.print(red("✗ ", p))
    if len(s.problems) > max_problems:
        console.print(
            f"… 另有 {len(s.problems) - max_problems} 个问题 / {len(s.problems) - max_problems} more problems"
        )
    for n in s.notices[:max_problems]:
        console.print(yellow("! ", n))


def print_accounts(console: Console, s: ParseSummary) -> None:
    """One row per account of a file that holds several: never one account's opening beside another's closing."""
    table = Table(title="各账户 / per account", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("账号\naccount", no_wrap=True)
    for header in ("笔数\nlines", "收入\nin", "支出\nout", "期初\nopening", "期末\nclosing", "缺口\ngaps"):
        table.add_column(header, justify="right", no_wrap=True)
    for a in s.accounts:
        shown = f"****{a.account[-4:]}" if a.account else "—"  # masked already; shortened to fit a terminal
        table.add_row(
            shown, f"{a.count:,}", _money(a.total_in), _money(a.total_out), _money(a.opening_balance),
            _money(a.closing_balance), str(a.gaps),
        )  # fmt: skip
    console.print(table)
