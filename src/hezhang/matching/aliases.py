"""What confirmed matches teach: counterparty name -> how the bookkeeper writes it, payee -> ledger account.

Stored as data (JSON), never as code. The next period's matching reads `name_aliases` as counterparty evidence.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

#: Words a memo shares with every other memo; what is left after removing them may name the counterparty.
_GENERIC = re.compile(
    r"收到|收取|支付|付给|付|收|转账|转入|转出|货款|采购款|服务费|预付款|预收款|款项|费用|往来|结算|还款|报销|款|费|的|及|"
    r"\d+月份?|\d{4}年|发票号?\s*[\w-]*|[\s,，。.;；:：/\\()（）\-]"
)


@dataclass(slots=True)
class Aliases:
    #: counterparty core name -> aliases seen in ledger memos
    name_aliases: dict[str, set[str]] = field(default_factory=dict)
    #: counterparty core name -> ledger account code of the other side (for suggested adjusting vouchers)
    payee_accounts: dict[str, str] = field(default_factory=dict)

    def aliases_of(self, core: str) -> set[str]:
        return self.name_aliases.get(core, set())

    def learn(self, core: str | None, ledger_memo: str | None, contra_account: str | None = None) -> None:
        """Record what a confirmed match shows: the memo's distinctive rest as an alias of `core`."""
        if not core:
            return
        if ledger_memo:
            rest = _GENERIC.sub("", ledger_memo)
            if len(rest) >= 2 and rest not in core:
                self.name_aliases.setdefault(core, set()).add(rest)
        if contra_account:
            self.payee_accounts[core] = contra_account

    def to_json(self) -> str:
        data = {
            "name_aliases": {k: sorted(v) for k, v in sorted(self.name_aliases.items())},
            "payee_accounts": dict(sorted(self.payee_accounts.items())),
        }
        return json.dumps(data, ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Aliases:
        """Read aliases; raises ValueError with a bilingual message when the text is not an alias file."""
        try:
            data = json.loads(text)
            names = {str(k): {str(a) for a in v} for k, v in data.get("name_aliases", {}).items()}
            accounts = {str(k): str(v) for k, v in data.get("payee_accounts", {}).items()}
        except (json.JSONDecodeError, AttributeError, TypeError) as e:
            raise ValueError(f"别名文件格式错误：{e} / not an alias file: {e}") from None
        return cls(names, accounts)
