"""The 银行存款余额调节表 in the terminal: book side left, bank side right."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from hezhang.cli.console import bold, green, red
from hezhang.services.reconciling import KINDS, ReconcileOutcome

MAX_ITEMS_SHOWN = 8


def _m(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def print_statement(console: Console, outcome: ReconcileOutcome) -> None:
    rec = outcome.statement
    if rec is None:
        return
    console.print(
        bold(
            "银行存款余额调节表 / bank reconciliation statement",
            f"  科目 {rec.account}  期间 {rec.period}  币种 {rec.currency}",
        )
    )
    table = Table(show_header=True, header_style="bold")
    table.add_column("企业银行存款日记账 / books")
    table.add_column("金额 / amount", justify="right")
    table.add_column("银行对账单 / bank")
    table.add_column("金额 / amount", justify="right")
    left: list[tuple[str, str]] = [("日记账余额 / book balance", _m(rec.book_balance_fen))]
    right: list[tuple[str, str]] = [("对账单余额 / bank balance", _m(rec.bank_balance_fen))]
    for kind in KINDS:
        side = left if kind.adjusts_book else right
        sign = "加" if kind.sign > 0 else "减"
        items = rec.of_kind(kind)
        side.append((f"{sign}：{kind.title_zh}（{len(items)} 笔）", _m(rec.total(kind))))
        for item in items[:MAX_ITEMS_SHOWN]:
            side.append((f"   {item.date} {(item.memo or '')[:18]}", _m(item.amount_fen)))
        if len(items) > MAX_ITEMS_SHOWN:
            side.append((f"   … 另有 {len(items) - MAX_ITEMS_SHOWN} 笔 / more", ""))
    left.append(("调节后余额 / adjusted", _m(rec.adjusted_book_fen)))
    right.append(("调节后余额 / adjusted", _m(rec.adjusted_bank_fen)))
    for i in range(max(len(left), len(right))):
        a = left[i] if i < len(left) else ("", "")
        b = right[i] if i < len(right) else ("", "")
        table.add_row(a[0], a[1], b[0], b[1])
    console.print(table)
    if rec.balanced:
        console.print(green("✓ 调节后余额相等 / the adjusted balances agree"))
    elif rec.agrees:
        console.print(red(
            f"✗ 调节后余额相等，但银行对账单自身不连续（{len(rec.gaps)} 处），须确认后才算平衡：--accept-gaps 理由"
            f" / the adjusted balances agree, but the bank statement's own numbers disagree in {len(rec.gaps)} places:"
            " it is not balanced until a person accepts them (--accept-gaps REASON)"
        ))  # fmt: skip
    else:
        console.print(red(f"✗ 调节后余额不相等，相差 {_m(rec.difference_fen)} / the adjusted balances differ"))
    for cause in rec.causes[:10]:
        console.print(f"  · {cause.zh} / {cause.en}")
    if rec.book_opening_assumed:
        console.print(
            "  注：未提供账簿期初余额，按银行期初余额与上期未达账项推算 / book opening balance derived, not given"
        )
    if rec.bank_balance_assumed:
        console.print(
            "  注：对账单未给出余额，银行余额按账簿推算 / the statement states no balance; bank balance derived"
        )
    console.print(
        f"勾对 / matched: 自动 {outcome.auto} 组，建议 {outcome.suggested} 组；银行 {outcome.bank_lines:,} 行，"
        f"日记账 {outcome.ledger_lines:,} 行 / auto {outcome.auto}, suggested {outcome.suggested}"
    )
    for note in outcome.notes[:5]:
        console.print(f"  ! {note}")
