"""A stored line's identity: what makes two imported lines the same bank transaction or the same journal entry.

Banks are exported again and again over overlapping ranges ("the last three months" each month), and people
import the same file twice. A line already stored must not be stored again, or a period would count it twice.
The identity is an HMAC under the client's key (`Sealer.blind`, domain "bank_line" / "ledger_line"), so equal
lines meet in SQL while the database holds no plaintext:

- a bank line: its account, date, direction, amount and currency, then the strongest reference it has: the
  running balance after it (two exports of one account agree on it), else the bank's serial, else its texts
  (time, counterparty, memo, instrument);
- a journal line: date, direction, amount, currency, account code, then the voucher number and entry number,
  else its texts (voucher, memo, counterparty, contra accounts).

Two identical lines inside one file (same-day twins) are two lines: duplicates are counted, not just seen
(`new_rows`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol
from uuid import UUID

BANK_DOMAIN = "bank_line"
LEDGER_DOMAIN = "ledger_line"


class Blinder(Protocol):
    def blind(self, client_id: UUID, domain: str, plaintext: bytes) -> bytes: ...


def _text(parts: Iterable[object]) -> bytes:
    """Fields joined so that no two different tuples give the same text (each field length-prefixed)."""
    pieces = []
    for part in parts:
        value = "" if part is None else str(part)
        pieces.append(f"{len(value)}:{value}")
    return ";".join(pieces).encode("utf-8")


def bank_identity(account_id: UUID, line: Mapping[str, Any]) -> bytes:
    base = [str(account_id), line["date"], line["direction"], line["amount"], line.get("currency") or "CNY"]
    if line.get("balance") is not None:
        return _text([*base, "balance", line["balance"]])
    if line.get("bank_ref"):
        return _text([*base, "ref", line["bank_ref"]])
    texts = ("time", "counterparty_account", "counterparty_name", "memo", "instrument_no")
    return _text([*base, "text", *(line.get(name) for name in texts)])


def ledger_identity(line: Mapping[str, Any]) -> bytes:
    base = [line["date"], line["direction"], line["amount"], line.get("currency") or "CNY", line.get("account_code")]
    if line.get("voucher_no") and line.get("entry_no") is not None:
        return _text([*base, "voucher", line["voucher_no"], line["entry_no"]])
    texts = ("voucher_no", "memo", "counterparty_name", "contra_accounts")
    return _text([*base, "text", *(line.get(name) for name in texts)])


def fingerprints(blinder: Blinder, client_id: UUID, domain: str, identities: Iterable[bytes]) -> list[bytes]:
    return [blinder.blind(client_id, domain, identity) for identity in identities]


def new_rows(fingerprints_in_file: Sequence[bytes], stored: Iterable[bytes]) -> list[int]:
    """Positions (0-based, file order) of the file's lines that are not stored yet.

    Each stored line accounts for one line of the file with the same identity, the earliest first: a file with two
    identical lines where one is stored adds the second.
    """
    already = Counter(stored)
    keep = []
    for position, fingerprint in enumerate(fingerprints_in_file):
        if already[fingerprint] > 0:
            already[fingerprint] -= 1
        else:
            keep.append(position)
    return keep
