"""The expected decision table (tests/unit/security/expected_decisions.txt) and its situations.

Each row: an action, a role, and the expected reason in six situations. `pure_situation` builds the policy's
inputs for a situation directly; the integration test builds the same situations in a real store instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID, uuid4

from hezhang.security.policy import Action, Actor, Resource, Role

TABLE = Path(__file__).resolve().parents[1] / "unit" / "security" / "expected_decisions.txt"
SITUATIONS = ("own", "other_client", "other_dept", "no_agreement", "expired_training", "frozen")
TODAY = date(2026, 11, 28)


@dataclass(frozen=True)
class Row:
    action: Action
    role: Role
    expected: dict[str, str]  # situation -> reason


def read_table(path: Path = TABLE) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("action"):
            continue
        action, role, *cells = line.split()
        assert len(cells) == len(SITUATIONS), f"{path}: {line!r} needs {len(SITUATIONS)} cells"
        rows.append(Row(Action(action), Role(role), dict(zip(SITUATIONS, cells, strict=True))))
    return rows


def pure_situation(role: Role, situation: str) -> tuple[Actor, Resource]:
    """The actor and the resource of a situation, as the store would load them."""
    me, own, other, elsewhere = uuid4(), uuid4(), uuid4(), uuid4()
    mine, theirs = uuid4(), uuid4()  # departments
    client_user = role is Role.CLIENT_USER
    assigned = frozenset() if client_user or role is Role.SUPERVISOR else frozenset({own})
    actor = Actor(
        user_id=me, name="someone", role=role, active=True, mfa_enrolled=True,
        department_id=None if client_user else mine,
        has_agreement=situation != "no_agreement" and not client_user,
        agreement_expires=TODAY + timedelta(days=300),
        training_completed=TODAY - timedelta(days=400 if situation == "expired_training" else 30),
        assigned_clients=assigned, own_client=own if client_user else None,
    )  # fmt: skip
    target: dict[str, tuple[UUID, frozenset[UUID]]] = {
        "other_client": (other, frozenset()),
        "other_dept": (elsewhere, frozenset({theirs})),
    }
    client_id, departments = target.get(situation, (own, frozenset({mine})))
    return actor, Resource(client_id=client_id, frozen=situation == "frozen", departments=departments)
