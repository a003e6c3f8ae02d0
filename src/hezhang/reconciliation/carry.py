"""Carry-forward: the previous period's 未达账项 read back, and offered to this period's matching as lines.

`load_carry_forward` reads a previous `reconciliation.json` (as written by
`hezhang.reports.reconciliation_json`) into `OutstandingItem`s with ``carried=True``. Pure: text in, records
out. Like an importer it never raises on bad input: each thing wrong becomes a `Problem` whose `column` is the
JSON path (``bank_paid_book_not[3].amount``; ``$`` for the whole document), and the good items are returned
beside them. The caller rejects the file when any problem is an error.

`carried_lines` turns the items into line records for the matching engine (keys of `BANK_SCHEMA` and
`LEDGER_SCHEMA`), so that an item clears when its counterpart arrives this period:

- 银行已收、企业未收 -> a bank line "in";  银行已付、企业未付 -> a bank line "out";
- 企业已收、银行未收 -> a ledger line "in" (debit); 企业已付、银行未付 -> a ledger line "out" (credit).

Their `row` is negative: -1, -2, ... numbered separately for each side, in item order (reports write ``P1``,
``P2``, ...). Ledger-side lines get ``voucher_no`` "上期未达-<n>" (n = -row) and ``account_code`` "1002"
(银行存款; pass the bank account's own code, e.g. "100201", when the journal uses sub-accounts).
`source_row` is null: the line stands in no file of this period.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from hezhang.domain.money import MoneyError, parse_fen
from hezhang.domain.period import Period
from hezhang.domain.problem import Problem, Severity
from hezhang.reconciliation.model import OutstandingItem, OutstandingKind

#: The keys that say where an item comes from; an item has exactly one.
SOURCE_KEYS = ("bank_row", "ledger_row", "match_id")
#: Voucher number prefix of the ledger lines made from carried items.
CARRIED_VOUCHER = "上期未达"
BANK_SIDE = {OutstandingKind.BANK_RECEIVED_BOOK_NOT: "in", OutstandingKind.BANK_PAID_BOOK_NOT: "out"}
LEDGER_SIDE = {OutstandingKind.BOOK_RECEIVED_BANK_NOT: "in", OutstandingKind.BOOK_PAID_BANK_NOT: "out"}

#: A line record: keys of `BANK_SCHEMA` or `LEDGER_SCHEMA` (absent keys are null in a frame).
Record = dict[str, object]
_Report = Callable[[str, str, str, object], None]


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _optional_text(entry: Mapping[str, Any], key: str, path: str, report: _Report) -> str | None:
    value = entry.get(key)
    if value is None or isinstance(value, str):
        return value
    report(f"{path}.{key}", "应为文本或 null", "expected text or null", value)
    return None


def _amount(entry: Mapping[str, Any], path: str, report: _Report) -> int | None:
    if "amount" not in entry:
        report(path, "缺少 amount（金额）", "amount is missing", None)
        return None
    raw = entry["amount"]
    if not isinstance(raw, str):
        report(f"{path}.amount", "金额应为带两位小数的字符串", "the amount must be a string with two decimals", raw)
        return None
    try:
        fen = parse_fen(raw)
    except MoneyError as err:
        zh, _, en = str(err).partition(" / ")
        report(f"{path}.amount", zh, en or zh, raw)
        return None
    if fen <= 0:
        report(f"{path}.amount", "未达账项金额应大于零", "an outstanding item's amount must be above zero", raw)
        return None
    return fen


def _date(entry: Mapping[str, Any], path: str, report: _Report) -> date | None:
    if "date" not in entry:
        report(path, "缺少 date（日期）", "date is missing", None)
        return None
    raw = entry["date"]
    try:
        if not isinstance(raw, str):
            raise TypeError
        return date.fromisoformat(raw)
    except (TypeError, ValueError):
        report(f"{path}.date", "日期应为 YYYY-MM-DD", "the date must be YYYY-MM-DD", raw)
        return None


def _sources(entry: Mapping[str, Any], path: str, report: _Report) -> dict[str, int] | None:
    sources = {key: entry[key] for key in SOURCE_KEYS if entry.get(key) is not None}
    if len(sources) != 1:
        report(
            path,
            "须恰有 bank_row、ledger_row、match_id 之一",
            "needs exactly one of bank_row, ledger_row, match_id",
            sorted(sources),
        )
        return None
    ((key, value),) = sources.items()
    if isinstance(value, bool) or not isinstance(value, int):
        report(f"{path}.{key}", "应为整数", "expected an integer", value)
        return None
    return {key: value}


def _since(entry: Mapping[str, Any], path: str, previous: Period | None, report: _Report) -> str | None:
    raw = entry.get("since")
    if raw is None:
        return None if previous is None else str(previous)
    try:
        if not isinstance(raw, str):
            raise TypeError
        return str(Period.parse(raw))
    except (TypeError, ValueError):
        report(f"{path}.since", "应为期间，如 2026-09", "expected a period such as 2026-09", raw)
        return None


def _item(
    entry: object, path: str, kind: OutstandingKind, previous: Period | None, report: _Report
) -> OutstandingItem | None:
    if not isinstance(entry, dict):
        report(path, "未达账项应为 JSON 对象", "an outstanding item must be a JSON object", entry)
        return None
    problems: list[str] = []

    def noting(where: str, zh: str, en: str, value: object) -> None:
        problems.append(where)
        report(where, zh, en, value)

    amount = _amount(entry, path, noting)
    day = _date(entry, path, noting)
    memo = _optional_text(entry, "memo", path, noting)
    counterparty = _optional_text(entry, "counterparty", path, noting)
    sources = _sources(entry, path, noting)
    since = _since(entry, path, previous, noting)
    if problems or amount is None or day is None or sources is None:
        return None
    return OutstandingItem(
        kind=kind,
        amount_fen=amount,
        date=day,
        memo=memo,
        counterparty=counterparty,
        carried=True,
        since=since,
        **sources,
    )


def _period(doc: Mapping[str, Any], into: Period | None, report: _Report, notice: _Report) -> Period | None:
    raw = doc.get("period")
    try:
        if not isinstance(raw, str):
            raise TypeError
        period = Period.parse(raw)
    except (TypeError, ValueError):
        report("period", "缺少期间或期间无法识别（如 2026-09）", "the period is missing or not a period (2026-09)", raw)
        return None
    if into is not None:
        if period.end >= into.start:
            report("period", f"上期调节表的期间不早于本期 {into}", f"the previous statement is not before {into}", raw)
        elif period.end + timedelta(days=1) != into.start:
            notice(
                "period",
                f"上期调节表与本期 {into} 不相接",
                f"the previous statement does not end just before {into}",
                raw,
            )
    return period


def load_carry_forward(
    text: str, source: str, *, into: Period | None = None
) -> tuple[tuple[OutstandingItem, ...], list[Problem]]:
    """The previous statement's 未达账项 as carried items, and the problems found in `text`.

    `source` names the document in problems (a file name). With `into` (this period), a previous statement
    that does not end before it is an error, one that leaves a gap a notice. An item's `since` is kept when
    given, else it is the previous statement's period.
    """
    problems: list[Problem] = []

    def report(path: str, zh: str, en: str, value: object, severity: Severity = Severity.ERROR) -> None:
        shown = None if value is None else _shown(value)
        problems.append(Problem(source, zh, en, column=path, value=shown, severity=severity))

    def notice(path: str, zh: str, en: str, value: object) -> None:
        report(path, zh, en, value, Severity.NOTICE)

    try:
        doc = json.loads(text.removeprefix("\ufeff"))
    except (ValueError, RecursionError) as err:
        report("$", "不是有效的 JSON 调节表", f"not a valid JSON statement: {err}", None)
        return (), problems
    if not isinstance(doc, dict):
        report("$", "调节表应为 JSON 对象", "the statement must be a JSON object", None)
        return (), problems
    previous = _period(doc, into, report, notice)
    items: list[OutstandingItem] = []
    for kind in OutstandingKind:
        entries = doc.get(kind.value)
        if not isinstance(entries, list):
            what = "缺少" if entries is None else "应为列表："
            report(kind.value, f"{what}{kind.value}（{kind.title_zh}）", f"{kind.value} must be a list", entries)
            continue
        for n, entry in enumerate(entries):
            item = _item(entry, f"{kind.value}[{n}]", kind, previous, report)
            if item is not None:
                items.append(item)
    return tuple(items), problems


def carried_lines(
    items: Iterable[OutstandingItem], *, currency: str = "CNY", account_code: str = "1002"
) -> tuple[list[Record], list[Record]]:
    """The items as (bank line records, ledger line records), rows -1, -2, ... per side in item order."""
    bank: list[Record] = []
    ledger: list[Record] = []
    for item in items:
        common: Record = {
            "source_row": None,
            "date": item.date,
            "amount": item.amount_fen,
            "currency": currency,
            "memo": item.memo,
            "counterparty_name": item.counterparty,
        }
        if item.kind in BANK_SIDE:
            bank.append({"row": -(len(bank) + 1), "direction": BANK_SIDE[item.kind], **common})
        else:
            n = len(ledger) + 1
            ledger.append(
                {
                    "row": -n,
                    "voucher_no": f"{CARRIED_VOUCHER}-{n}",
                    "account_code": account_code,
                    "direction": LEDGER_SIDE[item.kind],
                    **common,
                }
            )
    return bank, ledger
