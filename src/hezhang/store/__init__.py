"""The firm's store: tables with a data class on every column, Alembic migrations, row-level security,
a unit of work and thin repositories.

Services open a `hezhang.store.uow.UnitOfWork` with the acting user's allowed clients and call its repositories.
Nothing here encrypts: S2 columns hold ciphertext that a `hezhang.store.sealing.Sealer` produced.
"""
