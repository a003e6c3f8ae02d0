"""What a payment-bill layout is and what its rules see: shared by the Alipay and WeChat Pay layouts
(`alipay`, `wechat`) and the reader that applies them (`payment_bills`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from hezhang.importers import cells

__all__ = [
    "NO_MONEY_STATUS_WORDS",
    "Layout",
    "Row",
    "Totals",
    "Verdict",
    "moved_no_money",
    "stated_count",
    "stated_fen",
]

#: A row as the rules see it: field name -> cell text (None where empty, "-" or "/").
Row = Mapping[str, str | None]
#: The rules' word on a row: direction ("in", "out", or None to leave the row out) and a reason in Chinese
#: and English ("" when the file states the direction plainly; with a direction it marks an assumption).
Verdict = tuple[str | None, str, str]
#: What a footer states: (lines in, fen in, lines out, fen out), None where it does not say.
Totals = tuple[int | None, int | None, int | None, int | None]
#: Words of a trade status (Alipay 交易状态, WeChat 当前状态) under which no money moved: the payment failed, the
#: trade was closed or cancelled, or it was never paid. A closed Alipay trade that had been paid was refunded in
#: full (the refund is a row of its own, 退款成功), so it too leaves nothing moved. Statuses after a payment
#: (交易成功, 支付成功, 等待确认收货, 已全额退款, 退款成功, 已转账, 已收钱 …) move money.
NO_MONEY_STATUS_WORDS = (
    "失败",
    "关闭",
    "已撤销",
    "已取消",
    "未付款",
    "未支付",
    "待付款",
    "待支付",
    "等待买家付款",
    "交易创建",
)


@dataclass(frozen=True, slots=True)
class Layout:
    """One bill layout. `columns` maps a field to its header names (for "time": per-row fallbacks, in order).

    Fields beside the line fields: "direction_word" (收/支), "status", "category", "fund_status", "item",
    "note", "counterparty" ("name (account)" in one cell). `classify` decides direction and inclusion
    from the row texts; without it the direction comes from "direction_word" or the in/out columns.
    """

    name: str
    provider: str
    required: tuple[str, ...]
    columns: Mapping[str, tuple[str, ...]]
    memo: tuple[str, ...] = ("item", "note")
    classify: Callable[[Sequence[Row]], list[Verdict]] | None = None
    stated_count: Callable[[str], int | None] | None = None
    footer: Callable[[list[list[str]]], Totals | None] | None = None
    account_labels: tuple[str, ...] = ()
    name_labels: tuple[str, ...] = ()


def moved_no_money(status: str | None) -> bool:
    """Whether a bill row's status says no money moved (see `NO_MONEY_STATUS_WORDS`)."""
    return status is not None and any(word in status for word in NO_MONEY_STATUS_WORDS)


def stated_count(text: str) -> int | None:
    """The record count a personal bill's preamble states ("共27笔记录")."""
    m = re.search(r"共\s*(\d+)\s*笔记录", text)
    return int(m.group(1)) if m else None


def stated_fen(text: str | None) -> int | None:
    """An amount a preamble or footer states ("-1,234.50", "¥3.00"), or None."""
    if text is None:
        return None
    fen, bad = cells.amount(pl.Series([text], dtype=pl.String))
    return None if bad[0] or fen[0] is None else abs(int(fen[0]))
