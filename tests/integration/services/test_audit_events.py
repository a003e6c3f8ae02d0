"""Every service writes exactly the audit events it should, on SQLite and PostgreSQL.

One month of a client's life, step by step, through the services as the people who do it; after each step the
test reads the events that step added and compares (action, outcome, client) with what it expects, in order.
Then the trail is verified: every event chained, every checkpoint signed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from factories.enrollment import activate
from factories.people import client_user, session_token, staff, user_name
from hezhang.audit.event import AuditEvent
from hezhang.domain.money import format_fen
from hezhang.domain.period import Period
from hezhang.samples.bank_exports import render_standard_csv
from hezhang.samples.client_month import generate_client_month
from hezhang.samples.statements import generate_bank_lines
from hezhang.security.policy import Role
from hezhang.security.sessions import ABSOLUTE_TIMEOUT, IDLE_TIMEOUT
from hezhang.services import (
    activation,
    alerts,
    audit_trail,
    backup,
    clients,
    freeze,
    imports,
    keys,
    match_decisions,
    offboarding,
    people,
    retention,
    reveal,
    sign_in,
    stored_reconciliation,
)
from hezhang.services.context import Context, utc_now
from hezhang.services.door import AccessDeniedError
from hezhang.services.errors import UserError
from hezhang.services.store_access import Store
from hezhang.store.repositories.audit import AuditRepository
from hezhang.store.uow import UnitOfWork

PASSWORD = "Lantern-Harbor-71!"
Expected = tuple[str, str, Any]  # action, outcome, client (ANY: not known before the step)
ANY = object()


def _events(store: Store, after: int) -> list[AuditEvent]:
    with UnitOfWork(store.engine, []) as uow:
        return list(uow.audit.events(after=after))


def _size(store: Store) -> int:
    with UnitOfWork(store.engine, []) as uow:
        return uow.audit.size()


class Trail:
    """Runs a step and returns its result with the events it added."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def step(self, expected: list[Expected], work: Callable[[], Any], *, raises: type[Exception] | None = None) -> Any:
        before = _size(self.store)
        result = None
        if raises is None:
            result = work()
        else:
            with pytest.raises(raises):
                work()
        added = _events(self.store, before)
        got = [(e.action, e.outcome, None if e.client is None else UUID(e.client)) for e in added]
        assert len(got) == len(expected), f"expected the events {expected}, the step wrote {got}"
        assert [(a, o, g[2] if c is ANY else c) for (a, o, c), g in zip(expected, got, strict=True)] == got
        self.last = added
        return result


@pytest.fixture(scope="module")
def month(store: Store, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("files")
    generated = generate_client_month(23)
    bank, journal = generated.write(folder)
    bad = folder / "bad.csv"
    lines = generate_bank_lines(40, seed=7, start=date(2026, 10, 1))
    bad.write_bytes(render_standard_csv(lines, "utf-8-sig").replace(b"2026-10-0", b"2026-13-0", 1))
    return {
        "bank": bank,
        "journal": journal,
        "bad": bad,
        "code": generated.account_code,
        "period": generated.period,
        "opening": format_fen(generated.book_opening_fen),
    }


def test_each_service_writes_exactly_its_events(store: Store, month: dict[str, Any], tmp_path: Path) -> None:
    trail = Trail(store)
    admin, officer = staff(store, Role.FIRM_ADMIN), staff(store, Role.SECURITY_OFFICER)
    client = trail.step([("client.create", "allowed", ANY)],
                        lambda: clients.create_client(store, admin, "甲公司", contact_phone="13912345678"))  # fmt: skip
    assert trail.last[0].client == str(client)  # the event names the new client
    assert trail.last[0].actor.startswith(user_name(store, admin))
    trail.last = []
    accountant = staff(store, Role.ACCOUNTANT, clients=[client], department="一部")
    supervisor = staff(store, Role.SUPERVISOR, department="一部")
    assistant = staff(store, Role.ASSISTANT, clients=[client], department="一部")
    stranger = staff(store, Role.ACCOUNTANT, department="二部")
    owner = client_user(store, client)

    account = trail.step([("account.add", "allowed", client)],
                         lambda: clients.add_bank_account(store, accountant, client, "31050161373600001234",
                                                           ledger_code=month["code"]))  # fmt: skip
    assert trail.last[0].data_classes == ("S0", "S1", "S2")
    refused = trail.step([("import", "allowed", client)],
                         lambda: imports.import_file(store, accountant, client, month["bad"], "bank",
                                                     bank_account_id=account))  # fmt: skip
    assert refused.problems and trail.last[0].reason.startswith("refused")
    trail.step(
        [("import", "allowed", client)],
        lambda: imports.import_file(store, assistant, client, month["bank"], "bank", bank_account_id=account),
    )
    trail.step([("import", "denied", client)],
               lambda: imports.import_file(store, stranger, client, month["journal"], "journal"),
               raises=AccessDeniedError)  # fmt: skip
    assert trail.last[0].reason == "other_department"
    trail.step([("import", "allowed", client)],
               lambda: imports.import_file(store, accountant, client, month["journal"], "journal",
                                           account_prefix=month["code"]))  # fmt: skip

    def prepare() -> Any:
        return stored_reconciliation.reconcile_period(store, accountant, client, account, month["period"],
                                                      book_opening=month["opening"])  # fmt: skip

    outcome = trail.step([("reconcile", "allowed", client)], prepare)
    rec = outcome.reconciliation_id
    first = int(outcome.result.frame["match_id"][0])
    trail.step(
        [("match.decide", "allowed", client)],
        lambda: match_decisions.unmatch(store, accountant, client, rec, first, "金额待核"),
    )
    trail.step(
        [("reconcile", "allowed", client)],
        lambda: stored_reconciliation.advance(store, accountant, client, rec, "prepared"),
    )
    trail.step([("review", "denied", client)],
               lambda: stored_reconciliation.advance(store, accountant, client, rec, "reviewed"),
               raises=AccessDeniedError)  # the accountant is not a supervisor  # fmt: skip
    trail.step(
        [("review", "allowed", client)],
        lambda: stored_reconciliation.advance(store, supervisor, client, rec, "reviewed"),
    )
    trail.step(
        [("reconciliation.read", "allowed", client)],
        lambda: stored_reconciliation.read_reconciliation(store, owner, client, rec),
    )
    trail.step(
        [("client.list", "allowed", None), ("client.read", "allowed", client)],
        lambda: clients.list_clients(store, accountant),
    )
    trail.step([("client.directory", "allowed", None)], lambda: clients.client_directory(store, admin))

    shown = trail.step(
        [("reveal", "allowed", client)],
        lambda: reveal.reveal(store, accountant, client, "clients", client, "contact_phone", "回访客户"),
    )
    assert shown.value == "13912345678"
    assert "13912345678" not in trail.last[0].reason and "回访客户" in trail.last[0].reason
    assert trail.last[0].resource == f"clients:{client}.contact_phone" and "S2" in trail.last[0].data_classes
    trail.step([("reveal", "denied", client)],
               lambda: reveal.reveal(store, assistant, client, "clients", client, "contact_phone", "回访客户"),
               raises=AccessDeniedError)  # fmt: skip
    assert trail.last[0].reason == "no_clearance"

    trail.step([("freeze.manage", "allowed", client)], lambda: freeze.request_freeze(store, owner, client, "删除"))
    trail.step([("import", "denied", client)],
               lambda: imports.import_file(store, accountant, client, month["journal"], "journal"),
               raises=AccessDeniedError)  # fmt: skip
    assert trail.last[0].reason == "frozen"
    trail.step([("freeze.manage", "allowed", client)], lambda: freeze.freeze_status(store, owner, client))
    trail.step([("freeze.manage", "allowed", client)], lambda: freeze.revoke_freeze(store, owner, client))

    trail.step([("key.manage", "allowed", None)], lambda: keys.rotate(store, officer))
    trail.step([("key.manage", "allowed", None)], lambda: keys.rewrap(store, officer))
    trail.step([("key.manage", "denied", None)], lambda: keys.rotate(store, admin), raises=AccessDeniedError)
    archive = tmp_path / "store.hzb"
    trail.step([("backup.create", "allowed", None)], lambda: backup.create_backup(store, admin, archive))
    trail.step([("backup.verify", "allowed", None)], lambda: backup.verify_backup(store, officer, archive))
    trail.step([("retention.manage", "allowed", None)], lambda: retention.due(store, admin))
    trail.step([("retention.manage", "error", client)],
               lambda: retention.request_destruction(store, admin, client, today=date(2026, 12, 1)),
               raises=UserError)  # nothing has expired: refused after it was allowed  # fmt: skip
    assert "保管期未满" in trail.last[0].reason or "no dated records" in trail.last[0].reason

    trail.step(
        [("client.export", "allowed", client)],
        lambda: offboarding.export_client(store, supervisor, client, tmp_path / "handover"),
    )

    new_id, given = trail.step([("activation.issue", "allowed", None), ("user.manage", "allowed", None)],
                               lambda: people.add_user(store, admin, "zhang.san", Role.ACCOUNTANT,
                                                       department="一部"))  # fmt: skip
    assert trail.last[0].reason.startswith("for zhang.san: new password, new second factor; expires ")
    assert trail.last[0].actor.startswith(user_name(store, admin)) and trail.last[0].resource == f"users:{new_id}"
    today = admin.today()
    trail.step(
        [("register.record", "allowed", None)],
        lambda: people.record_agreement(store, admin, new_id, "2026版", today, today + timedelta(days=365)),
    )
    trail.step(
        [("register.record", "allowed", None)],
        lambda: people.record_training(store, officer, new_id, "隐私保护", today, 95, True),
    )
    trail.step(
        [("user.manage", "allowed", client)],
        lambda: people.assign(store, admin, new_id, client, today, today + timedelta(days=90)),
    )
    trail.step([("login", "denied", None)],
               lambda: sign_in.sign_in(store, "zhang.san", "wrong password", "000000", "10.0.0.8"),
               raises=sign_in.SignInError)  # fmt: skip
    trail.step([("activation.use", "denied", None)],
               lambda: activation.check_activation(store, "zhang.san", "2222-3333-4444-5555", "10.0.0.8"),
               raises=activation.ActivationError)  # fmt: skip
    assert trail.last[0].reason == "bad_activation_code"
    done, _ = trail.step([("activation.use", "allowed", None), ("login", "allowed", None)],
                         lambda: activate(store, given, PASSWORD, "10.0.0.8"))  # fmt: skip
    assert trail.last[0].reason == "used: new password, new second factor" and trail.last[1].source == "10.0.0.8"
    zhang: Context = done.signed.context
    trail.step([("client.read", "allowed", client)], lambda: clients.view_client(store, zhang, client))
    assert trail.last[0].request_id == zhang.request_id

    trail.step([("audit.verify", "allowed", None)], lambda: audit_trail.make_checkpoint(store, officer))
    report = trail.step([("audit.verify", "allowed", None)], lambda: audit_trail.verify_trail(store, officer))
    assert report.ok, report
    history = tmp_path / "history.jsonl"
    trail.step(
        [("access.history", "allowed", client)],
        lambda: audit_trail.export_access_history(store, owner, client, history),
    )
    trail.step([("alert.handle", "allowed", None)], lambda: alerts.open_alerts(store, officer))


def test_a_service_that_stops_writing_its_event_fails_the_comparison(
    store: Store, month: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison is strict: a step that should write one event and writes none fails (so does a second one)."""
    admin = staff(store, Role.FIRM_ADMIN)
    client = clients.create_client(store, admin, "戊公司")
    supervisor = staff(store, Role.SUPERVISOR, department="四部")
    staff(store, Role.ACCOUNTANT, clients=[client], department="四部")
    trail = Trail(store)
    record = AuditRepository.record
    dropped: list[str] = []

    def forgetful(self: AuditRepository, **event: Any) -> int:
        if event["action"] == "client.read" and not dropped:  # the allowed read goes unrecorded, once
            dropped.append(event["action"])
            return 0
        return record(self, **event)

    monkeypatch.setattr(AuditRepository, "record", forgetful)
    with pytest.raises(AssertionError):
        trail.step([("client.read", "allowed", client)], lambda: clients.view_client(store, supervisor, client))
    assert dropped == ["client.read"]
    with pytest.raises(AssertionError):  # one event expected, two written
        trail.step([("client.read", "allowed", client)], lambda: clients.list_clients(store, supervisor))
    trail.step(  # and the right expectation passes
        [("client.list", "allowed", None), ("client.read", "allowed", client)],
        lambda: clients.list_clients(store, supervisor),
    )


def test_work_that_fails_after_it_was_allowed_leaves_an_error_event_and_nothing_else(store: Store) -> None:
    admin = staff(store, Role.FIRM_ADMIN)
    client = clients.create_client(store, admin, "乙公司")
    accountant = staff(store, Role.ACCOUNTANT, clients=[client])
    before = _size(store)
    with pytest.raises(UserError):  # no statement and no journal imported yet
        stored_reconciliation.reconcile_period(store, accountant, client, client, Period.month(2026, 10))
    (event,) = _events(store, before)
    assert (event.action, event.outcome, event.client) == ("reconcile", "error", str(client))
    assert "银行账户" in event.reason or "import" in event.reason


def test_too_many_reveals_are_refused_and_raise_an_alert(store: Store) -> None:
    admin, officer = staff(store, Role.FIRM_ADMIN), staff(store, Role.SECURITY_OFFICER)
    client = clients.create_client(store, admin, "丙公司", contact_name="欧阳娜娜")
    accountant = staff(store, Role.ACCOUNTANT, clients=[client])
    for _ in range(reveal.REVEALS_PER_HOUR):
        reveal.reveal(store, accountant, client, "clients", client, "contact_name", "核对联系人")
    before = _size(store)
    with pytest.raises(reveal.RevealLimitError):
        reveal.reveal(store, accountant, client, "clients", client, "contact_name", "核对联系人")
    (event,) = _events(store, before)
    assert (event.action, event.outcome) == ("reveal", "denied")
    assert event.reason.startswith("reveal_rate_limited")
    found = [a for a in alerts.open_alerts(store, officer) if a.client_id == client]
    assert [a.kind for a in found] == ["reveal_rate"]
    assert found[0].user_name is not None and found[0].user_name.startswith(user_name(store, accountant))
    before = _size(store)
    alerts.close_alert(store, officer, found[0].id, "已与当事人核实：月末集中核对 / checked with the person")
    (closed,) = _events(store, before)
    assert (closed.action, closed.outcome, closed.resource) == ("alert.handle", "allowed", f"alerts:{found[0].id}")
    assert all(a.id != found[0].id for a in alerts.open_alerts(store, officer))


def test_the_remaining_services_write_exactly_their_events(store: Store, month: dict[str, Any], tmp_path: Path) -> None:
    """People, decisions on matches, destruction with its approval, key retirement, the trail's exports, alerts."""
    trail = Trail(store)
    admin, officer, other_admin = (
        staff(store, Role.FIRM_ADMIN),
        staff(store, Role.SECURITY_OFFICER),
        staff(store, Role.FIRM_ADMIN),
    )
    client = clients.create_client(store, admin, "丁公司")
    accountant = staff(store, Role.ACCOUNTANT, clients=[client])
    today = admin.today()

    trail.step([("user.manage", "allowed", None)], lambda: people.add_department(store, admin, "三部"))
    li, _ = people.add_user(store, admin, "li.si", Role.ASSISTANT, department="三部")
    trail.step([("user.list", "allowed", None)], lambda: people.list_users(store, officer))
    given = trail.step([("activation.issue", "allowed", None), ("user.manage", "allowed", None)],
                       lambda: people.reset_password(store, admin, li))  # fmt: skip
    trail.step([("activation.use", "denied", None)],
               lambda: activation.check_activation(store, "li.si", given.code, "10.0.0.9", now=given.expires_at),
               raises=activation.ActivationError)  # fmt: skip
    assert trail.last[0].reason == "expired"
    trail.step([("activation.issue", "allowed", None), ("user.manage", "allowed", None)],
               lambda: people.reset_second_factor(store, admin, li))  # fmt: skip
    trail.step(
        [("user.manage", "allowed", client)],
        lambda: people.assign(store, admin, li, client, today, today + timedelta(days=30)),
    )
    trail.step([("user.manage", "allowed", client)], lambda: people.end_assignment(store, admin, li, client))
    trail.step([("user.manage", "allowed", None)], lambda: people.disable_user(store, admin, li))
    trail.step([("user.manage", "denied", None)], lambda: people.disable_user(store, officer, li),
               raises=AccessDeniedError)  # fmt: skip

    account = clients.add_bank_account(store, accountant, client, "6222020000000000031", ledger_code=month["code"])
    imports.import_file(store, accountant, client, month["bank"], "bank", bank_account_id=account)
    imports.import_file(store, accountant, client, month["journal"], "journal", account_prefix=month["code"])
    outcome = stored_reconciliation.reconcile_period(store, accountant, client, account, month["period"],
                                                     book_opening=month["opening"])  # fmt: skip
    rec, frame = outcome.reconciliation_id, outcome.result.frame
    suggested = [int(m) for m, s in zip(frame["match_id"], frame["status"], strict=True) if s == "suggested"]
    if len(suggested) >= 2:
        trail.step(
            [("match.decide", "allowed", client)],
            lambda: match_decisions.confirm(store, accountant, client, rec, suggested[0]),
        )
        trail.step(
            [("match.decide", "allowed", client)],
            lambda: match_decisions.reject(store, accountant, client, rec, suggested[1]),
        )
    first = int(frame["match_id"][0])
    trail.step(
        [("match.decide", "allowed", client)],
        lambda: match_decisions.unmatch(store, accountant, client, rec, first, "重新核对"),
    )
    (row,) = [r for r in frame.iter_rows(named=True) if int(r["match_id"]) == first]
    trail.step([("match.decide", "allowed", client)],
               lambda: match_decisions.manual_match(store, accountant, client, rec, list(row["bank_rows"]),
                                                    list(row["ledger_rows"]), "核对后手工勾对"))  # fmt: skip

    later = date(2040, 1, 1)  # the statement's ten years are over; the journal's thirty are not
    request = trail.step([("retention.manage", "allowed", client)],
                         lambda: retention.request_destruction(store, officer, client, tables=["statement_imports"],
                                                               today=later))  # fmt: skip
    trail.step([("retention.manage", "allowed", None)], lambda: retention.pending_destructions(store, admin))
    trail.step([("retention.manage", "error", None)],
               lambda: retention.approve_destruction(store, officer, request.id, today=later),
               raises=UserError)  # the requester cannot approve  # fmt: skip
    trail.step(
        [("retention.manage", "allowed", client)],
        lambda: retention.approve_destruction(store, other_admin, request.id, today=later),
    )
    trail.step([("retention.manage", "allowed", None)], lambda: retention.register_entries(store, admin))

    old = store.keyring.current_version
    trail.step([("key.manage", "allowed", None)], lambda: keys.rotate(store, officer))
    trail.step([("key.manage", "error", None)], lambda: keys.retire(store, officer, old), raises=UserError)
    trail.step([("key.manage", "allowed", None)], lambda: keys.rewrap(store, officer))
    trail.step([("key.manage", "allowed", None)], lambda: keys.retire(store, officer, old))

    trail.step([("audit.verify", "allowed", None)], lambda: audit_trail.export_trail(store, officer, tmp_path / "t"))
    trail.step([("audit.verify", "allowed", None)], lambda: audit_trail.public_key_pem(store, officer))
    trail.step([("audit.verify", "denied", None)], lambda: audit_trail.verify_trail(store, admin),
               raises=AccessDeniedError)  # fmt: skip
    assert audit_trail.verify_trail(store, officer).ok


def test_reading_oneself_and_every_refused_session_token_write_exactly_their_events(store: Store) -> None:
    """`whoami` is an audited read; a forged, ended or timed-out session token is a denied "session" event with the
    reason and the source it was presented from, and a logout with a forged or ended one a denied "logout"."""
    trail = Trail(store)
    clerk = staff(store, Role.ACCOUNTANT)
    name = user_name(store, clerk)
    trail.step([("self.read", "allowed", None)], lambda: people.whoami(store, clerk))
    assert trail.last[0].resource == f"users:{clerk.user_id}" and trail.last[0].actor.startswith(name)

    def refused(token: str, at: datetime | None = None) -> Callable[[], Any]:
        return lambda: sign_in.resume(store, token, "cli:uid:1000@desk-7", now=at)

    trail.step([("session", "denied", None)], refused("forged-or-from-elsewhere"), raises=sign_in.SessionEndedError)
    event = trail.last[0]
    assert (event.actor, event.reason, event.source) == (sign_in.UNKNOWN_USER, "unknown_session", "cli:uid:1000@desk-7")
    token = session_token(store, clerk)
    idle = utc_now() + IDLE_TIMEOUT
    trail.step([("session", "denied", None)], refused(token, idle), raises=sign_in.SessionEndedError)
    assert trail.last[0].reason == "expired_idle" and trail.last[0].actor.startswith(name)
    trail.step([("session", "denied", None)], refused(token, idle), raises=sign_in.SessionEndedError)
    assert trail.last[0].reason == "ended"  # ended for good when it timed out
    token = session_token(store, clerk)
    trail.step([("logout", "allowed", None)], lambda: sign_in.sign_out(store, token, source="cli:uid:1000@desk-7"))
    trail.step([("session", "denied", None)], refused(token), raises=sign_in.SessionEndedError)
    assert trail.last[0].reason == "ended" and trail.last[0].source == "cli:uid:1000@desk-7"
    trail.step([("logout", "denied", None)], lambda: sign_in.sign_out(store, token, source="cli:uid:1000@desk-7"))
    assert trail.last[0].reason == "ended" and trail.last[0].actor.startswith(name)
    trail.step([("logout", "denied", None)], lambda: sign_in.sign_out(store, "forged", source="cli:uid:1000@desk-7"))
    assert (trail.last[0].reason, trail.last[0].actor) == ("unknown_session", sign_in.UNKNOWN_USER)
    old = session_token(store, clerk)
    trail.step([("session", "denied", None)], refused(old, utc_now() + ABSOLUTE_TIMEOUT),
               raises=sign_in.SessionEndedError)  # fmt: skip
    assert trail.last[0].reason == "expired_absolute"
