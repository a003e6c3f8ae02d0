"""Rule sets as data (TOML): which evidence a match needs, in what order, automatic or suggested."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from hezhang.domain.money import MoneyError, parse_fen

EVIDENCE = frozenset(
    {"reference", "counterparty", "settlement", "no_conflict", "same_day", "memo", "bank_fees", "carried", "unique"}
)
KINDS = frozenset({"pair", "fee", "group"})
MODES = frozenset({"auto", "suggest"})


class RuleError(ValueError):
    """A rule file that cannot be used; the message names the rule and the key."""


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    title: str
    kind: str
    require: frozenset[str]
    date_window: int
    mode: str

    @property
    def auto(self) -> bool:
        return self.mode == "auto"


@dataclass(frozen=True, slots=True)
class Settings:
    date_window: int = 12
    ambiguity_margin: float = 0.06
    reference_tail_digits: int = 6
    counterparty_threshold: int = 70
    fees_fen: tuple[int, ...] = (50, 100, 200, 500, 1000, 1500, 2000, 2500, 3000, 5000)
    fee_percent_bp: int = 15  # basis points of the amount (0.15%)
    fee_max_fen: int = 20000
    group_max_lines: int = 6
    group_candidates: int = 14


@dataclass(frozen=True, slots=True)
class RuleSet:
    settings: Settings
    rules: tuple[Rule, ...]

    @property
    def pair_window(self) -> int:
        """The widest date window of the pair and fee rules: how far apart candidate pairs may lie."""
        spans = [r.date_window for r in self.rules if r.kind != "group" and "carried" not in r.require]
        return max([self.settings.date_window, *spans])


def default_rules() -> RuleSet:
    text = resources.files("hezhang.matching").joinpath("default_rules.toml").read_text("utf-8")
    return load_rules(text)


def load_rules(text: str) -> RuleSet:
    """Read a rule set; raises `RuleError` naming what is wrong (Chinese / English)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RuleError(f"规则文件不是有效的 TOML：{e} / not valid TOML: {e}") from None
    settings = _settings(raw.get("settings", {}))
    rules = tuple(_rule(i, r) for i, r in enumerate(raw.get("rules", []), start=1))
    if not rules:
        raise RuleError("规则文件没有任何规则 / the rule file has no [[rules]]")
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise RuleError("规则名称重复 / rule names must be unique")
    return RuleSet(settings, rules)


def _rule(i: int, r: dict[str, Any]) -> Rule:
    where = f"[[rules]] #{i}"
    try:
        name = str(r["name"])
        kind = str(r.get("kind", "pair"))
        mode = str(r["mode"])
        require = frozenset(str(x) for x in r.get("require", []))
        window = int(r.get("date_window", 12))
    except (KeyError, TypeError, ValueError) as e:
        raise RuleError(f"{where} 缺少或错误的键 {e} / missing or bad key {e}") from None
    if kind not in KINDS:
        raise RuleError(f"{where} kind={kind!r} 无效，可选 {sorted(KINDS)} / invalid kind")
    if mode not in MODES:
        raise RuleError(f"{where} mode={mode!r} 无效，可选 {sorted(MODES)} / invalid mode")
    unknown = require - EVIDENCE
    if unknown:
        raise RuleError(f"{where} 未知证据 {sorted(unknown)}，可选 {sorted(EVIDENCE)} / unknown evidence")
    if not 0 <= window <= 366:
        raise RuleError(f"{where} date_window 应在 0..366 / date_window must be within 0..366")
    return Rule(name, str(r.get("title", name)), kind, require, window, mode)


def _fen(value: object, key: str) -> int:
    try:
        return parse_fen(str(value))
    except MoneyError as e:
        raise RuleError(f"[settings] {key}: {e}") from None


def _settings(s: dict[str, Any]) -> Settings:
    d = Settings()
    try:
        percent = str(s.get("fee_percent", "0.15"))
        whole, _, frac = percent.partition(".")
        bp = int(whole or 0) * 100 + int((frac + "00")[:2])
        return Settings(
            date_window=int(s.get("date_window", d.date_window)),
            ambiguity_margin=float(s.get("ambiguity_margin", d.ambiguity_margin)),
            reference_tail_digits=int(s.get("reference_tail_digits", d.reference_tail_digits)),
            counterparty_threshold=int(s.get("counterparty_threshold", d.counterparty_threshold)),
            fees_fen=tuple(_fen(f, "fees") for f in s.get("fees", [])) or d.fees_fen,
            fee_percent_bp=bp,
            fee_max_fen=_fen(s.get("fee_max", "200.00"), "fee_max"),
            group_max_lines=int(s.get("group_max_lines", d.group_max_lines)),
            group_candidates=int(s.get("group_candidates", d.group_candidates)),
        )
    except (TypeError, ValueError) as e:
        raise RuleError(f"[settings] 值错误 {e} / bad value {e}") from None
