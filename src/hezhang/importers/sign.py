"""Which way one signed amount column points: established from the file, given by a person, or asked. Never guessed.

A Chinese credit-card bill writes spending as a positive amount and a repayment or refund as a negative one
("spend-positive"); an account statement writes income as positive ("income-positive"). With one amount
column and no direction column, the convention is, in this order:

1. the person's answer (`sign=` / `--sign`), when given;
2. the running balance, when one convention makes it hold on more lines than the other;
3. direction words at the start of the memos (消费 and 取现 are money out, 存入 money in), when every worded line
   agrees with one convention; only words whose direction is the same on a card bill and on an account
   statement count here (还款 is money in on a card bill and money out on an account: it cannot tell which the
   file is; `card_only` in `[memo_directions]`);
4. the signs of a card bill (`[card_bill]` in `profiles/banks.toml`: 卡号末四位, 记账日, a 信用卡账单 title,
   （消费） prefixes): spend-positive.

Otherwise the file is refused with the question. Unsigned amounts whose every line starts with a direction
word (交通银行 card bills: "消费 美团", "退货 …") take the word's direction and need no convention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import polars as pl

from hezhang.importers.profiles import Profiles
from hezhang.importers.result import Sign


@dataclass(frozen=True, slots=True)
class Verdict:
    """The convention (None: not established), whether memo words give the directions instead, and why."""

    sign: Sign | None
    words: bool = False
    why_zh: str = ""
    why_en: str = ""


@cache
def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"^[（(]?(?:{alternatives})(?:[）)\s:：\-]|$)")


def memo_directions(memos: pl.Series, prof: Profiles, *, any_file: bool = False) -> pl.Series:
    """ "in", "out" or null per line, from a direction word the memo starts with. `any_file`: only words whose
    direction does not depend on whether the file is a card bill (not `prof.card_only_words`)."""
    known = prof.memo_words or {}
    skip = prof.card_only_words if any_file else frozenset()
    ins, outs = (tuple(w for w in known.get(d, ()) if w not in skip) for d in ("in", "out"))
    frame = pl.DataFrame({"m": memos})
    return frame.select(
        pl.when(pl.col("m").str.contains(_word_pattern(ins).pattern) if ins else pl.lit(False))
        .then(pl.lit("in"))
        .when(pl.col("m").str.contains(_word_pattern(outs).pattern) if outs else pl.lit(False))
        .then(pl.lit("out"))
        .otherwise(pl.lit(None, pl.String))
        .alias("direction")
    ).to_series()


def card_signal(header_keys: Iterable[str], title: str, memos: pl.Series | None, prof: Profiles) -> str | None:
    """The first sign that the file is a credit-card bill (a header, a title word, a memo prefix), or None."""
    found = next((k for k in header_keys if k in prof.card_headers), None)
    if found is None:
        found = next((t for t in prof.card_titles if t in title), None)
    if found is None and memos is not None:
        found = next((p for p in prof.card_prefixes if memos.str.starts_with(p).any()), None)
    return found


def chain_sign(fen: pl.Series, balance: pl.Series | None, accounts: pl.Series | None) -> Sign | None:
    """The convention under which the running balance holds between more neighbouring lines (of each account,
    oldest first or newest first, whichever holds more), counting only lines that move money; None on a tie or
    without a balance. The rows need not be in date order: any pair of neighbours that chains is evidence."""
    if balance is None or balance.null_count() == len(balance):
        return None
    own = accounts if accounts is not None else pl.Series([None] * len(fen), dtype=pl.String)
    frame = pl.DataFrame({"f": fen, "b": balance, "a": own})
    income = spend = 0
    for part in frame.partition_by("a", maintain_order=True):
        best = (0, 0)
        for order in ("ascending", "descending"):
            before = part["b"].shift(1) if order == "ascending" else part["b"].shift(-1)
            moved = part["f"].fill_null(0) != 0
            up = ((before + part["f"]) == part["b"]).fill_null(False) & moved
            down = ((before - part["f"]) == part["b"]).fill_null(False) & moved
            counts = (int(up.sum()), int(down.sum()))
            best = max(best, counts, key=max)
        income, spend = income + best[0], spend + best[1]
    if income == spend:
        return None
    return "income-positive" if income > spend else "spend-positive"


def words_sign(fen: pl.Series, words: pl.Series) -> Sign | None:
    """The convention every line with a direction word agrees with (and the other does not), else None."""
    frame = pl.DataFrame({"f": fen, "w": words}).filter(pl.col("w").is_not_null() & (pl.col("f").fill_null(0) != 0))
    if frame.is_empty():
        return None
    out = frame["w"] == "out"
    spend = bool(((frame["f"] > 0) == out).all())
    income = bool(((frame["f"] < 0) == out).all())
    if spend == income:
        return None
    return "spend-positive" if spend else "income-positive"


def settle(
    fen: pl.Series,
    *,
    given: Sign | None,
    balance: pl.Series | None,
    accounts: pl.Series | None,
    words: pl.Series | None,
    card: str | None,
    plain_words: pl.Series | None = None,
) -> Verdict:
    """How to read `fen` (signed fen, null where unreadable); see the module docstring for the order.

    `words`: each line's direction from any memo word (a card bill's unsigned lines take them); `plain_words`:
    from the words whose direction is the same on any statement, the only ones that may establish the sign.
    """
    moved = fen.fill_null(0) != 0
    if not moved.any():
        return Verdict("income-positive")  # nothing moves money: no question to ask
    if words is not None and (words.is_not_null() | ~moved).all() and not (fen.fill_null(0) < 0).any():
        return Verdict(None, words=True, why_zh="摘要开头的收支词", why_en="the direction word each memo starts with")
    if given is not None:
        return Verdict(given, why_zh="--sign", why_en="--sign")
    if (by_chain := chain_sign(fen, balance, accounts)) is not None:
        return Verdict(by_chain, why_zh="余额连续性", why_en="the running balance")
    if plain_words is not None and (by_words := words_sign(fen, plain_words)) is not None:
        return Verdict(by_words, why_zh="摘要开头的收支词", why_en="the direction words the memos start with")
    if card is not None:
        return Verdict("spend-positive", why_zh=f"信用卡账单（{card}）", why_en=f"a credit-card bill ({card})")
    return Verdict(None)


def question(header: str) -> tuple[str, str]:
    """The problem's text when the convention cannot be established (Chinese, English)."""
    return (
        f"「{header}」只有一列带正负号的金额，无法从表头或余额判断正数是收入还是支出。"
        "这是信用卡账单（正数为消费）还是账户流水（正数为收入）？请用 --sign spend-positive（正数为支出）"
        "或 --sign income-positive（正数为收入）重新读取",
        f"the one signed amount column {header!r} does not say whether a positive amount is money in or out, and "
        "neither the headers nor a running balance tell. Is this a credit-card bill (positive = spending) or an "
        "account statement (positive = income)? Read it again with --sign spend-positive (positive = money out) "
        "or --sign income-positive (positive = money in)",
    )
