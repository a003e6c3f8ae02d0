"""What the lines above (or below) a statement's table say: own account, holder, period, balances."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from hezhang.domain.money import MoneyError, parse_fen
from hezhang.domain.period import Period

_ACCOUNT = re.compile(r"(?:银行账号|银行帐号|查询账号|账号|帐号|卡号|账户)\s*[:：]\s*([0-9][0-9 *\-]{5,}[0-9*])")
_NAME = re.compile(r"(?:公司名称|单位名称|客户名称|账户名称|户名|姓名)\s*[:：]\s*([^：:,\[\]]+?)\s*(?:[：:]|$)")
_DATE = r"\[?\s*(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})"
_START = re.compile(r"(?:查询开始日期|开始日期|起始日期|起始时间|起始日|查询起日)\s*[:：]\s*" + _DATE)
_END = re.compile(r"(?:查询结束日期|结束日期|终止日期|截止日期|终止时间|结束时间|截止日|查询止日)\s*[:：]\s*" + _DATE)
_RANGE = re.compile(r"(?:查询日期|交易日期|日期范围|起止日期)\s*[:：]\s*" + _DATE + r"\s*(?:至|到|-|~|—)+\s*" + _DATE)
_OPENING = re.compile(r"(?:期初余额|上期余额|起始余额|期初金额)\s*[:：]\s*([-+¥￥0-9,.]+)")
_CLOSING = re.compile(r"(?:期末余额|本期余额|截止余额|期末金额)\s*[:：]\s*([-+¥￥0-9,.]+)")


@dataclass(frozen=True, slots=True)
class Preamble:
    account: str | None = None
    account_name: str | None = None
    period: Period | None = None
    opening_fen: int | None = None
    closing_fen: int | None = None


def flatten(rows: list[list[str]]) -> str:
    """Rows as lines of text; a label cell without a colon is joined to the next cell with one."""
    lines = []
    for row in rows:
        cells = [c.strip(" \t\u3000") for c in row if c.strip(" \t\u3000")]
        parts: list[str] = []
        for cell in cells:
            if parts and not re.search(r"[:：]\s*$|[:：]", parts[-1]) and re.search(r"[号称名期额日]$", parts[-1]):
                parts[-1] = parts[-1] + "：" + cell
            else:
                parts.append(cell)
        lines.append("  ".join(parts))
    return "\n".join(lines)


def _date(groups: tuple[str | None, ...]) -> date | None:
    try:
        return date(int(groups[0] or 0), int(groups[1] or 0), int(groups[2] or 0))
    except ValueError:
        return None


def _fen(match: re.Match[str] | None) -> int | None:
    if match is None:
        return None
    try:
        return parse_fen(match.group(1))
    except MoneyError:
        return None


def read_preamble(rows: list[list[str]]) -> Preamble:
    text = flatten(rows)
    account = m.group(1).replace(" ", "").replace("-", "") if (m := _ACCOUNT.search(text)) else None
    name = m.group(1).strip() if (m := _NAME.search(text)) else None
    start = end = None
    if m := _RANGE.search(text):
        start, end = _date(m.groups()[:3]), _date(m.groups()[3:])
    else:
        start = _date(m.groups()) if (m := _START.search(text)) else None
        end = _date(m.groups()) if (m := _END.search(text)) else None
    period = Period(start, end) if start and end and start <= end else None
    return Preamble(account, name, period, _fen(_OPENING.search(text)), _fen(_CLOSING.search(text)))
