"""Evidence for each candidate pair, combined into one score.

Amount and direction are given by how candidates are found; this adds the date gap, references,
counterparty, settlement method and learned aliases. Names are compared by containment first
(vectorized) and by rapidfuzz only where containment says nothing, once per distinct pair of texts.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from hezhang.matching.aliases import Aliases
from hezhang.matching.names import core_expr
from hezhang.matching.parties import (
    COMPANY,
    GENERIC,
    MEMO_PARTY,
    NOT_A_NAME,
    UNNAMED,
    Parties,
    known_parties,
    plain,
    stem_expr,
)
from hezhang.matching.rules import Settings

W_AMOUNT, W_DATE, W_SAME_DAY, W_REFERENCE, W_COUNTERPARTY, W_SETTLEMENT = 0.40, 0.15, 0.05, 0.25, 0.15, 0.05
CONFLICT_PENALTY = 0.30
#: Similarity of two stated names (bank 对方户名, ledger 核算项目) below which they name different parties.
CONFLICT_BELOW = 60


def _contains(text: str, needle: str) -> pl.Expr:
    return (
        pl.col(needle).is_not_null()
        & (pl.col(needle).str.len_chars() >= 2)
        & pl.col(text).str.contains(pl.col(needle), literal=True).fill_null(False)
    )


def _reference(tail: int) -> pl.Expr:
    """Which reference both sides share: "serial", "instrument", "tail" or "token" (null when none)."""
    s_no = pl.col("l_settlement_no")
    tail_eq = (
        (s_no.str.len_chars() >= tail)
        & (pl.col("b_instrument_no").str.len_chars() >= tail)
        & (s_no.str.slice(-tail) == pl.col("b_instrument_no").str.slice(-tail))
    )
    shared = pl.col("b_tokens").list.set_intersection(pl.col("l_tokens")).list.len() > 0
    return (
        pl.when(s_no.is_not_null() & (s_no == pl.col("b_bank_ref")))
        .then(pl.lit("serial"))
        .when(s_no.is_not_null() & (s_no == pl.col("b_instrument_no")))
        .then(pl.lit("instrument"))
        .when(tail_eq.fill_null(False))
        .then(pl.lit("tail"))
        .when(shared.fill_null(False))
        .then(pl.lit("token"))
        .otherwise(None)
    )


def _fuzzy(pairs: pl.DataFrame, left: str, right: str, scorer: Any) -> pl.DataFrame:
    """Fill `cp` where containment left it open with a rapidfuzz score of `left` against `right`,
    computed once per distinct pair of texts."""
    open_ = pairs.filter(pl.col("cp").is_null() & pl.col(left).is_not_null() & (pl.col(right).fill_null("") != ""))
    if open_.is_empty():
        return pairs.with_columns(pl.col("cp").fill_null(0))
    distinct = open_.select(left, right).unique()
    scores = cpdist(distinct[left].to_list(), distinct[right].to_list(), scorer=scorer, workers=-1)
    distinct = distinct.with_columns(pl.Series("fz", scores).round(0).cast(pl.Int64))
    return (
        pairs.join(distinct, on=[left, right], how="left", nulls_equal=True, maintain_order="left")
        .with_columns(pl.coalesce("cp", "fz", pl.lit(0)).alias("cp"))
        .drop("fz")
    )


def _counterparty(pairs: pl.DataFrame) -> pl.DataFrame:
    """`cp` 0..100 and `named`: how well the bank's 对方户名 meets the ledger.

    When the ledger states a party (核算项目), the two stated names are compared with each other;
    otherwise the bank name is looked for in the ledger's memo, voucher memos and contra accounts.
    """
    named = pl.col("l_core").is_not_null() & pl.col("b_core").is_not_null()
    same = (pl.col("b_core") == pl.col("l_core")) | _contains("b_name", "l_core") | _contains("l_core", "b_core")
    stated = pairs.filter(named).with_columns(
        pl.when(same).then(pl.lit(100, pl.Int64)).otherwise(pl.lit(None, pl.Int64)).alias("cp")
    )
    stated = _fuzzy(stated, "b_core", "l_core", fuzz.ratio)
    found = pairs.filter(~named).with_columns(
        pl.when(_contains("l_text", "b_core"))
        .then(pl.lit(100, pl.Int64))
        .when(_contains("l_text", "b_brand"))
        .then(pl.lit(80, pl.Int64))
        .otherwise(pl.lit(None, pl.Int64))
        .alias("cp")
    )
    found = _fuzzy(found, "b_core", "l_text", fuzz.partial_ratio)
    return pl.concat(
        [stated.with_columns(pl.lit(True).alias("named")), found.with_columns(pl.lit(False).alias("named"))]
    )


def _alias_hits(pairs: pl.DataFrame, aliases: Aliases | None) -> pl.Series:
    if aliases is None or not aliases.name_aliases or pairs.is_empty():
        return pl.Series("alias", [False] * pairs.height)
    table = pl.DataFrame(
        [(core, alias) for core, found in aliases.name_aliases.items() for alias in found],
        schema={"b_core": pl.String, "alias": pl.String},
        orient="row",
    )
    hits = (
        pairs.select(pl.int_range(pl.len()).alias("i"), "b_core", "l_text")
        .join(table, on="b_core", how="inner")
        .filter(pl.col("l_text").str.contains(pl.col("alias"), literal=True))
        .select("i")
        .unique()
    )
    flags = pl.Series("alias", [False] * pairs.height)
    if hits.height:
        flags = flags.scatter(hits["i"], True)
    return flags


def _any_in(pairs: pl.DataFrame, lists: str, text: str) -> pl.Series:
    """Per pair: whether any string of the list column `lists` occurs in the text column `text`."""
    if pairs.is_empty():
        return pl.Series([], dtype=pl.Boolean)
    hits = (
        pairs.select(pl.int_range(pl.len()).alias("i"), pl.col(lists).alias("piece"), pl.col(text).alias("t"))
        .explode("piece")
        .filter(
            pl.col("piece").is_not_null() & pl.col("t").str.contains(pl.col("piece"), literal=True).fill_null(False)
        )
        .select("i")
        .unique()
    )
    flags = pl.Series([False] * pairs.height)
    return flags.scatter(hits["i"], True) if hits.height else flags


def _names_another(pairs: pl.DataFrame, parties: Parties) -> pl.Series:
    """Per pair: the ledger line's own text (its memo and stated party) names a party other than the bank's: a
    sibling's mark, the brand or core of an unrelated party, or a company with another core (see `parties`)."""
    if pairs.is_empty() or parties.frame.is_empty():
        return pl.Series([False] * pairs.height)
    base = pairs.select(
        pl.int_range(pl.len()).alias("i"),
        "b_stem",
        "b_core",
        "b_brand",
        "b_person",
        plain(pl.col("l_own")).alias("l_own"),
        "l_memo",
    )
    sibling = _any_in(pairs.with_columns(plain(pl.col("l_own")).alias("l_own")), "b_foreign", "l_own")
    said = base.with_columns(pl.col("l_own").str.extract_many(parties.names).alias("key")).explode("key")
    unrelated = (
        said.filter(pl.col("key").is_not_null() & pl.col("b_stem").is_not_null())
        .filter(
            ~pl.col("b_stem").str.contains(pl.col("key"), literal=True)
            & ~pl.col("key").str.contains(pl.col("b_brand"), literal=True)
            & ~pl.col("key").str.contains(pl.col("b_core"), literal=True)
        )
        .select("i")
    )
    companies = base.with_columns(pl.col("l_own").str.extract_all(COMPANY).alias("company")).explode("company")
    companies = (
        companies.filter(pl.col("company").is_not_null() & pl.col("b_stem").is_not_null())
        .with_columns(stem_expr(pl.col("company")).alias("c_stem"))
        .with_columns(core_expr(pl.col("c_stem")).alias("c_core"))
    )
    other = companies.filter(
        ~pl.col("b_stem").str.contains(pl.col("c_core"), literal=True)
        & ~pl.col("c_stem").str.contains(pl.col("b_core"), literal=True)
        & (pl.col("c_core").str.len_chars() >= 2)
    )
    near = {(c, b): _may_be(c, b) for c, b in other.select("c_stem", "b_stem").unique().rows()}
    other = other.filter(
        pl.struct("c_stem", "b_stem").map_elements(
            lambda r: not near[(r["c_stem"], r["b_stem"])], return_dtype=pl.Boolean
        )
    ).select("i")
    # the party the memo names in its usual place (收到X货款): another party when no piece of it is in the bank name
    slot = base.with_columns(
        pl.coalesce([pl.col("l_memo").str.extract(MEMO_PARTY, i) for i in (1, 2, 3)]).alias("said")
    ).filter(
        pl.col("said").is_not_null()
        & pl.col("b_stem").is_not_null()
        & ~pl.col("said").is_in(list(UNNAMED))
        & ~pl.col("said").str.contains(f"[{NOT_A_NAME}]")
    )
    slot = slot.with_columns(stem_expr(pl.col("said")).alias("said")).filter(pl.col("said").str.len_chars() >= 2)
    shares = {(said, name): _may_be(said, name) for said, name in slot.select("said", "b_stem").unique().rows()}
    elsewhere = slot.filter(
        pl.struct("said", "b_stem").map_elements(
            lambda r: not shares[(r["said"], r["b_stem"])], return_dtype=pl.Boolean
        )
    ).select("i")
    found = pl.concat([unrelated, other, elsewhere]).unique()
    flags = sibling
    if found.height:
        flags = flags | pl.Series([False] * pairs.height).scatter(found["i"], True)
    # A person often pays for a company (老板个人卡代付): a personal bank name does not contradict the books.
    return flags & ~pairs["b_person"].fill_null(False)


def _may_be(said: str, name: str) -> bool:
    """Whether the party a memo names (`said`) may be `name`: two of its characters (not a generic word) stand in
    it, or it is a near spelling of part of it (锦成实业 for 锦程实业: bookkeepers mistype)."""
    if any(said[k : k + 2] in name for k in range(len(said) - 1) if said[k : k + 2] not in GENERIC):
        return True
    return fuzz.partial_ratio(said, name) >= CONFLICT_BELOW


def _with_parties(pairs: pl.DataFrame, parties: Parties) -> pl.DataFrame:
    """Join each pair's bank party with what tells it from its siblings (`marks`) and what tells them (`foreign`)."""
    table = parties.frame.select(pl.col("stem").alias("b_stem"), pl.col("marks").alias("b_marks"),
                                 pl.col("foreign").alias("b_foreign"))  # fmt: skip
    return pairs.join(table, on="b_stem", how="left", maintain_order="left").with_columns(
        pl.col("b_marks").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        pl.col("b_foreign").fill_null(pl.lit([], dtype=pl.List(pl.String))),
    )


def score_pairs(
    pairs: pl.DataFrame, settings: Settings, window: int, aliases: Aliases | None = None,
    parties: Parties | None = None,
) -> pl.DataFrame:  # fmt: skip
    """Add evidence columns (ref, cp, conflict, settle_same, alias, shared) and the combined `score` in 0..1.

    With the month's `parties`: a bank party whose name shares its core or brand with another party (`shared`)
    counts as named by the books only where their text holds one of its marks; a ledger line whose own text names
    another party is in `conflict`."""
    if pairs.is_empty():
        return pairs.with_columns(
            pl.lit(None, pl.String).alias("ref"),
            pl.lit(0, pl.Int64).alias("cp"),
            pl.lit(False).alias("named"),
            pl.lit(False).alias("alias"),
            pl.lit(False).alias("conflict"),
            pl.lit(False).alias("settle_same"),
            pl.lit(False).alias("shared"),
            pl.lit(0.0).alias("score"),
        )
    pairs = _counterparty(pairs.with_columns(_reference(settings.reference_tail_digits).alias("ref")))
    pairs = pairs.with_columns(_alias_hits(pairs, aliases))
    parties = parties or known_parties([])
    pairs = _with_parties(pairs, parties)
    shared = pairs["b_marks"].list.len() > 0
    specific = _any_in(pairs.with_columns(plain(pl.col("l_text")).alias("l_plain")), "b_marks", "l_plain")
    named_other = _names_another(pairs, parties)
    pairs = pairs.with_columns(
        # a shared name counts only by a mark; a mark found is as good as the full name
        pl.when(shared & ~specific)
        .then(pl.lit(0, pl.Int64))
        .when(shared & specific)
        .then(pl.lit(100, pl.Int64))
        .otherwise(pl.col("cp"))
        .alias("cp"),
        (shared & ~specific).alias("shared"),
        named_other.alias("named_other"),
    )
    threshold = settings.counterparty_threshold
    cp_ok = (pl.col("cp") >= threshold) | pl.col("alias")
    return pairs.with_columns(
        pl.when(pl.col("alias")).then(pl.lit(100, pl.Int64)).otherwise(pl.col("cp")).alias("cp"),
        (
            (pl.col("named") & (pl.col("cp") < CONFLICT_BELOW) & ~pl.col("alias") & ~pl.col("b_person")).fill_null(
                False
            )
            | pl.col("named_other")
        ).alias("conflict"),
        (pl.col("b_settle").is_not_null() & (pl.col("b_settle") == pl.col("l_settle")))
        .fill_null(False)
        .alias("settle_same"),
    ).with_columns(
        (
            W_AMOUNT
            + W_DATE * (1 - pl.col("gap").clip(0, window + 1) / (window + 1))
            + pl.when(pl.col("gap") == 0).then(W_SAME_DAY).otherwise(0.0)
            + pl.when(pl.col("ref").is_not_null()).then(W_REFERENCE).otherwise(0.0)
            + pl.when(cp_ok).then(W_COUNTERPARTY * pl.col("cp") / 100).otherwise(0.0)
            + pl.when(pl.col("settle_same")).then(W_SETTLEMENT).otherwise(0.0)
            - pl.when(pl.col("conflict")).then(CONFLICT_PENALTY).otherwise(0.0)
        )
        .clip(0.0, 1.0)
        .alias("score")
    )


def satisfies(require: frozenset[str], settings: Settings) -> pl.Expr:
    """The rule's required evidence, as a filter on scored pairs."""
    cond = pl.lit(True)
    if "reference" in require:
        cond &= pl.col("ref").is_not_null()
    if "counterparty" in require:
        cond &= (pl.col("cp") >= settings.counterparty_threshold) | pl.col("alias")
    if "settlement" in require:
        cond &= pl.col("settle_same")
    if "no_conflict" in require:
        cond &= ~pl.col("conflict")
    if "same_day" in require:
        cond &= pl.col("gap") == 0
    if "carried" in require:
        cond &= (pl.col("b_row") < 0) | (pl.col("l_row") < 0)
    return cond
