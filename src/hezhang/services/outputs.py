"""Match results and statements as the plain rows the report renderers take."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from hezhang.matching import MatchResult
from hezhang.privacy.masks import mask_counterparty, mask_free_text
from hezhang.privacy.names import KnownNames, looks_personal
from hezhang.reconciliation import BalanceReconciliation
from hezhang.reports.reconciliation_json import KINDS


def match_rows(result: MatchResult) -> list[dict[str, Any]]:
    """One dict per match (auto first), with row lists as tuples."""
    return [
        {**row, "bank_rows": tuple(row["bank_rows"]), "ledger_rows": tuple(row["ledger_rows"])}
        for row in result.frame.iter_rows(named=True)
    ]


def outstanding_rows(statement: BalanceReconciliation) -> list[dict[str, Any]]:
    return [asdict(item) for item in statement.items]


def _people(counterparties: list[str | None]) -> KnownNames:
    """The items' counterparties that are people: their names are hidden wherever a memo repeats them."""
    return KnownNames(name for name in counterparties if name and looks_personal(name))


def masked_statement(statement: BalanceReconciliation) -> BalanceReconciliation:
    """The statement as it may leave the service: memos and counterparties of its items masked."""
    known = _people([item.counterparty for item in statement.items])
    items = tuple(
        replace(item, memo=mask_free_text(item.memo, known), counterparty=mask_counterparty(item.counterparty))
        for item in statement.items
    )
    return replace(statement, items=items)


def masked_document(document: dict[str, Any]) -> dict[str, Any]:
    """A statement document (`reports.reconciliation_json`) with its items' memos and counterparties masked."""
    out = dict(document)
    for kind in KINDS:
        out[kind.value] = [
            {
                **item,
                "memo": mask_free_text(item.get("memo")),
                "counterparty": mask_counterparty(item.get("counterparty")),
            }
            for item in document.get(kind.value, [])
        ]
    return out
