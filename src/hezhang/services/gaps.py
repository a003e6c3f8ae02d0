"""A bank statement's gaps as the store keeps them: with its import, the account shown by its last four characters.

A gap stays with the import it was found in. A reconciliation takes the gaps of the imports its bank lines come
from (a running-balance gap only when the line after it is one of the period's), so a statement whose bank side
does not hold together is not balanced until a person acknowledges it (`reconcile --accept-gaps REASON`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hezhang.domain.gap import BalanceGap, GapKind
from hezhang.privacy.masks import mask_account, mask_free_text
from hezhang.services.errors import UserError


def gap_documents(gaps: Iterable[BalanceGap]) -> list[dict[str, Any]] | None:
    """The gaps as the import keeps them (S1: amounts, rows, the account masked); None when there are none."""
    found = [
        {"kind": g.kind.value, "row": g.row, "expected_fen": g.expected_fen, "stated_fen": g.stated_fen,
         "currency": g.currency, "statement": g.statement, "previous_statement": g.previous_statement,
         "account": mask_account(g.account)}
        for g in gaps
    ]  # fmt: skip
    return found or None


def gap_of(document: Mapping[str, Any]) -> BalanceGap:
    return BalanceGap(
        account=document.get("account"), row=document.get("row"), expected_fen=int(document["expected_fen"]),
        stated_fen=int(document["stated_fen"]), currency=str(document.get("currency") or "CNY"),
        kind=GapKind(document.get("kind", "running")), statement=document.get("statement"),
        previous_statement=document.get("previous_statement"),
    )  # fmt: skip


def gaps_in(imports: Mapping[Any, list[dict[str, Any]] | None], rows_used: set[tuple[Any, int]]) -> tuple[
    BalanceGap, ...]:  # fmt: skip
    """The gaps of the given imports (import id -> its stored gaps) that concern lines used: a running-balance gap
    when the line after it ((import id, row)) is used, a gap in totals or between statements always."""
    found = []
    for import_id, documents in imports.items():
        for document in documents or []:
            row = document.get("row")
            if row is None or (import_id, int(row)) in rows_used:
                found.append(gap_of(document))
    return tuple(found)


def gap_acknowledgement(reason: str | None, who: str | None = None) -> str | None:
    """How a statement names a person's acceptance of its bank statement's gaps ("wang: 银行确认缺页"), the reason
    masked (it is shown and kept with the statement)."""
    if reason is None:
        return None
    why = (mask_free_text(reason.strip()) or "").strip()
    if len(why) < 4:
        raise UserError("确认对账单缺口须说明理由（至少 4 个字）/ accepting a statement's gaps needs a reason "
                        "(at least 4 characters)")  # fmt: skip
    return f"{who}: {why}" if who else why
