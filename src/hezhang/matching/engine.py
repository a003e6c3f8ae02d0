"""The matching engine: rules in order over the lines still free, pairs first, then fees, then groups.

    match(bank, ledger, rules=None, aliases=None) -> MatchResult

`bank` and `ledger` are frames in `BANK_SCHEMA` / `LEDGER_SCHEMA` (the ledger holding only the bank
account's lines). Deterministic: the result depends on the lines, not on their order in the input.
"""

from __future__ import annotations

import polars as pl

from hezhang.matching.aliases import Aliases
from hezhang.matching.assign import assign, top_suggestions
from hezhang.matching.candidates import exact_pairs, fee_pairs
from hezhang.matching.evidence import satisfies, score_pairs
from hezhang.matching.explain import explain_pairs
from hezhang.matching.groups import Group, find_groups
from hezhang.matching.model import MATCH_COLUMNS, MatchResult, SearchNote
from hezhang.matching.parties import Parties, known_parties
from hezhang.matching.prepare import narrow_texts, prepare_bank, prepare_ledger
from hezhang.matching.rules import Rule, RuleSet, Settings, default_rules

_PAIR_OUT = ("b_row", "l_row", "score", "diff", "evidence", "explanation_zh", "explanation_en")


class _State:
    def __init__(self, bank: pl.DataFrame, ledger: pl.DataFrame) -> None:
        self.free_b = bank["row"]
        self.free_l = ledger["row"]
        self.contested_b: set[int] = set()
        self.contested_l: set[int] = set()
        self.out: list[pl.DataFrame] = []
        self.notes: list[SearchNote] = []

    def take(self, b_rows: pl.Series, l_rows: pl.Series) -> None:
        self.free_b = self.free_b.filter(~self.free_b.is_in(b_rows.implode()))
        self.free_l = self.free_l.filter(~self.free_l.is_in(l_rows.implode()))

    def free(self, pairs: pl.DataFrame, *, uncontested: bool) -> pl.DataFrame:
        keep = pl.col("b_row").is_in(self.free_b.implode()) & pl.col("l_row").is_in(self.free_l.implode())
        if uncontested and (self.contested_b or self.contested_l):
            keep &= ~pl.col("b_row").is_in(list(self.contested_b)) & ~pl.col("l_row").is_in(list(self.contested_l))
        return pairs.filter(keep)


def _pair_rows(pairs: pl.DataFrame, status: str, rule: Rule) -> pl.DataFrame:
    return pairs.select(
        pl.lit(status).alias("status"),
        pl.concat_list("b_row").alias("bank_rows"),
        pl.concat_list("l_row").alias("ledger_rows"),
        pl.lit(rule.name).alias("rule"),
        pl.col("score").round(3).alias("confidence"),
        pl.col("diff").alias("difference_fen"),
        "evidence",
        "explanation_zh",
        "explanation_en",
    )


def _why_alone(accepted: pl.DataFrame, rivals: pl.DataFrame) -> pl.DataFrame:
    """Each accepted pair's explanation, ending with why nothing else explains its lines: no other line of its
    amount in the window, or how many others there are and the best score among them (below the pair's by more
    than the ambiguity margin)."""
    others = (
        accepted.select("b_row", "l_row")
        .join(
            rivals.select(pl.col("b_row"), pl.col("l_row").alias("o_l"), pl.col("score").alias("o_score")),
            on="b_row",
            how="left",
        )
        .filter(pl.col("o_l") != pl.col("l_row"))
        .select("b_row", "l_row", "o_score")
    )
    others = pl.concat([others, (
        accepted.select("b_row", "l_row")
        .join(rivals.select(pl.col("l_row"), pl.col("b_row").alias("o_b"), pl.col("score").alias("o_score")),
              on="l_row", how="left")
        .filter(pl.col("o_b") != pl.col("b_row"))
        .select("b_row", "l_row", "o_score")
    )])  # fmt: skip
    summary = others.group_by("b_row", "l_row").agg(pl.len().alias("rivals"), pl.col("o_score").max().alias("best"))
    joined = accepted.join(summary, on=["b_row", "l_row"], how="left").with_columns(pl.col("rivals").fill_null(0))
    zh = (
        pl.when(pl.col("rivals") == 0)
        .then(pl.lit("窗口内没有同金额的其他行，唯一"))
        .otherwise(pl.format("另有 {} 个候选，证据均明显较弱（最高 {}）", pl.col("rivals"), pl.col("best").round(2)))
    )
    en = (
        pl.when(pl.col("rivals") == 0)
        .then(pl.lit("no other line of the amount in the window: the only candidate"))
        .otherwise(pl.format("{} other candidates, all with clearly weaker evidence (best {})", pl.col("rivals"),
                             pl.col("best").round(2)))
    )  # fmt: skip
    return joined.with_columns(
        pl.concat_str([pl.col("explanation_zh"), zh], separator="；").alias("explanation_zh"),
        pl.concat_str([pl.col("explanation_en"), en], separator="; ").alias("explanation_en"),
    ).drop("rivals", "best")


def _apply_pairs(state: _State, scored: pl.DataFrame, rule: Rule, settings: Settings) -> None:
    within = pl.col("gap") <= rule.date_window
    cand = state.free(scored, uncontested=rule.auto).filter(within & satisfies(rule.require, settings))
    if cand.is_empty():
        return
    if not rule.auto:
        state.out.append(_pair_rows(top_suggestions(cand), "suggested", rule))
        return
    # Every other candidate of the same lines in the rule's window competes, whatever evidence it has: a pair is
    # automatic only when nothing else explains its lines as well (`assign`). A text naming another party vetoes.
    rivals = state.free(scored, uncontested=False).filter(within)
    if "unique" in rule.require:  # the only candidate of both its lines
        alone = (pl.len().over("b_row") == 1) & (pl.len().over("l_row") == 1)
        cand = cand.join(rivals.filter(alone).select("b_row", "l_row"), on=["b_row", "l_row"])
    vetoed = cand.filter(pl.col("conflict"))
    cand = cand.filter(~pl.col("conflict"))
    if not vetoed.is_empty():
        state.out.append(_pair_rows(top_suggestions(vetoed), "suggested", rule))
    if cand.is_empty():
        return
    accepted, contested = assign(cand, settings.ambiguity_margin, rivals)
    if not accepted.is_empty():
        state.out.append(_pair_rows(_why_alone(accepted, rivals), "auto", rule))
        state.take(accepted["b_row"], accepted["l_row"])
    if not contested.is_empty():
        state.contested_b.update(contested["b_row"].to_list())
        state.contested_l.update(contested["l_row"].to_list())
        state.out.append(_pair_rows(top_suggestions(contested), "suggested", rule))


def _group_rows(groups: list[Group], bank: pl.DataFrame, ledger: pl.DataFrame) -> pl.DataFrame:
    b_amount = dict(zip(bank["row"].to_list(), bank["amount"].to_list(), strict=True))
    rows = []
    for g in groups:
        if not g.bank_rows:
            continue
        total = sum(b_amount[r] for r in g.bank_rows)
        shape = f"{len(g.bank_rows)} 笔银行流水 : {len(g.ledger_rows)} 笔日记账"
        shape_en = f"{len(g.bank_rows)} bank : {len(g.ledger_rows)} ledger lines"
        money = f"{total // 100}.{total % 100:02d}"
        why_zh, why_en = (
            ("关联行中唯一一组合计相符，且这些行不属于其他任何组合", "the only set of the linked lines that adds up, "
             "and none of its lines is in any other set that does")
            if g.auto else
            ("合计相符的组合不止一个或与其他组合共用行，须人工选择", "more than one set adds up, or a line is also in "
             "another set: a person decides")
        )  # fmt: skip
        rows.append(
            {
                "status": "auto" if g.auto else "suggested",
                "bank_rows": list(g.bank_rows),
                "ledger_rows": list(g.ledger_rows),
                "rule": g.rule,
                "confidence": 0.85 if g.auto else 0.5,
                "difference_fen": 0,
                "evidence": "group,counterparty" if "counterparty" in g.rule else "group",
                "explanation_zh": f"{shape}，合计 {money} 相符；{why_zh}",
                "explanation_en": f"{shape_en} add up to {money}; {why_en}",
            }
        )
    return pl.DataFrame(rows, schema=MATCH_SCHEMA)


MATCH_SCHEMA: dict[str, pl.DataType] = {
    "status": pl.String(),
    "bank_rows": pl.List(pl.Int64()),
    "ledger_rows": pl.List(pl.Int64()),
    "rule": pl.String(),
    "confidence": pl.Float64(),
    "difference_fen": pl.Int64(),
    "evidence": pl.String(),
    "explanation_zh": pl.String(),
    "explanation_en": pl.String(),
}


def _apply_groups(state: _State, b: pl.DataFrame, l_: pl.DataFrame, rule: Rule, settings: Settings) -> None:
    fb = b.filter(pl.col("row").is_in(state.free_b.implode()))
    fl = l_.filter(pl.col("row").is_in(state.free_l.implode()))
    if rule.auto:
        fb = fb.filter(~pl.col("row").is_in(list(state.contested_b)))
        fl = fl.filter(~pl.col("row").is_in(list(state.contested_l)))
    groups, used_b, used_l = find_groups(fb, fl, rule, settings)
    for g in groups:
        if g.truncated_side is None or g.truncated_row is None:
            continue
        state.notes.append(
            SearchNote(
                g.truncated_side,
                g.truncated_row,
                f"规则 {rule.name}：该行关联的行多于 {settings.group_candidates} 笔，只搜索了日期最近的，"
                "可能遗漏多笔合计匹配",
                f"rule {rule.name}: more than {settings.group_candidates} lines are linked to this one; only the "
                "nearest in date were searched, so a group match may be missed",
            )
        )
    state.out.append(_group_rows(groups, fb, fl))
    if used_b or used_l:
        state.take(pl.Series(sorted(used_b), dtype=pl.Int64), pl.Series(sorted(used_l), dtype=pl.Int64))


def match(
    bank: pl.DataFrame,
    ledger: pl.DataFrame,
    rules: RuleSet | None = None,
    aliases: Aliases | None = None,
    context: pl.DataFrame | None = None,
) -> MatchResult:
    """Match `bank` against `ledger`; `context` (the journal's other lines) helps name counterparties."""
    rules = rules or default_rules()
    settings = rules.settings
    b = prepare_bank(bank)
    parties = month_parties(bank, ledger, context, aliases)
    l_ = narrow_texts(prepare_ledger(ledger, context), parties.names, parties.owner_of)
    window = rules.pair_window
    scale = settings.date_window
    scored = explain_pairs(score_pairs(exact_pairs(b, l_, window), settings, scale, aliases, parties), settings)
    scored = scored.sort("b_row", "l_row")
    state = _State(b, l_)
    for rule in rules.rules:
        if rule.kind == "pair":
            _apply_pairs(state, scored, rule, settings)
        elif rule.kind == "fee":
            fb = b.filter(pl.col("row").is_in(state.free_b.implode()))
            fl = l_.filter(pl.col("row").is_in(state.free_l.implode()))
            pairs = fee_pairs(
                fb, fl, rule.date_window, settings.fees_fen, settings.fee_percent_bp, settings.fee_max_fen
            )
            fee_scored = explain_pairs(score_pairs(pairs, settings, scale, aliases, parties), settings).sort(
                "b_row", "l_row"
            )
            _apply_pairs(state, fee_scored, rule, settings)
        else:
            _apply_groups(state, b, l_, rule, settings)
    return _result(state)


def month_parties(
    bank: pl.DataFrame, ledger: pl.DataFrame, context: pl.DataFrame | None, aliases: Aliases | None
) -> Parties:
    """The parties the month knows: the statement's counterparties, the parties the books state, learned aliases."""
    names = [*bank["counterparty_name"].drop_nulls().unique().to_list(),
             *ledger["counterparty_name"].drop_nulls().unique().to_list()]  # fmt: skip
    if context is not None and not context.is_empty():
        names += context["counterparty_name"].drop_nulls().unique().to_list()
    if aliases is not None:
        names += list(aliases.name_aliases)
    return known_parties(names)


def with_alternatives(frame: pl.DataFrame) -> pl.DataFrame:
    """Each suggestion's `alternatives`: the other suggestions that share one of its lines (a person picks one of
    them), also named at the end of its explanation; an automatic match has none."""
    touched = pl.concat([
        frame.select("match_id", "status", pl.lit("b").alias("side"), pl.col("bank_rows").alias("line")),
        frame.select("match_id", "status", pl.lit("l").alias("side"), pl.col("ledger_rows").alias("line")),
    ]).explode("line").filter(pl.col("status") == "suggested")  # fmt: skip
    pairs = (
        touched.join(touched.select(pl.col("match_id").alias("other"), "side", "line"), on=["side", "line"])
        .filter(pl.col("other") != pl.col("match_id"))
        .group_by("match_id")
        .agg(pl.col("other").unique().sort().alias("alternatives"))
    )
    named = pl.col("alternatives").list.eval(pl.format("#{}", pl.element())).list.join("、")
    return (
        frame.join(pairs, on="match_id", how="left", maintain_order="left")
        .with_columns(pl.col("alternatives").fill_null(pl.lit([], dtype=pl.List(pl.Int64))))
        .with_columns(
            pl.when(pl.col("alternatives").list.len() > 0)
            .then(pl.concat_str([pl.col("explanation_zh"), pl.lit("；备选："), named]))
            .otherwise(pl.col("explanation_zh")).alias("explanation_zh"),
            pl.when(pl.col("alternatives").list.len() > 0)
            .then(pl.concat_str([pl.col("explanation_en"), pl.lit("; alternatives: "),
                                 pl.col("alternatives").list.eval(pl.format("#{}", pl.element())).list.join(", ")]))
            .otherwise(pl.col("explanation_en")).alias("explanation_en"),
        )
    )  # fmt: skip


def _result(state: _State) -> MatchResult:
    frames = [f.select(list(MATCH_SCHEMA)) for f in state.out if not f.is_empty()]
    frame = pl.concat(frames) if frames else pl.DataFrame(schema=MATCH_SCHEMA)
    free_b, free_l = state.free_b.implode(), state.free_l.implode()
    # Suggestions are for lines left unmatched; drop any that touch an automatic match, and repeats.
    auto = frame.filter(pl.col("status") == "auto")
    suggested = (
        frame.filter(pl.col("status") == "suggested")
        .filter(
            pl.col("bank_rows").list.eval(pl.element().is_in(free_b)).list.all()
            & pl.col("ledger_rows").list.eval(pl.element().is_in(free_l)).list.all()
        )
        .unique(subset=["bank_rows", "ledger_rows"], keep="first", maintain_order=True)
    )
    frame = (
        pl.concat([auto, suggested])
        .with_columns(pl.col("bank_rows").list.sort(), pl.col("ledger_rows").list.sort())
        .sort(
            pl.col("status") != "auto",
            pl.col("bank_rows").list.first(),
            pl.col("ledger_rows").list.first(),
            pl.col("bank_rows").list.len(),
            pl.col("ledger_rows").list.len(),
            "rule",
            nulls_last=True,
        )
        .with_row_index("match_id", offset=1)
        .with_columns(pl.col("match_id").cast(pl.Int64))
    )
    frame = with_alternatives(frame).select(list(MATCH_COLUMNS))
    return MatchResult(
        frame=frame,
        unmatched_bank_rows=tuple(sorted(state.free_b.to_list())),
        unmatched_ledger_rows=tuple(sorted(state.free_l.to_list())),
        notes=tuple(state.notes),
    )
