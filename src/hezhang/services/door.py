"""The one door to client data: authorize, act, audit, in one transaction.

    with door(store, ctx, Action.IMPORT, client_id=client_id) as passage:
        ...                      # work with passage.uow and passage.sealer
        passage.touched(f"statement_imports:{import_id}", "S1", "S2")
    # the audit event is written in the same transaction as the work, just before it commits

The actor's facts (role, assignments, agreement, training, MFA) and the client's (frozen, departments) are loaded
inside the transaction and handed to `authorize`. A denial rolls the transaction back, writes a "denied" event
with the reason in a transaction of its own, and raises `AccessDeniedError` with the reason for the person. Work that
fails after it was allowed leaves nothing behind but an "error" event saying so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from hezhang.security.policy import ACTIONS, Action, Actor, Clearance, Decision, Reason, Resource, Role, authorize
from hezhang.services.context import Context
from hezhang.services.errors import UserError
from hezhang.services.store_access import Store
from hezhang.store.failures import explain
from hezhang.store.repositories.monitoring import MonitoringRepository
from hezhang.store.sealer import EnvelopeSealer
from hezhang.store.uow import UnitOfWork

__all__ = ["AccessDeniedError", "Passage", "RefusedError", "decision", "door", "record_event"]

_CLASSES_UP_TO = {Clearance.S0: ("S0",), Clearance.S1: ("S0", "S1"), Clearance.S2: ("S0", "S1", "S2")}
_REASON_LIMIT = 500


class AccessDeniedError(UserError, PermissionError):
    """The policy said no; the message gives the reason (Chinese / English)."""

    def __init__(self, action: Action, decision: Decision) -> None:
        self.action, self.decision = action, decision
        super().__init__(f"拒绝 {action.value}：{decision.message} / denied")


class RefusedError(UserError):
    """Work the policy allowed but a limit refuses (a rate, a rule of the service): recorded as "denied", with an
    alert for the security officer when `alert` = (kind, detail) is given."""

    code = "refused"

    def __init__(self, message: str, *, alert: tuple[str, str] | None = None) -> None:
        super().__init__(message)
        self.alert = alert


class _DeniedError(Exception):
    def __init__(self, decision: Decision) -> None:
        self.decision = decision


@dataclass
class Passage:
    """What the door hands the service: the transaction, the sealer, the actor's facts, and the record to write."""

    uow: UnitOfWork
    sealer: EnvelopeSealer
    actor: Actor
    label: str  # how the audit trail names the actor: "login name <user id>"
    resource: str
    data_classes: set[str] = field(default_factory=set)
    detail: str = ""
    client_id: UUID | None = None  # the client the event is about (a firm-level action may name one too)

    def touched(self, resource: str, *classes: str, detail: str | None = None, client_id: UUID | None = None) -> None:
        """Name the records the work read or changed, the data classes in them, and how (masked, revealed...)."""
        self.resource = resource
        self.data_classes.update(classes)
        if detail is not None:
            self.detail = detail
        if client_id is not None:
            self.client_id = client_id

    @property
    def name(self) -> str:
        """The acting user's login name, as written in the records they make (preparer, confirmed_by...)."""
        return self.actor.name

    def refuse_makers(self, makers: Iterable[str | None]) -> None:
        """Maker-checker: whoever made a reconciliation (prepared it, decided a match in it) never reviews or locks
        it."""
        if self.actor.name in set(makers):
            raise _DeniedError(Decision(False, Reason.PREPARER_REVIEWS))


def _actor_label(name: str, user_id: UUID) -> str:
    return f"{name} <{user_id}>" if name else str(user_id)


def _unknown(user_id: UUID) -> Actor:
    return Actor(user_id=user_id, name="", role=Role.AUDITOR, active=False, mfa_enrolled=False)


def _decide(uow: UnitOfWork, ctx: Context, action: Action, client_id: UUID | None) -> tuple[Actor, Decision]:
    """The actor's and the client's facts as the store holds them today, and what the policy says of them."""
    today = ctx.today()
    actor = uow.people.actor(ctx.user_id, today) or _unknown(ctx.user_id)
    facts = uow.people.resource(client_id, today) if client_id else Resource()
    return actor, authorize(actor, action, facts, today)


def _describe(error: BaseException) -> str:
    """The error for the audit reason: a store failure by its kind only (a driver's message holds SQL and data)."""
    explained = explain(error)
    text = f"{explained[0]} / {explained[1]}" if explained else (str(error) or type(error).__name__)
    return text[:_REASON_LIMIT]


def _as_user_error(error: BaseException) -> UserError | None:
    explained = explain(error)
    return None if explained is None else UserError(f"{explained[0]} / {explained[1]}")


def record_event(
    store: Store, *, actor: str, source: str, action: str, outcome: str, reason: str, request_id: str,
    client_id: UUID | None = None, resource: str = "", data_classes: Iterable[str] = ("S0",),
    alert: tuple[str, str] | None = None, user_id: UUID | None = None, at: datetime | None = None,
) -> None:  # fmt: skip
    """One audit event in a transaction of its own: sign-in attempts, denials, failures after an allowed start;
    with `alert` = (kind, detail), an alert for the security officer in the same transaction."""
    with store.work([client_id] if client_id else []) as (uow, _):
        if alert is not None:
            MonitoringRepository(uow.connection).raise_alert(
                alert[0], alert[1], user_name=actor, user_id=user_id, client_id=client_id
            )
        uow.audit.record(
            at=at, actor=actor, source=source, action=action, client=None if client_id is None else str(client_id),
            resource=resource, data_classes=tuple(data_classes), outcome=outcome, reason=reason[:_REASON_LIMIT],
            request_id=request_id,
        )  # fmt: skip


@contextmanager
def door(
    store: Store, ctx: Context, action: Action, *, client_id: UUID | None = None, resource: str = "",
    clients: Iterable[UUID] | None = None, about: UUID | None = None,
) -> Iterator[Passage]:  # fmt: skip
    """Authorize `ctx`'s user for `action` on `client_id` (None: a firm-level action), then let the work through.

    `clients` widens the transaction's allowed clients for firm-level work over many clients (backups, keys);
    `about` names the client a firm-level action concerns, for its events (a new client, a destruction)."""
    event_client = client_id or about
    rule = ACTIONS[action]
    scope = list(clients) if clients is not None else ([client_id] if client_id else [])
    label = str(ctx.user_id)
    allowed_started = False
    classes = set(_CLASSES_UP_TO[rule.touches])
    try:
        with store.work(scope) as (uow, sealer):
            actor, decision = _decide(uow, ctx, action, client_id)
            label = _actor_label(actor.name, ctx.user_id)
            if not decision.allowed:
                raise _DeniedError(decision)
            allowed_started = True
            passage = Passage(uow, sealer, actor, label, resource, classes, client_id=event_client)
            yield passage
            uow.audit.record(
                at=ctx.now(), actor=label, source=ctx.source, action=action.value,
                client=None if passage.client_id is None else str(passage.client_id), resource=passage.resource,
                data_classes=tuple(sorted(passage.data_classes)), outcome="allowed",
                reason=passage.detail[:_REASON_LIMIT], request_id=ctx.request_id,
            )  # fmt: skip
    except _DeniedError as denied:
        record_event(store, actor=label, source=ctx.source, action=action.value, outcome="denied",
                     reason=denied.decision.reason.value, request_id=ctx.request_id, client_id=event_client,
                     resource=resource, data_classes=sorted(classes), at=ctx.now())  # fmt: skip
        raise AccessDeniedError(action, denied.decision) from None
    except RefusedError as refused:
        record_event(store, actor=label, source=ctx.source, action=action.value, outcome="denied",
                     reason=f"{refused.code}: {_describe(refused)}", request_id=ctx.request_id, client_id=event_client,
                     resource=resource, data_classes=sorted(classes), alert=refused.alert,
                     user_id=ctx.user_id, at=ctx.now())  # fmt: skip
        raise
    except Exception as error:
        if allowed_started:
            try:
                record_event(store, actor=label, source=ctx.source, action=action.value, outcome="error",
                             reason=_describe(error), request_id=ctx.request_id, client_id=event_client,
                             resource=resource, data_classes=sorted(classes), at=ctx.now())  # fmt: skip
            except Exception as unrecorded:  # the store itself failing: say so, and raise what went wrong first
                error.add_note(f"the error event could not be recorded either: {_describe(unrecorded)}")
        refusal = _as_user_error(error)
        if refusal is not None:  # the store refused: a message without SQL, not a traceback
            raise refusal from None
        raise


def decision(store: Store, ctx: Context, action: Action, client_id: UUID | None = None) -> Decision:
    """What the policy would say now, from the facts in the store, without acting (and so without an event):
    for faces deciding what to offer. Every real access still goes through `door`."""
    with store.work([client_id] if client_id else []) as (uow, _):
        return _decide(uow, ctx, action, client_id)[1]
