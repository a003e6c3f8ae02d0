"""The default masks applied to whole columns of lines (bank or ledger frames) before they leave a service.

Each distinct value is masked once, so a million lines with a few thousand names and memos cost little. The
free-text columns also hide the names the frame itself tells are people's (``known_names``): a counterparty that
reads as a person's, the person after the separator of a journal account (应收账款-王某某), wherever they occur.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import polars as pl

from hezhang.privacy.masks import (
    mask_account,
    mask_account_name,
    mask_contra_accounts,
    mask_counterparty,
    mask_free_text,
    mask_person_name,
)
from hezhang.privacy.names import KnownNames, reads_as_name, reads_as_person

Mask = Callable[[str | None], str | None]
TextMask = Callable[[str | None, KnownNames | None], str | None]

#: Column -> mask, for the columns of BANK_SCHEMA and LEDGER_SCHEMA that hold S2 values.
LINE_MASKS: dict[str, Mask] = {
    "counterparty_name": mask_counterparty,
    "counterparty_account": mask_account,
    "counterparty_bank": mask_free_text,
    "memo": mask_free_text,
    "contra_accounts": mask_contra_accounts,
    "account_name": mask_account_name,
    "account": mask_account,
    "preparer": mask_person_name,
}

#: The free-text columns of LINE_MASKS: their masks also take the names known in the frame.
TEXT_MASKS: dict[str, TextMask] = {
    "counterparty_bank": mask_free_text,
    "memo": mask_free_text,
    "contra_accounts": mask_contra_accounts,
    "account_name": mask_account_name,
}

#: A part of an account name or of a list of contra accounts: what stands between the separators.
_ACCOUNT_PART = r"[^-－—–_/\\|:：()（）\[\]【】<>《》\s;；]+"


def known_names(frame: pl.DataFrame) -> KnownNames:
    """The names the frame tells are people's: counterparties that read as a person's (``names.reads_as_person``)
    and parts of account names that read as a person's name (``names.reads_as_name``)."""
    names: set[str] = set()
    if "counterparty_name" in frame.columns:
        names.update(v for v in _distinct(frame["counterparty_name"].str.strip_chars()) if reads_as_person(v))
    accounts = [c for c in ("account_name", "contra_accounts") if c in frame.columns]
    if accounts:
        parts = [frame[c].str.extract_all(_ACCOUNT_PART).explode() for c in accounts]
        names.update(v for v in _distinct(pl.concat(parts)) if reads_as_name(v))
    return KnownNames(names)


def _distinct(values: pl.Series) -> list[str]:
    """The distinct values short enough to be a name (a person's name in parts runs to about 20 characters)."""
    distinct = values.drop_nulls().unique()
    return distinct.filter(distinct.str.len_chars().is_between(2, 20)).to_list()


def mask_column(column: pl.Series, mask: Mask) -> pl.Series:
    distinct = column.drop_nulls().unique().to_list()
    return column.replace_strict({v: mask(v) for v in distinct}, default=None, return_dtype=pl.String)


def mask_list_column(column: pl.Series, mask: Mask, separator: str) -> pl.Series:
    """A column of lists written as text ("应收账款-王某某;银行存款") masked item by item, each distinct item once."""
    items = column.str.split(separator)
    distinct = items.explode().drop_nulls().unique().to_list()
    mapping = {v: mask(v) for v in distinct}
    masked = items.list.eval(pl.element().replace_strict(mapping, default=None, return_dtype=pl.String))
    return masked.list.join(separator)


def mask_lines(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every S2 column masked as DOMAIN.md says (amounts, dates and references untouched)."""
    known = known_names(frame)
    account = cache(_knowing(mask_account_name, known))  # an account name and the contra accounts share names
    columns = []
    for name, mask in LINE_MASKS.items():
        if name not in frame.columns:
            continue
        if name == "contra_accounts":
            columns.append(mask_list_column(frame[name], account, ";").alias(name))
            continue
        shown = account if name == "account_name" else _knowing(TEXT_MASKS[name], known) if name in TEXT_MASKS else mask
        columns.append(mask_column(frame[name], shown).alias(name))
    return frame.with_columns(columns)


def _knowing(mask: TextMask, known: KnownNames) -> Mask:
    def masked(value: str | None) -> str | None:
        return mask(value, known)

    return masked
