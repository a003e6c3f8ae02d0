"""Data classes (DOMAIN.md, "Data classes"; JR/T 0171 and GB/T 43697 are the models)."""

from __future__ import annotations

from enum import StrEnum


class DataClass(StrEnum):
    #: Internal: ids, statuses, timestamps. Plain; shown to any signed-in staff.
    S0 = "S0"
    #: Business confidential: amounts, dates, account codes, balances. Plain, behind client isolation.
    S1 = "S1"
    #: Personal or financial: account and card numbers, ID numbers, phones, names, memos, counterparties,
    #: raw uploaded files. Encrypted with the client's key; masked unless revealed with a logged reason.
    S2 = "S2"
    #: Secret: password hashes, TOTP secrets, keys. Hashed or wrapped; never exported, never shown.
    S3 = "S3"

    @property
    def encrypted_at_rest(self) -> bool:
        return self is DataClass.S2

    @property
    def exportable(self) -> bool:
        return self is not DataClass.S3
