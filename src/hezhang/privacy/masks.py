"""Default masks of DOMAIN.md, applied server side before anything leaves the service layer."""

from __future__ import annotations


def mask_account(number: str | None) -> str | None:
    """Account and card numbers keep the last 4 digits: "**** **** **** 1234"."""
    if not number:
        return number
    digits = "".join(ch for ch in number if ch.isalnum())
    if len(digits) <= 4:
        return "*" * len(digits)
    return "**** **** **** " + digits[-4:]
