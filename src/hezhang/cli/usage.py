"""Usage errors, Chinese first: the command line's root group says what is wrong with a command line (a missing
argument, an unknown option, a value that cannot be read) in Chinese and then in the words Typer uses, and refuses
arguments no terminal can carry (NUL) or that are not text (bytes the system could not decode) before anything runs.

Values are read by the parsers in `cli.params`, whose messages are already Chinese first and pass through as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from typer._click.exceptions import (  # Typer's own copy of click
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperGroup

from hezhang.cli.params import BadValue, shown


def _hint(error: UsageError) -> str:
    hint = getattr(error, "param_hint", None)
    if isinstance(hint, str):
        return hint
    if isinstance(hint, Sequence):
        return " / ".join(repr(h) for h in hint)
    param = getattr(error, "param", None)
    return param.get_error_hint() if param is not None else ""


def _chinese(error: UsageError) -> str:
    """What the error says, in Chinese."""
    if isinstance(error, MissingParameter):
        what = "参数" if error.param is not None and error.param.param_type_name == "argument" else "选项"
        return f"缺少{what} {_hint(error)}".rstrip()
    if isinstance(error, NoSuchOption):
        return f"没有这个选项 {shown(error.option_name)}"
    if isinstance(error, BadOptionUsage):
        return f"选项 {error.option_name} 用法不正确"
    if isinstance(error, BadParameter):
        return f"{_hint(error)} 的值不正确".lstrip()
    message = error.message
    if message.startswith("No such command"):
        return "没有这个命令"
    if "unexpected extra argument" in message:
        return "多余的参数"
    if message.startswith("Missing command"):
        return "缺少命令"
    return "命令用法不正确"


class ChineseFirstError(UsageError):
    """A usage error shown as "<Chinese> / <Typer's English>"."""

    def __init__(self, error: UsageError) -> None:
        super().__init__(error.format_message(), error.ctx)
        self.zh = _chinese(error)

    def format_message(self) -> str:
        return f"{self.zh} / {self.message}"


def _refuse_unreadable(args: Sequence[str]) -> None:
    for arg in args:
        if "\x00" in arg:
            raise BadValue(f"参数中有 NUL 字符：{shown(arg)}", f"an argument holds a NUL character: {shown(arg)}")
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise BadValue(
                f"参数不是有效的文字（系统无法解码的字节）：{shown(arg)}",
                f"an argument is not valid text (bytes the system could not decode): {shown(arg)}",
            ) from None


def _translated(error: UsageError) -> UsageError:
    if isinstance(error, BadValue | ChineseFirstError | NoArgsIsHelpError):
        return error
    return ChineseFirstError(error)


class HezhangGroup(TyperGroup):
    """The root group: every usage error below it is shown Chinese first."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        try:
            _refuse_unreadable(args)
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as error:
            raise _translated(error) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as error:
            raise _translated(error) from None
