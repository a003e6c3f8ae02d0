"""Opening the firm's store from the settings: engine, keyring, audit witness, and a unit of work with its sealer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from uuid import UUID

from sqlalchemy import Engine

from hezhang.audit.signer import KeyringSigner
from hezhang.audit.witness import WitnessFile
from hezhang.config import Settings, load_settings
from hezhang.security.errors import KeyringError
from hezhang.security.keyring import Keyring
from hezhang.services.errors import UserError
from hezhang.services.sealer import EnvelopeSealer
from hezhang.store.engine import make_engine
from hezhang.store.migrate import upgrade
from hezhang.store.uow import UnitOfWork


@dataclass
class Store:
    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def keyring(self) -> Keyring:
        if not self.settings.keyring_path.exists():
            raise UserError(
                f"找不到密钥环 {self.settings.keyring_path}，请先运行 hezhang init / "
                f"no keyring at {self.settings.keyring_path}: run `hezhang init` first"
            )
        try:
            return Keyring.open(self.settings.keyring_path)
        except KeyringError as e:
            raise UserError(str(e)) from None

    @cached_property
    def audit_signer(self) -> KeyringSigner:
        """Signs audit checkpoints with the key derived from the keyring's current version."""
        return KeyringSigner(self.keyring)

    @cached_property
    def audit_witness(self) -> WitnessFile:
        """The witness file each committed audit checkpoint is appended to (beside the keyring by default)."""
        return WitnessFile(self.settings.audit_witness)

    @contextmanager
    def work(self, allowed_client_ids: Iterable[UUID]) -> Iterator[tuple[UnitOfWork, EnvelopeSealer]]:
        """One transaction over the allowed clients, with the sealer for their S2 values; the audit events it
        appends are signed before it commits, and the checkpoint goes to the witness after."""
        with UnitOfWork(
            self.engine,
            allowed_client_ids,
            audit_signer=self.audit_signer,
            audit_witness=self.audit_witness,
        ) as uow:
            yield uow, EnvelopeSealer(self.keyring, uow.keys, self.settings.cipher)


def open_store(settings: Settings | None = None) -> Store:
    return Store(settings or load_settings())


def initialize(settings: Settings | None = None) -> tuple[Store, bool]:
    """Create the data folder and keyring when missing, and migrate the database to head.

    Returns the store and whether a new keyring was created (back it up: without it nothing opens)."""
    store = open_store(settings)
    s = store.settings
    s.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    created = False
    if not s.keyring_path.exists():
        Keyring.create(s.keyring_path)
        created = True
    upgrade(s.admin_database_url)
    return store, created
