"""Typed settings, read from the environment when asked (never at import time).

| variable | meaning | default |
|---|---|---|
| `HEZHANG_ENV` | `dev` or `prod` | `dev` |
| `HEZHANG_DATA_DIR` | where the embedded store and the local keyring live | `~/.local/share/hezhang` |
| `HEZHANG_DATABASE_URL` | the application's database (PostgreSQL: role `hezhang_app`) | SQLite in the data dir |
| `HEZHANG_ADMIN_DATABASE_URL` | the database as its owner, for migrations only | the same as `HEZHANG_DATABASE_URL` |
| `HEZHANG_KEYRING` | the local keyring file (0600, outside the database) | `keyring.json` in the data dir |
| `HEZHANG_CIPHER` | `aes-256-gcm` or `sm4-gcm` (国密) for new data keys | `aes-256-gcm` |
| `HEZHANG_AUDIT_KEEP_DAYS` | audit events are kept at least this many days (183 at the least) | `1096` (3 years) |
| `HEZHANG_AUDIT_WITNESS` | the audit witness (0600): each committed checkpoint | `audit-witness.jsonl` by the keyring |
| `HEZHANG_SESSION` | the CLI's session token (read by `cli/session.py`; overrides the 0600 `session` file) | none |

Audit retention: events are kept at least `HEZHANG_AUDIT_KEEP_DAYS` days (PIPL Art. 55-56 processing records: 3
years; 网络安全法 Art. 21 access logs: 6 months, so anything under 183 days is refused). Nothing in hezhang deletes
an audit event: the database refuses UPDATE, DELETE and TRUNCATE on the trail (migration 0004), so in practice
events are kept for good; the setting is the promise the firm makes, not a purge schedule.

Audit checkpoints: every transaction that writes audit events signs a checkpoint of the trail in that transaction,
and the checkpoint is appended to the witness file once it committed (`hezhang.audit.witness`). Keep the witness
where the database's owner cannot rewrite it, and copy it off the machine with the keyring's backups.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

CIPHERS = ("aes-256-gcm", "sm4-gcm")
AUDIT_KEEP_DAYS_DEFAULT = 1096
AUDIT_KEEP_DAYS_MINIMUM = 183
AUDIT_WITNESS_NAME = "audit-witness.jsonl"


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the variable (Chinese / English)."""


@dataclass(frozen=True, slots=True)
class Settings:
    env: str
    data_dir: Path
    database_url: str
    admin_database_url: str
    keyring_path: Path
    cipher: str
    audit_keep_days: int = AUDIT_KEEP_DAYS_DEFAULT
    audit_witness_path: Path | None = None  # None: beside the keyring

    @property
    def embedded(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def audit_witness(self) -> Path:
        """The witness file: `HEZHANG_AUDIT_WITNESS`, else `audit-witness.jsonl` in the keyring's folder."""
        return self.audit_witness_path or self.keyring_path.with_name(AUDIT_WITNESS_NAME)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env_vars = os.environ if environ is None else environ
    env = env_vars.get("HEZHANG_ENV", "dev")
    if env not in ("dev", "prod"):
        raise SettingsError(f"HEZHANG_ENV 只能是 dev 或 prod，而不是 {env!r} / HEZHANG_ENV must be dev or prod")
    data_dir = Path(env_vars.get("HEZHANG_DATA_DIR", "~/.local/share/hezhang")).expanduser()
    database_url = env_vars.get("HEZHANG_DATABASE_URL") or f"sqlite:///{data_dir / 'hezhang.db'}"
    cipher = env_vars.get("HEZHANG_CIPHER", "aes-256-gcm")
    if cipher not in CIPHERS:
        raise SettingsError(f"HEZHANG_CIPHER 只能是 {'/'.join(CIPHERS)} / HEZHANG_CIPHER must be one of {CIPHERS}")
    keyring = Path(env_vars.get("HEZHANG_KEYRING") or data_dir / "keyring.json").expanduser()
    if env == "prod" and database_url.startswith("sqlite"):
        raise SettingsError(
            "生产环境须设置 HEZHANG_DATABASE_URL（PostgreSQL）/ prod needs HEZHANG_DATABASE_URL (PostgreSQL)"
        )
    keep_days = _whole_number(env_vars, "HEZHANG_AUDIT_KEEP_DAYS", AUDIT_KEEP_DAYS_DEFAULT)
    if keep_days < AUDIT_KEEP_DAYS_MINIMUM:
        raise SettingsError(
            f"HEZHANG_AUDIT_KEEP_DAYS 不得少于 {AUDIT_KEEP_DAYS_MINIMUM} 天（网络安全法要求访问日志至少保存六个月），"
            f"而不是 {keep_days} / HEZHANG_AUDIT_KEEP_DAYS must be at least {AUDIT_KEEP_DAYS_MINIMUM} days "
            f"(access logs are kept at least six months), not {keep_days}"
        )
    witness = env_vars.get("HEZHANG_AUDIT_WITNESS", "").strip()
    return Settings(
        env=env,
        data_dir=data_dir,
        database_url=database_url,
        admin_database_url=env_vars.get("HEZHANG_ADMIN_DATABASE_URL") or database_url,
        keyring_path=keyring,
        cipher=cipher,
        audit_keep_days=keep_days,
        audit_witness_path=Path(witness).expanduser() if witness else None,
    )


def _whole_number(env_vars: Mapping[str, str], name: str, default: int) -> int:
    raw = env_vars.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} 须为整数，而不是 {raw!r} / {name} must be a whole number, not {raw!r}") from None
