"""The 银行存款余额调节表: outstanding items, balances and likely causes of a difference. Pure code."""

from hezhang.reconciliation.model import BalanceReconciliation, Cause, OutstandingItem, OutstandingKind
from hezhang.reconciliation.statement import reconcile

__all__ = ["BalanceReconciliation", "Cause", "OutstandingItem", "OutstandingKind", "reconcile"]
