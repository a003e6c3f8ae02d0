"""The words that tell a personal name in a memo (names.py): surnames, the words around a name, and words that
look like a name but are not one. The surname list and the list of look-alike words are data files beside this
module (``surnames.txt``, ``not_names.txt``), read on first use.

A name is a surname followed by one or two characters. The text around it says whether a person is meant:

- ``BEFORE_NAME``: words after which a name follows: payments to and from people (代付, 报销, 借给, 退还 ...),
  pay items (工资, 劳务费 ...), words for a person (员工, 股东, 收款人 ...) and the account words bookkeepers put
  before a person's name (应收账款王某某).
- ``AFTER_NAME``: words that follow a person's name: pay and expenses (工资, 差旅费 ...), loans (借款, 还款 ...),
  deposits (押金, 备用金), 的 and 个人.
- ``AFTER_ANY_PARTY``: words that follow a company's short name as often as a person's (货款, 房租, 付 ...): they
  end a name of three characters or more, and one of two only when its given name reads as a person's
  (``PERSONAL_GIVEN_CHARACTERS``): "收王小明货款" and "收李娜货款" mask, "收华信货款" names a customer.
- ``TITLES``: forms of address (王总, 李经理, 张会计, 刘老师, 陈师傅). A surname with a title is left as it is: the
  name mask keeps the surname and would hide nothing, and the title says who is meant. A full name before a title
  is masked (王小明经理 -> 王**经理).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


BEFORE_NAME: Final = _words(
    "代付 付 支付 付给 支付给 付款给 预付 应付 收 收到 收回 代收 应收 报销 借 借给 借支 借款给 预支 暂支 还 还给 归还 "
    "偿还 退 退还 退给 转 转给 转账给 汇给 打给 给 交给 垫付 代垫 向 发放 发给 代发 代扣 代缴 备用金 工资 薪资 奖金 "
    "提成 补助 补贴 劳务费 员工 职工 雇员 股东 法人 老板 经办人 收款人 付款人 领款人 借款人 报销人 姓名 户名 联系人 "
    "业主 房东 租户 个人 账款 应收款 应付款 本月 上月 下月 当月 联系 通知 询问 核实 致电 告知 拜访 回访"
)

AFTER_NAME: Final = _words(
    "工资 薪资 薪酬 薪金 奖金 年终奖 绩效 提成 补助 补贴 津贴 报销 借款 借支 暂借 还款 差旅费 劳务费 押金 备用金 "
    "垫付款 垫付 垫款 代垫 代付 代收 代缴 的 等 与 及 个人 本人 社保 公积金 个税 医药费 医疗费 餐费 交通费 住宿费 "
    "通讯费 话费 加班费 稿费 分红 抚恤金 慰问金 离职 赔偿 预支 暂支 交来 交回 缴来 退回 归还 电话 手机 身份证 "
    "卡号 账号 银行卡 确认 核对 核实 签字 签收 前来"
)

AFTER_ANY_PARTY: Final = _words(
    "货款 款项 房租 租金 转账 汇款 运费 服务费 往来款 欠款 定金 订金 保证金 采购款 尾款 首付款 预付款 账款 费用 "
    "报酬 现金 还贷 投资款 股款 红包 款 付 交 报 借 还 收 转 退 缴 领 垫 汇 存 取"
)

#: The one-character words of AFTER_ANY_PARTY: verbs that no given name holds (王明付房租: 王明 pays the rent).
VERBS_AFTER_A_NAME: Final = frozenset(w for w in AFTER_ANY_PARTY if len(w) == 1)

#: Characters of given names that company short names seldom use: a two-character name ending in one is read as
#: a person's where a word of AFTER_ANY_PARTY follows (收李娜货款), unlike 收华信货款; not after the surnames that
#: start company short names most (FIRM_SURNAMES: 金莉, 华欣 may be a shop).
PERSONAL_GIVEN_CHARACTERS: Final = frozenset(
    "娜芳静敏艳婷娟霞燕玲萍梅莉琳颖倩雪慧莹秀兰菊琴蕾薇妍婕媛娇姗娅妮嫣婉婧蓉露瑶璐琦琪欣怡悦彤涵萱瑾雯岚茜菲蓓芬珍翠娥"
    "伟磊涛杰勇军斌亮俊彪毅帅哲兵"
)
FIRM_SURNAMES: Final = frozenset("金华万安高方江龙盛荣康宁鲁苏云")

TITLES: Final = _words(
    "总 总经理 经理 会计 出纳 老师 师傅 主任 处长 局长 科长 厂长 院长 校长 所长 站长 队长 组长 部长 行长 董事长 董 "
    "书记 律师 医生 大夫 先生 女士 小姐 老板 老板娘 阿姨 叔 叔叔 姐 哥 工 总监 主管 助理 博士 教授 同学 同志 秘书 "
    "老总 总裁 会长 社长 主席 专员 师"
)

#: A "before" word that begins one of these is part of another word, not a word before a name ("借方发生额").
NOT_BEFORE_NAME: Final = _words("借方 贷方 收益 付息 收支 给予 转让 还原")

#: Characters that never stand in a given name but often after a surname-like character in a memo (车费, 余额).
NOT_IN_GIVEN_NAMES: Final = frozenset("款费税额账帐票据佰仟亿拾厂店局司货价息租率期笔批次项单整的氏券")

#: Characters that end a place name (高新区, 朝阳路): a name does not end in one.
PLACE_SUFFIXES: Final = frozenset("区市县省镇村乡路街巷")

#: The separators of a name in two or more parts (阿依古丽·买买提), as bookkeepers type them.
NAME_DOTS: Final = "·•・．."


@dataclass(frozen=True, slots=True)
class Surnames:
    single: frozenset[str]
    compound: frozenset[str]


def _read(filename: str) -> list[str]:
    text = resources.files("hezhang.privacy").joinpath(filename).read_text(encoding="utf-8")
    return [word for line in text.splitlines() if not line.startswith("#") for word in line.split()]


@cache
def surnames() -> Surnames:
    """The surnames of ``surnames.txt``: single characters and compound (two-character) surnames."""
    words = _read("surnames.txt")
    return Surnames(frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2))


@cache
def not_names() -> frozenset[str]:
    """The words of ``not_names.txt``: they start with a surname but are not a name (周转, 金额, 高新区)."""
    return frozenset(_read("not_names.txt"))


_Trie = dict[str, "_Trie"]


def alternation(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, the longest first, written as a trie so that a position
    that starts none of them costs one character test."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _pattern(trie)


def _pattern(node: _Trie) -> str:
    branches = [_escape(ch) + _pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    if len(branches) == 1 and len(branches[0]) == 1:
        body = branches[0]
    elif all(len(b) == 1 for b in branches):
        body = "[" + "".join(branches) + "]"
    else:
        body = "(?:" + "|".join(branches) + ")"
    return body + "?" if "" in node else body


def _escape(ch: str) -> str:
    return "\\" + ch if ch in r".^$*+?{}[]\|()-" else ch
