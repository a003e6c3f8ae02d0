"""Which true groups a careful accountant can tell from another pairing (`decidable`), stated from the files alone.

What a careful accountant reads: who a line names (`Reader.who`: a full name, a trade-name core several parties
share, nobody), its topic and its reference tokens (`Reader.fits`), and whether a booking's date fits a bank
line's under the month's habit (`Reader.dated`: on or after the bank day, within the habit's window or the
longest lag of the group itself; before it for a cheque or a deposit booked when written).

Three passes over the month's events, once they are final:

1. Pools (instalments, invoices paid together, salary batches): every way of packing the pool's lines into
   groups of one line against several (amounts adding up, every line fitting the other side, dates fitting)
   that explains as many lines as possible. A true group found in every such packing is decidable; the others
   are not, and share the pool's cluster.
2. Swaps, over the whole month: two lines of the same side, direction and amount that could change places
   (each still fits its new group, or the one left over could as well be outstanding at the period end) make
   both groups undecidable, in one cluster. This is what identical twins, names sharing a core and a month
   booked on one day come to.
3. Fees: a fee-deducted receipt is undecidable when another booking it could as well have paid names the payer
   as well as the true one and is not taken by a bank line of its exact amount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from itertools import combinations

from hezhang.domain.period import Period
from hezhang.samples.adversarial import habits
from hezhang.samples.adversarial.book import IN, BankEntry, Event, MonthBook, Posting
from hezhang.samples.adversarial.names import Mention, Party

#: The largest fee a bank takes out of a receipt in these months.
FEE_CAP = 50_00
_MAX_PART = 4
_MAX_PACKINGS = 400

Line = BankEntry | Posting


class Reader:
    """What a careful accountant reads in the lines of one month."""

    def __init__(self, book: MonthBook) -> None:
        self.habit, self.period = book.habit, book.period
        self.by_mention: dict[Mention, frozenset[str]] = {}
        known: Sequence[Party] = book.parties.known
        for p in known:
            self.by_mention[Mention("full", p.key)] = frozenset((p.key,))
        for c in {p.core for p in known}:
            self.by_mention[Mention("core", c)] = frozenset(p.key for p in known if p.core == c)
        for cc in {p.city + p.core for p in known}:
            self.by_mention[Mention("city", cc)] = frozenset(p.key for p in known if p.city + p.core == cc)

    def who(self, line: Line) -> frozenset[str] | None:
        return None if line.mention is None else self.by_mention.get(line.mention, frozenset())

    def fits(self, b: BankEntry, x: Posting) -> bool:
        """Nothing in the two lines says they are about different things."""
        wb, wx = self.who(b), self.who(x)
        if wb is not None and wx is not None and not wb & wx:
            return False
        tb, tx = set(b.topic.split("+")), set(x.topic.split("+"))
        if "any" not in tb | tx and not tb & tx:
            return False
        return not (b.tokens and x.tokens and not b.tokens & x.tokens)

    def dated(self, b: BankEntry, x: Posting, most: int | None = None) -> bool:
        """The booking's date fits the bank line's under the month's habit: on or after the bank day (before it
        for a cheque or a deposit booked when written), at most `most` days later (the habit's window)."""
        if b.carried:
            return x.day >= b.day
        if x.carried:
            return b.day >= x.day
        lag = (x.day - b.day).days
        if most is None or x.book_first or x.late:
            return habits.lag_allowed(self.habit, lag, book_first=x.book_first, late=x.late)
        return 0 <= lag <= most

    def group_fits(self, banks: Sequence[BankEntry], books: Sequence[Posting], most: int) -> bool:
        """Every line fits some line of the other side, and every booking's date fits every bank line's, at most
        `most` days later."""
        if not all(any(self.fits(b, x) for x in books) for b in banks):
            return False
        if not all(any(self.fits(b, x) for b in banks) for x in books):
            return False
        return all(self.dated(b, x, most) for b in banks for x in books)

    def may_stay_open(self, line: Line) -> bool:
        """Could this line as well be a 未达账项 at the period end?"""
        end = self.period.end
        if line.carried:
            return True
        if isinstance(line, Posting):
            return line.book_first or line.day >= end - timedelta(days=5)
        if {"fee", "interest"} & set(line.topic.split("+")):
            return True
        return line.day + timedelta(days=habits.WINDOW[self.habit]) > end or (
            self.habit == "month-end" and line.day >= end - timedelta(days=1)
        )


def lines_of(e: Event) -> list[Line]:
    every: list[Line] = [*e.banks]
    return every + list(e.books)


def signed(line: Line) -> int:
    return line.fen if line.direction == IN else -line.fen


def complete(e: Event, period: Period) -> bool:
    banks = [b for b in e.banks if b.carried or b.day in period]
    books = [x for x in e.books if x.carried or x.day in period]
    return bool(banks) and bool(books) and len(banks) == len(e.banks) and len(books) == len(e.books)


def lag_of(e: Event) -> int:
    """The longest time from a bank line of `e` to a booking of it (0 when booked first or carried)."""
    lags = [(x.day - b.day).days for b in e.banks for x in e.books if not (b.carried or x.carried)]
    return max([0, *lags])


def decide(book: MonthBook) -> None:
    """Set `decidable` and `cluster` of every event of `book`."""
    reader = Reader(book)
    groups = [e for e in book.events if complete(e, book.period)]
    clusters = _Clusters()
    pools: dict[int, list[Event]] = defaultdict(list)
    for e in groups:
        if e.pool is not None:
            pools[e.pool].append(e)
    for members in pools.values():
        _decide_pool(members, reader, clusters)
    _decide_swaps(book, groups, reader, clusters)
    _decide_fees(book, groups, reader, clusters)
    numbers: dict[int, int] = {}
    for e in groups:
        if not e.decidable:
            root = clusters.find(id(e))
            e.cluster = numbers.setdefault(root, len(numbers) + 1)


class _Clusters:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, *events: Event) -> None:
        for e in events:
            e.decidable = False
        roots = [self.find(id(e)) for e in events]
        for r in roots[1:]:
            self.parent[r] = roots[0]


# -- pools -------------------------------------------------------------------------------------------------
Group = tuple[frozenset[int], frozenset[int]]  # bank line ids, posting ids


def _decide_pool(members: list[Event], reader: Reader, clusters: _Clusters) -> None:
    banks = {id(b): b for e in members for b in e.banks}
    books = {id(x): x for e in members for x in e.books}
    truth = {e: (frozenset(id(b) for b in e.banks), frozenset(id(x) for x in e.books)) for e in members}
    most = max([habits.WINDOW[reader.habit], *(lag_of(e) for e in members)])
    candidates = list(_candidates(banks, books, reader, most))
    packings = _packings(candidates)
    common = set.intersection(*(set(p) for p in packings)) if packings else set()
    undecided = [e for e in members if truth[e] not in common or len(packings) >= _MAX_PACKINGS]
    if undecided:
        clusters.join(*undecided)


def _candidates(banks: dict[int, BankEntry], books: dict[int, Posting], reader: Reader, most: int) -> Iterator[Group]:
    """Groups of one bank line against 1-4 postings and of 2-4 bank lines against one posting."""
    sides: tuple[tuple[Mapping[int, Line], Mapping[int, Line], bool], ...] = (
        (banks, books, True),
        (books, banks, False),
    )
    for one, many, one_side_bank in sides:
        for i, line in one.items():
            others = list(many.items())
            for k in range(1, min(_MAX_PART, len(others)) + 1):
                if not one_side_bank and k == 1:
                    continue  # 1:1 comes from the bank side
                for part in combinations(others, k):
                    if sum(signed(x) for _, x in part) != signed(line):
                        continue
                    ids = frozenset(j for j, _ in part)
                    group: Group = (frozenset((i,)), ids) if one_side_bank else (ids, frozenset((i,)))
                    b_lines = [banks[j] for j in group[0]]
                    x_lines = [books[j] for j in group[1]]
                    if reader.group_fits(b_lines, x_lines, most):
                        yield group


def _packings(candidates: list[Group]) -> list[tuple[Group, ...]]:
    """All sets of disjoint candidate groups covering the most lines (at most `_MAX_PACKINGS`)."""
    lines = sorted({(s, j) for g in candidates for s, part in enumerate(g) for j in part})
    containing: dict[tuple[int, int], list[Group]] = defaultdict(list)
    for g in candidates:
        first = min((s, j) for s, part in enumerate(g) for j in part)
        containing[first].append(g)
    best: list[int] = [0]
    found: list[tuple[Group, ...]] = []

    def walk(at: int, used: frozenset[tuple[int, int]], chosen: tuple[Group, ...], covered: int) -> None:
        if len(found) >= _MAX_PACKINGS or covered + sum(1 for x in lines[at:] if x not in used) < best[0]:
            return
        while at < len(lines) and lines[at] in used:
            at += 1
        if at == len(lines):
            if covered > best[0]:
                best[0], found[:] = covered, []
            found.append(chosen)
            return
        for g in containing.get(lines[at], []):
            members = {(s, j) for s, part in enumerate(g) for j in part}
            if not members & used:
                walk(at + 1, used | members, (*chosen, g), covered + len(members))
        walk(at + 1, used | {lines[at]}, chosen, covered)

    walk(0, frozenset(), (), 0)
    return found


# -- swaps -------------------------------------------------------------------------------------------------
def _decide_swaps(book: MonthBook, groups: list[Event], reader: Reader, clusters: _Clusters) -> None:
    owner: dict[int, Event | None] = {}
    lines: list[Line] = []
    for e in book.events:
        whole = e in groups
        for line in lines_of(e):
            if line.carried or line.day in book.period:
                owner[id(line)] = e if whole else None
                lines.append(line)
    buckets: dict[tuple[bool, str, int], list[Line]] = defaultdict(list)
    for line in lines:
        buckets[isinstance(line, BankEntry), line.direction, line.fen].append(line)
    for same in buckets.values():
        for x, y in combinations(same, 2):
            gx, gy = owner[id(x)], owner[id(y)]
            if gx is gy:
                continue
            if _could_swap(x, gx, y, gy, reader):
                clusters.join(*(g for g in (gx, gy) if g is not None))


def _could_swap(x: Line, gx: Event | None, y: Line, gy: Event | None, reader: Reader) -> bool:
    for here, there, group in ((x, y, gx), (y, x, gy)):
        if group is None:
            if not reader.may_stay_open(there):
                return False
            continue
        most = max(habits.WINDOW[reader.habit], lag_of(group))
        banks, books = list(group.banks), list(group.books)
        if isinstance(here, BankEntry) and isinstance(there, BankEntry):
            banks = [there if b is here else b for b in banks]
        elif isinstance(here, Posting) and isinstance(there, Posting):
            books = [there if p is here else p for p in books]
        if not reader.group_fits(banks, books, most):
            return False
    return True


def _decide_fees(book: MonthBook, groups: list[Event], reader: Reader, clusters: _Clusters) -> None:
    owner = {id(x): e for e in groups for x in e.books}
    postings = [x for e in book.events for x in e.books if x.carried or x.day in book.period]
    for e in groups:
        if len(e.banks) != 1 or len(e.books) != 1 or signed(e.books[0]) == signed(e.banks[0]):
            continue
        b, mine = e.banks[0], e.books[0]
        named = reader.who(mine) is not None
        for x in postings:
            if x is mine or x.direction != b.direction or not 0 <= x.fen - b.fen <= FEE_CAP:
                continue
            if not (reader.fits(b, x) and reader.dated(b, x)) or (named and reader.who(x) is None):
                continue
            taken = owner.get(id(x))
            if taken is not None and any(c.fen == x.fen and reader.fits(c, x) for c in taken.banks):
                continue
            clusters.join(e)
            break
