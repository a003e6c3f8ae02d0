"""Default masks of DOMAIN.md, applied server side before anything leaves the service layer.

Every mask passes ``None`` and ``""`` through unchanged and never raises. Resident ID numbers, mobile numbers and
personal names keep their length; account and card numbers always show as ``**** **** **** 1234`` whatever their
length, and e-mail addresses as ``z***@example.com``, so neither reveals how long the hidden part is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from hezhang.privacy.names import KnownNames, find_names, looks_personal
from hezhang.privacy.pii import FOLD, Finding, PiiKind, find_pii
from hezhang.privacy.vocabulary import surnames

_NAME_SEPARATORS: Final = frozenset(" ·•・.-")
_MASKED_ACCOUNT_PREFIX: Final = "**** **** **** "


def mask_account(number: str | None) -> str | None:
    """Account and card numbers keep the last 4 digits: "**** **** **** 1234"."""
    if not number:
        return number
    digits = "".join(ch for ch in number if ch.isalnum())
    if len(digits) <= 4:
        return "*" * len(digits)
    return _MASKED_ACCOUNT_PREFIX + digits[-4:]


def mask_id_number(number: str | None) -> str | None:
    """Resident ID numbers keep the first and the last character, same length: "3****************X"."""
    if not number:
        return number
    compact = "".join(number.split())
    if len(compact) <= 2:
        return "*" * len(compact)
    return compact[0] + "*" * (len(compact) - 2) + compact[-1]


def mask_uscc(code: str | None) -> str | None:
    """Unified social credit codes (统一社会信用代码) are masked like ID numbers: "9****************X"."""
    return mask_id_number(code)


def mask_mobile(number: str | None) -> str | None:
    """Mobile numbers keep the first 3 and the last 4 digits: "138****1234".

    Separators and a country prefix stay where they are ("+86 138 **** 1234"). A number of fewer than 11 digits
    keeps only its last 4 digits, and one of 4 digits or fewer keeps none.
    """
    if not number:
        return number
    positions = [i for i, ch in enumerate(number) if ch.isdigit()]
    keep = set(positions[-4:]) if len(positions) > 4 else set()
    if len(positions) >= 11:
        keep |= set(positions[: len(positions) - 8])
    hidden = set(positions) - keep
    return "".join("*" if i in hidden else ch for i, ch in enumerate(number))


def mask_person_name(name: str | None) -> str | None:
    """Personal names keep the surname and hide every other character: "张*", "欧阳**", "J*** *****"."""
    if not name:
        return name
    text = name.strip()
    letters = [ch for ch in text if ch not in _NAME_SEPARATORS]
    if len(letters) <= 1:
        return "*" * len(text)
    surname = 2 if len(letters) > 2 and text[:2] in surnames().compound else 1
    return text[:surname] + "".join(ch if ch in _NAME_SEPARATORS else "*" for ch in text[surname:])


def mask_email(address: str | None) -> str | None:
    """E-mail addresses keep the first character and the domain: "z***@example.com"."""
    if not address:
        return address
    text = address.strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return text[:1] + "***"
    return local[:1] + "***@" + domain


def mask_counterparty(name: str | None) -> str | None:
    """Counterparty names are kept when they name an organisation and masked as a person's name otherwise."""
    if not name or not looks_personal(name):
        return name
    return mask_person_name(name)


_FREE_TEXT_MASKS: Final[dict[PiiKind, Callable[[str | None], str | None]]] = {
    "id_number": mask_id_number,
    "uscc": mask_uscc,
    "card": mask_account,
    "mobile": mask_mobile,
    "email": mask_email,
}
#: Masking can expose a new finding (an e-mail domain made of a mobile number); the passes stop far sooner.
_MAX_PASSES: Final = 8


def mask_free_text(text: str | None, known: KnownNames | None = None) -> str | None:
    """Mask every personal name inside ``text`` with the name mask (代付王小明工资 -> 代付王**工资; see
    ``names.find_names``, which also finds every name of ``known``), then every ID, card, mobile, USCC number and
    e-mail address (see ``pii.find_pii``), each with its own mask; everything else, amounts and dates included,
    stays as it is."""
    if not text:
        return text
    text = _mask_names(text, known)
    for _ in range(_MAX_PASSES):
        findings = find_pii(text)
        if not findings:
            break
        text = _replace(text, findings)
    return text


def _mask_names(text: str, known: KnownNames | None) -> str:
    pieces: list[str] = []
    cursor = 0
    for start, end in find_names(text, known):
        pieces += [text[cursor:start], mask_person_name(text[start:end]) or ""]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def mask_account_name(name: str | None, known: KnownNames | None = None) -> str | None:
    """A journal account name with the person in it masked: "应收账款-王某某" -> "应收账款-王**".

    The separators of sub-accounts (- — / _ : brackets, spaces) stand where a name starts and ends, so the free-text
    mask finds the person after them; "其他应收款-备用金王小明" and "应收账款王某某" are read as memos are."""
    return mask_free_text(name, known)


def mask_contra_accounts(names: str | None, known: KnownNames | None = None) -> str | None:
    """Contra accounts ("应收账款-王某某;银行存款") masked as account names; ";" ends a name as a separator does."""
    return mask_free_text(names, known)


def _replace(text: str, findings: list[Finding]) -> str:
    pieces: list[str] = []
    cursor = 0
    for finding in findings:
        masked = _FREE_TEXT_MASKS[finding.kind](finding.value.translate(FOLD))
        pieces += [text[cursor : finding.start], masked or ""]
        cursor = finding.end
    pieces.append(text[cursor:])
    return "".join(pieces)
