"""Realistic Chinese names for generated data: companies, people, banks, memos. All invented."""

from __future__ import annotations

CITIES = ("上海", "北京", "深圳", "杭州", "苏州", "南京", "成都", "武汉", "广州", "宁波")
CITY_PARTS = ("开发区", "浦东新区", "高新区", "经济技术开发区", "")
CORES = (
    "世创商贸",
    "恒达科技",
    "锦程物流",
    "华信电子",
    "启明软件",
    "安泰建材",
    "鑫源食品",
    "博远咨询",
    "联丰机械",
    "瑞康医疗",
    "宏图广告",
    "金桥贸易",
    "立新印务",
    "天禾农业",
    "云帆网络",
    "中远装饰",
    "正阳五金",
    "美佳服饰",
)
TRADES = ("商贸", "科技", "贸易", "实业", "信息技术", "服务")
SUFFIXES = ("有限公司", "有限责任公司", "股份有限公司")
SURNAMES = ("张", "王", "李", "赵", "陈", "刘", "杨", "黄", "周", "吴", "欧阳", "司马")
GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "婷")
BANKS = ("中国工商银行上海分行", "中国建设银行深圳分行", "招商银行杭州分行", "交通银行南京分行", "中国银行北京分行")


def company(i: int) -> str:
    city = CITIES[i % len(CITIES)]
    part = CITY_PARTS[(i // 3) % len(CITY_PARTS)]
    core = CORES[(i // 7) % len(CORES)]
    suffix = SUFFIXES[i % len(SUFFIXES)]
    return f"{city}{part}{core}{suffix}"


def person(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 5) % len(GIVEN)] + ("" if i % 3 else GIVEN[(i // 2) % len(GIVEN)])


def account_number(i: int) -> str:
    """A 19-digit account-like number (not a real account)."""
    return f"6222{(i * 7919 + 1234567) % 10**15:015d}"
