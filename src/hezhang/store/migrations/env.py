"""Alembic environment: migrations run on the connection `hezhang.store.migrate` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from hezhang.store.tables import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run migrations through hezhang.store.migrate (it provides the connection)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
