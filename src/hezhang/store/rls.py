"""PostgreSQL roles and row-level security, as SQL statements the migrations execute.

Two roles: `hezhang_owner` (NOLOGIN) owns the tables; `hezhang_app` (LOGIN, NOSUPERUSER, NOBYPASSRLS, owns
nothing) is what the application connects as. Every client-scoped table has RLS enabled and FORCED, and one
policy: a row is visible and writable only when its client column is in the transaction's
`hezhang.allowed_clients` setting (comma-separated UUIDs, set by `UnitOfWork` with SET LOCAL semantics).
When the setting is absent or empty, no row is visible or writable.

A migration that adds a client-scoped table must call `protect_table` for it.
"""

from __future__ import annotations

OWNER_ROLE = "hezhang_owner"
APP_ROLE = "hezhang_app"
SETTING = "hezhang.allowed_clients"
POLICY = "client_isolation"

#: The allowed client ids of this transaction; an empty array when the setting is absent or empty.
ALLOWED = f"coalesce(string_to_array(nullif(current_setting('{SETTING}', true), ''), ',')::uuid[], '{{}}'::uuid[])"


def _ensure_role(name: str, attributes: str, login: bool) -> str:
    # Roles are cluster-wide: create once (another database may be migrating at the same moment), and reassert
    # the attributes only when someone changed them (altering concurrently fails with "tuple concurrently updated").
    changed = f"rolsuper OR rolbypassrls OR rolcreatedb OR rolcreaterole OR rolcanlogin <> {str(login).lower()}"
    return f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN
        BEGIN
            CREATE ROLE {name} {attributes};
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}' AND ({changed})) THEN
        ALTER ROLE {name} {attributes};
    END IF;
END
$$"""


def role_statements() -> list[str]:
    return [
        _ensure_role(OWNER_ROLE, "NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE", login=False),
        _ensure_role(APP_ROLE, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION", login=True),
        f"GRANT USAGE, CREATE ON SCHEMA public TO {OWNER_ROLE}",
        f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}",
    ]


def protect_table(table: str, client_column: str, *, append_only: bool = False) -> list[str]:
    """Hand `table` to the owner role, grant the app role DML on it, and force the client policy on it."""
    privileges = "SELECT, INSERT" if append_only else "SELECT, INSERT, UPDATE, DELETE"
    return [
        f"ALTER TABLE {table} OWNER TO {OWNER_ROLE}",
        f"REVOKE ALL ON {table} FROM PUBLIC",
        f"GRANT {privileges} ON {table} TO {APP_ROLE}",
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY} ON {table}",
        f"CREATE POLICY {POLICY} ON {table} USING ({client_column} = ANY ({ALLOWED}))"
        f" WITH CHECK ({client_column} = ANY ({ALLOWED}))",
    ]
