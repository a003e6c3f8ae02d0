"""The default masks applied to whole columns of lines (bank or ledger frames) before they leave a service.

Each distinct value is masked once, so a million lines with a few thousand names and memos cost little.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from hezhang.privacy.masks import mask_account, mask_counterparty, mask_free_text

#: Column -> mask, for the columns of BANK_SCHEMA and LEDGER_SCHEMA that hold S2 values.
LINE_MASKS: dict[str, Callable[[str | None], str | None]] = {
    "counterparty_name": mask_counterparty,
    "counterparty_account": mask_account,
    "counterparty_bank": mask_free_text,
    "memo": mask_free_text,
    "contra_accounts": mask_free_text,
    "account": mask_account,
}


def mask_column(column: pl.Series, mask: Callable[[str | None], str | None]) -> pl.Series:
    distinct = column.drop_nulls().unique().to_list()
    return column.replace_strict({v: mask(v) for v in distinct}, default=None, return_dtype=pl.String)


def mask_lines(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every S2 column masked as DOMAIN.md says (amounts, dates and references untouched)."""
    return frame.with_columns(
        mask_column(frame[name], mask).alias(name) for name, mask in LINE_MASKS.items() if name in frame.columns
    )
