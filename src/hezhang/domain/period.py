"""An accounting period: an inclusive range of dates, usually a calendar month."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"期间结束早于开始 / period ends before it starts: {self.start} > {self.end}")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read "2026-10" (a month) or "2026-10-01..2026-10-31"."""
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
        if m:
            return cls.month(int(m.group(1)), int(m.group(2)))
        start, sep, end = text.partition("..")
        if not sep:
            raise ValueError(f"无法识别期间：{text!r} / not a period: {text!r}")
        return cls(date.fromisoformat(start.strip()), date.fromisoformat(end.strip()))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def __str__(self) -> str:
        last = calendar.monthrange(self.start.year, self.start.month)[1]
        if self.start.day == 1 and self.end == self.start.replace(day=last):
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"
