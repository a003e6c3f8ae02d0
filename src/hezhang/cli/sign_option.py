"""`--sign`: for a statement with one signed amount column, what a positive amount is."""

from __future__ import annotations

from enum import StrEnum

SIGN_HELP = "只有一列带符号金额时正数的含义 / one signed amount column: what a positive amount is"


class SignOption(StrEnum):
    """spend-positive: a positive amount is money out (card bills); income-positive: money in (statements)."""

    spend_positive = "spend-positive"
    income_positive = "income-positive"
