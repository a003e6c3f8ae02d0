"""The parties a month knows, and what a text says about them: a name is evidence only where it means one party.

The month's parties are the bank's counterparties (对方户名), the parties the books state (核算项目) and the cores of
learned aliases. Each is kept as its stem: the name without spaces, bracket marks and company suffix
("北京创汇商贸有限公司" -> "北京创汇商贸", "汇兴（温州）五金有限公司" -> "汇兴温州五金"), with its core ("创汇商贸")
and brand ("创汇", see `names`). Texts are compared the same way (`plain`: no spaces, no bracket marks).

Two parties are *siblings* when they share a core or a brand (北京创汇商贸 and 杭州创汇信息技术 share 创汇): then
the shared part says nothing about which of them a memo means. What tells a party from its siblings are its
*marks*: the two-character pieces of its stem (never a generic word) that no sibling's stem holds (北京, 京创 …
against 杭州, 州创 …). So:

- a text is *specific* for a party with siblings when it holds one of its marks; for a party without siblings the
  core and brand speak for it as before (`evidence`);
- a text *names another party* when it holds a mark of one of the party's siblings, the brand or core of an
  unrelated party, or a company named in full (…有限公司) whose core is not the party's. That vetoes an automatic
  match with the party and lowers every score (`evidence`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from hezhang.matching.names import brand_expr, core_expr

#: Pieces of names that tell nobody apart (trade words, company forms, memo words).
_GENERIC_WORDS = """
有限 公司 责任 股份 集团 分公 限公 任公 份有 商贸 贸易 科技 技术 信息 网络 电子 实业 发展 服务 咨询 管理 工程 物流
建材 食品 医疗 器械 广告 文化 传媒 投资 机械 设备 五金 服饰 家具 装饰 供应 应链 供应链 电器 仪器 仪表 化工 材料
货款 转账 款项 回款 付款 收款 预付 支付 往来 费用 服务费 手续 手续费 银行 分行 支行 中心 有限公司 国家 金库
中国 人民 省分 市分 分局 税务 财政
"""
GENERIC: frozenset[str] = frozenset(_GENERIC_WORDS.split())
#: The party a bookkeeper's memo names in its usual places: 收到X货款, 付X款, 支付X货款, X回款, 收货款-X, 付货款-X.
MEMO_PARTY = (
    r"^(?:收到|收回|收取|收|支付|付给|付|预付|预收|退还|退)([\u4e00-\u9fff（）()]{2,14}?)"
    r"(?:\d+月)?(?:的)?(?:货款|工程款|服务费|材料款|设备款|运费|租金|房租|回款|往来款|预付款|款)"
    r"|^([\u4e00-\u9fff（）()]{2,14}?)(?:回款|-货款)"
    r"|^(?:收|付)?货款[-—]([\u4e00-\u9fff（）()]{2,14})$"
)
#: Words that fill a memo's party place without naming anyone.
#: Characters no party's name in a memo's party place holds (收到货款: 到货 is no party; 收退回多付货款).
NOT_A_NAME = "到货款费退付收回多少预欠借还税"
UNNAMED = frozenset(
    {
        "客户",
        "对方",
        "单位",
        "公司",
        "外地",
        "本地",
        "本月",
        "上月",
        "个人",
        "多付",
        "少付",
        "预收",
        "各户",
        "前期",
        "往来",
        "货物",
        "材料",
        "设备",
        "工程",
        "网银",
        "银联",
        "跨行",
        "转账",
        "其他",
        "外币",
    }
)
#: A company named in full inside a memo.
COMPANY = r"[\u4e00-\u9fff（）()]{2,30}?(?:有限责任公司|股份有限公司|有限公司|集团|分公司|公司|厂|商行|经营部)"
_STRIP = re.compile(r"[\s()（）]")
_SUFFIX = re.compile(
    r"(?:股份有限公司|有限责任公司|有限公司|集团有限公司|集团|分公司|公司|分行|支行|商行|经营部|工作室|合伙企业|个体工商户|厂|店)$"
)
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")
MIN_CHARS = 2


def stem(name: str) -> str:
    """A name without spaces, bracket marks and company suffix: the part that says who it is."""
    text = _STRIP.sub("", name)
    return _SUFFIX.sub("", text) or text


def plain(column: pl.Expr) -> pl.Expr:
    """A text without spaces and bracket marks, as stems are written."""
    return column.str.replace_all(r"[\s()（）]", "")


def stem_expr(column: pl.Expr) -> pl.Expr:
    """`stem` over a column."""
    text = plain(column)
    cut = text.str.replace(_SUFFIX.pattern, "")
    return pl.when(cut.str.len_chars() > 0).then(cut).otherwise(text)


@dataclass(frozen=True)
class Parties:
    """The month's parties: `frame` has one row per stem with its core, brand, `marks` (what tells it from its
    siblings, empty without siblings) and `foreign` (the marks of its siblings against it); `keys` has the brand
    or core of every party (2+ characters, not generic) with the stems it belongs to."""

    frame: pl.DataFrame
    keys: pl.DataFrame

    @property
    def names(self) -> list[str]:
        """Every brand and core worth looking for in a text."""
        return self.keys["key"].unique().to_list()

    @property
    def owner_of(self) -> dict[str, str]:
        """Brand or core -> one stem it belongs to (parties that share a key count as one for it)."""
        return dict(self.keys.group_by("key").agg(pl.col("stem").min()).iter_rows())


def _pieces(name_stem: str) -> set[str]:
    """The two-character pieces of a stem that could tell it apart (not generic words, letters or digits only)."""
    return {p for i in range(len(name_stem) - 1) if (p := name_stem[i : i + 2]) not in GENERIC and _WORD.fullmatch(p)}


def _same(a: str, b: str) -> bool:
    """Two spellings of one party (one stem holds the other)."""
    return a in b or b in a


def known_parties(names: Iterable[str | None]) -> Parties:
    """The parties of the given names (bank counterparties, the books' 核算项目, learned alias cores)."""
    given = sorted({n for n in names if n and len(stem(n)) >= MIN_CHARS})
    frame = (
        pl.DataFrame({"name": given}, schema={"name": pl.String})
        .with_columns(stem_expr(pl.col("name")).alias("stem"), core_expr(pl.col("name")).alias("core"))
        .with_columns(brand_expr(pl.col("core")).alias("brand"))
        .unique("stem", keep="first", maintain_order=True)
        .select("stem", "core", "brand")
    )
    stems = frame["stem"].to_list()
    groups: dict[str, set[str]] = {}
    for s, core, brand in frame.iter_rows():
        for key in {f"c:{core}", f"b:{brand}"}:
            if len(key) - 2 >= MIN_CHARS:
                groups.setdefault(key, set()).add(s)
    siblings: dict[str, set[str]] = {s: set() for s in stems}
    spellings: dict[str, set[str]] = {s: {s} for s in stems}  # the stem and the longer or shorter ways to write it
    for members in groups.values():
        for m in members:
            siblings[m] |= {o for o in members if not _same(o, m)}
            spellings[m] |= {o for o in members if _same(o, m)}
    pieces = {s: _pieces(s) for s in stems}
    marks: dict[str, list[str]] = {}
    foreign: dict[str, list[str]] = {}
    for s, sibs in siblings.items():
        if not sibs:
            marks[s], foreign[s] = [], []
            continue
        theirs = set().union(*(pieces[o] for o in sibs))
        mine = set().union(*(pieces[o] for o in spellings[s]))
        marks[s] = sorted(pieces[s] - theirs)
        # A sibling's pieces against every spelling of this party: the place of 苏州开发区世创商贸 is not foreign to
        # the bank's 世创商贸 because a sibling 杭州开发区世创服务 also has an 开发区.
        foreign[s] = sorted(theirs - mine)
    frame = frame.with_columns(
        pl.Series("marks", [marks[s] for s in stems], dtype=pl.List(pl.String)),
        pl.Series("foreign", [foreign[s] for s in stems], dtype=pl.List(pl.String)),
    )
    keys = (
        pl.concat(
            [frame.select("stem", pl.col("core").alias("key")), frame.select("stem", pl.col("brand").alias("key"))]
        )
        .filter((pl.col("key").str.len_chars() >= MIN_CHARS) & ~pl.col("key").is_in(list(GENERIC)))
        .unique()
    )
    return Parties(frame, keys)
