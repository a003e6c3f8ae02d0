"""Errors a person can act on (bad input, a missing set-up step). The CLI prints them and exits 1."""

from __future__ import annotations


class UserError(Exception):
    """The message says what, where and why, in Chinese and then English."""
