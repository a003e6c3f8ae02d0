"""The one place where exceptions become exit codes and messages (Chinese first, English second)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

import typer

from hezhang.cli.console import err, red
from hezhang.config import SettingsError
from hezhang.services.errors import UserError

#: Exit codes: 0 done; 1 the input has problems; 2 wrong usage (Typer); 3 a file cannot be read or written.
EXIT_PROBLEMS = 1
EXIT_IO = 3

__all__ = ["EXIT_IO", "EXIT_PROBLEMS", "cli_errors", "err", "guarded"]


def _file(error: OSError) -> str:
    name = error.filename if error.filename is not None else ""
    return name if isinstance(name, str) else repr(name)


@contextmanager
def cli_errors() -> Iterator[None]:
    try:
        yield
    except (UserError, SettingsError) as e:
        err.print(red("✗ ", e))
        raise typer.Exit(EXIT_PROBLEMS) from None
    except FileNotFoundError as e:
        err.print(red("找不到文件 / file not found: ", _file(e)))
        raise typer.Exit(EXIT_IO) from None
    except IsADirectoryError as e:
        err.print(red("这是目录，不是文件 / a directory, not a file: ", _file(e)))
        raise typer.Exit(EXIT_IO) from None
    except PermissionError as e:
        err.print(red("没有权限 / permission denied: ", _file(e)))
        raise typer.Exit(EXIT_IO) from None
    except OSError as e:  # already there, not a folder, a name too long, the disk full...
        err.print(red("文件无法读写 / a file cannot be read or written: ", f"{_file(e)}（{e.strerror or e}）"))
        raise typer.Exit(EXIT_IO) from None


P = ParamSpec("P")
R = TypeVar("R")


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Run a command inside `cli_errors`."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with cli_errors():
            return func(*args, **kwargs)

    return wrapper
