import polars as pl

from hezhang.privacy.frames import mask_lines


def test_personal_data_in_lines_is_masked_and_the_rest_is_untouched() -> None:
    frame = pl.DataFrame(
        {
            "amount": [800_000, 1_000_000],
            "counterparty_name": ["张伟", "上海开发区世创商贸有限公司"],
            "counterparty_account": ["6222021234567890123", None],
            "memo": ["房租 联系 13812345678", "货款 发票12345678"],
            "bank_ref": ["A0001", "A0002"],
        }
    )
    masked = mask_lines(frame)
    assert masked["counterparty_name"].to_list() == ["张*", "上海开发区世创商贸有限公司"]
    assert masked["counterparty_account"].to_list() == ["**** **** **** 0123", None]
    assert masked["memo"].to_list() == ["房租 联系 138****5678", "货款 发票12345678"]
    assert masked.select("amount", "bank_ref").equals(frame.select("amount", "bank_ref"))
