"""The words of the domain: money, bank and ledger lines, periods and problems.

Pure records; no I/O, no database, no web.
"""

from hezhang.domain.gap import BalanceGap, GapKind
from hezhang.domain.lines import BankLine, Direction, LedgerLine
from hezhang.domain.money import Money, MoneyError, format_fen, parse_fen
from hezhang.domain.period import Period
from hezhang.domain.problem import Problem, Severity

__all__ = [
    "BalanceGap",
    "BankLine",
    "Direction",
    "GapKind",
    "LedgerLine",
    "Money",
    "MoneyError",
    "Period",
    "Problem",
    "Severity",
    "format_fen",
    "parse_fen",
]
