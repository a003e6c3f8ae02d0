"""MT940 details in the Dutch banks' structured layout, and a counterparty IBAN in a `:61:` reference place.

Dutch banks (the NVB "MT940 Structured" of Rabobank, ING, ABN AMRO, Triodos …) write `:86:` as sub-fields, each
a code between slashes and its value up to the next code:

    /TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/J. DE VRIES/REMI/FACTUUR 2025-311/EREF/E1/

Rabobank names the party after /ORDP/ (the payer of a credit) or /BENM/ (the payee of a debit), as
`/ORDP//NAME/…/ID/…`; ING writes `/CNTP/account/BIC/name/city/`. The ultimate parties (/ULTC/, /ULTD/, /ULTB/)
are not the counterparty. The remittance information /REMI/ may begin with `USTD//` (free text) or
`STRD/CUR/` (a structured creditor reference).

Rabobank and ASN Bank also write the counterparty's IBAN in the `:61:` customer reference place, which SWIFT
limits to 16 characters: a Dutch IBAN has 18, so the mt-940 library keeps 16 and takes the rest for supplementary
details. An IBAN there is recognised by its check digits (ISO 13616), so a reference that merely looks like one
stays a reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from stdnum import iban

#: The sub-field codes of a structured :86: (NVB MT940 Structured; Rabobank, ING and ABN AMRO descriptions).
CODES = (
    "TRTP", "IBAN", "BIC", "NAME", "REMI", "EREF", "MARF", "CSID", "CNTP", "ORDP", "BENM", "ULTC", "ULTD", "ULTB",
    "PURP", "RTRN", "ISDT", "ADDR", "ID", "SVCL", "BENF", "PREF", "NRTX", "ORIG",
)  # fmt: skip
_ULTIMATE = ("ULTC", "ULTD", "ULTB")
_CODE = re.compile(r"/(" + "|".join(sorted(CODES, key=len, reverse=True)) + r")/")
_STRUCTURED = re.compile(r"^\s*/(?:" + "|".join(CODES) + r")/")
_REMI_KIND = re.compile(r"^(?:USTD//?|STRD/(?:CUR/)?)")
_NO_VALUE = ("NONREF", "NOTPROVIDED")
#: A :61: statement line up to its transaction type code; what follows up to `//` is the customer reference.
_HEAD_61 = re.compile(r"^:61:\d{6}(?:\d{4}| {4})?R?[CD][A-Z]?\d+(?:,\d*)?(?:[NF][A-Z0-9]{3}|S\d{3})")


@dataclass(frozen=True, slots=True)
class Details:
    """What a structured :86: says; None where it does not."""

    counterparty_name: str | None = None
    counterparty_account: str | None = None
    counterparty_bank: str | None = None
    memo: str | None = None
    end_to_end_reference: str | None = None
    transaction_type: str | None = None


def structured_details(text: str | None) -> Details | None:
    """The sub-fields of a Dutch structured :86: (already on one line), or None when it is not one."""
    if not text or not _STRUCTURED.match(text):
        return None
    found = list(_CODE.finditer(text))
    fields: dict[str, str] = {}
    name: str | None = None
    party = ""
    for k, m in enumerate(found):
        code = m.group(1)
        end = found[k + 1].start() if k + 1 < len(found) else len(text)
        value = text[m.end() : end].strip().rstrip("/").strip()
        if code in ("ORDP", "BENM", *_ULTIMATE):
            party = code
        elif code == "NAME" and name is None and party not in _ULTIMATE and value:
            name = value
        fields.setdefault(code, value)
    contact = [p.strip() for p in fields.get("CNTP", "").split("/")]
    contact += [""] * (3 - len(contact))
    remittance = _REMI_KIND.sub("", fields.get("REMI", "")).strip("/ ")
    return Details(
        counterparty_name=name or contact[2] or None,
        counterparty_account=_value(fields.get("IBAN")) or _value(contact[0]),
        counterparty_bank=_value(fields.get("BIC")) or _value(contact[1]),
        memo=remittance or None,
        end_to_end_reference=_value(fields.get("EREF")),
        transaction_type=_value(fields.get("TRTP")),
    )


def reference_iban(line: str) -> str | None:
    """The IBAN a :61: line (its first line, as written) holds in its customer reference place, or None."""
    head = _HEAD_61.match(line)
    if head is None:
        return None
    reference = line[head.end() :].split("//", 1)[0].strip()
    compact = reference.replace(" ", "")
    return compact.upper() if 15 <= len(compact) <= 34 and iban.is_valid(compact) else None


def counterparty(
    d: dict[str, Any], structured: bool, dutch: Details | None, account_in_reference: str | None
) -> dict[str, str | None]:
    """Name, account and bank of the other side, from the mt-940 library's fields `d` of one line: from a German
    structured :86: (?30-?33, `structured`) or a Dutch one (`dutch`); the account else from an IBAN in the :61:
    reference place."""
    if structured:
        name = _text(d.get("applicant_name"))
        account = _text(d.get("applicant_iban") or d.get("gvc_applicant_iban"))
        bank = _text(d.get("applicant_bin") or d.get("gvc_applicant_bin"))
    elif dutch is not None:
        name, account, bank = dutch.counterparty_name, dutch.counterparty_account, dutch.counterparty_bank
    else:
        name = account = bank = None
    return {
        "counterparty_name": name,
        "counterparty_account": account or account_in_reference,
        "counterparty_bank": bank,
    }


def _text(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _value(text: str | None) -> str | None:
    value = (text or "").strip()
    return None if not value or value.upper() in _NO_VALUE else value
