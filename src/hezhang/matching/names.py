"""Counterparty names reduced to what identifies them, so a bank's full name meets a bookkeeper's short one.

"上海开发区世创商贸有限公司" -> core "世创商贸" -> brand "世创"; a ledger memo "收世创商贸货款" contains both.
"""

from __future__ import annotations

import polars as pl

_PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|"
    "云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
_CITIES = (
    "深圳|广州|杭州|苏州|南京|成都|武汉|宁波|西安|厦门|青岛|大连|无锡|佛山|东莞|长沙|郑州|济南|合肥|福州|昆明|沈阳|哈尔滨|"
    "长春|石家庄|太原|南昌|南宁|贵阳|兰州|海口|珠海|温州|绍兴|嘉兴|常州|南通|烟台|泉州|金华|台州|中山|惠州"
)
_AREAS = "浦东新区|开发区|高新区|高新技术产业开发区|经济技术开发区|经济开发区|自贸区|新区|工业园区|保税区"
_PLACE = rf"^(?:(?:{_PROVINCES})(?:省|市|自治区)?|(?:{_CITIES})(?:市)?|[\u4e00-\u9fff]{{2,3}}[市县区])*(?:{_AREAS})?"
_SUFFIX = (
    r"(?:股份有限公司|有限责任公司|有限公司|集团有限公司|集团|分公司|公司|分行|支行|商行|工作室|合伙企业|个体工商户|厂|店)"
    r"(?:[(（][^)）]*[)）])?$"
)
_BRACKETS = r"[(（][^)）]*[)）]"
_TRADES = (
    r"(?:商贸|贸易|科技|信息技术|网络科技|电子商务|电子|软件|物流|实业|咨询|服务|建材|食品|医疗|广告|印务|农业|网络|装饰|"
    r"五金|服饰|机械|发展|投资|管理|工程|技术|文化|传媒)+$"
)


def core_expr(column: pl.Expr) -> pl.Expr:
    """A name without place prefix, company suffix and bracketed notes: "上海开发区世创商贸有限公司" -> "世创商贸"."""
    text = column.str.replace_all(r"\s", "").str.replace_all(_BRACKETS, "")
    text = text.str.replace(_SUFFIX, "").str.replace(_PLACE, "")
    return pl.when(text.str.len_chars() >= 2).then(text).otherwise(column.str.replace_all(r"\s", ""))


def brand_expr(core: pl.Expr) -> pl.Expr:
    """The distinctive part of a core name: trade words dropped ("世创商贸" -> "世创"), at least two characters."""
    brand = core.str.replace(_TRADES, "")
    return pl.when(brand.str.len_chars() >= 2).then(brand).otherwise(core)


def core_names(names: list[str | None]) -> list[str | None]:
    """`core_expr` for a few names at once (outside a frame)."""
    frame = pl.DataFrame({"n": names}, schema={"n": pl.String})
    return frame.select(core_expr(pl.col("n"))).to_series().to_list()
