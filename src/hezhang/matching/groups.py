"""Group matches on what pairs left: N ledger : 1 bank, 1 ledger : N bank, and N : M by counterparty.

Members of a group have the target's direction, lie inside the date window and are linked to the
target by evidence (the same counterparty, or the same day and a shared memo word); their amounts
must add up exactly. A unique solution under an automatic rule is a match; several solutions, or a
search cut short by its bounds, give suggestions and a note.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from hezhang.matching.rules import Rule, Settings
from hezhang.matching.subset_sum import find_subsets

_CJK_RUN = r"[\u4e00-\u9fff]{2,}"
_STOP_BIGRAMS = ["有限", "公司", "限公", "责任", "股份", "转账", "款项"]


@dataclass(frozen=True, slots=True)
class Group:
    bank_rows: tuple[int, ...]
    ledger_rows: tuple[int, ...]
    auto: bool
    rule: str
    truncated_side: str | None = None
    truncated_row: int | None = None


def _counterparty_links(bank: pl.DataFrame, ledger: pl.DataFrame, window: int) -> pl.DataFrame:
    """(b_row, l_row) pairs of one direction within the window where the ledger text names the bank's counterparty."""
    names = pl.concat([bank["core"], bank["brand"]]).drop_nulls().unique()
    names = names.filter(names.str.len_chars() >= 2)
    if names.is_empty() or ledger.is_empty():
        return pl.DataFrame(schema={"b_row": pl.Int64, "l_row": pl.Int64})
    found = ledger.select(
        "row", "direction", "day", pl.col("text").str.extract_many(names.to_list()).alias("name")
    ).explode("name").drop_nulls("name")
    by_name = pl.concat(
        [bank.select("row", "direction", "day", pl.col(c).alias("name")) for c in ("core", "brand")]
    ).drop_nulls("name").unique()
    return (
        by_name.join(found, on=["direction", "name"], suffix="_l")
        .filter((pl.col("day") - pl.col("day_l")).abs() <= window)
        .select(pl.col("row").alias("b_row"), pl.col("row_l").alias("l_row"))
        .unique()
    )


def _same_day_links(bank: pl.DataFrame, ledger: pl.DataFrame) -> pl.DataFrame:
    """(b_row, l_row) pairs on the same day and direction whose memos share a two-character word."""
    def grams(frame: pl.DataFrame, text: str) -> pl.DataFrame:
        runs = frame.select("row", "direction", "day", pl.col(text).fill_null("").str.extract_all(_CJK_RUN).alias("r"))
        pieces = (
            runs.explode("r")
            .drop_nulls("r")
            .with_columns(pl.int_ranges(0, (pl.col("r").str.len_chars() - 1).clip(0)).alias("at"))
            .explode("at")
            .drop_nulls("at")
            .select("row", pl.col("r").str.slice(pl.col("at"), 2).alias("g"))
        )
        found = pieces.group_by("row").agg(pl.col("g").unique())
        return runs.drop("r").join(found, on="row", how="left").with_columns(pl.col("g").fill_null([]))

    b = grams(bank.with_columns(pl.concat_str([pl.col("memo").fill_null(""), pl.col("name").fill_null("")])
                                .alias("bt")), "bt")  # fmt: skip
    l_ = grams(ledger, "text")
    joined = b.join(l_, on=["direction", "day"], suffix="_l")
    shared = pl.col("g").list.set_intersection(pl.col("g_l")).list.set_difference(pl.lit(_STOP_BIGRAMS))
    return joined.filter(shared.list.len() > 0).select(pl.col("row").alias("b_row"), pl.col("row_l").alias("l_row"))


def find_groups(
    bank: pl.DataFrame, ledger: pl.DataFrame, rule: Rule, settings: Settings
) -> tuple[list[Group], set[int], set[int]]:
    """Group matches under one rule among free lines. Returns (groups, bank rows used, ledger rows used)."""
    if bank.is_empty() or ledger.is_empty():
        return [], set(), set()
    if "same_day" in rule.require:
        links = _same_day_links(bank, ledger)
    elif "counterparty" in rule.require:
        links = _counterparty_links(bank, ledger, rule.date_window)
    else:
        links = _window_links(bank, ledger, rule.date_window)
    groups: list[Group] = []
    used_b: set[int] = set()
    used_l: set[int] = set()
    for target_side in ("bank", "ledger"):
        found = _search_side(bank, ledger, links, target_side, rule, settings, used_b, used_l)
        groups.extend(found)
    if "counterparty" in rule.require:
        groups.extend(_many_to_many(bank, ledger, links, rule, settings, used_b, used_l))
    return groups, used_b, used_l


def _window_links(bank: pl.DataFrame, ledger: pl.DataFrame, window: int) -> pl.DataFrame:
    """Any same-direction pair within the window (for suggestions only; bounded by the candidate cap)."""
    joined = bank.select("row", "direction", "day").join(
        ledger.select("row", "direction", "day"), on="direction", suffix="_l"
    )
    return joined.filter((pl.col("day") - pl.col("day_l")).abs() <= window).select(
        pl.col("row").alias("b_row"), pl.col("row_l").alias("l_row")
    )


def _search_side(
    bank: pl.DataFrame, ledger: pl.DataFrame, links: pl.DataFrame, target_side: str, rule: Rule,
    settings: Settings, used_b: set[int], used_l: set[int],
) -> list[Group]:  # fmt: skip
    targets, members = (bank, ledger) if target_side == "bank" else (ledger, bank)
    t_col, m_col = ("b_row", "l_row") if target_side == "bank" else ("l_row", "b_row")
    cand = (
        links.rename({t_col: "t", m_col: "m"})
        .join(targets.select(pl.col("row").alias("t"), pl.col("amount").alias("t_amount"), pl.col("day").alias("t_day"),
                             pl.col("key").alias("t_key")), on="t")  # fmt: skip
        .join(members.select(pl.col("row").alias("m"), pl.col("amount").alias("m_amount"), pl.col("day").alias("m_day"),
                             pl.col("key").alias("m_key")), on="m")  # fmt: skip
        .filter((pl.col("m_amount") < pl.col("t_amount")) & (pl.col("m_amount") > 0))
        .with_columns((pl.col("t_day") - pl.col("m_day")).abs().alias("gap"))
        .sort("t_day", "t_amount", "t_key", "t", "gap", "m_amount", "m_key", "m", descending=[False, True] + [False] * 6)
    )
    if cand.is_empty():
        return []
    per_target = cand.group_by("t", maintain_order=True).agg(
        pl.col("t_amount").first(), pl.col("m").head(settings.group_candidates),
        pl.col("m_amount").head(settings.group_candidates), pl.col("m_key").head(settings.group_candidates),
        pl.col("m_amount").head(settings.group_candidates).sum().alias("reach"),
    ).filter((pl.col("reach") >= pl.col("t_amount")) & (pl.col("m").list.len() >= 2))  # fmt: skip
    used_t, used_m = (used_b, used_l) if target_side == "bank" else (used_l, used_b)
    groups: list[Group] = []
    for t, amount, rows, amounts, keys, _ in per_target.iter_rows():
        if t in used_t:
            continue
        free = [i for i, r in enumerate(rows) if r not in used_m]
        if len(free) < 2:
            continue
        search = find_subsets(
            amount, [amounts[i] for i in free], [keys[i] for i in free],
            max_lines=settings.group_max_lines, budget=settings.group_budget,
        )  # fmt: skip
        truncated = (target_side, t) if search.truncated else (None, None)
        unique = len(search.solutions) == 1 and not search.truncated
        for solution in search.solutions if not (rule.auto and unique) else search.solutions[:1]:
            member_rows = tuple(sorted(rows[free[i]] for i in solution))
            b_rows, l_rows = ((t,), member_rows) if target_side == "bank" else (member_rows, (t,))
            groups.append(Group(b_rows, l_rows, rule.auto and unique, rule.name, *truncated))
        if rule.auto and unique:
            used_t.add(t)
            used_m.update(rows[free[i]] for i in search.solutions[0])
        elif search.truncated and not search.solutions:
            groups.append(Group((), (), False, rule.name, *truncated))
    return groups


def _many_to_many(
    bank: pl.DataFrame, ledger: pl.DataFrame, links: pl.DataFrame, rule: Rule, settings: Settings,
    used_b: set[int], used_l: set[int],
) -> list[Group]:  # fmt: skip
    """Connected sets of linked lines (one counterparty) whose totals agree on both sides."""
    free = links.filter(~pl.col("b_row").is_in(list(used_b)) & ~pl.col("l_row").is_in(list(used_l)))
    if free.is_empty():
        return []
    clusters = (
        free.join(bank.select(pl.col("row").alias("b_row"), "core"), on="b_row")
        .group_by("core", maintain_order=True)
        .agg(pl.col("b_row").unique().sort(), pl.col("l_row").unique().sort())
        .sort("core")
    )
    b_amount = dict(zip(bank["row"].to_list(), bank["amount"].to_list(), strict=True))
    l_amount = dict(zip(ledger["row"].to_list(), ledger["amount"].to_list(), strict=True))
    groups = []
    for _, b_rows, l_rows in clusters.iter_rows():
        b_rows = [r for r in b_rows if r not in used_b]
        l_rows = [r for r in l_rows if r not in used_l]
        if not (2 <= len(b_rows) <= settings.group_max_lines and 2 <= len(l_rows) <= settings.group_max_lines):
            continue
        if sum(b_amount[r] for r in b_rows) != sum(l_amount[r] for r in l_rows):
            continue
        groups.append(Group(tuple(b_rows), tuple(l_rows), rule.auto, rule.name))
        if rule.auto:
            used_b.update(b_rows)
            used_l.update(l_rows)
    return groups
