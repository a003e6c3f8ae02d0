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
from hezhang.config import Settings, SettingsError, load_settings
from hezhang.security.errors import KeyringError
from hezhang.security.keyring import Keyring
from hezhang.services.errors import UserError
from hezhang.store.engine import make_engine
from hezhang.store.failures import explain, is_busy
from hezhang.store.migrate import all_client_ids, holds_data, upgrade
from hezhang.store.repositories.keys import ClientKeyRepository
from hezhang.store.role_check import unsafe_role
from hezhang.store.scope import ClientScope
from hezhang.store.sealer import EnvelopeSealer
from hezhang.store.uow import UnitOfWork


@dataclass
class Store:
    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        """The application's engine. In production, the connected role must be bound by row-level security: a
        superuser, a role with BYPASSRLS, or one owning a table is refused before anything runs."""
        engine = make_engine(self.settings.database_url)
        if self.settings.env == "prod":
            unsafe = unsafe_role(engine)
            if unsafe:
                engine.dispose()
                raise SettingsError(
                    "生产环境的数据库角色不受行级安全约束：" + "；".join(zh for zh, _ in unsafe) + "。请用应用角色 "
                    "hezhang_app 连接 / in prod the database role must be bound by row-level security: "
                    + "; ".join(en for _, en in unsafe)
                    + ". Connect as the application role hezhang_app"
                )
        return engine

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
        appends are signed before it commits, and the checkpoint goes to the witness after. An embedded store kept
        busy by another writer past its timeout says so (a `UserError`), instead of "database is locked"."""
        try:
            with UnitOfWork(
                self.engine,
                allowed_client_ids,
                audit_signer=self.audit_signer,
                audit_witness=self.audit_witness,
            ) as uow:
                yield uow, EnvelopeSealer(self.keyring, uow.keys, self.settings.cipher)
        except Exception as error:
            if is_busy(error):
                zh, en = explain(error) or ("", "")
                raise UserError(f"{zh} / {en}") from None
            raise


def open_store(settings: Settings | None = None) -> Store:
    return Store(settings or load_settings())


def initialize(settings: Settings | None = None) -> tuple[Store, bool]:
    """Create the data folder and keyring when missing, and migrate the database to head.

    A store already in use whose keyring is missing is refused: a new keyring would make every stored value and
    every second factor unreadable while sessions kept writing under the new key. Returns the store and whether a
    new keyring was created (back it up: without it nothing opens)."""
    store = open_store(settings)
    s = store.settings
    s.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    created = False
    if not s.keyring_path.exists():
        if holds_data(s.admin_database_url):
            raise UserError(
                f"库中已有数据，但找不到密钥环 {s.keyring_path}：请从密钥环备份恢复该文件，"
                "不要新建（新密钥环无法解密已有数据）/ "
                f"the store is in use but its keyring {s.keyring_path} is missing: restore it from the keyring's "
                "backup; a new keyring could not decrypt anything stored"
            )
        Keyring.create(s.keyring_path)
        created = True
    keyring = store.keyring
    upgrade(s.admin_database_url, sealer=lambda connection: EnvelopeSealer(
        keyring, ClientKeyRepository(connection, ClientScope.of(all_client_ids(connection))), s.cipher))  # fmt: skip
    return store, created
