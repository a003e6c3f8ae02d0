"""Reading what `hezhang init --admin` and `hezhang user add` print once: the TOTP secret."""

from __future__ import annotations

import re


def totp_secret(output: str) -> str:
    """The base32 TOTP secret in a command's output (it fails the test when there is none)."""
    found = re.search(r"secret: ([A-Z2-7]{32})", output)
    assert found, output
    return found.group(1)
