"""Short explanations of pair matches, in Chinese and English, built for all pairs at once."""

from __future__ import annotations

import polars as pl

from hezhang.matching.rules import Settings

_REF_ZH = {
    "serial": "结算号与银行流水号相同",
    "instrument": "票据号相同",
    "tail": "票据号后几位相同",
    "token": "摘要含相同参考号",
}
_REF_EN = {
    "serial": "settlement no. equals the bank serial",
    "instrument": "same instrument no.",
    "tail": "instrument no. ends alike",
    "token": "a reference shared by both memos",
}


def _money(col: str) -> pl.Expr:
    return pl.concat_str(
        [(pl.col(col) // 100).cast(pl.String), pl.lit("."), (pl.col(col) % 100).cast(pl.String).str.pad_start(2, "0")]
    )


def explain_pairs(pairs: pl.DataFrame, settings: Settings) -> pl.DataFrame:
    """Add `evidence` (comma-separated codes), `explanation_zh`, `explanation_en` to scored pairs."""
    cp_ok = (pl.col("cp") >= settings.counterparty_threshold) & ~pl.col("alias")
    fee = pl.col("diff") != 0
    date_zh = pl.when(pl.col("gap") == 0).then(pl.lit("同日")).otherwise(pl.format("日期相差{}天", pl.col("gap")))
    date_en = pl.when(pl.col("gap") == 0).then(pl.lit("same day")).otherwise(pl.format("{} days apart", pl.col("gap")))
    zh = [
        pl.when(fee)
        .then(pl.format("扣除手续费 {} 后金额相符", _money("diff")))
        .otherwise(pl.lit("方向相同且金额相等")),
        date_zh,
        pl.col("ref").replace_strict(_REF_ZH, default=None, return_dtype=pl.String),
        pl.when(cp_ok).then(pl.format("对方单位相符（{}）", pl.col("b_core"))),
        pl.when(pl.col("alias")).then(pl.format("按已确认的别名识别对方（{}）", pl.col("b_core"))),
        pl.when(pl.col("settle_same")).then(pl.lit("结算方式相同")),
    ]
    en = [
        pl.when(fee)
        .then(pl.format("amounts agree after a {} bank fee", _money("diff")))
        .otherwise(pl.lit("same direction and equal amount")),
        date_en,
        pl.col("ref").replace_strict(_REF_EN, default=None, return_dtype=pl.String),
        pl.when(cp_ok).then(pl.lit("the same counterparty")),
        pl.when(pl.col("alias")).then(pl.lit("counterparty known from a confirmed alias")),
        pl.when(pl.col("settle_same")).then(pl.lit("the same settlement method")),
    ]
    codes = pl.concat_str(
        [
            pl.when(fee).then(pl.lit("fee")).otherwise(pl.lit("amount")),
            pl.lit("date"),
            pl.when(pl.col("ref").is_not_null()).then(pl.lit("reference")),
            pl.when(cp_ok).then(pl.lit("counterparty")),
            pl.when(pl.col("alias")).then(pl.lit("alias")),
            pl.when(pl.col("settle_same")).then(pl.lit("settlement")),
        ],
        separator=",",
        ignore_nulls=True,
    )
    # Computed on the few columns they read, made contiguous first: Polars 2.1 panics ("i < self.len()" in a
    # string function under when/then) on some frames whose columns are split in uneven chunks after the joins.
    used = pairs.select("diff", "gap", "ref", "cp", "alias", "settle_same", "b_core").rechunk()
    made = used.select(
        codes.alias("evidence"),
        pl.concat_str(zh, separator="；", ignore_nulls=True).alias("explanation_zh"),
        pl.concat_str(en, separator="; ", ignore_nulls=True).alias("explanation_en"),
    )
    return pairs.with_columns(made.get_columns())
