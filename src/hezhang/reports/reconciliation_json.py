"""The 银行存款余额调节表 as JSON: the `reconciliation.json` written by `hezhang reconcile`.

The next period reads it back with `hezhang.reconciliation.carry.load_carry_forward`. The object's keys, in order:

- ``account``, ``period`` ("2026-10", `str(Period)`), ``currency``;
- ``book_balance``, ``bank_balance``: the two closing balances;
- ``bank_received_book_not``, ``bank_paid_book_not``, ``book_received_bank_not``, ``book_paid_bank_not``: the four
  kinds of 未达账项, each a list of items in statement order;
- ``adjusted_book_balance``, ``adjusted_bank_balance``, ``balanced`` (a JSON boolean);
- then ``difference`` (adjusted book minus adjusted bank), ``book_opening``, ``book_opening_assumed``,
  ``bank_balance_assumed`` and ``causes`` (``code``, ``zh``, ``en``, ``bank_row``, ``ledger_row``);
- then ``agrees`` (the adjusted balances are equal), ``gaps`` (where the bank statement's own numbers disagree:
  ``kind``, ``row``, ``statement``, ``expected``, ``stated``, ``zh``, ``en``) and ``gaps_acknowledged`` (who accepted
  them and why, or null). ``balanced`` is ``agrees`` when there is no gap, and false while a gap is unacknowledged.

An item has ``amount``, ``date`` (ISO), ``memo`` (null when absent), exactly one of ``bank_row``, ``ledger_row``,
``match_id``, then ``counterparty`` (null when absent), ``carried`` and ``since`` (null when absent).
Amounts are strings with two decimals ("1234.56", "-5.00"), never JSON numbers.
"""

from __future__ import annotations

import json
from typing import Any

from hezhang.domain.money import format_fen
from hezhang.reconciliation.model import BalanceReconciliation, Cause, OutstandingItem, OutstandingKind

#: The kinds in the order of their keys in the document.
KINDS = (
    OutstandingKind.BANK_RECEIVED_BOOK_NOT,
    OutstandingKind.BANK_PAID_BOOK_NOT,
    OutstandingKind.BOOK_RECEIVED_BANK_NOT,
    OutstandingKind.BOOK_PAID_BANK_NOT,
)
#: The keys that say where an item comes from; an item has exactly one.
SOURCE_KEYS = ("bank_row", "ledger_row", "match_id")


#: An item's keys that hold personal data (S2): left out of the document kept in plain (`personal=False`).
PERSONAL_KEYS = ("memo", "counterparty")


def item_document(item: OutstandingItem, *, personal: bool = True) -> dict[str, Any]:
    """One 未达账项 as a JSON-ready dict (without memo and counterparty when not `personal`). Raises ValueError
    unless exactly one source key is set."""
    sources = {key: getattr(item, key) for key in SOURCE_KEYS if getattr(item, key) is not None}
    if len(sources) != 1:
        raise ValueError(
            f"未达账项须恰有一个来源（bank_row/ledger_row/match_id）/ an outstanding item needs exactly one "
            f"source, got {sorted(sources) or 'none'}: {item!r}"
        )
    doc = {
        "amount": format_fen(item.amount_fen),
        "date": item.date.isoformat(),
        "memo": item.memo,
        **sources,
        "counterparty": item.counterparty,
        "carried": item.carried,
        "since": item.since,
    }
    return doc if personal else {k: v for k, v in doc.items() if k not in PERSONAL_KEYS}


def _cause_document(cause: Cause) -> dict[str, Any]:
    return {
        "code": cause.code,
        "zh": cause.zh,
        "en": cause.en,
        "bank_row": cause.bank_row,
        "ledger_row": cause.ledger_row,
    }


def reconciliation_document(rec: BalanceReconciliation, *, personal: bool = True) -> dict[str, Any]:
    """The statement as a JSON-ready dict, keys in the documented order. With `personal=False` it holds no S2
    value at all (no memo, no counterparty; causes never name either): what the store may keep in plain."""
    doc: dict[str, Any] = {
        "account": rec.account,
        "period": str(rec.period),
        "currency": rec.currency,
        "book_balance": format_fen(rec.book_balance_fen),
        "bank_balance": format_fen(rec.bank_balance_fen),
    }
    for kind in KINDS:
        doc[kind.value] = [item_document(i, personal=personal) for i in rec.of_kind(kind)]
    doc |= {
        "adjusted_book_balance": format_fen(rec.adjusted_book_fen),
        "adjusted_bank_balance": format_fen(rec.adjusted_bank_fen),
        "balanced": rec.balanced,
        "difference": format_fen(rec.difference_fen),
        "book_opening": format_fen(rec.book_opening_fen),
        "book_opening_assumed": rec.book_opening_assumed,
        "bank_balance_assumed": rec.bank_balance_assumed,
        "causes": [_cause_document(c) for c in rec.causes],
        "agrees": rec.agrees,
        "gaps": [
            {
                "kind": g.kind.value,
                "row": g.row,
                "statement": g.statement,
                "expected": format_fen(g.expected_fen),
                "stated": format_fen(g.stated_fen),
                "zh": g.message_zh,
                "en": g.message_en,
            }
            for g in rec.gaps
        ],
        "gaps_acknowledged": rec.gaps_acknowledged,
    }
    return doc


def render_reconciliation_json(rec: BalanceReconciliation) -> str:
    """The statement as JSON text (UTF-8 characters as they are, two-space indent, newline at the end)."""
    return json.dumps(reconciliation_document(rec), ensure_ascii=False, indent=2) + "\n"
