"""Learning from confirmed matches: counterparty name -> how the books write it, payee -> contra account.

A person confirms matches by keeping their rows in matches.csv with status `auto` or `confirmed`
(suggestions they accept get status `confirmed`; rows they reject are deleted or marked `rejected`).
What is learned is data (aliases.json), read by the next period's `reconcile --aliases`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from hezhang.domain.problem import Problem
from hezhang.importers import parse
from hezhang.matching import Aliases
from hezhang.matching.names import core_names

CONFIRMED = ("auto", "confirmed")


@dataclass(frozen=True)
class LearnOutcome:
    problems: tuple[Problem, ...] = ()
    aliases: int = 0
    accounts: int = 0


def _confirmed_pairs(text: str, source: str) -> tuple[list[tuple[int, int]], list[Problem]]:
    pairs: list[tuple[int, int]] = []
    problems: list[Problem] = []
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not {"status", "bank_rows", "ledger_rows"} <= set(reader.fieldnames):
        return [], [Problem(source, "不是 matches.csv（缺少 status/bank_rows/ledger_rows 列）",
                            "not a matches.csv (no status/bank_rows/ledger_rows columns)")]  # fmt: skip
    for n, row in enumerate(reader, start=2):
        if row["status"] not in CONFIRMED:
            continue
        b, l_ = row["bank_rows"].split(";"), row["ledger_rows"].split(";")
        if len(b) == 1 and len(l_) == 1 and b[0].isdigit() and l_[0].isdigit():
            pairs.append((int(b[0]), int(l_[0])))
        elif not all(x.lstrip("P").isdigit() for x in (*b, *l_)):
            problems.append(Problem(source, "行号无法识别", "rows cannot be read", row=n, column="bank_rows"))
    return pairs, problems


def learn_from_files(
    bank_path: Path, journal_path: Path, matches_path: Path, aliases_path: Path, *, account_prefix: str = "1002"
) -> LearnOutcome:
    """Add what the confirmed one-to-one matches show to `aliases_path` (created when missing)."""
    bank = parse(bank_path.read_bytes(), bank_path.name, "bank")
    journal = parse(journal_path.read_bytes(), journal_path.name, "journal", account_prefix=account_prefix)
    pairs, problems = _confirmed_pairs(matches_path.read_text("utf-8-sig"), matches_path.name)
    problems = [*bank.problems, *journal.problems, *problems]
    aliases = Aliases()
    if aliases_path.exists():
        try:
            aliases = Aliases.from_json(aliases_path.read_text("utf-8"))
        except ValueError as e:
            zh, _, en = str(e).partition(" / ")
            problems.append(Problem(aliases_path.name, zh, en or zh))
    if problems:
        return LearnOutcome(problems=tuple(problems))
    names = dict(bank.lines.select("row", "counterparty_name").iter_rows())
    ledger = {
        r: (memo, contra) for r, memo, contra in journal.lines.select("row", "memo", "contra_accounts").iter_rows()
    }
    known = [(b, l_) for b, l_ in pairs if b in names and l_ in ledger]
    cores = core_names([names[b] for b, _ in known])
    before = (sum(len(v) for v in aliases.name_aliases.values()), len(aliases.payee_accounts))
    for (_, l_), core in zip(known, cores, strict=True):
        memo, contra = ledger[l_]
        first_contra = contra.split(";")[0] if contra else None
        aliases.learn(core, memo, first_contra)
    tmp = aliases_path.with_suffix(".tmp")
    tmp.write_text(aliases.to_json(), "utf-8")
    tmp.replace(aliases_path)
    after = (sum(len(v) for v in aliases.name_aliases.values()), len(aliases.payee_accounts))
    return LearnOutcome(aliases=after[0] - before[0], accounts=after[1] - before[1])
