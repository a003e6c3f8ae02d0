"""Column declarations: a data class per column and the mask that shows it."""

from __future__ import annotations

from datetime import date

import pytest

from hezhang.privacy.classes import DataClass
from hezhang.privacy.fields import (
    HIDDEN,
    MASKS,
    FieldSpec,
    apply_mask,
    business,
    internal,
    mask_for,
    mask_row,
    personal,
    secret,
)
from hezhang.privacy.masks import (
    mask_account,
    mask_account_name,
    mask_contra_accounts,
    mask_counterparty,
    mask_free_text,
    mask_person_name,
)

SPECS = {
    "id": internal(),
    "amount_fen": business(),
    "booked_on": business(),
    "account": personal("account"),
    "counterparty": personal("counterparty"),
    "payer": personal("person"),
    "memo": personal("free_text"),
    "raw_file": personal(None),
    "totp_secret": secret(),
}


@pytest.mark.parametrize(
    ("name", "mask"),
    [
        ("account", mask_account),
        ("counterparty", mask_counterparty),
        ("person", mask_person_name),
        ("free_text", mask_free_text),
        ("person_name", mask_person_name),  # the names the store's tables use
        ("name", mask_counterparty),
        ("file_name", mask_free_text),
        ("account_name", mask_account_name),
        ("contra_accounts", mask_contra_accounts),
    ],
)
def test_mask_for_names_the_masks(name: str, mask: object) -> None:
    assert mask_for(name) is mask


def test_every_named_mask_exists_and_none_shows_as_is() -> None:
    assert {"account", "person", "counterparty", "free_text", "id_number", "mobile", "email", "uscc"} <= set(MASKS)
    assert mask_for(None)("张三") == "张三"
    assert mask_for("file_name")("张三13812345678对账单.xlsx") == "张*138****5678对账单.xlsx"
    with pytest.raises(ValueError, match="unknown mask"):
        mask_for("phone")


def test_a_declaration_with_an_unknown_mask_or_a_mask_outside_s2_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown mask"):
        FieldSpec(DataClass.S2, "passport")
    with pytest.raises(ValueError, match="S2 columns only"):
        FieldSpec(DataClass.S1, "account")


def test_a_row_shows_s0_s1_as_is_s2_masked_and_s3_never() -> None:
    row = {
        "id": 7,
        "amount_fen": 123456,
        "booked_on": date(2026, 10, 1),
        "account": "6222021234567890",
        "counterparty": "张三",
        "payer": "欧阳娜娜",
        "memo": "货款 手机13812345678 1,234.56",
        "raw_file": b"%PDF-1.7",
        "totp_secret": "JBSWY3DPEHPK3PXP",
    }
    assert mask_row(SPECS, row) == {
        "id": 7,
        "amount_fen": 123456,
        "booked_on": date(2026, 10, 1),
        "account": "**** **** **** 7890",
        "counterparty": "张*",
        "payer": "欧阳**",
        "memo": "货款 手机138****5678 1,234.56",
        "raw_file": HIDDEN,
        "totp_secret": HIDDEN,
    }


def test_s3_is_hidden_even_when_empty_and_s2_none_stays_none() -> None:
    assert apply_mask(secret(), None) == HIDDEN
    assert apply_mask(secret(), "") == HIDDEN
    assert apply_mask(personal("account"), None) is None
    assert apply_mask(personal(None), "原始文件内容") == HIDDEN


def test_a_column_without_a_data_class_cannot_be_shown() -> None:
    with pytest.raises(KeyError, match="note"):
        mask_row(SPECS, {"id": 1, "note": "x"})
