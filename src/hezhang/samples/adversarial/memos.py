"""How people write: the bank's memos (摘要 on the statement) and a bookkeeper's 摘要 in the journal.

A `Bookkeeper` has the month's habits: how fully she names a counterparty (the full name, the trade-name core,
the city and the core, or nobody but the 核算项目), how often she fills 核算项目, her typos, her 结算号 habit.
Each naming returns the text and the `Mention` a careful reader gets from it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from hezhang.samples.adversarial.names import Mention, Parties, Party, full, typo

BANK_IN = ("跨行汇入", "网银转账", "转账存入", "汇入汇款", "对公转账", "转账", "往来款", "银联入账", "来账")
BANK_OUT = ("网银转账", "跨行转账", "转账支出", "汇出汇款", "电子汇划", "对公付款", "网上银行", "转账")
PAYER_NOTES = ("货款", "{m}月货款", "服务费", "合同款", "预付款", "尾款", "采购款", "往来款", "技术服务费", "")
INTEREST_MEMOS = ("结息", "利息", "活期结息", "存息", "批量结息")
SALARY_MEMOS = ("代发工资", "批量代发", "代发业务", "工资", "代发工资-批量")
TAX_MEMOS = ("批量扣税", "税费扣缴", "实时缴税", "电子缴税", "横向联网缴税")
SETTLEMENT = ("网银", "电汇", "转账", "网上银行", "其他")


@dataclass
class Bookkeeper:
    """One bookkeeper's ways in one month."""

    rng: random.Random
    parties: Parties
    month: int
    #: weights of naming a party by its full name, its core, its city and core, or not at all
    naming: tuple[float, float, float, float]
    aux_rate: float
    typo_rate: float
    #: "none": 结算号 empty; "serial": the bank's 流水号 copied; "some": now and then
    ref_habit: str
    method_rate: float
    preparer: str

    @classmethod
    def hire(cls, rng: random.Random, parties: Parties, month: int, preparer: str) -> Bookkeeper:
        naming = rng.choice(((6.0, 3.0, 1.0, 1.0), (2.0, 6.0, 1.0, 1.0), (1.0, 3.0, 1.0, 5.0), (3.0, 3.0, 2.0, 2.0)))
        return cls(
            rng,
            parties,
            month,
            naming,
            aux_rate=rng.choice((0.0, 0.2, 0.5, 0.8, 0.95)),
            typo_rate=rng.choice((0.0, 0.02, 0.05)),
            ref_habit=rng.choices(("none", "serial", "some"), (60, 20, 20))[0],
            method_rate=rng.choice((0.0, 0.3, 0.9)),
            preparer=preparer,
        )

    # -- naming --------------------------------------------------------------------------------------------
    def name(self, party: Party, how: str | None = None) -> tuple[str, Mention | None]:
        """The party as this bookkeeper writes it in a memo, and what that tells a reader."""
        rng = self.rng
        how = how or rng.choices(("full", "core", "city", "none"), self.naming)[0]
        if party.person:
            how = "none" if how == "none" else "full"
        if how == "none":
            return "", None
        if how == "full":
            text, mention = party.full, full(party)
            if not party.person and rng.random() < 0.25:  # the name without 有限公司
                text = party.full.removesuffix("有限责任公司").removesuffix("有限公司")
        elif how == "city":
            text, mention = party.city + party.core, Mention("city", party.city + party.core)
        else:
            text, mention = party.core, Mention("core", party.core)
        if rng.random() < self.typo_rate:
            wrong = typo(rng, text)
            if not any(c in wrong for c in self.parties.cores if c not in text):  # a typo must not name another
                text = wrong
        return text, mention

    def auxiliary(self, party: Party, receipt: bool) -> str:
        """The 核算项目 cell of the contra line ("客户---全称"), or empty."""
        if self.rng.random() >= self.aux_rate:
            return ""
        if party.person:
            return f"职员---{party.full}"
        return f"{'客户' if receipt else '供应商'}---{party.full}"

    # -- memos ---------------------------------------------------------------------------------------------
    def receipt(self, who: str, what: str = "货款") -> str:
        if not who:
            return self.rng.choice((f"收到{what}", f"收{what}", "收款", f"收{self.month}月{what}", "回款"))
        forms = (
            f"收到{who}{what}",
            f"收{who}{what}",
            f"{who}回款",
            f"收{who}款",
            f"收{who}{self.month}月{what}",
            f"{who}-{what}",
            f"收{what}-{who}",
            f"收到{who}{what}（网银）",
        )
        return self.rng.choice(forms)

    def payment(self, who: str, what: str = "货款") -> str:
        if not who:
            return self.rng.choice((f"支付{what}", f"付{what}", "付款", f"支付{self.month}月{what}"))
        forms = (
            f"支付{who}{what}",
            f"付{who}{what}",
            f"付{who}款",
            f"{who}-付款",
            f"支付{who}{self.month}月{what}",
            f"付{what}-{who}",
            f"转{who}{what}",
        )
        return self.rng.choice(forms)

    def reference(self, ref: str, others: list[str]) -> tuple[str, bool]:
        """The 结算号 this bookkeeper writes for a bank line of 流水号 `ref`, and whether it is that line's own;
        now and then she copies the neighbour's (one of `others`)."""
        rate = {"none": 0.0, "serial": 0.95, "some": 0.25}[self.ref_habit]
        if self.rng.random() >= rate:
            return "", False
        if others and self.rng.random() < 0.015:
            return self.rng.choice(others), False
        return ref, True

    def method(self, default: str = "") -> str:
        if self.rng.random() >= self.method_rate:
            return ""
        return default or self.rng.choice(SETTLEMENT)


def bank_memo(rng: random.Random, direction: str, month: int, note: str | None = None) -> str:
    """A bank memo for a transfer: the bank's word and, often, what the payer wrote."""
    word = rng.choice(BANK_IN if direction == "in" else BANK_OUT)
    if note is None:
        note = rng.choice(PAYER_NOTES).format(m=month)
    if not note or rng.random() < 0.3:
        return word
    return rng.choice((f"{word} {note}", note, f"{note}/{word}"))
