"""Two parties that share a name core (北京创汇商贸 and 杭州创汇信息技术): a booking that names one of them never
becomes an automatic match with the other's bank line, however the rest of the month looks."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.domain.frames import BANK_SCHEMA, LEDGER_SCHEMA, frame_from_records
from hezhang.matching import match

CORES = ["创汇", "恒达", "金桥", "瑞康", "世创", "博远", "鼎辉"]
PLACES = ["北京", "杭州", "深圳", "成都", "苏州", "沈阳"]
TRADES = ["商贸", "信息技术", "物流", "服饰", "建材", "科技"]
START = date(2026, 10, 1)


def _name(place: str, core: str, trade: str) -> str:
    return f"{place}{core}{trade}有限公司"


@st.composite
def months(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    core = draw(st.sampled_from(CORES))
    here, there = draw(st.lists(st.sampled_from(PLACES), min_size=2, max_size=2, unique=True))
    trade_a, trade_b = draw(st.lists(st.sampled_from(TRADES), min_size=2, max_size=2, unique=True))
    a, b = _name(here, core, trade_a), _name(there, core, trade_b)
    # how the books name B: its full name, its place and core, or its core and trade
    said = draw(st.sampled_from([b, f"{there}{core}", f"{core}{trade_b}"]))
    template = draw(st.sampled_from(["收{}货款", "收到{}回款", "{}-货款", "收货款-{}"]))
    amount = draw(st.integers(10_000, 10**8))
    day, lag = draw(st.integers(0, 20)), draw(st.integers(0, 10))
    direction = "in"
    bank = [
        {"date": START + timedelta(days=day), "direction": direction, "amount": amount, "counterparty_name": a,
         "memo": "货款"},
        # B is known this month: a receipt of its own, of another amount
        {"date": START + timedelta(days=day), "direction": direction, "amount": amount + 777, "counterparty_name": b,
         "memo": "货款"},
    ]  # fmt: skip
    ledger = [
        {"date": START + timedelta(days=day + lag), "direction": direction, "amount": amount, "voucher_no": "记-0001",
         "account_code": "100201", "memo": template.format(said),
         "counterparty_name": draw(st.sampled_from([None, b]))},
    ]  # fmt: skip
    for rows in (bank, ledger):
        for i, r in enumerate(rows, start=1):
            r.update(row=i, currency="CNY")
    return bank, ledger


@settings(max_examples=150, deadline=None)
@given(months())
def test_a_booking_naming_one_party_is_never_matched_to_its_siblings_bank_line(
    month: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    bank, ledger = month
    result = match(frame_from_records(bank, BANK_SCHEMA), frame_from_records(ledger, LEDGER_SCHEMA))
    paired = {(b, x) for m in result.auto for b in m.bank_rows for x in m.ledger_rows}
    assert (1, 1) not in paired, (bank[0]["counterparty_name"], ledger[0]["memo"], result.auto)
