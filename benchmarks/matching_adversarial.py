"""Matching quality on adversarial client-months: a second generator, written apart from the first, for each
booking habit.

    python -m benchmarks.matching_adversarial [--months 36] [--seed 1] [--jobs 2] [--variants]

`--months` client-months per booking habit (bank-day, weekly, month-end) come from
`hezhang.samples.adversarial.generate_adversarial_month`. Each is written as the standard bank CSV and the
standard journal CSV, parsed with hezhang's importers, matched (`hezhang.matching.match`, with the journal's
other lines as context) and reconciled (`hezhang.reconciliation.reconcile`) as `benchmarks.matching` does, with
one addition: last month's 未达账项 that clear this month are carried in as `hezhang reconcile --carry-forward`
carries them (rows -1, -2… per side). `benchmarks.scorer` scores every month against its truth.

Printed: the overall measures per habit, then per scenario: how many true groups (and how many a careful
accountant cannot decide), group exactness (decidable groups reproduced by one auto match) and auto precision
(auto pairs touching a line of the scenario that lie inside a decidable true group). `--variants` adds the same
per scenario variant.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import polars as pl

from benchmarks.baselines import result_from
from benchmarks.scorer import Scores, aggregate, score
from hezhang.domain.frames import BANK_SCHEMA, LEDGER_SCHEMA, frame_from_records
from hezhang.importers import parse_bank, parse_journal
from hezhang.matching import MatchResult, match
from hezhang.reconciliation import reconcile
from hezhang.reconciliation.carry import carried_lines
from hezhang.samples.adversarial import CLASSES, HABITS, AdversarialMonth, generate_adversarial_month


@dataclass
class Tally:
    """Per scenario (or variant): true groups, undecidable ones, exact ones, auto pairs and the right ones."""

    groups: Counter[str] = field(default_factory=Counter)
    undecidable: Counter[str] = field(default_factory=Counter)
    decidable: Counter[str] = field(default_factory=Counter)
    exact: Counter[str] = field(default_factory=Counter)
    auto_pairs: Counter[str] = field(default_factory=Counter)
    right_pairs: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        for name in ("groups", "undecidable", "decidable", "exact", "auto_pairs", "right_pairs"):
            getattr(self, name).update(getattr(other, name))


def frames(month: AdversarialMonth) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
    """The month's bank and ledger lines as hezhang reads them, last month's items carried in."""
    with tempfile.TemporaryDirectory() as folder:
        bank_path, journal_path = month.write(folder)
        bank_file = parse_bank(bank_path.read_bytes(), bank_path.name)
        journal_file = parse_journal(journal_path.read_bytes(), journal_path.name, account_prefix=month.account_code)
    if not (bank_file.ok and journal_file.ok):
        problems = (bank_file.problems + journal_file.problems)[:3]
        raise RuntimeError(f"month {month.seed}/{month.habit} does not parse: {problems}")
    extra_bank, extra_ledger = carried_lines(month.carried, currency=month.currency, account_code=month.account_code)
    bank, ledger = bank_file.lines, journal_file.lines
    if extra_bank:
        bank = pl.concat([bank, frame_from_records(extra_bank, BANK_SCHEMA)])
    if extra_ledger:
        ledger = pl.concat([ledger, frame_from_records(extra_ledger, LEDGER_SCHEMA)])
    return bank, ledger, journal_file.context


def run_month(seed: int, habit: str) -> tuple[Scores, Tally, Tally, tuple[int, int], str]:
    """Scores of one adversarial month, its tallies per scenario and per variant, its (bank, ledger) lines, and the
    error `match` raised ("" when none; the month then counts as matched by nothing)."""
    month = generate_adversarial_month(seed, habit)
    bank, ledger, context = frames(month)
    error = ""
    try:
        result = match(bank, ledger, context=context)
    except Exception as e:  # an engine failure is a finding: the month is scored as if nothing was matched
        error = f"{seed}/{habit}: {type(e).__name__}: {str(e).splitlines()[0]}"
        result = result_from([], bank["row"].to_list(), ledger["row"].to_list())
    rec = reconcile(
        bank,
        ledger,
        result,
        account=month.account_code,
        period=month.period,
        currency=month.currency,
        book_opening_fen=month.book_opening_fen,
        bank_closing_fen=month.bank_closing_fen,
        carried=month.carried,
    )
    by_scenario = tally(month, result, [g.scenario for g in month.groups])
    by_variant = tally(
        month, result, [f"{g.scenario}/{v or '-'}" for g, v in zip(month.groups, month.variants, strict=True)]
    )
    return score(month.truth, result, rec), by_scenario, by_variant, (bank.height, ledger.height), error


def tally(month: AdversarialMonth, result: MatchResult, labels: list[str]) -> Tally:
    """Counts per label of the true groups (labels in group order); a line outstanding in truth is labelled by
    the scenario of its item."""
    t = Tally()
    good: set[tuple[int, int]] = set()
    bank_label: dict[int, str] = {}
    ledger_label: dict[int, str] = {}
    exact_auto = {(tuple(sorted(m.bank_rows)), tuple(sorted(m.ledger_rows))) for m in result.auto}
    for g, label in zip(month.groups, labels, strict=True):
        t.groups[label] += 1
        bank_label.update(dict.fromkeys(g.bank_rows, label))
        ledger_label.update(dict.fromkeys(g.ledger_rows, label))
        if g.decidable:
            t.decidable[label] += 1
            t.exact[label] += (g.bank_rows, g.ledger_rows) in exact_auto
            good |= {(b, x) for b in g.bank_rows for x in g.ledger_rows}
        else:
            t.undecidable[label] += 1
    for o in month.outstanding:
        if o.bank_row is not None:
            bank_label.setdefault(o.bank_row, o.scenario)
        if o.ledger_row is not None:
            ledger_label.setdefault(o.ledger_row, o.scenario)
    pairs = {(b, x) for m in result.auto for b in m.bank_rows for x in m.ledger_rows}
    for b, x in pairs:
        for label in {bank_label.get(b, "?"), ledger_label.get(x, "?")}:
            t.auto_pairs[label] += 1
            t.right_pairs[label] += (b, x) in good
    return t


def _run(job: tuple[int, str]) -> tuple[str, Scores, Tally, Tally, tuple[int, int], str]:
    return (job[1], *run_month(*job))


def quality(months: int, seed: int, jobs: int, variants: bool) -> None:
    work = [(seed * 1_000_000 + i, habit) for habit in HABITS for i in range(months)]
    with ProcessPoolExecutor(jobs, mp_context=mp.get_context("spawn")) as pool:
        runs = list(pool.map(_run, work, chunksize=max(1, len(work) // (jobs * 8))))
    scores = {h: aggregate(r[1] for r in runs if r[0] == h) for h in HABITS}
    scores["all"] = aggregate(r[1] for r in runs)
    scenario, variant = {h: Tally() for h in (*HABITS, "all")}, {h: Tally() for h in (*HABITS, "all")}
    lines = {h: [0, 0] for h in (*HABITS, "all")}
    for habit, _, by_scenario, by_variant, (n_bank, n_ledger), _ in runs:
        for key in (habit, "all"):
            scenario[key].add(by_scenario)
            variant[key].add(by_variant)
            lines[key][0] += n_bank
            lines[key][1] += n_ledger
    every = scores["all"]
    print(f"## Matching quality on adversarial months: {months} client-months per booking habit (seed {seed})\n")
    print(
        f"{lines['all'][0]:,} bank lines and {lines['all'][1]:,} ledger lines (carried items included), "
        f"{every.true_pairs:,} true pairs in {sum(scenario['all'].groups.values()):,} true groups, of which "
        f"{sum(scenario['all'].undecidable.values()):,} a careful accountant cannot decide; "
        f"{every.outstanding:,} true 未达账项.\n"
    )
    measures: list[tuple[str, Callable[[Scores], str]]] = [
        ("auto precision", lambda s: f"{s.auto_precision:.4f}"),
        ("auto recall", lambda s: f"{s.auto_recall:.4f}"),
        ("auto + suggested recall", lambda s: f"{s.found_recall:.4f}"),
        ("group exactness", lambda s: f"{s.group_exactness:.3f}"),
        ("outstanding accuracy", lambda s: f"{s.outstanding_accuracy:.3f}"),
        ("statements balanced", lambda s: f"{100 * s.balanced_share:.1f} %"),
        ("auto pairs", lambda s: f"{s.auto_pairs:,}"),
        ("auto pairs wrong", lambda s: f"{s.auto_pairs - s.correct_auto_pairs:,}"),
        ("auto pairs guessed among interchangeable lines", lambda s: f"{s.guessed_pairs:,}"),
    ]
    _table("measure", list(scores), [(label, [show(s) for s in scores.values()]) for label, show in measures])
    errors = [r[5] for r in runs if r[5]]
    if errors:
        print(
            f"\n`match` raised on {len(errors)} of {len(runs)} months (scored as matching nothing): "
            + "; ".join(errors[:3])
        )
    print("\nTargets: auto precision >= 0.999, auto recall >= 0.95, auto + suggested recall >= 0.995.\n")
    print(
        "Per scenario: true groups (undecidable), then per habit group exactness / auto precision (exactness over the "
        "decidable groups; precision over the auto pairs touching a line of the scenario; - where there is nothing "
        "to count):\n"
    )
    _scenario_table(scenario, _ordered(scenario["all"].groups))
    if variants:
        print("\nThe same per scenario variant:\n")
        _scenario_table(variant, sorted(variant["all"].groups))


def _ordered(groups: Counter[str]) -> list[str]:
    return [c for c in CLASSES if c in groups] + sorted(s for s in groups if s not in CLASSES)


def _scenario_table(tallies: dict[str, Tally], labels: Iterable[str]) -> None:
    rows = []
    for label in labels:
        every = tallies["all"]
        cells = [f"{every.groups[label]:,} ({every.undecidable[label]:,})"]
        for habit in (*HABITS, "all"):
            t = tallies[habit]
            exact = f"{t.exact[label] / t.decidable[label]:.3f}" if t.decidable[label] else "-"
            precision = f"{t.right_pairs[label] / t.auto_pairs[label]:.3f}" if t.auto_pairs[label] else "-"
            cells.append(f"{exact} / {precision}")
        rows.append((label, cells))
    _table("scenario", ["groups (undecidable)", *HABITS, "all"], rows)


def _table(corner: str, columns: list[str], rows: list[tuple[str, list[str]]]) -> None:
    print(f"| {corner} | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for label, cells in rows:
        print(f"| {label} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--months", type=int, default=36, help="client-months per booking habit")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--variants", action="store_true", help="also print the table per scenario variant")
    args = parser.parse_args()
    quality(args.months, args.seed, args.jobs, args.variants)


if __name__ == "__main__":
    main()
