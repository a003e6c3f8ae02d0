"""The policy decision point: `authorize(actor, action, resource, today) -> Decision`. Deny by default.

Every service asks it before it acts. It is pure: the service loads the facts (who the actor is, what they have
signed and completed, which clients they are assigned, whether the client is frozen) in the same transaction as
the work, and this module decides. Each missing condition has its own reason, shown to the user and recorded.

Access to a client's data needs all of: an active account; MFA enrolled; a role that may do the action; an
assignment to the client current today, or the supervisor relation (the client is assigned to someone in the
supervisor's department), or, for a client user, being that client's own staff; for firm staff a signed,
unexpired confidentiality agreement and privacy training within the last 12 months; clearance for the data
class the action touches; and, for changes, a client that is not frozen (PIPL Art. 47(2)). Firm-level actions
(people, keys, backups, the audit trail) need an active account, MFA and the role.

Maker-checker depends on the record, which only the service has open: the door's `Passage.refuse_makers`
denies a review or lock by the preparer, or by anyone whose decision on one of its matches stands in it, with
`Reason.PREPARER_REVIEWS`, recorded like any other denial.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import IntEnum, StrEnum
from typing import Final
from uuid import UUID

__all__ = [
    "ACTIONS",
    "TRAINING_VALID_FOR",
    "Action",
    "ActionRule",
    "Actor",
    "Clearance",
    "Decision",
    "Reason",
    "Resource",
    "Role",
    "authorize",
]

#: Privacy training counts for 12 months (365 days) after the day it was completed.
TRAINING_VALID_FOR: Final = timedelta(days=365)


class Role(StrEnum):
    FIRM_ADMIN = "firm_admin"  # 管理员: people, clients, backups
    SECURITY_OFFICER = "security_officer"  # 安全负责人: keys, the audit trail, registers
    SUPERVISOR = "supervisor"  # 主管/复核: reviews; sees the clients of the department's accountants
    ACCOUNTANT = "accountant"  # 会计: prepares
    ASSISTANT = "assistant"  # 助理: imports, reads masked data
    AUDITOR = "auditor"  # 稽核: read-only
    CLIENT_USER = "client_user"  # 客户人员: the client's own staff, its own company only


class Clearance(IntEnum):
    """The most sensitive data class a role may touch (DOMAIN.md's S0..S2; S3 is never shown)."""

    S0 = 0
    S1 = 1
    S2 = 2


ROLE_CLEARANCE: Final[dict[Role, Clearance]] = {
    Role.FIRM_ADMIN: Clearance.S1,
    Role.SECURITY_OFFICER: Clearance.S1,
    Role.SUPERVISOR: Clearance.S2,
    Role.ACCOUNTANT: Clearance.S2,
    Role.ASSISTANT: Clearance.S1,
    Role.AUDITOR: Clearance.S1,
    Role.CLIENT_USER: Clearance.S2,
}

STAFF: Final = frozenset(Role) - {Role.CLIENT_USER}


class Action(StrEnum):
    # firm-level
    USER_MANAGE = "user.manage"  # add, disable, assign
    REGISTER_RECORD = "register.record"  # confidentiality agreements, training records
    USER_LIST = "user.list"
    SELF_READ = "self.read"  # one's own record (whoami): who one is, agreement, training, assignments
    CLIENT_CREATE = "client.create"
    CLIENT_LIST = "client.list"  # which clients the actor may read (each read is then authorized on its own)
    CLIENT_DIRECTORY = "client.directory"  # ids, names, statuses of every client (S0/S1, no contacts)
    KEY_MANAGE = "key.manage"
    BACKUP_CREATE = "backup.create"
    BACKUP_VERIFY = "backup.verify"
    BACKUP_RESTORE = "backup.restore"
    RETENTION_MANAGE = "retention.manage"  # due list, destruction request, approval
    AUDIT_VERIFY = "audit.verify"  # verify and export the whole trail, make checkpoints
    ALERT_HANDLE = "alert.handle"  # read and close alerts
    # client-scoped
    CLIENT_READ = "client.read"
    ACCOUNT_ADD = "account.add"
    IMPORT = "import"
    RECONCILE = "reconcile"
    RECONCILIATION_READ = "reconciliation.read"
    MATCH_DECIDE = "match.decide"
    REVIEW = "review"  # advance a reconciliation to reviewed / locked (maker-checker)
    REVEAL = "reveal"
    CLIENT_EXPORT = "client.export"
    FREEZE_MANAGE = "freeze.manage"  # a deletion request and its freeze (PIPL Art. 47(2))
    ACCESS_HISTORY = "access.history"  # the client's own access history, with proofs


@dataclass(frozen=True, slots=True)
class ActionRule:
    roles: frozenset[Role]
    client_scoped: bool
    touches: Clearance = Clearance.S0
    changes: bool = False  # refused on a frozen client


def _rule(*roles: Role, client: bool = False, touches: Clearance = Clearance.S0, changes: bool = False) -> ActionRule:
    return ActionRule(frozenset(roles), client, touches, changes)


A, SO, SU, AC, AS, AU, CU = (Role.FIRM_ADMIN, Role.SECURITY_OFFICER, Role.SUPERVISOR, Role.ACCOUNTANT,
                             Role.ASSISTANT, Role.AUDITOR, Role.CLIENT_USER)  # fmt: skip

#: Which roles may do what, and what each action touches. Anything not here is denied.
ACTIONS: Final[dict[Action, ActionRule]] = {
    Action.USER_MANAGE: _rule(A),
    Action.REGISTER_RECORD: _rule(A, SO),
    Action.USER_LIST: _rule(A, SO, AU),
    Action.SELF_READ: _rule(A, SO, SU, AC, AS, AU, CU),
    Action.CLIENT_CREATE: _rule(A),
    Action.CLIENT_LIST: _rule(A, SO, SU, AC, AS, AU, CU),
    Action.CLIENT_DIRECTORY: _rule(A, SO),  # not supervisors: peer departments do not see each other's clients
    Action.KEY_MANAGE: _rule(SO),
    Action.BACKUP_CREATE: _rule(A, SO),
    Action.BACKUP_VERIFY: _rule(A, SO, AU),
    Action.BACKUP_RESTORE: _rule(SO),
    Action.RETENTION_MANAGE: _rule(A, SO),
    Action.AUDIT_VERIFY: _rule(SO, AU),
    Action.ALERT_HANDLE: _rule(SO),
    Action.CLIENT_READ: _rule(SU, AC, AS, AU, CU, client=True, touches=Clearance.S1),
    Action.ACCOUNT_ADD: _rule(SU, AC, client=True, touches=Clearance.S2, changes=True),
    Action.IMPORT: _rule(
        SU, AC, AS, client=True, touches=Clearance.S1, changes=True
    ),  # writes S2 sealed, shows it masked
    Action.RECONCILE: _rule(SU, AC, client=True, touches=Clearance.S1, changes=True),
    Action.RECONCILIATION_READ: _rule(SU, AC, AS, AU, CU, client=True, touches=Clearance.S1),
    Action.MATCH_DECIDE: _rule(SU, AC, client=True, touches=Clearance.S1, changes=True),
    Action.REVIEW: _rule(SU, client=True, touches=Clearance.S1, changes=True),
    Action.REVEAL: _rule(SU, AC, AS, AU, CU, client=True, touches=Clearance.S2, changes=True),
    Action.CLIENT_EXPORT: _rule(SU, client=True, touches=Clearance.S2),
    Action.FREEZE_MANAGE: _rule(SU, CU, client=True),
    Action.ACCESS_HISTORY: _rule(SO, SU, AU, CU, client=True),
}


class Reason(StrEnum):
    """Why a decision came out as it did; each has its own message."""

    ALLOWED = "allowed"
    UNKNOWN_ACTION = "unknown_action"
    INACTIVE = "inactive"
    NO_MFA = "no_mfa"
    ROLE = "role"
    NOT_ASSIGNED = "not_assigned"
    OTHER_DEPARTMENT = "other_department"
    NOT_OWN_CLIENT = "not_own_client"
    NO_AGREEMENT = "no_agreement"
    AGREEMENT_EXPIRED = "agreement_expired"
    TRAINING_EXPIRED = "training_expired"
    NO_CLEARANCE = "no_clearance"
    FROZEN = "frozen"
    PREPARER_REVIEWS = "preparer_reviews"


MESSAGES: Final[dict[Reason, tuple[str, str]]] = {
    Reason.ALLOWED: ("允许", "allowed"),
    Reason.UNKNOWN_ACTION: ("未定义的操作，默认拒绝", "an action the policy does not know is denied"),
    Reason.INACTIVE: ("账号已停用", "the account is disabled"),
    Reason.NO_MFA: ("尚未绑定双因素认证（TOTP）", "multi-factor authentication (TOTP) is not enrolled"),
    Reason.ROLE: ("当前角色无权执行此操作", "this role may not do this"),
    Reason.NOT_ASSIGNED: ("未被分派到该客户，或分派已到期", "not assigned to this client, or the assignment ended"),
    Reason.OTHER_DEPARTMENT: ("该客户属于其他部门", "this client belongs to another department"),
    Reason.NOT_OWN_CLIENT: ("只能查看本公司的数据", "a client user sees only their own company"),
    Reason.NO_AGREEMENT: ("未签署保密协议", "no signed confidentiality agreement"),
    Reason.AGREEMENT_EXPIRED: ("保密协议已过期", "the confidentiality agreement has expired"),
    Reason.TRAINING_EXPIRED: ("近 12 个月内未完成隐私保护培训", "no privacy training completed in the last 12 months"),
    Reason.NO_CLEARANCE: ("无权接触该级别的数据", "not cleared for this data class"),
    Reason.FROZEN: ("客户数据已冻结（删除请求处理中），仅可存储和安全保护",
                    "the client's data is frozen by a deletion request: storage and security only"),
    Reason.PREPARER_REVIEWS: ("编制人或作出勾对决定的人不能复核或锁定该调节表",
                              "whoever prepared it or decided its matches may not review or lock it"),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Actor:
    """What the policy needs to know of the person acting, loaded in the transaction of the action."""

    user_id: UUID
    name: str
    role: Role
    active: bool
    mfa_enrolled: bool
    department_id: UUID | None = None
    agreement_expires: date | None = None  # the latest signed confidentiality agreement's expiry
    has_agreement: bool = False
    training_completed: date | None = None  # the latest passed privacy training
    assigned_clients: frozenset[UUID] = field(default_factory=frozenset)  # current assignments only
    own_client: UUID | None = None  # for a client user: their company


@dataclass(frozen=True, slots=True)
class Resource:
    """What the action is on: nothing (firm-level) or one client, with the facts that matter."""

    client_id: UUID | None = None
    frozen: bool = False
    departments: frozenset[UUID] = field(default_factory=frozenset)  # of the staff currently assigned to it


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: Reason

    @property
    def message(self) -> str:
        zh, en = MESSAGES[self.reason]
        return f"{zh} / {en}"


_ALLOW = Decision(True, Reason.ALLOWED)


def _deny(reason: Reason) -> Decision:
    return Decision(False, reason)


def _client_access(actor: Actor, resource: Resource, client_id: UUID) -> Reason | None:
    if actor.role is Role.CLIENT_USER:
        return None if actor.own_client == client_id else Reason.NOT_OWN_CLIENT
    if client_id in actor.assigned_clients:
        return None
    mine = actor.department_id is not None and actor.department_id in resource.departments
    if actor.role is Role.SUPERVISOR and mine:
        return None
    if actor.department_id is not None and resource.departments and not mine:
        return Reason.OTHER_DEPARTMENT
    return Reason.NOT_ASSIGNED


def _credentials(actor: Actor, today: date) -> Reason | None:
    if actor.role is Role.CLIENT_USER:
        return None
    if not actor.has_agreement:
        return Reason.NO_AGREEMENT
    if actor.agreement_expires is not None and actor.agreement_expires < today:
        return Reason.AGREEMENT_EXPIRED
    if actor.training_completed is None or actor.training_completed + TRAINING_VALID_FOR < today:
        return Reason.TRAINING_EXPIRED
    return None


def authorize(actor: Actor, action: Action | str, resource: Resource, today: date) -> Decision:
    """Allowed only when every condition holds; otherwise the first condition that fails, in the order of the
    module's docstring."""
    try:
        rule = ACTIONS[Action(action)]
    except ValueError:
        return _deny(Reason.UNKNOWN_ACTION)
    if not actor.active:
        return _deny(Reason.INACTIVE)
    if not actor.mfa_enrolled:
        return _deny(Reason.NO_MFA)
    if actor.role not in rule.roles:
        return _deny(Reason.ROLE)
    if not rule.client_scoped:
        return _ALLOW
    if resource.client_id is None:
        return _deny(Reason.NOT_ASSIGNED)
    for failed in (_client_access(actor, resource, resource.client_id), _credentials(actor, today)):
        if failed is not None:
            return _deny(failed)
    if ROLE_CLEARANCE[actor.role] < rule.touches:
        return _deny(Reason.NO_CLEARANCE)
    if rule.changes and resource.frozen:
        return _deny(Reason.FROZEN)
    return _ALLOW
