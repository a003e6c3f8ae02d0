"""What the matching engine returns: matches with their evidence, and what is left on each side."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import polars as pl


class Status(StrEnum):
    #: Counted as matched: unique best candidate under an automatic rule.
    AUTO = "auto"
    #: For a person to confirm or reject; never counted as matched.
    SUGGESTED = "suggested"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason a match was made, with its weight in the score."""

    code: str  # amount, date, reference, counterparty, settlement, alias, fee, group
    weight: float
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Match:
    """Bank lines and ledger lines that belong together. Rows are the importers' `row` ordinals.

    `difference_fen` = signed ledger total minus signed bank total (0 unless a tolerance rule matched).
    Items carried forward from the previous period have negative rows (see `reconciliation.carry`).
    """

    match_id: int
    status: Status
    bank_rows: tuple[int, ...]
    ledger_rows: tuple[int, ...]
    rule: str
    confidence: float
    difference_fen: int
    evidence: tuple[Evidence, ...]
    explanation_zh: str = ""
    explanation_en: str = ""
    #: For a suggestion: the other suggestions that share one of its lines (a person chooses among them).
    alternatives: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchNote:
    """A bound that cut a search short: the result may miss a group match there."""

    side: str  # "bank" or "ledger"
    row: int
    zh: str
    en: str


#: Columns of `MatchResult.frame`, one row per match.
MATCH_COLUMNS = (
    "match_id",
    "status",
    "bank_rows",
    "ledger_rows",
    "rule",
    "confidence",
    "difference_fen",
    "evidence",
    "explanation_zh",
    "explanation_en",
    "alternatives",
)


@dataclass(frozen=True)
class MatchResult:
    """Matches as a frame (fast for a million lines) with `Match` records on demand.

    `frame` columns: see `MATCH_COLUMNS`; `bank_rows`/`ledger_rows` are lists of rows, `evidence` the evidence
    codes separated by commas, `alternatives` the match ids of the other suggestions sharing a line. Auto matches
    never share a line; suggestions only involve lines in no auto match.
    """

    frame: pl.DataFrame
    unmatched_bank_rows: tuple[int, ...]
    unmatched_ledger_rows: tuple[int, ...]
    notes: tuple[SearchNote, ...] = field(default=())

    @cached_property
    def matches(self) -> tuple[Match, ...]:
        return tuple(
            Match(
                match_id=r["match_id"],
                status=Status(r["status"]),
                bank_rows=tuple(r["bank_rows"]),
                ledger_rows=tuple(r["ledger_rows"]),
                rule=r["rule"],
                confidence=r["confidence"],
                difference_fen=r["difference_fen"],
                evidence=tuple(_evidence(code) for code in r["evidence"].split(",") if code),
                explanation_zh=r["explanation_zh"],
                explanation_en=r["explanation_en"],
                alternatives=tuple(r.get("alternatives") or ()),
            )
            for r in self.frame.iter_rows(named=True)
        )

    @property
    def auto(self) -> tuple[Match, ...]:
        return tuple(m for m in self.matches if m.status is Status.AUTO)

    @property
    def suggested(self) -> tuple[Match, ...]:
        return tuple(m for m in self.matches if m.status is Status.SUGGESTED)


EVIDENCE_TEXT = {
    "amount": (0.40, "方向相同且金额相等", "same direction and equal amount"),
    "date": (0.15, "日期相近", "near in date"),
    "reference": (0.25, "参考号相同", "a shared reference"),
    "counterparty": (0.15, "对方单位相符", "the same counterparty"),
    "alias": (0.15, "按已确认的别名识别对方", "counterparty known from a confirmed alias"),
    "settlement": (0.05, "结算方式相同", "the same settlement method"),
    "fee": (0.0, "差额为银行手续费", "the difference is a bank fee"),
    "group": (0.0, "多笔合计相符", "several lines add up"),
}


def _evidence(code: str) -> Evidence:
    weight, zh, en = EVIDENCE_TEXT.get(code, (0.0, code, code))
    return Evidence(code, weight, zh, en)
