"""The command line's readers of ids, dates, amounts and numbers: any text gives a value or a usage error that
quotes it, never another exception."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hezhang.cli import params


@given(st.text(max_size=80) | st.uuids().map(str))
def test_any_text_is_an_id_or_a_usage_error_quoting_it(text: str) -> None:
    try:
        assert isinstance(params.client_id(text), UUID)
    except params.BadValue as refused:
        message = refused.format_message()
        assert message.index("须为客户 id") < message.index("must be a client id")
        assert params.shown(text) in message


@pytest.mark.parametrize(
    ("reader", "text"),
    [(params.day, "2026-02-30"), (params.period, "2026-13"), (params.amount, "12.345"), (params.match_number, "-1"),
     (params.key_version, "9" * 40), (params.score, "101"), (params.rows, ";;"), (params.rows, "3;x")],
)  # fmt: skip
def test_malformed_values_are_refused(reader: object, text: str) -> None:
    with pytest.raises(params.BadValue):
        reader(text)  # type: ignore[operator]


def test_well_formed_values_are_read() -> None:
    known = uuid4()
    assert params.reconciliation_id(f" {known} ") == known
    assert str(params.day("2026-10-31")) == "2026-10-31" and str(params.period("2026-10")) == "2026-10"
    assert params.rows("3; 7，8".replace("，", ",")).numbers == (3, 7, 8) and params.score("0") == 0


def test_a_long_value_is_shortened_in_the_message() -> None:
    with pytest.raises(params.BadValue) as refused:
        params.alert_id("x" * 10_000)
    assert len(refused.value.format_message()) < 400
