"""Group matches on what pairs left: N ledger : 1 bank, 1 ledger : N bank, and N : M by counterparty.

Members of a group have the target's direction, lie inside the date window and are linked to the
target by evidence (the same counterparty, or the same day and a shared memo word); their amounts
must add up exactly. A unique solution under an automatic rule is a match; several solutions, or a
search cut short by its bounds, give suggestions and a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import polars as pl

from hezhang.matching.rules import Rule, Settings
from hezhang.matching.subset_kernel import MAX_SOLUTIONS, solve

_CJK_RUN = r"[\u4e00-\u9fff]{2,}"
#: A memo word on more lines than this (and more than this share of them) does not link lines.
COMMON_WORD_LINES = 200
COMMON_WORD_SHARE = 0.02
#: A link join larger than this is not made: the group rule then looks no further (memory stays bounded).
MAX_LINK_ROWS = 20_000_000
#: At most this many bank lines on the bank side of an N:M group.
MAX_BANK_SIDE = 3
_STOP_BIGRAMS = ["有限", "公司", "限公", "责任", "股份", "转账", "款项"]


@dataclass(frozen=True, slots=True)
class Group:
    bank_rows: tuple[int, ...]
    ledger_rows: tuple[int, ...]
    auto: bool
    rule: str
    #: A target whose linked lines were more than were searched, and no solution among those searched.
    truncated_side: str | None = None
    truncated_row: int | None = None


def _counterparty_links(bank: pl.DataFrame, ledger: pl.DataFrame, window: int) -> pl.DataFrame:
    """(b_row, l_row) pairs of one direction within the window where the ledger text names the bank's counterparty."""
    names = pl.concat([bank["core"], bank["brand"]]).drop_nulls().unique()
    names = names.filter(names.str.len_chars() >= 2)
    if names.is_empty() or ledger.is_empty():
        return _no_links()
    found = (
        ledger.select("row", "direction", "day", pl.col("text").str.extract_many(names.to_list()).alias("name"))
        .explode("name")
        .drop_nulls("name")
    )
    by_name = (
        pl.concat([bank.select("row", "direction", "day", pl.col(c).alias("name")) for c in ("core", "brand")])
        .drop_nulls("name")
        .unique()
    )
    if _join_size(by_name, found, ["direction", "name"]) > MAX_LINK_ROWS:
        return _no_links()
    return (
        by_name.join(found, on=["direction", "name"], suffix="_l")
        .filter((pl.col("day") - pl.col("day_l")).abs() <= window)
        .select(pl.col("row").alias("b_row"), pl.col("row_l").alias("l_row"))
        .unique()
    )


def _bigrams(frame: pl.DataFrame, text: pl.Expr) -> pl.DataFrame:
    """(row, direction, day, g): every two-character word of the text, once per row, stop words left out."""
    runs = frame.select("row", "direction", "day", text.fill_null("").str.extract_all(_CJK_RUN).alias("r"))
    return (
        runs.explode("r")
        .drop_nulls("r")
        .with_columns(pl.int_ranges(0, (pl.col("r").str.len_chars() - 1).clip(0)).alias("at"))
        .explode("at")
        .drop_nulls("at")
        .select("row", "direction", "day", pl.col("r").str.slice(pl.col("at"), 2).alias("g"))
        .filter(~pl.col("g").is_in(_STOP_BIGRAMS))
        .unique()
        # A word on a large share of the lines ("货款") tells nothing about which lines belong together.
        .filter(pl.len().over("g") <= max(COMMON_WORD_LINES, frame.height * COMMON_WORD_SHARE))
    )


def _memo_links(bank: pl.DataFrame, ledger: pl.DataFrame, window: int) -> pl.DataFrame:
    """(b_row, l_row) pairs of one direction within the window whose texts share a two-character word.

    Joined on (direction, word, date bucket) so the work stays near the lines that can pair; a join that
    would still exceed `MAX_LINK_ROWS` is not made (the rule then finds nothing, and says so upstream).
    """
    size = window + 1
    b = _bigrams(bank, pl.concat_str([pl.col("memo").fill_null(""), pl.col("name").fill_null("")], separator=" "))
    l_ = _bigrams(ledger, pl.col("text")).with_columns((pl.col("day") // size).alias("bucket"))
    b = b.with_columns(pl.int_ranges(pl.col("day") // size - 1, pl.col("day") // size + 2).alias("bucket")).explode(
        "bucket"
    )
    if _join_size(b, l_, ["direction", "g", "bucket"]) > MAX_LINK_ROWS:
        return _no_links()
    joined = b.join(l_, on=["direction", "g", "bucket"], suffix="_l")
    return (
        joined.filter((pl.col("day") - pl.col("day_l")).abs() <= window)
        .select(pl.col("row").alias("b_row"), pl.col("row_l").alias("l_row"))
        .unique()
    )


def _join_size(left: pl.DataFrame, right: pl.DataFrame, on: list[str]) -> int:
    """How many rows an inner join on `on` would make, counted without making it."""
    counts = left.group_by(on).len("n").join(right.group_by(on).len("m"), on=on)
    return int(counts.select((pl.col("n") * pl.col("m")).sum()).item() or 0)


def _no_links() -> pl.DataFrame:
    return pl.DataFrame(schema={"b_row": pl.Int64, "l_row": pl.Int64})


def find_groups(
    bank: pl.DataFrame, ledger: pl.DataFrame, rule: Rule, settings: Settings
) -> tuple[list[Group], set[int], set[int]]:
    """Group matches under one rule among free lines. Returns (groups, bank rows used, ledger rows used)."""
    if bank.is_empty() or ledger.is_empty():
        return [], set(), set()
    if "bank_fees" in rule.require:
        return _bank_fees(bank, ledger, rule)
    if "memo" in rule.require:
        links = _memo_links(bank, ledger, rule.date_window)
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
    """Any same-direction pair within the window (for suggestions only), bounded like `_memo_links`."""
    size = window + 1
    b = (
        bank.select("row", "direction", "day")
        .with_columns(pl.int_ranges(pl.col("day") // size - 1, pl.col("day") // size + 2).alias("bucket"))
        .explode("bucket")
    )
    l_ = ledger.select("row", "direction", "day").with_columns((pl.col("day") // size).alias("bucket"))
    if _join_size(b, l_, ["direction", "bucket"]) > MAX_LINK_ROWS:
        return _no_links()
    joined = b.join(l_, on=["direction", "bucket"], suffix="_l")
    return joined.filter((pl.col("day") - pl.col("day_l")).abs() <= window).select(
        pl.col("row").alias("b_row"), pl.col("row_l").alias("l_row")
    )


def _signed(amount: pl.Expr, direction: pl.Expr) -> pl.Expr:
    return pl.when(direction == "in").then(amount).otherwise(-amount)


def _candidates(
    targets: pl.DataFrame, members: pl.DataFrame, links: pl.DataFrame, target_side: str, mixed: bool
) -> pl.DataFrame:
    """(t, m) linked pairs with signed amounts and the date gap, nearest first per target. Without `mixed` the
    members move money the target's way and are each smaller than it; with it they may run both ways."""
    t_col, m_col = ("b_row", "l_row") if target_side == "bank" else ("l_row", "b_row")
    cand = (
        links.rename({t_col: "t", m_col: "m"})
        .join(targets.select(pl.col("row").alias("t"), _signed(pl.col("amount"), pl.col("direction")).alias("t_amount"),
                             pl.col("day").alias("t_day"), pl.col("direction").alias("t_dir")), on="t")
        .join(members.select(pl.col("row").alias("m"), _signed(pl.col("amount"), pl.col("direction")).alias("m_amount"),
                             pl.col("day").alias("m_day"), pl.col("direction").alias("m_dir")), on="m")
    )  # fmt: skip
    if not mixed:
        cand = cand.filter((pl.col("m_dir") == pl.col("t_dir")) & (pl.col("m_amount").abs() < pl.col("t_amount").abs()))
    return (
        cand.filter(pl.col("m_amount") != 0)
        .with_columns((pl.col("t_day") - pl.col("m_day")).abs().alias("gap"))
        .sort("t_day", "t", "gap", pl.col("m_amount").abs(), "m", descending=[False, False, False, True, False])
    )


def _day_batches(cand: pl.DataFrame) -> dict[int, tuple[int, ...]]:
    """Per target: the one day whose linked lines (two or more) add up to it, when exactly one day does (a payroll
    or tax batch is one day's lines; it may hold more lines than a search does)."""
    days = (
        cand.group_by("t", "m_day")
        .agg(pl.col("t_amount").first(), pl.col("m_amount").sum().alias("total"), pl.col("m").sort(), pl.len())
        .filter((pl.col("len") >= 2) & (pl.col("total") == pl.col("t_amount")))
    )
    single = days.filter(pl.len().over("t") == 1)
    return {t: tuple(rows) for t, rows in single.select("t", "m").iter_rows()}


def _search_side(
    bank: pl.DataFrame, ledger: pl.DataFrame, links: pl.DataFrame, target_side: str, rule: Rule, settings: Settings,
    used_b: set[int], used_l: set[int], mixed: bool = False,
) -> list[Group]:  # fmt: skip
    """Groups of several member lines adding up to one target line of `target_side`, all targets at once.

    A target's solutions are its day batch (`_day_batches`) and every subset of 2..`group_max_lines` of its
    `group_candidates` nearest linked lines that adds up (`subset_kernel`), counted by lines. Exactly one solution
    under an automatic rule is a match, unless another target's only solution wants one of its lines (then both are
    suggestions: nothing tells which target the line belongs to); more solutions are suggestions."""
    targets, members = (bank, ledger) if target_side == "bank" else (ledger, bank)
    used_t, used_m = (used_b, used_l) if target_side == "bank" else (used_l, used_b)
    cand = _candidates(targets, members, links, target_side, mixed)
    cand = cand.filter(~pl.col("t").is_in(list(used_t)) & ~pl.col("m").is_in(list(used_m)))
    if cand.is_empty():
        return []
    batches = _day_batches(cand)
    k = settings.group_candidates
    per_target = (
        cand.group_by("t", maintain_order=True)
        .agg(
            pl.col("t_amount").first(),
            pl.col("m").head(k),
            pl.col("m_amount").head(k),
            pl.col("gap").head(k),
            pl.col("gap").slice(k, 1).first().alias("beyond"),
        )
        .filter(pl.col("m").list.len() >= 2)
    )
    if per_target.is_empty():
        return []
    width = max(len(rows) for rows in per_target["m"].to_list())
    amounts = np.full((per_target.height, width), np.nan)
    for i, row_amounts in enumerate(per_target["m_amount"].to_list()):
        amounts[i, : len(row_amounts)] = row_amounts
    solved = solve(amounts, per_target["t_amount"].to_numpy().astype(np.float64), settings.group_max_lines)
    proposals: list[tuple[int, list[tuple[int, ...]], bool]] = []
    for i, (t, rows, gaps, beyond) in enumerate(per_target.select("t", "m", "gap", "beyond").iter_rows()):
        found = [tuple(sorted(rows[p] for p in positions)) for positions in solved.found[i]]
        if t in batches and batches[t] not in found:
            found.insert(0, batches[t])
        # Lines beyond the nearest searched are further away in date: weaker evidence. A solution all of whose
        # lines are nearer than every line left unsearched has no rival as strong; otherwise the search was cut.
        # A day's whole batch (every linked line of that day) is complete whatever was searched.
        near = {r: g for r, g in zip(rows, gaps, strict=True)}
        whole_day = len(found) == 1 and batches.get(t) == found[0]
        cut = (
            beyond is not None and not whole_day and not (found and all(near.get(m, beyond) < beyond for m in found[0]))
        )
        proposals.append((t, found, cut))
    return _settle(proposals, target_side, rule, used_t, used_m)


def _settle(
    proposals: list[tuple[int, list[tuple[int, ...]], bool]], target_side: str, rule: Rule, used_t: set[int],
    used_m: set[int],
) -> list[Group]:  # fmt: skip
    """Groups from each target's solutions: a unique one none of whose lines any other target's solution wants is
    automatic (under an automatic rule): otherwise another packing of the same lines explains as much, and which
    is right is a person's decision. The rest are suggestions; a search that saw only part of a target's lines
    says so."""
    wanted: dict[int, int] = {}
    for _, found, _ in proposals:
        for m in {m for members in found for m in members}:
            wanted[m] = wanted.get(m, 0) + 1
    groups: list[Group] = []
    for t, found, cut in proposals:
        unique = len(found) == 1 and all(wanted[m] == 1 for m in found[0])
        for members in found[:MAX_SOLUTIONS]:
            b_rows, l_rows = ((t,), members) if target_side == "bank" else (members, (t,))
            auto = rule.auto and unique and not cut  # a target with more lines than searched may have another
            groups.append(Group(b_rows, l_rows, auto, rule.name))
            if auto:
                used_t.add(t)
                used_m.update(members)
        if cut and not found:
            groups.append(Group((), (), False, rule.name, target_side, t))
    return groups


_FEE_WORDS = r"手续费|服务费|管理费|工本费|年费|汇划费|短信费|回单|结算费|邮电费|账户费"
_FEE_BOOKING = r"手续费|银行费用|银行费|财务费用"


def _bank_fees(bank: pl.DataFrame, ledger: pl.DataFrame, rule: Rule) -> tuple[list[Group], set[int], set[int]]:
    """Bank charges of the period (all outgoing lines whose memo names a charge, up to the booking date)
    against a ledger line booking bank charges, when the totals agree exactly."""
    fees = bank.filter((pl.col("direction") == "out") & pl.col("memo").fill_null("").str.contains(_FEE_WORDS))
    bookings = ledger.filter((pl.col("direction") == "out") & pl.col("text").str.contains(_FEE_BOOKING)).sort(
        "day", "row"
    )
    groups: list[Group] = []
    used_b: set[int] = set()
    used_l: set[int] = set()
    for row, day, amount in bookings.select("row", "day", "amount").iter_rows():
        picked = fees.filter(
            (pl.col("day") <= day) & (pl.col("day") >= day - rule.date_window) & ~pl.col("row").is_in(list(used_b))
        )
        if picked.height >= 2 and int(picked["amount"].sum()) == amount:
            members = tuple(sorted(picked["row"].to_list()))
            groups.append(Group(members, (row,), rule.auto, rule.name))
            if rule.auto:
                used_b.update(members)
                used_l.add(row)
    return groups, used_b, used_l


def _many_to_many(
    bank: pl.DataFrame, ledger: pl.DataFrame, links: pl.DataFrame, rule: Rule, settings: Settings,
    used_b: set[int], used_l: set[int],
) -> list[Group]:  # fmt: skip
    """Several bank lines of one counterparty against several ledger lines naming it, when the sums agree.

    Per counterparty, every choice of 2..`MAX_BANK_SIDE` free bank lines is a target for a subset search
    over the ledger lines linked to them; a unique solution (up to interchangeable lines) is a match.
    A person often pays part for a company: free bank lines from personal names near the cluster may join
    a choice, but a solution that needs one is only a suggestion.
    """
    free = links.filter(~pl.col("b_row").is_in(list(used_b)) & ~pl.col("l_row").is_in(list(used_l)))
    if free.is_empty():
        return []
    clusters = (
        free.join(bank.select(pl.col("row").alias("b_row"), "core", "direction"), on="b_row")
        .group_by("core", "direction")  # amounts add up only within one direction of money
        .agg(pl.col("b_row").unique().sort(), pl.col("l_row").unique().sort())
        .sort("core", "direction")
    )
    info_b = {r: (a, k, d, p) for r, a, k, d, p in bank.select("row", "amount", "key", "day", "person").iter_rows()}
    info_l = {r: (a, k, d) for r, a, k, d in ledger.select("row", "amount", "key", "day").iter_rows()}
    direction_of = dict(zip(bank["row"].to_list(), bank["direction"].to_list(), strict=True))
    groups: list[Group] = []
    for _, direction, linked_b, linked_l in clusters.iter_rows():
        people = [r for r, (_, _, _, person) in info_b.items() if person and direction_of[r] == direction]
        b_rows = [r for r in linked_b if r not in used_b][:NM_BANK_CANDIDATES]
        l_rows = [r for r in linked_l if r not in used_l][: settings.group_candidates]
        if not b_rows or len(l_rows) < 2:
            continue
        days = [info_l[r][2] for r in l_rows]
        near = [
            r for r in people
            if r not in used_b and r not in b_rows and min(days) - rule.date_window <= info_b[r][2] <= max(days)
        ][:MAX_PERSON_HELPERS]  # fmt: skip
        found, truncated = _nm_solutions(b_rows, near, l_rows, info_b, info_l, settings)
        own = [pick for pick, helped in found.items() if not helped]
        if rule.auto and len(own) == 1 and not truncated:
            b_pick, l_pick = own[0]
            groups.append(Group(b_pick, l_pick, True, rule.name))
            used_b.update(b_pick)
            used_l.update(l_pick)
            continue
        for b_pick, l_pick in list(found)[:3]:
            groups.append(Group(b_pick, l_pick, False, rule.name))
    return groups


#: Bank lines of one counterparty considered for the bank side of an N:M group.
NM_BANK_CANDIDATES = 8
#: Personal-name bank lines considered as co-payers of one counterparty's N:M group (suggestions only).
MAX_PERSON_HELPERS = 4


def _nm_solutions(
    b_rows: list[int], helpers: list[int], l_rows: list[int], info_b: dict[int, tuple[int, int, int, bool]],
    info_l: dict[int, tuple[int, int, int]], settings: Settings,
) -> tuple[dict[tuple[tuple[int, ...], tuple[int, ...]], bool], bool]:  # fmt: skip
    """Distinct (bank rows, ledger rows) whose sums agree, by lines, each marked True when a helper line is in it;
    every choice of 2..`MAX_BANK_SIDE` bank lines searched at once (`subset_kernel`). The second value says whether
    a search had more solutions than it keeps."""
    pool = b_rows + helpers
    choices = [c for size in range(2, min(MAX_BANK_SIDE, len(pool)) + 1) for c in combinations(pool, size)
               if any(r in b_rows for r in c)]  # fmt: skip
    if not choices or len(l_rows) < 2:
        return {}, False
    members = np.array([info_l[r][0] for r in l_rows], dtype=np.float64)
    amounts = np.tile(members, (len(choices), 1))
    targets = np.array([sum(info_b[r][0] for r in c) for c in choices], dtype=np.float64)
    solved = solve(amounts, targets, settings.group_max_lines)
    found: dict[tuple[tuple[int, ...], tuple[int, ...]], bool] = {}
    for chosen, positions in zip(choices, solved.found, strict=True):
        for solution in positions:
            pick = tuple(sorted(l_rows[i] for i in solution))
            found.setdefault((tuple(sorted(chosen)), pick), any(r in helpers for r in chosen))
    return found, bool((solved.count >= MAX_SOLUTIONS).any())
