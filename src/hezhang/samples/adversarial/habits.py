"""Booking habits: on which day a bookkeeper dates the voucher of a bank line.

- ``bank-day``: on the bank day or 0-3 days after;
- ``weekly``: in weekly batches, dated on the Friday of the bank line's week (the last working day of the month
  for the month's last, short week, or the next month's Friday when the batch is done late);
- ``month-end``: the whole month on its last day; a line of the last two days is sometimes booked next month.

A date after the period's end means the voucher falls into the next month (the line is outstanding).
`window` is how many days after the bank day a habit books at most: a careful accountant knows it too.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from hezhang.domain.period import Period

HABITS = ("bank-day", "weekly", "month-end")
WINDOW = {"bank-day": 3, "weekly": 7, "month-end": 31}


def last_working_day(period: Period) -> date:
    day = period.end
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def book_day(habit: str, rng: random.Random, bank_day: date, period: Period) -> date:
    """The voucher date of a bank line of `bank_day` under `habit` (after `period.end`: next month)."""
    if habit == "bank-day":
        return bank_day + timedelta(days=rng.choices((0, 1, 2, 3), (50, 25, 15, 10))[0])
    if habit == "weekly":
        friday = bank_day + timedelta(days=(4 - bank_day.weekday()) % 7)
        if friday <= period.end:
            return friday
        closing = last_working_day(period)
        return closing if closing >= bank_day and rng.random() < 0.7 else friday
    if bank_day >= period.end - timedelta(days=1) and rng.random() < 0.12:
        return period.end + timedelta(days=rng.randint(2, 6))
    return period.end


def late_day(rng: random.Random, bank_day: date, period: Period) -> date:
    """A voucher done at month end whatever the habit (rent and the like booked from the invoice)."""
    return max(bank_day, last_working_day(period) if rng.random() < 0.5 else period.end)


def lag_allowed(habit: str, lag: int, *, book_first: bool = False, late: bool = False) -> bool:
    """Whether a voucher `lag` days after its bank line (negative: before) fits how the month is booked."""
    if book_first:  # a cheque or a deposit: booked when written, at the bank a few days later
        return -10 <= lag <= 0
    return 0 <= lag <= (62 if late else WINDOW[habit])
