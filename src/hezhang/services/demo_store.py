"""The store's demo: one client-month in a fresh embedded store (SQLite and a local keyring), done by the people
who would do it, ending with the client checking who touched its books.

It runs in a folder of its own (never the firm's data folder) and plays each person as the command line would: the
first admin is enrolled at `init` and signs in with a password and a TOTP code; everyone else gets an activation code
from the admin and activates their own account with it (`hezhang activate`: a password they choose, generated here,
and an authenticator they enrol, confirmed by its code), which signs them in. The admin never learns their
passwords or secrets. What it shows: the door refusing someone not assigned, masked display, a reveal with its
reason, maker-checker, and the client's access history verified by the standalone verifier.
"""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pyotp

from hezhang.audit.verify import load_public_keys, verify_export
from hezhang.config import load_settings
from hezhang.domain.money import format_fen
from hezhang.samples.client_month import generate_client_month
from hezhang.security.policy import Role
from hezhang.services import audit_trail, clients, imports, people, reveal, stored_reconciliation
from hezhang.services.activation import ActivationCode, Answers, check_activation, complete_activation
from hezhang.services.context import Context
from hezhang.services.door import AccessDeniedError
from hezhang.services.second_factor import Enrollment
from hezhang.services.sign_in import sign_in
from hezhang.services.store_access import Store, initialize

SOURCE = "demo"
MARKER = "DEMO-STORE"


@dataclass(frozen=True)
class StoreDemo:
    folder: Path
    bank_lines: int
    ledger_lines: int
    balanced: bool
    contact_shown: str | None  # the client's phone as the accountant sees it (masked)
    revealed_account: str | None  # the account number, revealed with a reason
    refusal: str  # what the door said to an accountant not assigned to the client
    review_refusal: str  # what it said to the supervisor trying to review the statement he prepared
    status: str  # the reconciliation's status at the end
    history_events: int
    history_ok: bool
    history_actions: tuple[str, ...]


def _signed_in(store: Store, name: str, password: str, enrollment: Enrollment) -> Context:
    return sign_in(store, name, password, pyotp.TOTP(enrollment.secret).now(), SOURCE).context


def _activated(store: Store, given: ActivationCode) -> Context:
    """The person the code was given to activates their account: their own password (generated, never printed),
    their own authenticator (the secret shown to them, confirmed by its current code). They are signed in."""
    pending = check_activation(store, given.name, given.code, SOURCE)
    assert pending.enrollment is not None  # a new user enrols
    totp = pyotp.TOTP(pending.enrollment.enrollment.secret).now()
    answers = Answers(new_password=secrets.token_urlsafe(18), code=totp)
    return complete_activation(
        store, given.name, given.code, answers, SOURCE, enrollment=pending.enrollment
    ).signed.context


def run_store_demo(directory: Path, seed: int = 2026) -> StoreDemo:
    """Build a store in `directory / "store"` and run the month through it. A demo store left by an earlier run
    is replaced; any other non-empty folder there is refused."""
    folder = directory / "store"
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).is_file():  # never remove a folder this demo did not make (a real store, a keyring)
            raise FileExistsError(
                2, "演示库目录非空且不是演示库 / the folder is not empty and not a demo store", str(folder)
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True, mode=0o700)
    (folder / MARKER).write_text("hezhang demo store: `hezhang demo` replaces this folder\n", encoding="utf-8")
    settings = load_settings({"HEZHANG_DATA_DIR": str(folder), "HEZHANG_ENV": "dev"})
    store, _ = initialize(settings)
    password = secrets.token_urlsafe(18)  # the first admin's, generated; never printed
    _, admin_mfa = people.bootstrap_admin(store, "demo.admin", password)
    admin = _signed_in(store, "demo.admin", password, admin_mfa)
    today = admin.today()
    people.add_department(store, admin, "一部")
    codes = {}
    for name, role in (("demo.wang", Role.ACCOUNTANT), ("demo.li", Role.SUPERVISOR), ("demo.zhao", Role.ACCOUNTANT)):
        _, codes[name] = people.add_user(store, admin, name, role, department="一部")
        people.record_agreement(store, admin, name, "2026", today, today + timedelta(days=365))
        people.record_training(store, admin, name, "个人信息保护培训", today, 95, True)
    client_id = clients.create_client(store, admin, "上海演示商贸有限公司", contact_name="欧阳娜娜",
                                      contact_phone="13912345678")  # fmt: skip
    people.assign(store, admin, "demo.wang", client_id, today, today + timedelta(days=365))
    _, codes["demo.client"] = people.add_user(store, admin, "demo.client", Role.CLIENT_USER, client_id=client_id)

    wang = _activated(store, codes["demo.wang"])
    zhao = _activated(store, codes["demo.zhao"])
    try:
        clients.view_client(store, zhao, client_id)
        refusal = ""
    except AccessDeniedError as denied:
        refusal = str(denied)
    month = generate_client_month(seed)
    bank, journal = month.write(directory / "store-month")
    code, opening = month.account_code, format_fen(month.book_opening_fen)
    account = clients.add_bank_account(store, wang, client_id, "31050161373600001234", ledger_code=code)
    imports.import_file(store, wang, client_id, bank, "bank", bank_account_id=account)
    imports.import_file(store, wang, client_id, journal, "journal", account_prefix=code)
    # Maker-checker: the supervisor (who reaches the client through wang, of his department) prepares the month
    # himself and may then not review it; wang reconciles the month again as a new version (the supervisor's stays
    # as it was), prepares it, and the supervisor reviews wang's statement.
    li = _activated(store, codes["demo.li"])
    own = stored_reconciliation.reconcile_period(store, li, client_id, account, month.period, book_opening=opening)
    stored_reconciliation.advance(store, li, client_id, own.reconciliation_id, "prepared")
    try:
        stored_reconciliation.advance(store, li, client_id, own.reconciliation_id, "reviewed")
        review_refusal = ""
    except AccessDeniedError as denied:
        review_refusal = str(denied)
    outcome = stored_reconciliation.reconcile_period(store, wang, client_id, account, month.period,
                                                     book_opening=opening, new_version=True)  # fmt: skip
    shown = clients.view_client(store, wang, client_id)
    revealed = reveal.reveal(store, wang, client_id, "bank_accounts", account, "account_number", "核对银行回单")
    rec = outcome.reconciliation_id
    stored_reconciliation.advance(store, wang, client_id, rec, "prepared")
    status = stored_reconciliation.advance(store, li, client_id, rec, "reviewed")

    owner = _activated(store, codes["demo.client"])
    history = directory / "store-access-history.jsonl"
    made = audit_trail.export_access_history(store, owner, client_id, history)
    report = verify_export(history.read_bytes(), load_public_keys(made.key_pem))
    (directory / "store-audit-key.pem").write_bytes(made.key_pem)
    lines = [json.loads(line) for line in history.read_text(encoding="utf-8").splitlines()]
    actions = tuple(sorted({line["event"]["action"] for line in lines if "event" in line}))
    return StoreDemo(folder, outcome.bank_lines, outcome.ledger_lines, outcome.statement.balanced, shown.contact_phone,
                     revealed.value, refusal, review_refusal, status, made.events, report.ok, actions)  # fmt: skip
