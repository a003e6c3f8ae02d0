"""Payment-platform bills hezhang does not read (JD, Meituan, …): recognised, and refused as one unsupported layout.

Such a bill looks enough like a bank table (a time, an amount, a 收/支 column) to be read row by row, where it
would fail on its own words (不计收支) or be read wrong. It is recognised by the words of its title and preamble
or its own headers (`[platforms]` in `profiles/banks.toml`), or as a bill of some platform by a 收/支 column
beside a 交易状态 (order status) column, and refused once, saying what was recognised.
"""

from __future__ import annotations

from collections.abc import Sequence

from hezhang.domain.problem import Problem
from hezhang.importers.profiles import Profiles
from hezhang.importers.text import clean_cell, header_key

#: Headers that together mark a payment platform's bill: a 收/支 column and an order status.
_GENERIC = (frozenset({"收/支", "交易状态"}), frozenset({"收/支", "当前状态"}))


def recognise(above: Sequence[Sequence[str]], header: Sequence[str], prof: Profiles) -> tuple[str, str] | None:
    """(what, what in English) when the rows above the table (`above`) or its header name an unsupported bill."""
    text = "\n".join(" ".join(clean_cell(c) for c in row) for row in above)
    keys = {header_key(c) for c in header if c.strip()}
    for platform in prof.platforms:
        word = next((w for w in platform.preamble if w in text), None)
        if word is not None:
            return f"{platform.name}账单（文件中写有「{word}」）", f"a {platform.name_en} bill (the file says {word!r})"
        if platform.headers and platform.headers <= keys:
            listed = "、".join(sorted(platform.headers))
            return f"{platform.name}账单（表头含有 {listed}）", f"a {platform.name_en} bill (headers {listed})"
    for marks in _GENERIC:
        if marks <= keys:
            listed = "、".join(sorted(marks))
            return f"支付平台账单（表头含有 {listed}）", f"a payment platform's bill (headers {listed})"
    return None


def refusal(filename: str, what: tuple[str, str]) -> Problem:
    zh, en = what
    return Problem(
        filename,
        f"不支持的版式：{zh}。hezhang 读取银行对账单、支付宝和微信支付账单；请导出该平台所绑定银行卡或支付账户的流水",
        f"unsupported layout: {en}. hezhang reads bank statements and Alipay and WeChat Pay bills; export the "
        "statement of the bank card or payment account behind it instead",
    )
