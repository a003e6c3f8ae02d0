"""Field declarations: each stored column names its data class and, for S2, the mask used when it is shown.

The store declares every column once (``FieldSpec``); services show values only through ``apply_mask`` or
``mask_row``. S3 is never shown (always ``HIDDEN``), S2 is shown through its mask (or hidden when it has none, as
for raw files), S1 and S0 are shown as they are. A column without a declaration cannot be shown at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, TypeVar

from hezhang.privacy.classes import DataClass
from hezhang.privacy.masks import (
    mask_account,
    mask_account_name,
    mask_contra_accounts,
    mask_counterparty,
    mask_email,
    mask_free_text,
    mask_id_number,
    mask_mobile,
    mask_person_name,
    mask_uscc,
)

Mask = Callable[[str | None], str | None]
T = TypeVar("T")

#: What a hidden value shows: the same for every value, so it reveals neither content nor length.
HIDDEN: Final = "******"

#: The masks a column may name. "person_name", "name" and "file_name" are the names the store's tables use:
#: a counterparty or alias name may be a company's or a person's, a file name is free text. "account_name" and
#: "contra_accounts" hide the person in a journal account (应收账款-王某某 -> 应收账款-王**).
MASKS: Final[Mapping[str, Mask]] = MappingProxyType(
    {
        "account": mask_account,
        "id_number": mask_id_number,
        "uscc": mask_uscc,
        "mobile": mask_mobile,
        "person": mask_person_name,
        "person_name": mask_person_name,
        "email": mask_email,
        "counterparty": mask_counterparty,
        "name": mask_counterparty,
        "free_text": mask_free_text,
        "file_name": mask_free_text,
        "account_name": mask_account_name,
        "contra_accounts": mask_contra_accounts,
    }
)


def _unmasked(value: str | None) -> str | None:
    return value


def mask_for(name: str | None) -> Mask:
    """The mask called ``name`` (``None``: the value as it is). An unknown name is a programming error."""
    if name is None:
        return _unmasked
    try:
        return MASKS[name]
    except KeyError:
        raise ValueError(f"unknown mask {name!r}; known: {', '.join(sorted(MASKS))}") from None


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A column's data class and, for S2, the name of the mask that applies when it is shown."""

    data_class: DataClass
    mask: str | None = None

    def __post_init__(self) -> None:
        mask_for(self.mask)
        if self.mask is not None and self.data_class is not DataClass.S2:
            raise ValueError(f"a mask applies to S2 columns only, not to {self.data_class} (mask {self.mask!r})")


def internal() -> FieldSpec:
    """S0: ids, statuses, timestamps."""
    return FieldSpec(DataClass.S0)


def business() -> FieldSpec:
    """S1: amounts, dates, ledger account codes, balances."""
    return FieldSpec(DataClass.S1)


def personal(mask: str | None) -> FieldSpec:
    """S2: personal or financial data, shown through ``mask`` (``None``: never shown, e.g. a raw file)."""
    return FieldSpec(DataClass.S2, mask)


def secret() -> FieldSpec:
    """S3: password hashes, TOTP secrets, keys; never shown."""
    return FieldSpec(DataClass.S3)


def apply_mask(spec: FieldSpec, value: T) -> T | str | None:
    """What a column's value shows by default (no reveal): S0/S1 as is, S2 masked, S3 always ``HIDDEN``."""
    if spec.data_class is DataClass.S3:
        return HIDDEN
    if spec.data_class is not DataClass.S2:
        return value
    if value is None or value == "":
        return value
    if spec.mask is None or not isinstance(value, str):
        return HIDDEN
    return mask_for(spec.mask)(value)


def mask_row(specs: Mapping[str, FieldSpec], row: Mapping[str, object]) -> dict[str, object]:
    """Every value of ``row`` as shown by default; a column missing from ``specs`` raises ``KeyError``."""
    missing = sorted(set(row) - set(specs))
    if missing:
        raise KeyError(f"columns without a data class: {', '.join(missing)}")
    return {column: apply_mask(specs[column], value) for column, value in row.items()}
