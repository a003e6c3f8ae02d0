"""All tables of the store on one `metadata` (the field registry reads their column `info`)."""

from hezhang.store.tables.archive import destruction_register, destruction_requests
from hezhang.store.tables.audit import audit_checkpoints, audit_events, audit_signing_keys
from hezhang.store.tables.base import CLIENT_COLUMN, metadata, new_id
from hezhang.store.tables.clients import bank_accounts, client_keys, clients, deletion_requests
from hezhang.store.tables.identity import (
    activations,
    assignments,
    confidentiality_agreements,
    departments,
    login_failures,
    recovery_codes,
    sessions,
    training_records,
    users,
)
from hezhang.store.tables.imports import bank_lines, journal_imports, ledger_lines, statement_imports
from hezhang.store.tables.monitoring import alerts
from hezhang.store.tables.reconciliations import (
    aliases,
    matches,
    outstanding_items,
    reconciliation_lines,
    reconciliations,
)

__all__ = [
    "CLIENT_COLUMN",
    "activations",
    "alerts",
    "aliases",
    "assignments",
    "audit_checkpoints",
    "audit_events",
    "audit_signing_keys",
    "bank_accounts",
    "bank_lines",
    "client_keys",
    "clients",
    "confidentiality_agreements",
    "deletion_requests",
    "departments",
    "destruction_register",
    "destruction_requests",
    "journal_imports",
    "ledger_lines",
    "login_failures",
    "matches",
    "metadata",
    "new_id",
    "outstanding_items",
    "reconciliation_lines",
    "reconciliations",
    "recovery_codes",
    "sessions",
    "statement_imports",
    "training_records",
    "users",
]
