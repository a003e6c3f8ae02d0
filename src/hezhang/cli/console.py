"""The consoles the commands print to, and the few colours they use.

Nothing printed is read as Rich markup: names, memos, file cells, reasons and error messages come from people and
files, and a "[/x]" among them would otherwise end in a markup error instead of being shown. Colour is given as a
style to the text it belongs to (`red("✗")`), never written inside a string.
"""

from rich.console import Console
from rich.text import Text

console = Console(markup=False)
err = Console(stderr=True, markup=False)


def _styled(style: str, text: str, rest: object) -> Text:
    return Text.assemble((text, style), "" if rest is None else str(rest))


def red(text: str, rest: object = None) -> Text:
    """`text` in red, then `rest` as it is."""
    return _styled("red", text, rest)


def green(text: str, rest: object = None) -> Text:
    return _styled("green", text, rest)


def yellow(text: str, rest: object = None) -> Text:
    return _styled("yellow", text, rest)


def bold(text: str, rest: object = None) -> Text:
    return _styled("bold", text, rest)
