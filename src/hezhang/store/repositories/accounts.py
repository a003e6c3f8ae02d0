"""Bank accounts (银行账户) of clients."""

from __future__ import annotations

from uuid import UUID

from hezhang.store.records import BankAccount
from hezhang.store.repositories.base import Repository, as_record, as_row
from hezhang.store.tables import bank_accounts


class BankAccountRepository(Repository):
    def add(self, account: BankAccount) -> UUID:
        return self._insert(bank_accounts, [as_row(account)])[0]

    def get(self, account_id: UUID) -> BankAccount | None:
        statement = self._select(bank_accounts).where(bank_accounts.c.id == account_id)
        return as_record(BankAccount, self.connection.execute(statement).mappings().first())

    def list(self, client_id: UUID) -> list[BankAccount]:
        statement = self._select(bank_accounts).where(bank_accounts.c.client_id == client_id)
        rows = self._rows(statement.order_by(bank_accounts.c.created_at, bank_accounts.c.id))
        return [a for row in rows if (a := as_record(BankAccount, row)) is not None]

    def find_by_number(self, client_id: UUID, account_number_bi: bytes) -> BankAccount | None:
        """The client's account whose number has this blind index."""
        statement = self._select(bank_accounts).where(
            bank_accounts.c.client_id == client_id, bank_accounts.c.account_number_bi == account_number_bi
        )
        return as_record(BankAccount, self.connection.execute(statement).mappings().first())
