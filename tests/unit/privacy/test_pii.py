"""Finding IDs, cards, mobiles, USCCs and e-mail addresses in free text, and masking them there.

Every number is generated with a correct checksum (stdnum's check-digit helpers); no real person's number appears.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric, uscc

from hezhang.privacy.masks import mask_free_text
from hezhang.privacy.pii import KINDS, Finding, find_pii

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_id(body: str) -> str:
    """An 18-character resident ID number from its first 17 digits (ric wants the check place included)."""
    assert len(body) == 17
    return body + ric.calc_check_digit(body + "0")


def make_uscc(body: str) -> str:
    assert len(body) == 17
    return body + uscc.calc_check_digit(body)


def make_card(body: str) -> str:
    return body + luhn.calc_check_digit(body)


def spaced(number: str, sep: str = " ") -> str:
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def broken(number: str) -> str:
    """The same number with its last character changed so its checksum fails."""
    for ch in "0123456789":
        wrong = number[:-1] + ch
        if ch != number[-1] and not find_pii(wrong):
            return wrong
    raise AssertionError(number)


ID = make_id("11010519491231002")
ID_X = make_id("44030419900101002")  # ends in X
USCC = make_uscc("91110000MA01ABCD2")
CARD16 = make_card("622202123456789")
CARD19 = make_card("621700001234567890")
AMEX = make_card("37828224631000")


# --- strategies -------------------------------------------------------------------------------------------


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.from_regex(r"[1-6][0-9]{5}", fullmatch=True))
    birth = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2020, 12, 31))).strftime("%Y%m%d")
    seq = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    return make_id(region + birth + seq)


@st.composite
def usccs(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(["91", "92", "93", "11", "12", "51", "52", "53"]))
    region = draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    org = draw(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
    return make_uscc(head + region + org)


@st.composite
def cards(draw: st.DrawFn) -> str:
    """A card or account number as written: contiguous, in groups of four, or with dashes."""
    length = draw(st.integers(16, 19))
    body = draw(st.sampled_from(["62", "4", "5"])) + draw(st.text(alphabet="0123456789", min_size=15, max_size=15))
    number = make_card(body[: length - 1])
    return draw(st.sampled_from([number, spaced(number), spaced(number, "-")]))


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
emails = st.from_regex(r"[a-z][a-z0-9._]{0,10}@[a-z][a-z0-9]{1,10}\.(com|cn|net|com\.cn)", fullmatch=True)

amounts = st.integers(0, 10**9).map(
    lambda fen: f"{fen // 100:,}.{fen % 100:02d}" if fen % 2 else f"{fen // 100}.{fen % 100:02d}"
)
dates = st.dates().map(
    lambda d: d.strftime(["%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M"][d.day % 5])
)
words = st.sampled_from(
    [
        "货款",
        "工资",
        "转账",
        "报销差旅费",
        "房租",
        "备注",
        "往来款",
        "10月",
        "第3期",
        "No.12345",
        "手续费",
        "利息",
        "税费",
    ]
)
joiners = st.sampled_from(["，", "；", " ", "\n", "：", "。", "/ "])
fillers = st.one_of(words, amounts, dates)
pii_values = st.one_of(id_numbers(), usccs(), cards(), mobiles, emails)


def joined(pieces: list[str], seps: list[str]) -> str:
    out = pieces[0]
    for piece, sep in zip(pieces[1:], seps, strict=False):
        out += sep + piece
    return out


# --- find_pii ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        (f"身份证号{ID}，请核对", "id_number", ID),
        (f"身份证号{ID_X}", "id_number", ID_X),
        (f"身份证号{ID_X.lower()}。", "id_number", ID_X.lower()),
        (f"统一社会信用代码：{USCC}", "uscc", USCC),
        (f"卡号{CARD16}转入", "card", CARD16),
        (f"卡号 {spaced(CARD16)} 转入", "card", spaced(CARD16)),
        (f"账号{spaced(CARD19, '-')}", "card", spaced(CARD19, "-")),
        (f"AMEX {AMEX[:4]} {AMEX[4:10]} {AMEX[10:]}", "card", f"{AMEX[:4]} {AMEX[4:10]} {AMEX[10:]}"),
        ("联系人手机13812345678", "mobile", "13812345678"),
        ("电话 138-1234-5678 转", "mobile", "138-1234-5678"),
        ("电话 138 1234 5678", "mobile", "138 1234 5678"),
        ("tel:+8613812345678", "mobile", "13812345678"),
        ("邮箱zhang.san@example.com.cn，谢谢", "email", "zhang.san@example.com.cn"),
        ("QQ邮箱13812345678@qq.com", "email", "13812345678@qq.com"),
        ("全角手机１３８１２３４５６７８号", "mobile", "１３８１２３４５６７８"),
    ],
)
def test_finds_each_kind_with_its_exact_span(text: str, kind: str, value: str) -> None:
    findings = find_pii(text)
    assert [(f.kind, f.value) for f in findings] == [(kind, value)]
    assert text[findings[0].start : findings[0].end] == value


@pytest.mark.parametrize(
    "text",
    [
        f"身份证号{broken(ID)}",
        f"代码{broken(USCC)}",
        f"卡号{broken(CARD16)}",
        "编号138123456789",  # twelve digits: not a mobile
        "流水2138123456789",  # a mobile inside a longer run
        "金额13812345678.00元",  # an amount, not a mobile
        "金额1,234.56 日期2026-10-01 20261001 时间10:30:00",
        "流水号20261001123045",  # a timestamp
        f"前后缀{CARD16}1",  # seventeen digits: not this card
        "2026-10-01 2026-10-31",
        "",
    ],
)
def test_finds_nothing_without_a_valid_number(text: str) -> None:
    assert find_pii(text) == []


def test_none_has_no_findings() -> None:
    assert find_pii(None) == []


def test_eighteen_digits_valid_as_id_and_card_count_once_as_id() -> None:
    for n in range(10**16, 10**16 + 2000):
        number = make_id(str(n))
        if number[-1] != "X" and luhn.is_valid(number):
            break
    assert find_pii(f"号码{number}") == [Finding("id_number", 2, 20, number)]


def test_a_card_next_to_an_amount_keeps_the_amount_out() -> None:
    text = f"卡 {spaced(CARD16)} 1,234.56"
    (finding,) = find_pii(text)
    assert finding.value == spaced(CARD16)
    assert mask_free_text(text) == f"卡 **** **** **** {CARD16[-4:]} 1,234.56"


# --- mask_free_text ---------------------------------------------------------------------------------------


def test_masks_every_kind_with_its_own_mask() -> None:
    text = (
        f"张三 身份证{ID_X}，卡号{spaced(CARD19)}，手机13812345678，代码{USCC}，"
        "邮箱zhang@example.com，金额1,234.56，日期2026-10-01"
    )
    assert mask_free_text(text) == (
        f"张* 身份证4{'*' * 16}X，卡号**** **** **** {CARD19[-4:]}，手机138****5678，代码9{'*' * 16}{USCC[-1]}，"
        "邮箱z***@example.com，金额1,234.56，日期2026-10-01"
    )


@pytest.mark.parametrize("text", [None, "", "货款 1,234.56 2026-10-01"])
def test_text_without_numbers_passes_through(text: str | None) -> None:
    assert mask_free_text(text) == text


def test_masks_a_mobile_inside_an_email_domain_too() -> None:
    assert mask_free_text("x@13812345678.cn") == "x***@138****5678.cn"


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(fillers, min_size=1, max_size=8), st.lists(joiners, min_size=8, max_size=8))
def test_memos_without_numbers_are_never_changed(pieces: list[str], seps: list[str]) -> None:
    text = joined(pieces, seps)
    assert mask_free_text(text) == text


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(fillers, pii_values), min_size=1, max_size=8),
    st.lists(joiners, min_size=8, max_size=8),
    pii_values,
)
def test_no_number_of_the_input_stays_visible(pieces: list[str], seps: list[str], secret: str) -> None:
    pieces = [*pieces, secret]
    text = joined(pieces, seps)
    masked = mask_free_text(text)
    assert masked is not None
    compact_output = masked.replace(" ", "").replace("-", "")
    for piece in pieces:
        if find_pii(piece):
            assert piece not in masked
            assert piece.replace(" ", "").replace("-", "") not in compact_output
    for filler in pieces:
        if not find_pii(filler) and filler not in pieces[-1]:
            assert filler in masked
    assert find_pii(masked) == []
    assert mask_free_text(masked) == masked


@settings(max_examples=200)
@given(st.text(alphabet="0123456789 -Xx@.,a张", max_size=80))
def test_masking_any_text_is_idempotent_and_leaves_no_finding(text: str) -> None:
    masked = mask_free_text(text)
    assert masked is not None
    assert find_pii(masked) == []
    assert mask_free_text(masked) == masked


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_findings_are_ordered_disjoint_and_point_into_the_text(text: str) -> None:
    findings = find_pii(text)
    assert all(f.kind in KINDS and text[f.start : f.end] == f.value for f in findings)
    assert all(a.end <= b.start for a, b in pairwise(findings))
