"""How good a match result and its 余额调节表 are, measured against a client-month's ground truth.

A pair is one (bank row, ledger row) inside a match or a true group; a group of 2 bank and 3 ledger lines has
6 pairs. The measures (counts are kept, ratios computed, so that `aggregate` is a micro-average):

- auto precision: correct auto pairs / auto pairs. An auto pair is correct when it lies inside a decidable true
  group. An auto pair among interchangeable lines (a group that is not `decidable`) is a guess and counts as
  wrong even when it happens to pick the generator's pairing: such lines must be suggestions.
- auto recall: correct auto pairs / pairs of decidable true groups.
- auto + suggested recall: true pairs found in any auto or suggested match / all true pairs. For a group that is
  not decidable, pairing its bank line with any ledger line of its cluster counts as found.
- group exactness: decidable true groups reproduced exactly (same bank rows, same ledger rows) by one auto match.
- outstanding accuracy: true 未达账项 found in the statement with the right kind: a line item on its row, the fee
  of a "fee" group on the auto match that reproduces the group, with the fee as its amount.
- statements balanced: the statement's adjusted balances agree.

A ratio with nothing to count (0 / 0) is 1.0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Protocol

from hezhang.matching.model import MatchResult, Status
from hezhang.reconciliation.model import BalanceReconciliation
from hezhang.samples.client_month import TrueGroup, TrueOutstanding

Pair = tuple[int, int]


class Truth(Protocol):
    """What the scorer needs of the ground truth (a `GroundTruth` or a `ClientMonth`)."""

    @property
    def groups(self) -> Sequence[TrueGroup]: ...

    @property
    def outstanding(self) -> Sequence[TrueOutstanding]: ...


@dataclass(frozen=True, slots=True)
class Scores:
    auto_pairs: int = 0
    correct_auto_pairs: int = 0
    #: Auto pairs among interchangeable lines (counted in `auto_pairs`, never correct).
    guessed_pairs: int = 0
    decidable_pairs: int = 0
    true_pairs: int = 0
    found_pairs: int = 0
    decidable_groups: int = 0
    exact_groups: int = 0
    outstanding: int = 0
    outstanding_right: int = 0
    statements: int = 0
    balanced: int = 0
    #: Decidable true groups and exactly reproduced ones, per group kind ("1:1", "N:1", "1:N", "N:M", "fee").
    groups_by_kind: Mapping[str, int] = field(default_factory=dict)
    exact_by_kind: Mapping[str, int] = field(default_factory=dict)
    #: The same per scenario of the generator (receipt, taxes, payroll, fees, rent…).
    groups_by_scenario: Mapping[str, int] = field(default_factory=dict)
    exact_by_scenario: Mapping[str, int] = field(default_factory=dict)

    @property
    def auto_precision(self) -> float:
        return _ratio(self.correct_auto_pairs, self.auto_pairs)

    @property
    def auto_recall(self) -> float:
        return _ratio(self.correct_auto_pairs, self.decidable_pairs)

    @property
    def found_recall(self) -> float:
        """Recall of auto + suggested matches over all true pairs."""
        return _ratio(self.found_pairs, self.true_pairs)

    @property
    def group_exactness(self) -> float:
        return _ratio(self.exact_groups, self.decidable_groups)

    @property
    def outstanding_accuracy(self) -> float:
        return _ratio(self.outstanding_right, self.outstanding)

    @property
    def balanced_share(self) -> float:
        return _ratio(self.balanced, self.statements)

    def exactness_of(self, kind: str) -> float:
        return _ratio(self.exact_by_kind.get(kind, 0), self.groups_by_kind.get(kind, 0))

    def exactness_in(self, scenario: str) -> float:
        return _ratio(self.exact_by_scenario.get(scenario, 0), self.groups_by_scenario.get(scenario, 0))


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def _pairs(bank_rows: Iterable[int], ledger_rows: Sequence[int]) -> set[Pair]:
    return {(b, led) for b in bank_rows for led in ledger_rows}


def score(truth: Truth, result: MatchResult, rec: BalanceReconciliation) -> Scores:
    """Scores of one client-month: `result` and its statement `rec` against the ground truth."""
    decidable = [g for g in truth.groups if g.decidable]
    good = _union(_pairs(g.bank_rows, g.ledger_rows) for g in decidable)
    clusters: dict[int, set[int]] = {}  # cluster -> its ledger rows
    bank_cluster: dict[int, int] = {}  # bank row of an interchangeable line -> its cluster
    for g in truth.groups:
        if not g.decidable:
            clusters.setdefault(g.cluster or 0, set()).update(g.ledger_rows)
            bank_cluster.update(dict.fromkeys(g.bank_rows, g.cluster or 0))
    interchangeable = {(b, led) for b, c in bank_cluster.items() for led in clusters[c]}
    auto = _union(_pairs(m.bank_rows, m.ledger_rows) for m in result.auto)
    found = auto | _union(_pairs(m.bank_rows, m.ledger_rows) for m in result.suggested)
    found |= {
        (b, led) for b, c in bank_cluster.items() if any((b, x) in found for x in clusters[c]) for led in clusters[c]
    }
    true_pairs = [p for g in truth.groups for p in _pairs(g.bank_rows, g.ledger_rows)]
    exact_auto = {(tuple(sorted(m.bank_rows)), tuple(sorted(m.ledger_rows))) for m in result.auto}
    exact = [g for g in decidable if (g.bank_rows, g.ledger_rows) in exact_auto]
    return Scores(
        auto_pairs=len(auto),
        correct_auto_pairs=len(auto & good),
        guessed_pairs=len(auto & interchangeable),
        decidable_pairs=len(good),
        true_pairs=len(true_pairs),
        found_pairs=sum(p in found for p in true_pairs),
        decidable_groups=len(decidable),
        exact_groups=len(exact),
        outstanding=len(truth.outstanding),
        outstanding_right=sum(_classified(o, truth, result, rec) for o in truth.outstanding),
        statements=1,
        balanced=int(rec.balanced),
        groups_by_kind=dict(Counter(g.kind for g in decidable)),
        exact_by_kind=dict(Counter(g.kind for g in exact)),
        groups_by_scenario=dict(Counter(g.scenario for g in decidable)),
        exact_by_scenario=dict(Counter(g.scenario for g in exact)),
    )


def _union(sets: Iterable[set[Pair]]) -> set[Pair]:
    out: set[Pair] = set()
    for s in sets:
        out |= s
    return out


def _classified(item: TrueOutstanding, truth: Truth, result: MatchResult, rec: BalanceReconciliation) -> bool:
    current = [i for i in rec.items if not i.carried and i.kind is item.kind]
    if item.group is None:
        if item.bank_row is not None:
            return any(i.bank_row == item.bank_row for i in current)
        return any(i.ledger_row == item.ledger_row for i in current)
    group = truth.groups[item.group]
    matches = {m.match_id: m for m in result.matches if m.status is Status.AUTO}
    rows = (group.bank_rows, group.ledger_rows)
    return any(
        (m := matches.get(i.match_id if i.match_id is not None else 0)) is not None
        and i.amount_fen == item.amount_fen
        and (tuple(sorted(m.bank_rows)), tuple(sorted(m.ledger_rows))) == rows
        for i in current
    )


def aggregate(scores: Iterable[Scores]) -> Scores:
    """The sum of the counts of many client-months (so the ratios are micro-averages)."""
    items = list(scores)
    names = [f.name for f in fields(Scores)]
    counted = {n: sum(getattr(s, n) for s in items) for n in names if not n.endswith(("_kind", "_scenario"))}

    def tally(name: str) -> dict[str, int]:
        total: Counter[str] = Counter()
        for s in items:
            total.update(getattr(s, name))
        return dict(total)

    return Scores(
        **counted,
        groups_by_kind=tally("groups_by_kind"),
        exact_by_kind=tally("exact_by_kind"),
        groups_by_scenario=tally("groups_by_scenario"),
        exact_by_scenario=tally("exact_by_scenario"),
    )
