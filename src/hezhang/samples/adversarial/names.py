"""Invented names for the adversarial months: companies (city + trade-name core + industry), people, banks and the
public bodies a small company pays. A trade-name core (字号) is the part a bookkeeper writes in a memo."""

from __future__ import annotations

import random
from dataclasses import dataclass


def words(text: str) -> tuple[str, ...]:
    """The space-separated words of `text` (long name lists read better written as one string)."""
    return tuple(text.split())


CITIES = words(
    "北京 上海 广州 深圳 杭州 成都 武汉 南京 苏州 西安 重庆 天津 长沙 郑州 济南 青岛 宁波 "
    "厦门 福州 合肥 昆明 南昌 沈阳 大连 石家庄 太原 南宁 贵阳 兰州 温州 佛山 东莞 无锡 "
    "常州 嘉兴 绍兴 金华 泉州 烟台 徐州 台州 中山"
)
DISTRICTS = ("高新区", "经开区", "滨江区", "新区", "江北区", "开发区", "自贸区", "城东区", "城西区", "临港")
_FIRST = "鼎汇瑞博华嘉宏恒天新金永盛隆信丰泰德祥安宇科达联通润弘凯越晟元沃启拓智佳铭昊锦辰尚诚睿峰众海"
_SECOND = "创讯方泰源盛达通诚信和远成发兴业邦利明辉星宸图驰航维迅捷途阳禾川峻朗博策聚品优汇誉嘉"
INDUSTRIES = words(
    "商贸 信息技术 科技 电子 建材 物流 餐饮管理 服饰 文化传媒 机械设备 医疗器械 食品 包装材料 "
    "装饰工程 环保科技 化工 五金 印刷 家具 汽车服务 农业发展 网络科技 企业管理咨询 教育科技 "
    "供应链管理 人力资源 广告 贸易 仪器仪表 建筑劳务"
)
SURNAMES = words(
    "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 林 罗 高 郑 梁 谢 宋 唐 "
    "许 韩 冯 邓 曹 彭 曾 肖 田 董 潘 袁 蔡 蒋 余 于 杜 叶 程 魏 苏 吕 丁 任 卢 "
    "姚 沈 钟 姜 崔 谭 陆 欧阳 司马 上官 诸葛"
)
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国志红玉兰文斌飞鹏浩宇欣怡子涵俊凯琳婷雪梅晨阳思远佳"
BANKS = words(
    "工商银行 建设银行 农业银行 中国银行 招商银行 交通银行 浦发银行 民生银行 兴业银行 中信银行 平安银行 宁波银行"
)
#: Characters a hurried bookkeeper types instead of the right one (same sound, different character).
HOMOPHONES = dict(
    zip(
        "汇讯方泰源盛达通诚信和远发兴利明辉星航维捷阳博品",
        "惠迅芳太元胜答同成新合原法星力名晖兴行伟杰洋搏频",
        strict=True,
    )
)


@dataclass(frozen=True, slots=True)
class Mention:
    """Who a line names: ("full", party key), ("core", core), ("city", city + core); None: nobody."""

    how: str
    value: str


@dataclass(frozen=True, slots=True)
class Party:
    """A counterparty: `full` is what the bank shows; `core` (字号) and `city` what memos use."""

    key: str
    full: str
    core: str
    city: str
    account: str
    person: bool = False

    @property
    def short(self) -> str:
        """What a bookkeeper writes when brief: the core for a company, the name for a person."""
        return self.full if self.person else self.core


def full(party: Party) -> Mention:
    return Mention("full", party.key)


def digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def core(rng: random.Random) -> str:
    return rng.choice(_FIRST) + rng.choice(_SECOND)


def company_name(rng: random.Random, city: str, core_: str, industry: str | None = None) -> str:
    industry = industry or rng.choice(INDUSTRIES)
    form = rng.random()
    if form < 0.6:
        return f"{city}{core_}{industry}有限公司"
    if form < 0.8:
        return f"{core_}（{city}）{industry}有限公司"
    if form < 0.92:
        return f"{city}市{rng.choice(DISTRICTS)}{core_}{industry}有限公司"
    return f"{city}{core_}{industry}有限责任公司"


def person_name(rng: random.Random) -> str:
    given = rng.choice(_GIVEN) if rng.random() < 0.35 else rng.choice(_GIVEN) + rng.choice(_GIVEN)
    return rng.choice(SURNAMES) + given


def typo(rng: random.Random, text: str) -> str:
    """One character of `text` replaced by a homophone, when it has one."""
    spots = [i for i, ch in enumerate(text) if ch in HOMOPHONES]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + HOMOPHONES[text[i]] + text[i + 1 :]


class Parties:
    """The counterparties of one client-month: each new one has a core no other party of the month shares,
    unless it is made as the twin of another (`sharing_core`)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cores: set[str] = set()
        self.names: set[str] = set()
        self.known: list[Party] = []

    def _key(self) -> str:
        return f"p{len(self.known) + 1}"

    def _keep(self, party: Party) -> Party:
        self.known.append(party)
        return party

    def _fresh_core(self) -> str:
        while True:
            c = core(self.rng)
            if c not in self.cores and not any(c in known or known in c for known in self.cores):
                self.cores.add(c)
                return c

    def company(self, industry: str | None = None) -> Party:
        rng = self.rng
        city = rng.choice(CITIES)
        c = self._fresh_core()
        return self._keep(Party(self._key(), company_name(rng, city, c, industry), c, city, digits(rng, 19)))

    def fixed(self, name: str, core_: str, city: str = "") -> Party:
        """A party with a given name (a tax office, a power company): its core is its whole name."""
        self.cores.add(core_)
        return self._keep(Party(self._key(), name, core_, city, digits(self.rng, 19)))

    def sharing_core(self, other: Party) -> Party:
        """A company in another city and trade with the same core as `other`."""
        rng = self.rng
        city = rng.choice([c for c in CITIES if c != other.city])
        industry = rng.choice([i for i in INDUSTRIES if i not in other.full])
        name = company_name(rng, city, other.core, industry)
        return self._keep(Party(self._key(), name, other.core, city, digits(rng, 19)))

    def person(self) -> Party:
        while True:
            name = person_name(self.rng)
            if name not in self.names:
                self.names.add(name)
                return self._keep(Party(self._key(), name, name, "", "62" + digits(self.rng, 17), person=True))
