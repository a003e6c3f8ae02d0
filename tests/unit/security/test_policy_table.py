"""The policy against the expected decision table: every action x role x situation, and the rules around it."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from uuid import uuid4

import pytest

from factories.decisions import SITUATIONS, TODAY, pure_situation, read_table
from hezhang.security.policy import ACTIONS, MESSAGES, Action, Reason, Resource, Role, authorize

ROWS = read_table()


def test_the_table_covers_every_action_and_role_once() -> None:
    assert sorted((r.action, r.role) for r in ROWS) == sorted((a, r) for a in Action for r in Role)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.action.value}-{r.role.value}")
def test_every_decision_is_the_expected_one(row) -> None:  # type: ignore[no-untyped-def]
    for situation in SITUATIONS:
        actor, resource = pure_situation(row.role, situation)
        decision = authorize(actor, row.action, resource, TODAY)
        assert (situation, decision.reason.value) == (situation, row.expected[situation])
        assert decision.allowed == (row.expected[situation] == "allowed")


def test_every_reason_has_a_chinese_and_an_english_message() -> None:
    assert set(MESSAGES) == set(Reason)
    assert all(zh and en and zh != en for zh, en in MESSAGES.values())


def test_an_unknown_action_is_denied() -> None:
    actor, resource = pure_situation(Role.FIRM_ADMIN, "own")
    assert authorize(actor, "drop.everything", resource, TODAY).reason is Reason.UNKNOWN_ACTION


@pytest.mark.parametrize("action", [a for a, rule in ACTIONS.items() if rule.client_scoped])
def test_disabled_or_without_mfa_nobody_gets_in(action: Action) -> None:
    role = next(iter(ACTIONS[action].roles))
    actor, resource = pure_situation(role, "own")
    assert authorize(dataclasses.replace(actor, active=False), action, resource, TODAY).reason is Reason.INACTIVE
    assert authorize(dataclasses.replace(actor, mfa_enrolled=False), action, resource, TODAY).reason is Reason.NO_MFA


def test_an_expired_agreement_is_no_agreement() -> None:
    actor, resource = pure_situation(Role.ACCOUNTANT, "own")
    expired = dataclasses.replace(actor, agreement_expires=TODAY - timedelta(days=1))
    assert authorize(expired, Action.IMPORT, resource, TODAY).reason is Reason.AGREEMENT_EXPIRED
    last_day = dataclasses.replace(actor, agreement_expires=TODAY)
    assert authorize(last_day, Action.IMPORT, resource, TODAY).allowed


def test_training_counts_for_365_days() -> None:
    actor, resource = pure_situation(Role.ACCOUNTANT, "own")
    on_time = dataclasses.replace(actor, training_completed=TODAY - timedelta(days=365))
    late = dataclasses.replace(actor, training_completed=TODAY - timedelta(days=366))
    assert authorize(on_time, Action.IMPORT, resource, TODAY).allowed
    assert authorize(late, Action.IMPORT, resource, TODAY).reason is Reason.TRAINING_EXPIRED
    never = dataclasses.replace(actor, training_completed=None)
    assert authorize(never, Action.IMPORT, resource, TODAY).reason is Reason.TRAINING_EXPIRED


def test_a_supervisor_does_not_see_a_department_client_without_an_assignment_there() -> None:
    actor, resource = pure_situation(Role.SUPERVISOR, "own")
    nobody = Resource(client_id=resource.client_id, departments=frozenset())
    assert authorize(actor, Action.CLIENT_READ, nobody, TODAY).reason is Reason.NOT_ASSIGNED


def test_an_accountant_of_the_same_department_needs_their_own_assignment() -> None:
    actor, resource = pure_situation(Role.ACCOUNTANT, "own")
    colleague_s = dataclasses.replace(resource, client_id=uuid4())
    assert authorize(actor, Action.CLIENT_READ, colleague_s, TODAY).reason is Reason.NOT_ASSIGNED


def test_no_client_named_means_no_client_access() -> None:
    actor, _ = pure_situation(Role.ACCOUNTANT, "own")
    assert authorize(actor, Action.CLIENT_READ, Resource(), TODAY).reason is Reason.NOT_ASSIGNED
