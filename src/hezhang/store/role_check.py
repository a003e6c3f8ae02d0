"""The production guard: the role the application connects as must be bound by row-level security.

A superuser, a role with BYPASSRLS, or a role that owns (or inherits the owner of) a table is not: it could read
every client's rows or switch the policies off. The check asks PostgreSQL about the connected role itself; the
role's name proves nothing (any name can be a superuser).
"""

from __future__ import annotations

from sqlalchemy import Engine, text

_ROLE = text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
_OWNED = text(
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
    "AND pg_has_role(current_user, c.relowner, 'USAGE') ORDER BY c.relname LIMIT 5"
)


def unsafe_role(engine: Engine) -> list[tuple[str, str]]:
    """(zh, en) for each way the connected role escapes row-level security; empty when it does not (or SQLite)."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as connection:
        row = connection.execute(_ROLE).first()
        owned = [r[0] for r in connection.execute(_OWNED)]
    found: list[tuple[str, str]] = []
    if row is not None and row[0]:
        found.append(("连接角色是超级用户", "the connected role is a superuser"))
    if row is not None and row[1]:
        found.append(("连接角色有 BYPASSRLS", "the connected role has BYPASSRLS"))
    if owned and not (row is not None and row[0]):
        names = ", ".join(owned)
        found.append(
            (f"连接角色拥有（或继承）表的所有权：{names}", f"the connected role owns (or inherits) tables: {names}")
        )
    return found
