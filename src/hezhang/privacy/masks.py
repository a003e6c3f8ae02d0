"""Default masks of DOMAIN.md, applied server side before anything leaves the service layer.

Every mask passes ``None`` and ``""`` through unchanged and never raises. Resident ID numbers, mobile numbers and
personal names keep their length; account and card numbers always show as ``**** **** **** 1234`` whatever their
length, and e-mail addresses as ``z***@example.com``, so neither reveals how long the hidden part is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from hezhang.privacy.pii import FOLD, Finding, PiiKind, find_pii


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: Two-character surnames (复姓); a name starting with one keeps both characters, unless it has only two.
COMPOUND_SURNAMES: Final = frozenset(
    _words(
        "欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶 太叔 申屠 "
        "公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 "
        "拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 梁丘 左丘 西门 第五 东里 单于 南荣"
    )
)

#: Words that name an organisation wherever they stand in a counterparty name.
ORGANISATION_WORDS: Final = _words(
    "公司 有限 集团 中心 银行 支行 分行 合作社 联社 事务所 委员会 协会 商会 工作室 个体 经营部 门市 商店 商行 "
    "超市 酒店 饭店 宾馆 餐厅 医院 学校 大学 学院 幼儿园 政府 财政 税务 国库 社保 公积金 基金 保险 证券 信托 "
    "支付宝 财付通 微信 银联 网联 京东 美团 淘宝 拼多多 电力 供电 水务 燃气 物业 科技 贸易 实业 商贸 工程 咨询 "
    "服务 管理 文化 传媒 餐饮 股份 控股 工厂 车间 办事处 街道 村委 居委"
)
#: Single characters that name an organisation when they end a name of three characters or more.
ORGANISATION_SUFFIXES: Final = frozenset("局所店厂部院会社行库处站馆校园场队团坊室司厅署办")

_NAME_SEPARATORS: Final = frozenset(" ·•・.-")
_MASKED_ACCOUNT_PREFIX: Final = "**** **** **** "


def mask_account(number: str | None) -> str | None:
    """Account and card numbers keep the last 4 digits: "**** **** **** 1234"."""
    if not number:
        return number
    digits = "".join(ch for ch in number if ch.isalnum())
    if len(digits) <= 4:
        return "*" * len(digits)
    return _MASKED_ACCOUNT_PREFIX + digits[-4:]


def mask_id_number(number: str | None) -> str | None:
    """Resident ID numbers keep the first and the last character, same length: "3****************X"."""
    if not number:
        return number
    compact = "".join(number.split())
    if len(compact) <= 2:
        return "*" * len(compact)
    return compact[0] + "*" * (len(compact) - 2) + compact[-1]


def mask_uscc(code: str | None) -> str | None:
    """Unified social credit codes (统一社会信用代码) are masked like ID numbers: "9****************X"."""
    return mask_id_number(code)


def mask_mobile(number: str | None) -> str | None:
    """Mobile numbers keep the first 3 and the last 4 digits: "138****1234".

    Separators and a country prefix stay where they are ("+86 138 **** 1234"). A number of fewer than 11 digits
    keeps only its last 4 digits, and one of 4 digits or fewer keeps none.
    """
    if not number:
        return number
    positions = [i for i, ch in enumerate(number) if ch.isdigit()]
    keep = set(positions[-4:]) if len(positions) > 4 else set()
    if len(positions) >= 11:
        keep |= set(positions[: len(positions) - 8])
    hidden = set(positions) - keep
    return "".join("*" if i in hidden else ch for i, ch in enumerate(number))


def mask_person_name(name: str | None) -> str | None:
    """Personal names keep the surname and hide every other character: "张*", "欧阳**", "J*** *****"."""
    if not name:
        return name
    text = name.strip()
    letters = [ch for ch in text if ch not in _NAME_SEPARATORS]
    if len(letters) <= 1:
        return "*" * len(text)
    surname = 2 if len(letters) > 2 and text[:2] in COMPOUND_SURNAMES else 1
    return text[:surname] + "".join(ch if ch in _NAME_SEPARATORS else "*" for ch in text[surname:])


def mask_email(address: str | None) -> str | None:
    """E-mail addresses keep the first character and the domain: "z***@example.com"."""
    if not address:
        return address
    text = address.strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return text[:1] + "***"
    return local[:1] + "***@" + domain


def looks_personal(name: str) -> bool:
    """Whether a counterparty name reads as a person's: 2-4 Chinese characters (or Chinese parts joined by "·",
    as in "阿依古丽·买买提") with nothing that names an organisation."""
    text = name.strip()
    parts = text.split("·") if "·" in text else [text]
    letters = "".join(parts)
    if not all(parts) or not all(_is_cjk(ch) for ch in letters):
        return False
    if len(parts) == 1 and not 2 <= len(letters) <= 4:
        return False
    if len(parts) > 1 and len(letters) > 16:
        return False
    if any(word in text for word in ORGANISATION_WORDS):
        return False
    return not (len(letters) >= 3 and text[-1] in ORGANISATION_SUFFIXES)


def mask_counterparty(name: str | None) -> str | None:
    """Counterparty names are kept when they name an organisation and masked as a person's name otherwise."""
    if not name or not looks_personal(name):
        return name
    return mask_person_name(name)


_FREE_TEXT_MASKS: Final[dict[PiiKind, Callable[[str | None], str | None]]] = {
    "id_number": mask_id_number,
    "uscc": mask_uscc,
    "card": mask_account,
    "mobile": mask_mobile,
    "email": mask_email,
}
#: Masking can expose a new finding (an e-mail domain made of a mobile number); the passes stop far sooner.
_MAX_PASSES: Final = 8


def mask_free_text(text: str | None) -> str | None:
    """Mask every ID, card, mobile, USCC number and e-mail address inside ``text`` (see ``pii.find_pii``),
    each with its own mask; everything else, amounts and dates included, stays as it is."""
    if not text:
        return text
    for _ in range(_MAX_PASSES):
        findings = find_pii(text)
        if not findings:
            break
        text = _replace(text, findings)
    return text


def _replace(text: str, findings: list[Finding]) -> str:
    pieces: list[str] = []
    cursor = 0
    for finding in findings:
        masked = _FREE_TEXT_MASKS[finding.kind](finding.value.translate(FOLD))
        pieces += [text[cursor : finding.start], masked or ""]
        cursor = finding.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\U00020000" <= ch <= "\U0002ebef"
