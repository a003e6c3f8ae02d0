"""Amounts in fen: drawn in the shapes bookkeepers meet (odd cents, whole yuan, round hundreds) and kept unique per
direction in a month unless a scenario wants them to collide."""

from __future__ import annotations

import math
import random
from collections import Counter

ROUND_STEPS = (100_00, 500_00, 1_000_00)


class Amounts:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: Counter[tuple[str, int]] = Counter()

    def take(self, direction: str, fen: int) -> int:
        """Register an amount a scenario chose on purpose (it may repeat)."""
        self.used[direction, fen] += 1
        return fen

    def taken(self, direction: str, fen: int) -> bool:
        return self.used[direction, fen] > 0

    def draw(self, lo_yuan: float, hi_yuan: float, shape: str = "any") -> int:
        """An amount between `lo_yuan` and `hi_yuan` (log-uniform), in `shape`: "cents", "yuan", "round" or "any"."""
        rng = self.rng
        yuan = math.exp(rng.uniform(math.log(lo_yuan), math.log(hi_yuan)))
        if shape == "any":
            shape = rng.choices(("cents", "yuan", "round"), (45, 35, 20))[0]
        if shape == "round":
            step = max(s for s in ROUND_STEPS if s <= max(yuan * 100 / 3, ROUND_STEPS[0]))
            return max(step, round(yuan * 100 / step) * step)
        if shape == "yuan":
            return max(100, round(yuan) * 100)
        return max(1, round(yuan * 100) + rng.randint(1, 99) - 50)

    def fresh(self, direction: str, lo_yuan: float, hi_yuan: float, shape: str = "any") -> int:
        """Like `draw`, but an amount not yet used in `direction` this month; registered."""
        for _ in range(200):
            fen = self.draw(lo_yuan, hi_yuan, shape)
            if not self.taken(direction, fen):
                return self.take(direction, fen)
        fen = self.draw(lo_yuan, hi_yuan, "cents")
        while self.taken(direction, fen):
            fen += 1
        return self.take(direction, fen)


def yuan(fen: int) -> str:
    """1234.56 for 123456 fen (the files' amount format)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def grouped(fen: int) -> str:
    """1,234.56 for 123456 fen (as memos write amounts)."""
    whole, cents = divmod(abs(fen), 100)
    return f"{whole:,}.{cents:02d}"
