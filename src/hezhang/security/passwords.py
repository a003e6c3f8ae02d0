"""Passwords: argon2id hashes, verification without a timing oracle, and the checks a new password must pass.

Hashes are argon2id with the parameters below (RFC 9106's second recommended option: 3 passes over 64 MiB,
4 lanes). When they change, `verify_password` reports `needs_rehash` for older hashes so the caller can store
a fresh hash while it holds the plaintext (at login). An unknown user is verified against a dummy hash made
with the same parameters, so a login for a name that does not exist takes as long as one that does.
No function here logs, stores or returns a password; refusal reasons never quote it.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TIME_COST: Final = 3
MEMORY_COST: Final = 64 * 1024  # KiB, i.e. 64 MiB
PARALLELISM: Final = 4
HASH_LEN: Final = 32
SALT_LEN: Final = 16
MIN_LENGTH: Final = 12
MIN_USER_NAME_LENGTH: Final = 3  # shorter names (such as "li") would refuse too many good passwords
#: zxcvbn's score a new password must reach: 3 is "safely unguessable", about 10^8 guesses or more (keyboard
#: runs, repeats, sequences, dates and dictionary words with substitutions count as few guesses).
MIN_GUESS_SCORE: Final = 3
GUESS_CHECKED_LENGTH: Final = 72  # zxcvbn's own limit

_DUMMY_PASSWORD: Final = "hezhang dummy password: never a real one"


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of checking a password: `ok`, and whether the stored hash should be replaced."""

    ok: bool
    needs_rehash: bool


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=TIME_COST,
        memory_cost=MEMORY_COST,
        parallelism=PARALLELISM,
        hash_len=HASH_LEN,
        salt_len=SALT_LEN,
    )


@cache
def _dummy_hash() -> str:
    """A hash of a password nobody has, with the current parameters (made on first use, not at import)."""
    return _hasher().hash(_DUMMY_PASSWORD)


def hash_password(password: str) -> str:
    """The argon2id hash (PHC string, salt included) of `password` with the current parameters."""
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> Verification:
    """Check `password` against `stored_hash`; `None` (unknown user) still runs a full verification and fails.

    A stored hash that is not a valid argon2 hash fails like a wrong password (never raises).
    `needs_rehash` is only ever true for a correct password whose hash used other parameters.
    """
    hasher = _hasher()
    if stored_hash is None:
        _run_verify(hasher, _dummy_hash(), password)
        return Verification(ok=False, needs_rehash=False)
    if not _run_verify(hasher, stored_hash, password):
        return Verification(ok=False, needs_rehash=False)
    try:
        needs_rehash = hasher.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        needs_rehash = True
    return Verification(ok=True, needs_rehash=needs_rehash)


def _run_verify(hasher: PasswordHasher, stored_hash: str, password: str) -> bool:
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):  # VerifyMismatchError is a VerificationError
        return False


@cache
def weak_passwords() -> frozenset[str]:
    """The bundled list of common and breached passwords, case-folded (read on first use)."""
    text = resources.files("hezhang.security").joinpath("weak_passwords.txt").read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return frozenset(line.casefold() for line in lines if line and not line.startswith("#"))


_EDGE_CHARS: Final = string.digits + string.punctuation + string.whitespace


def _is_common(password: str) -> bool:
    """In the list as is, or once the digits and symbols around it are stripped ("Password2024!")."""
    folded = unicodedata.normalize("NFKC", password).casefold()
    common = weak_passwords()
    return folded in common or folded.strip(_EDGE_CHARS) in common


def _guessable(password: str, user_name: str | None) -> bool:
    """Does zxcvbn (Dropbox's estimator: 30,000 common passwords, words, names, keyboard patterns) guess it in
    fewer than about 10^8 tries? Its first `GUESS_CHECKED_LENGTH` characters are judged (zxcvbn refuses longer
    input, its matching grows fast with length): a long password is refused only when its start is guessable."""
    from zxcvbn import zxcvbn  # its word lists take ~30 ms to load: only when a password is set

    estimate = zxcvbn(password[:GUESS_CHECKED_LENGTH], user_inputs=[user_name] if user_name else [])
    return int(estimate["score"]) < MIN_GUESS_SCORE


def _character_class(ch: str) -> str:
    if ch.isascii():
        if ch.islower():
            return "lower"
        if ch.isupper():
            return "upper"
        if ch.isdigit():
            return "digit"
        return "symbol"
    return "symbol" if unicodedata.category(ch)[0] in "PSZ" else "other letter"


def _looks_like_activation_code(password: str) -> bool:
    """An activation code typed at `hezhang login` starts the activation, so no password may look like one."""
    from hezhang.security.activation import looks_like_activation_code  # it imports this module

    return looks_like_activation_code(password)


def check_new_password(password: str, *, user_name: str | None = None) -> list[str]:
    """The reasons `password` is refused as a new password ("中文 / English"); an empty list means accepted.

    Refused when shorter than `MIN_LENGTH` characters, common or breached (the bundled list, any case, also
    with digits and symbols around it), easy to guess by zxcvbn's estimate (keyboard runs, repeats, sequences,
    dates, its 30,000 common passwords), containing the user name, made of one character class only, or shaped
    like an activation code.
    """
    reasons: list[str] = []
    if len(password) < MIN_LENGTH:
        reasons.append(f"密码至少需要 {MIN_LENGTH} 个字符 / the password must have at least {MIN_LENGTH} characters")
    if password and _is_common(password):
        reasons.append(
            "该密码过于常见或已在泄露密码库中出现 / "
            "the password is too common or appears in lists of breached passwords"
        )
    if len(password) >= MIN_LENGTH and not _is_common(password) and _guessable(password, user_name):
        reasons.append(
            "该密码容易被猜中（键盘序列、重复、顺序、日期或常见词） / "
            "the password is easy to guess (a keyboard run, repeats, a sequence, a date or common words)"
        )
    name = (user_name or "").strip().casefold()
    if len(name) >= MIN_USER_NAME_LENGTH and name in password.casefold():
        reasons.append("密码不能包含用户名 / the password must not contain the user name")
    if _looks_like_activation_code(password):
        reasons.append("密码不能是激活码的样式 / the password must not have the shape of an activation code")
    if password and len({_character_class(ch) for ch in password}) == 1:
        reasons.append(
            "密码不能只由一类字符组成（如全是数字或全是小写字母） / "
            "the password must not use only one class of characters (such as only digits or only lower-case letters)"
        )
    return reasons
