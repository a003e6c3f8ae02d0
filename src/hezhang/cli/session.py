"""The CLI's session: the token `hezhang login` keeps in the data folder, and the context every command acts with.

The token lives in the file `session` in the data folder, readable by its owner only (0600); `HEZHANG_SESSION`
in the environment overrides the file (scripts, CI). hezhang's store keeps only the token's hash. Commands call
`current_context()`: it checks the session (idle and absolute timeouts, a disabled user) and returns the context
with the source "cli:uid:<os user id>@<host>".
"""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

from hezhang.services.context import Context
from hezhang.services.errors import UserError
from hezhang.services.sign_in import SessionEndedError, resume
from hezhang.services.store_access import Store, open_store

ENV_SESSION = "HEZHANG_SESSION"
SESSION_FILE = "session"


class NotSignedInError(UserError):
    """No session: sign in first."""


def os_identity() -> str:
    """Who runs this process, as the operating system knows them: "uid:<real user id>@<host>".

    Never from the environment: anyone sets LOGNAME or USER to what they like, and a source they choose would
    slip the per-address lockout and forge the source in the audit trail."""
    return f"uid:{os.getuid()}@{socket.gethostname()}"


def cli_source() -> str:
    """Where CLI requests come from: "cli:uid:<os user id>@<host>"."""
    return f"cli:{os_identity()}"


def session_path(store: Store) -> Path:
    return store.settings.data_dir / SESSION_FILE


def save_token(store: Store, token: str) -> Path:
    """Write the token to the 0600 session file (replacing any previous one atomically)."""
    path = session_path(store)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{SESSION_FILE}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(token)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return path


def _held(path: Path) -> str:
    """The token in a session file (a damaged file reads as a token no session has: refused, then removed)."""
    return path.read_text(encoding="ascii", errors="replace").strip()


def read_token(store: Store) -> str | None:
    """`HEZHANG_SESSION`, else the session file's token, else None."""
    token = os.environ.get(ENV_SESSION, "").strip()
    if token:
        return token
    try:
        return _held(session_path(store)) or None
    except FileNotFoundError:
        return None


def forget_token(store: Store, token: str) -> bool:
    """Remove the session file, only when it holds `token`: a token from `HEZHANG_SESSION` may be another user's
    session than the file's, and ending it must not sign the file's owner out. True when the file went."""
    path = session_path(store)
    try:
        held = _held(path)
    except FileNotFoundError:
        return False
    if held != token.strip():
        return False
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    return True


def current_context(store: Store | None = None) -> Context:
    """The signed-in user's context for a command; a clear error when nobody is signed in or the session ended."""
    store = store or open_store()
    token = read_token(store)
    if token is None:
        raise NotSignedInError("请先登录 hezhang login / sign in first: hezhang login NAME")
    try:
        return resume(store, token, cli_source())
    except SessionEndedError as ended:
        forget_token(store, token)
        raise NotSignedInError(f"{ended}；请重新登录 hezhang login / sign in again: hezhang login NAME") from None
