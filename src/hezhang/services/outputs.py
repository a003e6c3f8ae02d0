"""Match results and statements as the plain rows the report renderers take."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from hezhang.matching import MatchResult
from hezhang.reconciliation import BalanceReconciliation


def match_rows(result: MatchResult) -> list[dict[str, Any]]:
    """One dict per match (auto first), with row lists as tuples."""
    return [
        {**row, "bank_rows": tuple(row["bank_rows"]), "ledger_rows": tuple(row["ledger_rows"])}
        for row in result.frame.iter_rows(named=True)
    ]


def outstanding_rows(statement: BalanceReconciliation) -> list[dict[str, Any]]:
    return [asdict(item) for item in statement.items]
