from datetime import date

import pytest

from hezhang.domain.period import Period


def test_month_and_parse() -> None:
    p = Period.parse("2026-02")
    assert p == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert str(p) == "2026-02"
    assert date(2026, 2, 14) in p
    assert date(2026, 3, 1) not in p
    assert Period.parse("2026-10-05..2026-10-20") == Period(date(2026, 10, 5), date(2026, 10, 20))
    assert str(Period(date(2026, 10, 5), date(2026, 10, 20))) == "2026-10-05..2026-10-20"


def test_refuses_backwards_period() -> None:
    with pytest.raises(ValueError, match="period ends before it starts"):
        Period(date(2026, 10, 2), date(2026, 10, 1))
