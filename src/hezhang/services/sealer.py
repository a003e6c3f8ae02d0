"""The store's `Sealer`, made of the keyring, each client's data key and envelope encryption."""

from __future__ import annotations

from uuid import UUID

from hezhang.security.blind_index import blind_index
from hezhang.security.envelope import Aad, FieldCipher, new_data_key
from hezhang.security.keyring import Keyring, WrappedKey
from hezhang.store.repositories.keys import ClientKeyRepository


class MissingDataKeyError(LookupError):
    """The client has no live data key (never created, or destroyed: crypto-shredded)."""


class EnvelopeSealer:
    """Seals S2 values with the client's data key (unwrapped once per unit of work, kept in memory only)."""

    def __init__(self, keyring: Keyring, keys: ClientKeyRepository, algorithm: str = "aes-256-gcm") -> None:
        self.keyring = keyring
        self.keys = keys
        self.cipher = FieldCipher(algorithm)  # type: ignore[arg-type]
        self.algorithm = algorithm
        self._deks: dict[UUID, bytes] = {}

    def create_key(self, client_id: UUID) -> None:
        """A new data key for a new client, usable at once; `store_key` saves it (wrapped) once the client's
        row exists, in the same transaction."""
        self._deks[client_id] = new_data_key(self.algorithm)  # type: ignore[arg-type]

    def store_key(self, client_id: UUID) -> None:
        wrapped = self.keyring.wrap(self._deks[client_id])
        self.keys.add(client_id, wrapped.version, wrapped.blob, self.algorithm)

    def _dek(self, client_id: UUID) -> bytes:
        dek = self._deks.get(client_id)
        if dek is None:
            stored = self.keys.current(client_id)
            if stored is None or stored.wrapped_key is None:
                raise MissingDataKeyError(
                    f"客户没有可用的数据密钥（可能已销毁）/ the client has no live data key: {client_id}"
                )
            dek = self.keyring.unwrap(WrappedKey(stored.key_version, stored.wrapped_key))
            self._deks[client_id] = dek
        return dek

    def seal(self, client_id: UUID, table: str, column: str, row_id: UUID, plaintext: bytes) -> bytes:
        aad = Aad(str(client_id), table, column, str(row_id))
        return self.cipher.encrypt(self._dek(client_id), aad, plaintext)

    def open(self, client_id: UUID, table: str, column: str, row_id: UUID, ciphertext: bytes) -> bytes:
        aad = Aad(str(client_id), table, column, str(row_id))
        return self.cipher.decrypt(self._dek(client_id), aad, ciphertext)

    def blind(self, client_id: UUID, domain: str, plaintext: bytes) -> bytes:
        text = plaintext.decode("utf-8")
        return blind_index(self._dek(client_id), domain, text, account_number="account" in domain)
