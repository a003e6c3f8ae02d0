"""What a database failure means to a person, without the SQL: the store's errors as (Chinese, English) text.

A driver's error message carries the statement and its parameters (client data, in the worst case). Nothing of it
may reach a message or an audit reason: `explain` keeps the kind of failure and its SQLSTATE only.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

from hezhang.store.limits import ValueTooLongError
from hezhang.store.scope import ClientNotAllowedError

_BUSY = ("database is locked", "database table is locked")


def is_busy(error: BaseException) -> bool:
    """SQLite's write lock stayed taken past the busy timeout (another writer holds the store)."""
    return isinstance(error, OperationalError) and any(text in str(error.orig) for text in _BUSY)


def explain(error: BaseException) -> tuple[str, str] | None:
    """(zh, en) for a failure of the store a person should read as a refusal; None for anything else."""
    if isinstance(error, ValueTooLongError | ClientNotAllowedError):
        zh, _, en = str(error).partition(" / ")
        return zh, en or zh
    if is_busy(error):
        return ("库正忙（另一项写入正在进行），请稍后重试", "the store is busy with another write; try again shortly")
    if isinstance(error, DBAPIError):
        code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        kind = type(error.orig).__name__ if error.orig is not None else type(error).__name__
        where = f"{kind}" + (f", SQLSTATE {code}" if code else "")
        return (
            f"数据库拒绝了这次操作（{where}），未保存任何内容",
            f"the database refused this ({where}); nothing was saved",
        )
    return None
