"""The firm's store under the orders people really work in, drawn by hypothesis (a rule-based state machine).

One client with one bank account, its accountant and two supervisors of the accountant's department. The rules, in
any order: import a bank statement or a journal of a month (September to December 2026), of an export spanning two
months, or the very same file again; reconcile any period (also one already prepared, reviewed or locked); confirm
or reject a suggestion, or match two outstanding lines by hand; advance a statement (the accountant prepares, a
supervisor who made none of it reviews and locks); read a statement back. The files are written from an invented
world (`factories.flow_books`) whose names, phones, account numbers and memos come from nowhere in hezhang.

After every step, five things must hold (each failure message starts with its number):

1. Every line of the period (bank lines of the account, book lines on its ledger code) stored when the latest
   statement was computed is in it exactly once: in one accepted match or as one outstanding item. (A decision may
   recompute a statement from the lines stored then; an earlier signed statement kept beside a new draft keeps its
   lines.)
2. Nothing stored is lost: every line of every accepted import is still stored.
3. Status never silently goes back: a prepared, reviewed or locked statement keeps its status; reconciling its period
   again is refused with a `UserError` or makes a new draft beside it.
4. No generated name, phone number, account number or memo is anywhere in the raw database (`integration.raw_text`).
5. Lines already stored are never stored twice; a file holding some is refused or de-duplicated, and its message
   says how many lines were already stored.

Steps the flows themselves need are checked too (their messages start with "flow"): a good new file is accepted,
a draft can be reconciled and decided on, maker-checker holds. Decisions are taken on drafts; on a prepared, reviewed or
locked statement they are refused (services/match_decisions.py).

The services are called only through the adapters below (their signatures are changing). HEZHANG_FLOW_EXAMPLES
sets how many examples run (25 by default: about 40 s on SQLite and 55 s on PostgreSQL when nothing fails; a failure
adds up to about five minutes of shrinking). HEZHANG_FLOW_CHECKS="3" looks for failures of check 3 alone (with the
flow checks): hypothesis stops at the first failure it meets, so this shows each kind of failure on its own.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, select

import hezhang
from factories.flow_books import BANK_CODE, COMPANIES, PEOPLE, YEAR, Books, generate_books
from factories.people import staff, user_name
from hezhang.domain.period import Period
from hezhang.importers import parse
from hezhang.security.policy import Role
from hezhang.services.clients import add_bank_account, create_client
from hezhang.services.context import Context
from hezhang.services.door import AccessDeniedError
from hezhang.services.errors import UserError
from hezhang.services.imports import import_file
from hezhang.services.match_decisions import confirm, manual_match, reject
from hezhang.services.store_access import Store
from hezhang.services.stored_reconciliation import advance, read_reconciliation, reconcile_period
from hezhang.store.engine import make_engine
from hezhang.store.tables import bank_lines, ledger_lines, matches, outstanding_items, reconciliation_lines
from integration.raw_text import RawTextScan

# ---------------------------------------------------------------------------------------------------------------
# Adapters: the only code here that knows the services' signatures and the tables' layout.
# ---------------------------------------------------------------------------------------------------------------

#: A line's identity in this test: ("bank", 流水号) or ("book", 凭证字号, 分录号).
LineKey = tuple[Any, ...]


@dataclass(frozen=True)
class Imported:
    accepted: bool
    message: str  # everything the import said (refusal, problems, notices)


def _said(outcome: object) -> str:
    """Every text an outcome carries: its string fields and the texts of the records in its sequences."""
    parts: list[str] = []
    values = [getattr(outcome, f.name) for f in fields(outcome)] if is_dataclass(outcome) else []
    for value in values:
        if isinstance(value, str | int) and not isinstance(value, bool):
            parts.append(str(value))
        elif isinstance(value, (tuple, list)):
            for item in value:
                inner = [getattr(item, f.name) for f in fields(item)] if is_dataclass(item) else [item]
                parts.extend(str(v) for v in inner if isinstance(v, (str, int)))
    return " ".join(parts)


def import_statement(store: Store, ctx: Context, client: UUID, account: UUID, path: Path) -> Imported:
    try:
        outcome = import_file(store, ctx, client, path, "bank", bank_account_id=account)
    except UserError as e:
        return Imported(False, str(e))
    return Imported(outcome.import_id is not None and not outcome.problems, _said(outcome))


def import_journal(store: Store, ctx: Context, client: UUID, path: Path) -> Imported:
    try:
        outcome = import_file(store, ctx, client, path, "journal", account_prefix=BANK_CODE)
    except UserError as e:
        return Imported(False, str(e))
    return Imported(outcome.import_id is not None and not outcome.problems, _said(outcome))


def reconcile(store: Store, ctx: Context, client: UUID, account: UUID, period: str, new_version: bool = False) -> UUID:
    """The id of the statement the reconcile saved; raises UserError when refused. `new_version` asks for a new
    version beside a signed statement or a draft with decisions (without it such a reconcile is refused)."""
    outcome = reconcile_period(store, ctx, client, account, Period.parse(period), new_version=new_version)
    return outcome.reconciliation_id


@dataclass(frozen=True)
class Decision:
    kind: str  # "confirm", "reject" or "manual"
    match_id: int | None = None
    bank_rows: tuple[int, ...] = ()
    ledger_rows: tuple[int, ...] = ()


def decide(store: Store, ctx: Context, client: UUID, statement: UUID, decision: Decision) -> UUID:
    """The id of the statement now holding the decision; raises UserError when refused."""
    if decision.kind == "manual":
        reason = "与对账单回单核对后手工勾对"
        done = manual_match(store, ctx, client, statement, list(decision.bank_rows), list(decision.ledger_rows), reason)
    else:
        assert decision.match_id is not None
        done = (confirm if decision.kind == "confirm" else reject)(store, ctx, client, statement, decision.match_id)
    return done.reconciliation_id


def advance_to(store: Store, ctx: Context, client: UUID, statement: UUID, status: str) -> None:
    advance(store, ctx, client, statement, status)


def read_status(store: Store, ctx: Context, client: UUID, statement: UUID) -> tuple[str, str]:
    """(period, status) of a statement as a person reads it."""
    shown = read_reconciliation(store, ctx, client, statement)
    return shown.period, shown.status


@dataclass
class Content:
    """What a stored statement holds, by line identity, and what a person could decide on in it."""

    placed: Counter[LineKey] = field(default_factory=Counter)  # in an accepted match or as an outstanding item
    unknown: list[str] = field(default_factory=list)  # references to lines that are not stored
    suggestions: list[int] = field(default_factory=list)  # suggestions whose lines are all still free
    open_bank: list[tuple[int, str]] = field(default_factory=list)  # (row as the statement shows it, direction)
    open_book: list[tuple[int, str]] = field(default_factory=list)


_ACCEPTED = ("auto", "confirmed", "manual")
_BANK_KINDS = {"bank_received_book_not": "in", "bank_paid_book_not": "out"}
_BOOK_KINDS = {"book_received_bank_not": "in", "book_paid_bank_not": "out"}


def statement_content(engine: Engine, statement: UUID) -> Content:
    """A statement version records the stored lines it numbers (`reconciliation_lines`: side, ordinal, line id);
    its matches and items name those numbers (negative rows and `carried` items are last period's lines)."""
    content = Content()
    with engine.connect() as c:
        numbered = list(c.execute(select(reconciliation_lines).where(
            reconciliation_lines.c.reconciliation_id == statement)).mappings())  # fmt: skip
        refs = {r.id: r.bank_ref for r in c.execute(select(bank_lines.c.id, bank_lines.c.bank_ref).where(
            bank_lines.c.id.in_([n["bank_line_id"] for n in numbered if n["bank_line_id"] is not None])))}  # fmt: skip
        vouchers = {
            r.id: (r.voucher_no, r.entry_no)
            for r in c.execute(
                select(ledger_lines.c.id, ledger_lines.c.voucher_no, ledger_lines.c.entry_no).where(
                    ledger_lines.c.id.in_([n["ledger_line_id"] for n in numbered if n["ledger_line_id"] is not None])
                )
            )
        }
        bank_of = {n["ordinal"]: ("bank", refs[n["bank_line_id"]]) for n in numbered if n["side"] == "bank"}
        book_of = {n["ordinal"]: ("book", *vouchers[n["ledger_line_id"]]) for n in numbered if n["side"] == "ledger"}
        found = list(c.execute(select(matches).where(matches.c.reconciliation_id == statement)).mappings())
        items = list(c.execute(select(outstanding_items).where(outstanding_items.c.reconciliation_id == statement))
                     .mappings())  # fmt: skip

    def place(rows: list[int], side: dict[int, LineKey], name: str) -> None:
        for row in rows:
            if row > 0:
                if row in side:
                    content.placed[side[row]] += 1
                else:
                    content.unknown.append(f"{name} row {row}")

    taken_bank, taken_book = set(), set()
    for m in found:
        if m["status"] in _ACCEPTED:
            place(m["bank_rows"], bank_of, "bank")
            place(m["ledger_rows"], book_of, "book")
            taken_bank |= set(m["bank_rows"])
            taken_book |= set(m["ledger_rows"])
    for m in found:
        free = not (set(m["bank_rows"]) & taken_bank or set(m["ledger_rows"]) & taken_book)
        if m["status"] == "suggested" and free:
            content.suggestions.append(m["match_id"])
    for item in items:
        if item["carried"]:
            continue
        if item["bank_row"] is not None:
            place([item["bank_row"]], bank_of, "bank")
            content.open_bank.append((item["bank_row"], _BANK_KINDS.get(item["kind"], "?")))
        elif item["ledger_row"] is not None:
            place([item["ledger_row"]], book_of, "book")
            content.open_book.append((item["ledger_row"], _BOOK_KINDS.get(item["kind"], "?")))
    return content


def stored_lines(engine: Engine, client: UUID) -> Counter[LineKey]:
    """Every bank and book line stored for the client, by identity, with how many times it is stored."""
    with engine.connect() as c:
        bank = c.execute(select(bank_lines.c.bank_ref).where(bank_lines.c.client_id == client)).scalars()
        book = c.execute(select(ledger_lines.c.voucher_no, ledger_lines.c.entry_no)
                         .where(ledger_lines.c.client_id == client))  # fmt: skip
        return Counter([("bank", ref) for ref in bank] + [("book", v, e) for v, e in book])


# ---------------------------------------------------------------------------------------------------------------
# The machine
# ---------------------------------------------------------------------------------------------------------------

PERIODS = tuple(f"{YEAR}-{m:02d}" for m in (9, 10, 11, 12))
#: Files of hezhang's package that may hold names (code, rule and bank profile data, templates).
TEXTS = (".py", ".toml", ".json", ".txt", ".csv", ".html", ".j2")
EXAMPLES = int(os.environ.get("HEZHANG_FLOW_EXAMPLES", "25"))
CHECKS = frozenset(int(n) for n in os.environ.get("HEZHANG_FLOW_CHECKS", "1,2,3,4,5").split(",") if n.strip())


def _span(text: str) -> tuple[date, date]:
    """The first and last day of "2026-10", "2026-09..2026-10" or "2026-09-16..2026-10-15"."""
    first, _, last = text.partition("..")
    last = last or first
    start = date.fromisoformat(first) if len(first) == 10 else Period.parse(first).start
    return start, date.fromisoformat(last) if len(last) == 10 else Period.parse(last).end


#: What an export may cover: a month, half of one month and half of the next, or two whole months.
SPANS = (
    *PERIODS,
    f"{YEAR}-09-16..{YEAR}-10-15", f"{YEAR}-10-16..{YEAR}-11-15", f"{YEAR}-11-16..{YEAR}-12-15",
    f"{YEAR}-09..{YEAR}-10", f"{YEAR}-11..{YEAR}-12",
)  # fmt: skip
NEXT = {"draft": "prepared", "prepared": "reviewed", "reviewed": "locked"}
SUPERVISORS = ("supervisor_a", "supervisor_b")
_clients = count(1)


def _letters(n: int) -> str:
    """A counter as letters (a, b, … z, aa…): names without digits, which a message's count could be taken for."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(ord("a") + r) + out
        if n == 0:
            return out
        n -= 1


def _names_number(message: str, numbers: set[int]) -> bool:
    """The message names one of the numbers as a count (dates and file names in it do not count)."""
    text = re.sub(r"\d{4}-\d{2}(-\d{2})?", " ", message)
    return any(re.search(rf"(?<![\d.,]){n}(?![\d.,])", text) for n in numbers)


@dataclass(frozen=True, eq=False)
class Reconciled:
    """A period that has a statement: what the rules on statements act on (its latest statement)."""

    period: str


@dataclass
class Version:
    """A stored statement as this test expects it."""

    period: str
    status: str
    makers: set[str]  # preparer and deciders: never its reviewer
    former: set[str] = field(default_factory=set)  # makers of content it no longer holds (either is fine)
    bases: list[frozenset[LineKey]] = field(default_factory=list)  # the line sets it may hold
    decided: bool = False  # a person decided on one of its matches (a new reconcile must not drop that silently)


class StoreFlows(RuleBasedStateMachine):
    statements = Bundle("statements")  # `Reconciled` periods

    def __init__(self, store: Store, admin_engine: Engine, folder: Path, checks: frozenset[int] = CHECKS) -> None:
        super().__init__()
        self.store, self.raw, self.folder = store, admin_engine, folder
        #: Which of the five numbered checks run (all, unless narrowed to look for one kind of failure at a time).
        self.checks = checks

    # -- set-up -------------------------------------------------------------------------------------------------

    @initialize(seed=st.integers(0, 2**16), statement=st.sampled_from(SPANS), journal=st.sampled_from(SPANS))
    def open_books(self, seed: int, statement: str, journal: str) -> None:
        """A new client with its account and people, and a first statement and journal imported (every example
        starts with something to reconcile)."""
        self.books: Books = generate_books(seed)
        n = next(_clients)
        admin = staff(self.store, Role.FIRM_ADMIN)
        contact = {"contact_name": self.books.contact_name, "contact_phone": self.books.contact_phone}
        self.client = create_client(self.store, admin, f"流程测试客户{_letters(n)}", **contact)
        department = f"对账{_letters(n)}组"
        self.accountant = staff(self.store, Role.ACCOUNTANT, clients=[self.client], department=department)
        self.people = {"accountant": self.accountant} | {
            s: staff(self.store, Role.SUPERVISOR, department=department) for s in SUPERVISORS
        }
        self.names = {who: user_name(self.store, ctx) for who, ctx in self.people.items()}
        self.account = add_bank_account(self.store, self.accountant, self.client, self.books.own_account,
                                        bank_name="建设银行", ledger_code=BANK_CODE)  # fmt: skip
        self.scan = RawTextScan(self.raw, self.books.secrets)
        self.stored: set[LineKey] = set()  # the lines of accepted imports
        self.versions: dict[UUID, Version] = {}
        self.latest: dict[str, UUID] = {}
        self._export("bank", statement)
        self._export("journal", journal)

    def _lines_of_file(self, kind: str, span: str) -> tuple[set[LineKey], set[LineKey]]:
        """(every line, the lines on the bank account) of an export of `span`."""
        start, end = _span(span)
        if kind == "bank":
            keys = {("bank", b.ref) for b in self.books.bank_in(start, end)}
            return keys, keys
        entries = self.books.journal_in(start, end)
        return {("book", *j.key) for j in entries}, {("book", *j.key) for j in entries if j.code == BANK_CODE}

    def period_lines(self, period: str) -> frozenset[LineKey]:
        """The lines of the period the store holds (per this test's record of accepted imports)."""
        start, end = _span(period)
        bank = {("bank", b.ref) for b in self.books.bank_in(start, end)}
        book = {("book", *j.key) for j in self.books.journal_in(start, end) if j.code == BANK_CODE}
        return frozenset((bank | book) & self.stored)

    def _describe(self, keys: set[LineKey]) -> str:
        shown = []
        for key in sorted(keys)[:6]:
            if key[0] == "bank":
                b = next(b for b in self.books.bank if b.ref == key[1])
                shown.append(f"bank {b.ref} {b.day} {b.signed_fen / 100:.2f}")
            else:
                j = next(j for j in self.books.journal if j.key == key[1:])
                shown.append(f"book {j.voucher}/{j.entry_no} {j.day} {(j.debit_fen - j.credit_fen) / 100:.2f}")
        return "; ".join(shown) + (" …" if len(keys) > 6 else "")

    # -- rules: imports -----------------------------------------------------------------------------------------

    def _import(self, kind: str, path: Path, span: str) -> None:
        every, on_account = self._lines_of_file(kind, span)
        already, already_on_account = every & self.stored, on_account & self.stored
        if kind == "bank":
            done = import_statement(self.store, self.accountant, self.client, self.account, path)
        else:
            done = import_journal(self.store, self.accountant, self.client, path)
        if done.accepted:
            self.stored |= every
        event(f"{kind} import, {'some' if already else 'no'} lines already stored")
        if already and 5 in self.checks:
            counts = {len(already), len(already_on_account)} - {0}
            assert _names_number(done.message, counts), (
                f"5: the {kind} file {path.name} ({span}) holds {len(already)} lines already stored; the import "
                f"{'was accepted' if done.accepted else 'was refused'} without saying how many: {done.message!r}"
            )
        if not already:
            assert done.accepted, f"flow: a new {kind} file of {span} was refused: {done.message}"

    def _export(self, kind: str, span: str) -> None:
        """Write the export of `span` and import it. The same span twice is the very same file again (same name,
        same bytes); an overlapping span holds some lines of another export."""
        start, end = _span(span)
        name = "statement" if kind == "bank" else "journal"
        path = self.folder / f"{name} {span}.csv"
        path.write_bytes(self.books.bank_csv(start, end) if kind == "bank" else self.books.journal_csv(start, end))
        self._import(kind, path, span)

    @rule(span=st.sampled_from(SPANS))
    def import_statement(self, span: str) -> None:
        self._export("bank", span)

    @rule(span=st.sampled_from(SPANS))
    def import_journal(self, span: str) -> None:
        self._export("journal", span)

    # -- rules: statements --------------------------------------------------------------------------------------

    @rule(target=statements, period=st.sampled_from(PERIODS))
    def reconcile(self, period: str) -> MultipleResults[Reconciled]:
        return self._reconcile(period)

    @rule(target=statements, reconciled=statements, new_version=st.booleans())
    def reconcile_again(self, reconciled: Reconciled, new_version: bool) -> MultipleResults[Reconciled]:
        """Reconcile a period that has a statement (draft, prepared, reviewed or locked) once more, asking for a new
        version beside it or not."""
        return self._reconcile(reconciled.period, new_version)

    def _reconcile(self, period: str, new_version: bool = False) -> MultipleResults[Reconciled]:
        before = self.latest.get(period)
        was = self.versions[before] if before is not None else None
        signed = was is not None and was.status != "draft"
        kept = was is not None and (signed or was.decided)  # the store keeps it: refused, or a new version beside
        lines = self.period_lines(period)
        event(f"reconcile a period whose statement is {was.status if was is not None else 'none'}"
              f"{' (new version)' if new_version else ''}")  # fmt: skip
        try:
            made = reconcile(self.store, self.accountant, self.client, self.account, period, new_version)
        except UserError as e:
            sides = {key[0] for key in lines}
            locked = was is not None and was.status == "locked"
            assert (kept and (not new_version or locked)) or sides != {"bank", "book"}, (
                f"flow: reconciling {period} was refused: {e}"
            )
            return multiple()
        except Exception as e:
            status = was.status if was is not None else "none"
            raise AssertionError(f"{'3' if signed else 'flow'}: reconciling {period} (its statement: {status}) "
                                 f"failed with {type(e).__name__}: {e}") from e  # fmt: skip
        if was is not None and before == made:
            if kept:  # overwrote a signed statement or people's decisions: the checks say so; keep what it was
                was.bases = [lines]
                return multiple(Reconciled(period))
            self.versions[made] = Version(period, "draft", {self.names["accountant"]}, was.makers | was.former, [lines])
        else:
            if was is not None and not kept:
                del self.versions[before]  # type: ignore[arg-type]  # a superseded draft need not stay
            self.versions[made] = Version(period, "draft", {self.names["accountant"]}, set(), [lines])
        self.latest[period] = made
        return multiple(Reconciled(period))

    def _options(self, statement: UUID, kind: str) -> list[Decision]:
        content = statement_content(self.raw, statement)
        if kind in ("confirm", "reject"):
            return [Decision(kind, match_id=m) for m in content.suggestions]
        return [Decision("manual", bank_rows=(b,), ledger_rows=(x,))
                for b, d in content.open_bank for x, e in content.open_book if d == e]  # fmt: skip

    @rule(reconciled=statements, kind=st.sampled_from(("confirm", "reject", "manual")), pick=st.integers(0, 20),
          who=st.sampled_from(("accountant", *SUPERVISORS)))  # fmt: skip
    def decide(self, reconciled: Reconciled, kind: str, pick: int, who: str) -> None:
        period = reconciled.period
        statement = self.latest[period]
        options = self._options(statement, kind)
        if not options:
            event(f"{kind}: nothing to decide on")
            return
        choice = options[pick % len(options)]
        version = self.versions[statement]
        event(f"{kind} in a {version.status} statement")
        lines = self.period_lines(period)
        try:
            made = decide(self.store, self.people[who], self.client, statement, choice)
        except UserError as e:
            assert version.status != "draft", f"flow: {choice} on the draft of {period} by {who} was refused: {e}"
            return
        if made == statement:
            assert version.status == "draft", f"3: {choice} changed the {version.status} statement of {period}"
            version.bases = [*version.bases, lines]
            version.makers.add(self.names[who])
            version.decided = True
        else:  # a new draft version beside the one decided on
            if version.status == "draft":
                del self.versions[statement]
            self.versions[made] = Version(period, "draft", {self.names[who], *version.makers}, set(), [lines])
            self.latest[period] = made

    @rule(reconciled=statements, who=st.sampled_from(SUPERVISORS))
    def advance(self, reconciled: Reconciled, who: str) -> None:
        period = reconciled.period
        statement = self.latest[period]
        if self.versions[statement].status == "locked":
            return
        version = self.versions[statement]
        target = NEXT[version.status]
        actor = "accountant" if target == "prepared" else who
        name = self.names[actor]
        checked = target != "prepared"  # maker-checker: whoever made it never reviews or locks it
        maker, maybe = checked and name in version.makers, checked and name in version.former
        event(f"advance to {target}{' by a maker' if maker else ''}")
        try:
            advance_to(self.store, self.people[actor], self.client, statement, target)
        except AccessDeniedError as e:
            assert maker or maybe, f"flow: {who} made nothing in the {version.status} {period} and was refused: {e}"
            return
        except UserError as e:
            raise AssertionError(f"flow: advancing the {version.status} statement of {period} to {target}: {e}") from e
        assert not maker, f"flow: {actor} ({target}) made the statement of {period} and was let review it"
        version.status = target

    @rule(reconciled=statements)
    def read_back(self, reconciled: Reconciled) -> None:
        period = reconciled.period
        statement = self.latest[period]
        shown_period, status = read_status(self.store, self.accountant, self.client, statement)
        assert shown_period == period, f"flow: the statement made for {period} reads as {shown_period}"
        self._status_holds(statement, status)

    # -- invariants ---------------------------------------------------------------------------------------------

    def _status_holds(self, statement: UUID, status: str) -> None:
        version = self.versions[statement]
        if 3 in self.checks:
            assert status == version.status, (
                f"3: the {version.status} statement of {version.period} ({statement}) now reads {status}"
            )
        version.status = status

    @invariant()
    def every_line_once(self) -> None:
        """The latest statement of each period, and every earlier signed one kept beside it."""
        if 1 not in self.checks:
            return
        for statement, version in self.versions.items():
            period = version.period
            which = "latest" if self.latest.get(period) == statement else "earlier"
            content = statement_content(self.raw, statement)
            twice = {k for k, n in content.placed.items() if n > 1}
            assert not twice, (
                f"1: the {which} {version.status} statement of {period} holds lines twice: {self._describe(twice)}"
            )
            assert not content.unknown, f"1: the statement of {period} names lines not stored: {content.unknown[:6]}"
            held = frozenset(content.placed)
            if held not in version.bases:
                expected = version.bases[-1]
                raise AssertionError(
                    f"1: the {which} {version.status} statement of {period} holds {len(held)} lines, the period had "
                    f"{len(expected)} when it was made; missing: {self._describe(set(expected - held)) or 'none'}; "
                    f"not of the period: {self._describe(set(held - expected)) or 'none'}"
                )
            version.bases = [held]

    @invariant()
    def nothing_lost_nothing_twice(self) -> None:
        stored = stored_lines(self.raw, self.client)
        if 2 in self.checks:
            lost = self.stored - set(stored)
            assert not lost, f"2: {len(lost)} lines of accepted imports are no longer stored: {self._describe(lost)}"
        if 5 in self.checks:
            twice = {k for k, n in stored.items() if n > 1}
            assert not twice, f"5: {len(twice)} lines are stored more than once: {self._describe(twice)}"
            extra = set(stored) - self.stored
            assert not extra, f"5: {len(extra)} lines of refused imports were stored: {self._describe(extra)}"

    @invariant()
    def statuses_hold(self) -> None:
        for statement, version in list(self.versions.items()):
            try:
                period, status = read_status(self.store, self.accountant, self.client, statement)
            except UserError as e:
                raise AssertionError(f"3: the {version.status} statement of {version.period} is gone: {e}") from e
            assert period == version.period, f"3: the statement made for {version.period} now reads as {period}"
            self._status_holds(statement, status)

    @invariant()
    def nothing_in_the_clear(self) -> None:
        if 4 not in self.checks:
            return
        hits = self.scan.hits(self.client)
        assert not hits, f"4: {len(hits)} personal or financial texts in the raw database:\n" + "\n".join(
            str(h) for h in hits[:8]
        )


# ---------------------------------------------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------------------------------------------


@contextmanager
def administrator(store: Store) -> Iterator[Engine]:
    engine = make_engine(store.settings.admin_database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def run_flows(store: Store, folder: Path, checks: frozenset[int] = CHECKS, examples: int = EXAMPLES) -> None:
    """Run the machine on `store` with `checks`; each example gets a new client and its own folder."""
    runs = count(1)
    with administrator(store) as raw:

        class Flows(StoreFlows):
            def __init__(self) -> None:
                place = folder / f"run-{_letters(next(runs))}"
                place.mkdir()
                super().__init__(store, raw, place, checks)

        run_state_machine_as_test(
            Flows,
            settings=settings(max_examples=examples, stateful_step_count=15, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]),
        )  # fmt: skip


def test_the_store_keeps_every_line_status_and_secret_whatever_the_order(store: Store, tmp_path: Path) -> None:
    run_flows(store, tmp_path)


def test_the_invented_exports_read_without_problems_and_owe_nothing_to_hezhang() -> None:
    """Every export the machine writes reads whole (so a refusal in the machine is the store's doing), and none of the
    invented names appears anywhere in hezhang's source (so the masking and sealing code cannot know them)."""
    for seed in (0, 1, 2):
        books = generate_books(seed)
        for span in SPANS:
            start, end = _span(span)
            bank = parse(books.bank_csv(start, end), "statement.csv", "bank")
            journal = parse(books.journal_csv(start, end), "journal.csv", "journal", account_prefix=BANK_CODE)
            assert bank.problems == () and journal.problems == (), (span, bank.problems, journal.problems)
            assert bank.lines.height == len(books.bank_in(start, end))
            assert journal.lines.height + (journal.context.height if journal.context is not None else 0) == len(
                books.journal_in(start, end)
            )
    source = "\n".join(p.read_text("utf-8") for p in Path(hezhang.__file__).parent.rglob("*") if p.suffix in TEXTS)
    known = [name for name in (*PEOPLE, *COMPANIES) if name in source]
    assert not known, f"invented names that hezhang's own files hold: {known}"
