"""Staff identity and the registers: departments, users, recovery codes, activation codes, assignments,
confidentiality agreements, training records, sessions and login failures.

These tables are firm-level: none is client-scoped (no row-level security). `assignments.client_id` and
`users.client_id` name a client, but the rows belong to the firm's staff records, not to the client's data.
On PostgreSQL the application role gets only the privileges it needs (see migration 0003): the registers
(agreements, training) are append-only.

Secrets (S3) never reach the database in a usable form:

- `users.password_hash`, `recovery_codes.code_hash` and `activations.code_hash` are argon2id hashes
  (`security.passwords`). A user made or reset by a firm admin has, until they activate, the hash of a random
  password nobody knows.
- `users.totp_secret` is sealed, never plain: each user gets a fresh 256-bit data key, the secret is encrypted
  with it by `security.envelope.FieldCipher` (AES-256-GCM) with associated data binding it to
  (firm, users, totp_secret, user id), and the data key itself is wrapped by the keyring's current key-encryption
  key (`users.totp_key`, version in `users.totp_key_version`). So a copy of the database without the keyring
  opens no second factor, and a sealed secret copied onto another user's row does not open. This is the same
  envelope as the clients' data keys, so `keys rewrap` can move the wrapped keys onto a new keyring version
  (see `security.secret_seal`).
- `sessions.id_hash` is the SHA-256 of the session token (`security.sessions`); the token is never stored.

A staff member's display name is classed S1: it is the firm's own staff directory, shown to those who manage or
list people, not a client's personal data (there is no client key to seal it with).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, LargeBinary, String, Table, Uuid

from hezhang.privacy.classes import DataClass
from hezhang.store.tables.base import col, id_column, metadata, timestamp, user_ref

departments = Table(
    "departments",
    metadata,
    id_column(),
    col("name", String(100), DataClass.S0, nullable=False, unique=True),
    timestamp("created_at", nullable=False, now=True),
)

users = Table(
    "users",
    metadata,
    id_column(),
    col("name", String(64), DataClass.S0, nullable=False, unique=True),  # the login name
    col("display_name", String(100), DataClass.S1),
    col("role", String(32), DataClass.S0, nullable=False),  # security.policy.Role
    col("department_id", Uuid(), DataClass.S0, ForeignKey("departments.id"), index=True),
    col("client_id", Uuid(), DataClass.S0, ForeignKey("clients.id"), index=True),  # a client user's company
    col("active", Boolean(), DataClass.S0, nullable=False, default=True),
    col("password_hash", String(200), DataClass.S3, nullable=False),
    col("totp_secret", LargeBinary(), DataClass.S3),  # sealed under totp_key (see the module docstring)
    col("totp_key", LargeBinary(), DataClass.S3),  # the user's data key, wrapped by the keyring
    col("totp_key_version", Integer(), DataClass.S0),
    col("totp_last_step", BigInteger(), DataClass.S0),  # the last TOTP step accepted: never accepted again
    timestamp("mfa_enrolled_at"),  # set by the first sign-in with a valid TOTP code
    timestamp("password_changed_at"),
    timestamp("created_at", nullable=False, now=True),
    timestamp("disabled_at"),
)

#: Single-use recovery codes (argon2id hashes); a used code keeps its row with `used_at` set.
recovery_codes = Table(
    "recovery_codes",
    metadata,
    id_column(),
    col("user_id", Uuid(), DataClass.S0, ForeignKey("users.id"), nullable=False, index=True),
    col("code_hash", String(200), DataClass.S3, nullable=False),
    timestamp("created_at", nullable=False, now=True),
    timestamp("used_at"),
)

#: One-time activation codes (`security.activation`): how a person takes over an account a firm admin made or reset.
#: `new_password`: the person chooses their password (a new user, a password reset); otherwise they prove the one
#: they have. `new_second_factor`: they enrol an authenticator (a new user, a second-factor reset); otherwise they
#: prove the enrolled one. At most one is open per user (not used, not revoked); a new one replaces it.
activations = Table(
    "activations",
    metadata,
    id_column(),
    col("user_id", Uuid(), DataClass.S0, ForeignKey("users.id"), nullable=False, index=True),
    col("code_hash", String(200), DataClass.S3, nullable=False),  # argon2id of the code
    col("new_password", Boolean(), DataClass.S0, nullable=False),
    col("new_second_factor", Boolean(), DataClass.S0, nullable=False),
    user_ref("issued_by"),
    timestamp("created_at", nullable=False, now=True),
    timestamp("expires_at", nullable=False),
    timestamp("used_at"),
    timestamp("revoked_at"),  # replaced by a newer code, or the account disabled
)

#: A staff member assigned to a client from `starts_on` to `ends_on` (inclusive, Asia/Shanghai business days).
assignments = Table(
    "assignments",
    metadata,
    id_column(),
    col("user_id", Uuid(), DataClass.S0, ForeignKey("users.id"), nullable=False, index=True),
    col("client_id", Uuid(), DataClass.S0, ForeignKey("clients.id"), nullable=False, index=True),
    col("starts_on", Date(), DataClass.S0, nullable=False),
    col("ends_on", Date(), DataClass.S0, nullable=False),  # every assignment has an end date
    user_ref("assigned_by"),
    timestamp("created_at", nullable=False, now=True),
    timestamp("ended_at"),  # ended early
)

#: Signed confidentiality agreements (会计法 Art. 37; PIPL Art. 51): a register, append-only.
confidentiality_agreements = Table(
    "confidentiality_agreements",
    metadata,
    id_column(),
    col("user_id", Uuid(), DataClass.S0, ForeignKey("users.id"), nullable=False, index=True),
    col("version", String(32), DataClass.S0, nullable=False),
    col("signed_on", Date(), DataClass.S0, nullable=False),
    col("expires_on", Date(), DataClass.S0),  # null: no expiry
    user_ref("recorded_by"),
    timestamp("created_at", nullable=False, now=True),
)

#: Privacy training completed (PIPL Art. 51): a register, append-only.
training_records = Table(
    "training_records",
    metadata,
    id_column(),
    col("user_id", Uuid(), DataClass.S0, ForeignKey("users.id"), nullable=False, index=True),
    col("course", String(200), DataClass.S0, nullable=False),
    col("completed_on", Date(), DataClass.S0, nullable=False),
    col("score", Integer(), DataClass.S0),
    col("passed", Boolean(), DataClass.S0, nullable=False),
    user_ref("recorded_by"),
    timestamp("created_at", nullable=False, now=True),
)

#: Sessions by the SHA-256 of their token (`security.sessions`); `source` is where the login came from.
sessions = Table(
    "sessions",
    metadata,
    col("id_hash", LargeBinary(), DataClass.S3, primary_key=True, nullable=False),
    col("user_id", Uuid(), DataClass.S0, ForeignKey("users.id"), nullable=False, index=True),
    timestamp("created_at", nullable=False),
    timestamp("last_seen_at", nullable=False),
    timestamp("revoked_at"),
    col("source", String(200), DataClass.S0),
)

#: Lockout counters (`security.lockout.Failures`): kind "account" (subject: login name and source address) or
#: "source" (subject: the source address, over all accounts).
login_failures = Table(
    "login_failures",
    metadata,
    col("kind", String(16), DataClass.S0, primary_key=True, nullable=False),
    col("subject", String(300), DataClass.S0, primary_key=True, nullable=False),
    col("count", Integer(), DataClass.S0, nullable=False),
    timestamp("first_at", nullable=False),
    timestamp("last_at", nullable=False),
)

#: The tables above, parents first (the migration creates them in this order).
IDENTITY_TABLES = (
    departments,
    users,
    recovery_codes,
    assignments,
    confidentiality_agreements,
    training_records,
    sessions,
    login_failures,
)
