"""The default masks of DOMAIN.md, one table per mask, and the length rules as properties."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric, uscc

from hezhang.privacy.masks import (
    looks_personal,
    mask_account,
    mask_counterparty,
    mask_email,
    mask_free_text,
    mask_id_number,
    mask_mobile,
    mask_person_name,
    mask_uscc,
)
from hezhang.privacy.vocabulary import surnames

ID = "11010519491231002" + ric.calc_check_digit("110105194912310020")
CARD = "62220212345678901" + luhn.calc_check_digit("62220212345678901")
USCC = "91110000MA01ABCD2" + uscc.calc_check_digit("91110000MA01ABCD2")

MASKS: list[Callable[[str | None], str | None]] = [
    mask_account,
    mask_id_number,
    mask_uscc,
    mask_mobile,
    mask_person_name,
    mask_email,
    mask_counterparty,
    mask_free_text,
]


@pytest.mark.parametrize("mask", MASKS)
@pytest.mark.parametrize("value", [None, ""])
def test_none_and_empty_pass_through(mask: Callable[[str | None], str | None], value: str | None) -> None:
    assert mask(value) == value


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (CARD, f"**** **** **** {CARD[-4:]}"),
        ("6222 0212 3456 7890", "**** **** **** 7890"),
        ("6222-0212-3456-7890-123", "**** **** **** 0123"),
        ("11001234567890", "**** **** **** 7890"),
        ("1234", "****"),
        ("12", "**"),
    ],
)
def test_account_keeps_the_last_four_digits(number: str, shown: str) -> None:
    assert mask_account(number) == shown


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (ID, f"1{'*' * 16}{ID[-1]}"),
        ("33010619900101003X", f"3{'*' * 16}X"),
        ("330106 19900101 003X", f"3{'*' * 16}X"),
        ("330106900101003", f"3{'*' * 13}3"),  # the old 15-digit form
        ("12", "**"),
    ],
)
def test_id_number_keeps_first_and_last_character(number: str, shown: str) -> None:
    assert mask_id_number(number) == shown


def test_uscc_keeps_first_and_last_character() -> None:
    assert mask_uscc(USCC) == f"9{'*' * 16}{USCC[-1]}"


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138 **** 5678"),
        ("138-1234-5678", "138-****-5678"),
        ("+86 13812345678", "+86 138****5678"),
        ("+8613812345678", "+86138****5678"),
        ("010-87654321", "010-****4321"),  # eleven digits: area code and last four
        ("0571-876543", "****-**6543"),  # fewer than eleven: the last four only
        ("1234", "****"),
    ],
)
def test_mobile_keeps_three_and_four_digits(number: str, shown: str) -> None:
    assert mask_mobile(number) == shown


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("张三", "张*"),
        ("李小龙", "李**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马相如", "司马**"),
        ("诸葛亮", "诸葛*"),
        ("上官婉儿", "上官**"),
        ("欧阳", "欧*"),  # two characters: surname 欧, given name 阳
        ("阿依古丽·买买提", "阿***·***"),
        ("John Smith", "J*** *****"),
        (" 王五 ", "王*"),
        ("张", "*"),
    ],
)
def test_person_name_keeps_the_surname(name: str, shown: str) -> None:
    assert mask_person_name(name) == shown


@pytest.mark.parametrize("surname", ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐"])
def test_compound_surnames_are_known(surname: str) -> None:
    assert surname in surnames().compound
    assert mask_person_name(surname + "明") == surname + "*"


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("zhang@example.com", "z***@example.com"),
        ("z@example.com", "z***@example.com"),
        ("Zhang.San+bank@mail.example.com.cn", "Z***@mail.example.com.cn"),
        ("not an address", "n***"),
    ],
)
def test_email_keeps_first_character_and_domain(address: str, shown: str) -> None:
    assert mask_email(address) == shown


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("张三", "张*"),
        ("欧阳娜娜", "欧阳**"),
        ("王会芳", "王**"),  # 会 inside a given name does not make an organisation
        ("阿依古丽·买买提", "阿***·***"),
        ("北京某某科技有限公司", "北京某某科技有限公司"),
        ("中国工商银行", "中国工商银行"),
        ("国家税务总局", "国家税务总局"),
        ("派出所", "派出所"),
        ("五金店", "五金店"),
        ("农民专业合作社", "农民专业合作社"),
        ("财付通", "财付通"),
        ("ACME Ltd", "ACME Ltd"),
        ("张三李四王五赵六", "张三李四王五赵六"),  # longer than a name
    ],
)
def test_counterparty_is_masked_only_when_it_reads_as_a_person(name: str, shown: str) -> None:
    assert mask_counterparty(name) == shown
    assert looks_personal(name) is (shown != name)


cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


@settings(max_examples=200)
@given(st.text(cjk, min_size=2, max_size=8))
def test_person_names_keep_their_length_and_show_at_most_the_surname(name: str) -> None:
    masked = mask_person_name(name)
    assert masked is not None
    assert len(masked) == len(name)
    assert masked.rstrip("*") in (name[:1], name[:2])


@settings(max_examples=200)
@given(st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True), st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_id_and_mobile_masks_keep_the_length(number: str, mobile: str) -> None:
    assert len(mask_id_number(number) or "") == len(number) == 18
    assert len(mask_mobile(mobile) or "") == len(mobile) == 11
    assert (mask_mobile(mobile) or "")[3:7] == "****"


@settings(max_examples=200)
@given(st.from_regex(r"[0-9]{13,19}", fullmatch=True))
def test_account_mask_hides_the_length(number: str) -> None:
    assert mask_account(number) == "**** **** **** " + number[-4:]


@settings(max_examples=200)
@given(st.text(max_size=40))
def test_masks_never_raise_and_are_stable(value: str) -> None:
    for mask in MASKS:
        masked = mask(value)
        assert isinstance(masked, str)
    assert mask_free_text(mask_free_text(value)) == mask_free_text(value)
