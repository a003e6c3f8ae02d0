"""Finding personal names in free text: memos, journal account names, contra accounts (DOMAIN.md, "Data classes").

Three sources, strongest first:

1. Names known from the same data (``KnownNames``): a counterparty that reads as a person's, the person after the
   separator of a journal account (应收账款-王某某). Every occurrence is a finding, whatever stands around it.
2. Names in two or more parts joined by a dot (阿依古丽·买买提), trimmed of the words around them.
3. A surname (``surnames.txt``) and one or two more characters where the text says a person is meant: after a
   word of ``vocabulary.BEFORE_NAME`` (代付王小明工资), after a date (3月王小明工资), or at the start of the text
   or after a sign or a digit; and followed by the end of the text, a sign or a digit, or a word of
   ``AFTER_NAME`` (王小明报销差旅费) or ``TITLES`` (王小明经理), or by a word of ``AFTER_ANY_PARTY`` where the
   name is no company's short name (收王小明货款, 收李娜货款; not 收华信货款, see ``vocabulary``). A surname with a
   title (王总借款) is no finding: there is nothing to hide beyond the surname the name mask keeps.

Look-alikes are no findings: words of ``not_names.txt`` (周转, 金额, 方正), a "name" holding a character that no
given name has (车费, 余额), ending like a place (高新区) or naming an organisation (``looks_personal``).
Findings are spans of the given text, in text order, none overlapping; "*" (a masked character) is neither part of
a name nor a boundary, so masking a text twice changes nothing the second time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Final

from hezhang.privacy.vocabulary import (
    AFTER_ANY_PARTY,
    AFTER_NAME,
    BEFORE_NAME,
    FIRM_SURNAMES,
    NAME_DOTS,
    NOT_BEFORE_NAME,
    NOT_IN_GIVEN_NAMES,
    PERSONAL_GIVEN_CHARACTERS,
    PLACE_SUFFIXES,
    TITLES,
    VERBS_AFTER_A_NAME,
    alternation,
    not_names,
    surnames,
)

_HAN: Final = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ebef"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: Words that name an organisation wherever they stand in a counterparty name.
ORGANISATION_WORDS: Final = _words(
    "公司 有限 集团 中心 银行 支行 分行 合作社 联社 事务所 委员会 协会 商会 工作室 个体 经营部 门市 商店 商行 "
    "超市 酒店 饭店 宾馆 餐厅 医院 学校 大学 学院 幼儿园 政府 财政 税务 国库 社保 公积金 基金 保险 证券 信托 "
    "支付宝 财付通 微信 银联 网联 京东 美团 淘宝 拼多多 电力 供电 水务 燃气 物业 科技 贸易 实业 商贸 工程 咨询 "
    "服务 管理 文化 传媒 餐饮 股份 控股 工厂 车间 办事处 街道 村委 居委 百货"
)
#: Single characters that name an organisation when they end a name of three characters or more.
ORGANISATION_SUFFIXES: Final = frozenset("局所店厂部院会社行库处站馆校园场队团坊室司厅署办")


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\U00020000" <= ch <= "\U0002ebef"


def looks_personal(name: str) -> bool:
    """Whether a counterparty name reads as a person's: 2-4 Chinese characters (or Chinese parts joined by "·",
    as in "阿依古丽·买买提") with nothing that names an organisation."""
    text = name.strip()
    parts = text.split("·") if "·" in text else [text]
    letters = "".join(parts)
    if not all(parts) or not all(is_han(ch) for ch in letters):
        return False
    if len(parts) == 1 and not 2 <= len(letters) <= 4:
        return False
    if len(parts) > 1 and len(letters) > 16:
        return False
    if any(word in text for word in ORGANISATION_WORDS):
        return False
    return not (len(letters) >= 3 and text[-1] in ORGANISATION_SUFFIXES)


@dataclass(frozen=True, slots=True)
class _Patterns:
    anchor: re.Pattern[str]
    after: re.Pattern[str]
    any_party: re.Pattern[str]
    title: re.Pattern[str]
    before: re.Pattern[str]
    dotted: re.Pattern[str]
    dot: re.Pattern[str]
    not_before: re.Pattern[str]
    organisation: re.Pattern[str]
    single: frozenset[str]
    compound: frozenset[str]
    not_names: frozenset[str]


@cache
def _patterns() -> _Patterns:
    names = surnames()
    surname = f"(?:{alternation(names.compound)}|[{''.join(sorted(names.single))}])"
    before = alternation(BEFORE_NAME)
    dot = "[" + re.escape(NAME_DOTS) + "]"
    return _Patterns(
        # where a name may start (group "at"): after a "before" word, or at the start, after a sign or a digit;
        # only where a word, a sign or the end follows one or two characters after the surname
        anchor=re.compile(
            f"(?=(?:(?P<before>{before}|(?<=[0-9])[月日号]份?)|(?<![{_HAN}*]))(?P<at>){surname}[{_HAN}]{{1,2}}"
            f"(?:{alternation((*AFTER_NAME, *AFTER_ANY_PARTY, *TITLES))}|[^{_HAN}*]|$))"
        ),
        after=re.compile(alternation(AFTER_NAME)),
        any_party=re.compile(alternation(AFTER_ANY_PARTY)),
        title=re.compile(alternation(TITLES)),
        before=re.compile(before),
        dotted=re.compile(f"[{_HAN}]+(?:{dot}[{_HAN}]+)+"),
        dot=re.compile(dot),
        not_before=re.compile(alternation(NOT_BEFORE_NAME)),
        organisation=re.compile(alternation(ORGANISATION_WORDS)),
        single=names.single,
        compound=names.compound,
        not_names=not_names(),
    )


_PERSONAL, _EDGE, _ANY_PARTY = "personal", "edge", "any party"


def _right(text: str, end: int, p: _Patterns) -> str | None:
    """What follows a name ending at ``end``: the edge of a word, a word said of people, of any party, or neither."""
    if end == len(text):
        return _EDGE
    if text[end] == "*":
        return None
    if not is_han(text[end]):
        return _EDGE
    if p.after.match(text, end) or p.title.match(text, end):
        return _PERSONAL
    return _ANY_PARTY if p.any_party.match(text, end) else None


def _word_at(text: str, at: int, p: _Patterns) -> int:
    """The length of a word that starts at ``at`` and so ends a name before it (0: none): a word said after a name,
    or one of two characters or more said before one (收方户名: 户名 is no given name)."""
    m = p.after.match(text, at) or p.any_party.match(text, at)
    if m:
        return m.end() - at
    m = p.before.match(text, at)
    return m.end() - at if m and m.end() - at >= 2 else 0


def _personal_pair(text: str, start: int) -> bool:
    """Whether a two-character name reads as a person's even where a company's short name could stand."""
    return text[start] not in FIRM_SURNAMES and text[start + 1] in PERSONAL_GIVEN_CHARACTERS


def _plausible(text: str, start: int, end: int, surname: int, p: _Patterns) -> bool:
    name, given = text[start:end], text[start + surname : end]
    if name[:2] in p.not_names or name[:3] in p.not_names or name[:4] in p.not_names:
        return False
    if not NOT_IN_GIVEN_NAMES.isdisjoint(given) or name[-1] in PLACE_SUFFIXES or p.organisation.search(given):
        return False
    if name[0] == "万" and start > 0 and (text[start - 1].isdigit() or text[start - 1] in "十百千拾佰仟"):
        return False  # 5万元, 十万
    return not (len(name) >= 3 and name[-1] in ORGANISATION_SUFFIXES)


def _name_end(text: str, start: int, p: _Patterns, *, after_before: bool = False) -> int | None:
    """Where the name starting at ``start`` ends, or None when no name reads there.

    Unless a word before names precedes it (``after_before``), a surname that is also such a word (付, 向) is read
    as that word when a word said of any party follows (付天猫货款: pay Tmall; 付春生工资 is 付春生's pay)."""
    before = p.before.match(text, start)
    said_of_people_only = not after_before and before is not None and before.end() - start == 1
    for surname in (2, 1):
        if text[start : start + surname] not in (p.compound if surname == 2 else p.single):
            continue
        rest = start + surname
        if p.title.match(text, rest):
            return None  # 王总, 李经理: a surname and a title
        longest = 0
        while longest < 2 and rest + longest < len(text) and is_han(text[rest + longest]):
            at = rest + longest
            if _word_at(text, at, p) > (1 if longest else 0) or (longest and text[at] in VERBS_AFTER_A_NAME):
                break  # a word after the name starts here (王工资, 张三借款, 王明付); 及, 与 may stand in a given name
            longest += 1
        for given in range(longest, 0, -1):
            end = rest + given
            right = _right(text, end, p)
            if right is None or (right == _ANY_PARTY and surname + given < 3 and not _personal_pair(text, start)):
                continue
            if right == _ANY_PARTY and surname == 1 and said_of_people_only:
                continue
            if _plausible(text, start, end, surname, p):
                return end
    return None


def _context_names(text: str, p: _Patterns) -> list[tuple[int, int]]:
    spans = []
    seen = -1
    for m in p.anchor.finditer(text):
        start = m.start("at")
        if start <= seen or (m.group("before") and p.not_before.match(text, m.start())):
            continue
        end = _name_end(text, start, p, after_before=m.group("before") is not None)
        if end is not None:
            spans.append((start, end))
            seen = start
    return spans


def _dotted_names(text: str, p: _Patterns) -> list[tuple[int, int]]:
    """Names in parts joined by a dot, without the words before and after them (付阿依古丽·买买提工资)."""
    spans: list[tuple[int, int]] = []
    if not any(dot in text for dot in NAME_DOTS):
        return spans
    for m in p.dotted.finditer(text):
        start, end = m.start(), m.end()
        first_dot = min(i for i in range(start, end) if text[i] in NAME_DOTS)
        last_dot = max(i for i in range(start, end) if text[i] in NAME_DOTS)
        for w in p.before.finditer(text, start, first_dot):
            start = max(start, w.end())
        start = max(start, first_dot - 6)
        for i in range(last_dot + 2, min(end, last_dot + 7)):
            if p.after.match(text, i) or p.any_party.match(text, i) or p.title.match(text, i):
                end = i
                break
        end = min(end, last_dot + 7)
        name = text[start:end]
        if start < first_dot and name[-1] not in PLACE_SUFFIXES and looks_personal(p.dot.sub("·", name)):
            spans.append((start, end))
    return spans


class KnownNames:
    """Names known to be people's (from the same data, or a client's people): every occurrence is a finding."""

    __slots__ = ("_pattern", "names")

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(n.strip() for n in names if n and len(n.strip()) >= 2 and "*" not in n)
        self._pattern = re.compile(alternation(self.names)) if self.names else None

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in self._pattern.finditer(text)] if self._pattern else []

    def __len__(self) -> int:
        return len(self.names)


def find_names(text: str | None, known: KnownNames | None = None) -> list[tuple[int, int]]:
    """The personal names in ``text`` as (start, end) spans, in text order, none overlapping (longest first)."""
    if not text:
        return []
    p = _patterns()
    spans = [*(known.spans(text) if known else ()), *_dotted_names(text, p), *_context_names(text, p)]
    spans.sort(key=lambda s: (s[0], s[0] - s[1]))
    chosen: list[tuple[int, int]] = []
    for start, end in spans:
        if not chosen or start >= chosen[-1][1]:
            chosen.append((start, end))
    return chosen


def reads_as_name(text: str) -> bool:
    """Whether ``text`` on its own reads as a person's name (王某某, 欧阳娜娜, 阿依古丽·买买提), by the rules of
    ``find_names``: a listed surname, no look-alike word, nothing that names an organisation or a place."""
    name = text.strip()
    if not name:
        return False
    return find_names(name) == [(0, len(name))]


def reads_as_person(name: str) -> bool:
    """Whether a counterparty name is a person's, to be found in the other columns too: it reads as a name
    (``reads_as_name``), or it looks personal (``looks_personal``, the rule that masks it in its own column; a
    surname not listed, 满江红, 扎西多吉) and holds neither a look-alike word (现金, 工行) nor a character that no
    given name has."""
    text = name.strip()
    if not looks_personal(text):
        return False
    if reads_as_name(text):
        return True
    letters = "".join(ch for ch in text if is_han(ch))
    return (
        not any(ch in NOT_IN_GIVEN_NAMES for ch in letters[1:])
        and letters[-1] not in ORGANISATION_SUFFIXES
        and not any(text[:n] in not_names() for n in (2, 3, 4))
    )
