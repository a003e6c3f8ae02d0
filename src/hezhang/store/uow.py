"""The unit of work: one transaction, limited to the acting user's allowed clients.

    with UnitOfWork(engine, allowed_client_ids={client_id}) as uow:
        uow.clients.add(...)
        uow.imports.add_statement(...)
    # committed here; an exception inside the block rolls everything back

On PostgreSQL the allowed clients go into the transaction-local setting `hezhang.allowed_clients`, which the
row-level security policies read; the repositories apply the same filter on every database.

`uow.audit` appends to the audit trail in the same transaction. With an `audit_signer`, a unit of work that appended
events signs a checkpoint of them just before it commits (without one, the next unit of work that has a signer signs
them); with an `audit_witness`, that checkpoint is copied to the witness once the commit succeeded. A witness that
cannot be written to leaves the work committed and says so in the log ("hezhang.audit"): the witness is then behind,
and the next checkpoint it receives covers the events this one did.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from types import TracebackType
from uuid import UUID

from sqlalchemy import Connection, Engine, RootTransaction, func, select

from hezhang.audit.signer import CheckpointSigner
from hezhang.audit.witness import Witness
from hezhang.store.repositories.accounts import BankAccountRepository
from hezhang.store.repositories.aliases import AliasRepository
from hezhang.store.repositories.audit import AuditRepository
from hezhang.store.repositories.clients import ClientRepository
from hezhang.store.repositories.imports import ImportRepository
from hezhang.store.repositories.keys import ClientKeyRepository
from hezhang.store.repositories.logins import LoginRepository
from hezhang.store.repositories.people import PeopleRepository
from hezhang.store.repositories.reconciliations import ReconciliationRepository
from hezhang.store.rls import SETTING
from hezhang.store.scope import ClientScope

_log = logging.getLogger("hezhang.audit")


class UnitOfWork:
    clients: ClientRepository
    bank_accounts: BankAccountRepository
    imports: ImportRepository
    reconciliations: ReconciliationRepository
    aliases: AliasRepository
    keys: ClientKeyRepository
    audit: AuditRepository
    people: PeopleRepository
    logins: LoginRepository

    def __init__(
        self,
        engine: Engine,
        allowed_client_ids: Iterable[UUID],
        *,
        audit_signer: CheckpointSigner | None = None,
        audit_witness: Witness | None = None,
    ) -> None:
        self.engine = engine
        self.audit_signer, self.audit_witness = audit_signer, audit_witness
        self.scope = ClientScope.of(allowed_client_ids)
        self._connection: Connection | None = None
        self._transaction: RootTransaction | None = None

    @property
    def connection(self) -> Connection:
        """The transaction's connection (for repositories and tests; services use the repositories)."""
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block")
        return self._connection

    def __enter__(self) -> UnitOfWork:
        if self._connection is not None:
            raise RuntimeError("a unit of work is entered once")
        connection = self.engine.connect()
        try:
            self._transaction = connection.begin()
            if connection.dialect.name == "postgresql":
                connection.execute(select(func.set_config(SETTING, self.scope.setting(), True)))
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        self.clients = ClientRepository(connection, self.scope)
        self.bank_accounts = BankAccountRepository(connection, self.scope)
        self.imports = ImportRepository(connection, self.scope)
        self.reconciliations = ReconciliationRepository(connection, self.scope)
        self.aliases = AliasRepository(connection, self.scope)
        self.keys = ClientKeyRepository(connection, self.scope)
        self.audit = AuditRepository(connection, self.audit_signer)
        self.people = PeopleRepository(connection, self.scope)
        self.logins = LoginRepository(connection, self.scope)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        connection, transaction = self.connection, self._transaction
        assert transaction is not None
        committed = False
        try:
            if exc_type is None:
                try:
                    self.audit.seal()
                except BaseException:
                    transaction.rollback()
                    raise
                transaction.commit()
                committed = True
            else:
                transaction.rollback()
        finally:
            connection.close()
            self._connection = None
            self._transaction = None
        if committed:
            self._witness()

    def _witness(self) -> None:
        """Copy the checkpoint the committed transaction made to the witness (after the commit: never one that was
        rolled back)."""
        made = self.audit.made
        if made is None or self.audit_witness is None:
            return
        try:
            self.audit_witness.append(made)
        except OSError as error:
            _log.error(
                "审计检查点（%d 条）未能写入见证文件：%s；工作已提交，见证文件暂时落后 / the audit checkpoint of %d "
                "events could not be written to the witness: %s; the work is committed, the witness is behind",
                made.size, error, made.size, error,
            )  # fmt: skip
