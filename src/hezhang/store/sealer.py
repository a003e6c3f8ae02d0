"""The store's `Sealer`, made of the keyring, each client's data key and envelope encryption."""

from __future__ import annotations

from uuid import UUID

from hezhang.security.blind_index import BlindIndexer
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
        self._indexers: dict[UUID, BlindIndexer] = {}  # the index key derived once per client and unit of work
        self._client_texts: dict[UUID, str] = {}

    def _client_text(self, client_id: UUID) -> str:
        text = self._client_texts.get(client_id)
        if text is None:
            text = self._client_texts[client_id] = str(client_id)
        return text

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
        aad = Aad(self._client_text(client_id), table, column, str(row_id))
        return self.cipher.encrypt(self._dek(client_id), aad, plaintext)

    def open(self, client_id: UUID, table: str, column: str, row_id: UUID, ciphertext: bytes) -> bytes:
        aad = Aad(self._client_text(client_id), table, column, str(row_id))
        return self.cipher.decrypt(self._dek(client_id), aad, ciphertext)

    def blind(self, client_id: UUID, domain: str, plaintext: bytes) -> bytes:
        indexer = self._indexers.get(client_id)
        if indexer is None:
            indexer = self._indexers[client_id] = BlindIndexer(self._dek(client_id))
        return indexer.index(domain, plaintext.decode("utf-8"), account_number="account" in domain)
