import csv
import io
from dataclasses import asdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.domain.money import parse_fen
from hezhang.matching.model import Evidence, Match, Status
from hezhang.reports.matches_csv import render_matches_csv, row_refs

HEADER = "match_id,status,bank_rows,ledger_rows,rule,confidence,difference,alternatives,explanation"


def _match(**changes: object) -> Match:
    fields: dict[str, object] = {
        "match_id": 1,
        "status": Status.AUTO,
        "bank_rows": (3,),
        "ledger_rows": (7,),
        "rule": "exact",
        "confidence": 0.98765,
        "difference_fen": 0,
        "evidence": (Evidence("amount", 1.0, "金额相等", "same amount"),),
    }
    fields.update(changes)
    return Match(**fields)  # type: ignore[arg-type]


def _parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_header_is_exactly_the_documented_one() -> None:
    assert render_matches_csv([]) == HEADER + "\n"
    assert render_matches_csv([asdict(_match())]).splitlines()[0] == HEADER


def test_a_match_from_the_engine_is_a_row_as_it_is() -> None:
    fee = _match(match_id=2, bank_rows=(12,), ledger_rows=(4,), rule="fee", confidence=0.9, difference_fen=1500)
    text = render_matches_csv([asdict(_match()), asdict(fee)])
    assert text.splitlines()[1:] == ["1,auto,3,7,exact,0.988,0.00,,", "2,auto,12,4,fee,0.900,15.00,,"]


def test_groups_are_joined_with_semicolons_and_carried_items_are_p_numbers() -> None:
    group = _match(bank_rows=(-1, 5), ledger_rows=(8, 9, -2), status=Status.SUGGESTED, difference_fen=-5)
    (row,) = _parse(render_matches_csv([asdict(group)]))
    assert row == {
        "match_id": "1",
        "status": "suggested",
        "bank_rows": "P1;5",
        "ledger_rows": "8;9;P2",
        "rule": "exact",
        "confidence": "0.988",
        "difference": "-0.05",
        "alternatives": "",
        "explanation": "",
    }


def test_a_suggestion_names_its_alternatives_and_says_why() -> None:
    one = _match(status=Status.SUGGESTED, alternatives=(2, 5), explanation_zh="方向相同且金额相等；备选：#2、#5")
    (row,) = _parse(render_matches_csv([asdict(one)]))
    assert (row["alternatives"], row["explanation"]) == ("2;5", "方向相同且金额相等；备选：#2、#5")


def test_plain_dicts_with_string_status_work_and_text_is_quoted() -> None:
    row = {"match_id": 9, "status": "auto", "bank_rows": [1], "ledger_rows": [2], "rule": "a,b", "confidence": 1,
           "difference_fen": 123456}  # fmt: skip
    (parsed,) = _parse(render_matches_csv([row]))
    assert parsed["rule"] == "a,b"
    assert parsed["confidence"] == "1.000"
    assert parsed["difference"] == "1234.56"


def test_a_float_difference_is_refused() -> None:
    row = asdict(_match()) | {"difference_fen": 15.0}
    with pytest.raises(TypeError):
        render_matches_csv([row])


rows = st.lists(st.integers(min_value=-50, max_value=10**6).filter(bool), max_size=4).map(tuple)
matches = st.builds(
    _match,
    match_id=st.integers(min_value=1, max_value=10**6),
    status=st.sampled_from(Status),
    bank_rows=rows,
    ledger_rows=rows,
    rule=st.text(max_size=20),
    confidence=st.floats(min_value=0, max_value=1),
    difference_fen=st.integers(min_value=-(10**12), max_value=10**12),
)


@settings(max_examples=200)
@given(st.lists(matches, max_size=5))
def test_every_match_reads_back_from_the_csv(given_matches: list[Match]) -> None:
    parsed = _parse(render_matches_csv(asdict(m) for m in given_matches))
    assert len(parsed) == len(given_matches)
    for m, row in zip(given_matches, parsed, strict=True):
        assert int(row["match_id"]) == m.match_id
        assert row["status"] == m.status.value
        assert row["bank_rows"] == row_refs(m.bank_rows)
        assert row["ledger_rows"] == row_refs(m.ledger_rows)
        back = [int(r) if not r.startswith("P") else -int(r[1:]) for r in row["bank_rows"].split(";") if r]
        assert tuple(back) == m.bank_rows
        assert row["rule"] == m.rule
        assert abs(float(row["confidence"]) - m.confidence) <= 0.0005
        assert parse_fen(row["difference"]) == m.difference_fen
