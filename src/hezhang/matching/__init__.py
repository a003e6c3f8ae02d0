"""The matching engine: link bank lines to ledger lines, explain every match, never guess.

Pure: frames in, `MatchResult` out; no I/O.
"""

from hezhang.matching.aliases import Aliases
from hezhang.matching.engine import match
from hezhang.matching.model import Evidence, Match, MatchResult, SearchNote, Status
from hezhang.matching.rules import Rule, RuleError, RuleSet, Settings, default_rules, load_rules

__all__ = [
    "Aliases",
    "Evidence",
    "Match",
    "MatchResult",
    "Rule",
    "RuleError",
    "RuleSet",
    "SearchNote",
    "Settings",
    "Status",
    "default_rules",
    "load_rules",
    "match",
]
