"""Any argument to any command gets an answer, never a traceback.

The test walks the whole command tree of the Typer app and feeds each command arguments drawn at random: any text,
ids that look right but name nothing (and the ids of a real client, bank account and reconciliation), empty and
huge strings, odd unicode (right-to-left marks, undecodable bytes as the OS hands them over, NUL), negative numbers,
bad dates and periods, paths that do not exist, a folder, a junk file, and random answers to prompts. Each run is
made with no session, with a forged session token, and signed in on a real temporary store as one of four roles.

A command may refuse (exit 1 or 2) or fail to read a file (exit 3), with its message; it may not print a traceback
or let an exception other than its exit escape (`cli/errors.py` is the one place exceptions become exit codes).
`demo` is left out: it takes only the folder it writes into and runs a whole month (`tests/e2e/test_demo.py`).
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import typer.testing
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.main import get_command
from typer.testing import CliRunner

from factories.cli_store import cli_store
from factories.people import client_user, session_token, staff
from hezhang.cli.app import app
from hezhang.domain.money import format_fen
from hezhang.samples.client_month import generate_client_month
from hezhang.security.policy import Role
from hezhang.services import clients, imports, stored_reconciliation
from hezhang.services.context import Context
from hezhang.services.store_access import Store

runner = CliRunner()
SKIPPED = {("demo",)}
TARGET = "fuzz.target"  # a user the firm admin may disable, reset, assign...
EXIT_CODES = {0, 1, 2, 3}


def _commands() -> list[tuple[tuple[str, ...], Any]]:
    found: list[tuple[tuple[str, ...], Any]] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        children = getattr(command, "commands", None)
        if children:
            for name, child in sorted(children.items()):
                walk(child, (*path, name))
        elif path not in SKIPPED:
            found.append((path, command))

    walk(get_command(app), ())
    return found


COMMANDS = _commands()


@dataclass(frozen=True)
class World:
    store: Store
    env: dict[str, str]
    scratch: Path
    client: UUID
    account: UUID
    reconciliation: UUID
    people: dict[Role, UUID]  # one signed-in person per role tried; each run gets a fresh session of theirs


@pytest.fixture(scope="module", autouse=True)
def _command_built_once() -> Iterator[None]:
    """The runner builds the click command from the Typer app at every call (a quarter of a second): once here."""
    built = get_command(app)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", lambda _app: built)
        yield


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    folder = tmp_path_factory.mktemp("fuzz")
    store, env = cli_store(folder)
    admin = staff(store, Role.FIRM_ADMIN)
    client = clients.create_client(store, admin, "乱参数测试有限公司", contact_phone="13912345678")
    accountant = staff(store, Role.ACCOUNTANT, clients=[client])
    month = generate_client_month(31)
    bank, journal = month.write(folder / "month")
    account = clients.add_bank_account(store, accountant, client, "6222020000000000031", ledger_code=month.account_code)
    imports.import_file(store, accountant, client, bank, "bank", bank_account_id=account)
    imports.import_file(store, accountant, client, journal, "journal", account_prefix=month.account_code)
    done = stored_reconciliation.reconcile_period(store, accountant, client, account, month.period,
                                                  book_opening=format_fen(month.book_opening_fen))  # fmt: skip
    staff(store, Role.ACCOUNTANT, name=TARGET, department="一部")
    scratch = folder / "scratch"
    scratch.mkdir()
    people = {Role.FIRM_ADMIN: admin.user_id, Role.SECURITY_OFFICER: staff(store, Role.SECURITY_OFFICER).user_id,
              Role.ACCOUNTANT: accountant.user_id, Role.CLIENT_USER: client_user(store, client).user_id}  # fmt: skip
    return World(store, env, scratch, client, account, done.reconciliation_id, people)


ODD = ["\u202egnp.exe", "０１２３", "١٢٣", "Ⅻ", "𝟘𝟙", "\udcff\udcfe", "a\x00b", "\t", " ", "-", "--", "☃" * 3,
       "e\u0301", "\ufeff2026-10-01", "NaN", "1e309", "0x10", "+1", "１２.５０"]  # fmt: skip
BAD_DATES = ["2026-02-30", "2026-13-01", "0000-00-00", "9999-99-99", "yesterday", "2026/10/01", "2026-1"]
NUMBERS = ["-1", "-999999999999999999999", "0", "99999999999999999999999", "-0", "3.5", "1_000"]
PATHS = ["/nonexistent/folder/file.csv", "missing/statement.xlsx", "does-not-exist.csv", ".", "junk.csv", "..",
         "/dev/null", "/"]  # fmt: skip


def values(w: World) -> st.SearchStrategy[str]:
    real = [str(w.client), str(w.account), str(w.reconciliation), "1", "prepared", "reviewed", "bank_accounts",
            "account_number", "2026-10", "accountant", "firm_admin", TARGET, "一部"]  # fmt: skip
    return st.one_of(
        st.text(max_size=30),
        st.uuids().map(str),
        st.just(""),
        st.integers(min_value=1000, max_value=100_000).map(lambda n: "9" * n),
        st.text(min_size=200, max_size=400).map(lambda t: t * 20),
        st.sampled_from(ODD + BAD_DATES + NUMBERS + PATHS + real),
    )


def argv(draw: Callable[[st.SearchStrategy[Any]], Any], command: Any, pool: st.SearchStrategy[str]) -> list[str]:
    options: list[str] = []
    arguments: list[str] = []
    for param in command.params:
        if param.param_type_name == "argument":
            if draw(st.integers(0, 19)):  # now and then one is missing
                arguments.append(draw(pool))
            continue
        name = param.opts[0]
        if getattr(param, "is_flag", False):
            if draw(st.booleans()):
                options.append(name)
            continue
        times = draw(st.integers(0, 2)) if param.multiple else int(param.required or draw(st.booleans()))
        for _ in range(times):
            options += [name, draw(pool)]
    separator = ["--"] if arguments and draw(st.booleans()) else []
    return [*options, *separator, *arguments]


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    (folder / "junk.csv").write_bytes(b"\xff\xfe not a statement \x00\x01\n,,,\n")
    with contextlib.chdir(folder):
        yield


#: What an environment variable can hold (no NUL; undecodable bytes arrive as lone surrogates, added by hand).
ENVIRONMENT = st.characters(exclude_characters="\x00", exclude_categories=["Cs"])
SESSIONS = st.sampled_from(["none", "forged", Role.FIRM_ADMIN, Role.SECURITY_OFFICER, Role.ACCOUNTANT,
                            Role.CLIENT_USER])  # fmt: skip


def _session(w: World, who: str | Role, forged: str) -> str:
    if who == "none":
        return ""
    if who == "forged":
        return forged or "x"
    return session_token(w.store, Context(user_id=w.people[Role(who)]))


@pytest.mark.slow
@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_no_argument_makes_a_command_print_a_traceback(world: World, path: tuple[str, ...], command: Any) -> None:
    @settings(
        max_examples=8,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        phases=[Phase.generate],
    )
    @given(
        data=st.data(),
        who=SESSIONS,
        forged=st.text(ENVIRONMENT, max_size=60),
        answers=st.lists(st.text(max_size=40), max_size=4),
    )
    def run(data: st.DataObject, who: str | Role, forged: str, answers: list[str]) -> None:
        args = [*path, *argv(data.draw, command, values(world))]
        env = {**world.env, "HEZHANG_SESSION": _session(world, who, forged)}
        with inside(world.scratch):
            result = runner.invoke(app, args, input="".join(f"{a}\n" for a in answers), env=env)
        escaped = result.exception if not isinstance(result.exception, SystemExit) else None
        shown = "".join(traceback.format_exception(escaped)) if escaped is not None else ""
        assert escaped is None, (args, who, result.output, shown)
        assert "Traceback" not in result.output, (args, who, result.output)
        assert result.exit_code in EXIT_CODES, (args, who, result.exit_code, result.output)

    run()


def test_a_malformed_id_is_named_with_its_option_chinese_first(world: World) -> None:
    """The review's case: `advance --client nope x reviewed` ended in a ValueError traceback."""
    env = {**world.env, "HEZHANG_SESSION": _session(world, Role.ACCOUNTANT, "")}
    done = runner.invoke(app, ["advance", "--client", "nope", "x", "reviewed"], env=env)
    assert done.exit_code == 2 and done.exception is not None and isinstance(done.exception, SystemExit)
    message = " ".join(done.output.replace("│", " ").split())
    assert "'--client' 须为客户 id" in message and "而不是 'nope'" in message, message
    assert message.index("须为客户 id") < message.index("must be a client id"), message
    done = runner.invoke(app, ["advance", "--client", str(world.client), "x", "reviewed"], env=env)
    message = " ".join(done.output.replace("│", " ").split())
    assert done.exit_code == 2 and "'reconciliation' 须为调节表 id" in message and "'x'" in message, message
    done = runner.invoke(app, ["match", "manual", "--client", str(world.client), str(world.reconciliation),
                               "--bank-rows", "3;x", "--ledger-rows", "1", "--reason", "r"], env=env)  # fmt: skip
    message = " ".join(done.output.replace("│", " ").split())
    assert done.exit_code == 2 and "'--bank-rows' 须为行号" in message, message
    for odd in ("\udcff", "a\x00b"):  # bytes the system could not decode; a NUL
        done = runner.invoke(app, ["user", "disable", odd], env=env)
        assert done.exit_code == 2 and "参数" in done.output and "argument" in done.output, done.output


def test_text_that_looks_like_markup_is_shown_as_typed(world: World) -> None:
    """A name, reason or file cell holding "[/red]" used to end in a Rich markup error; it is printed as typed."""
    env = {**world.env, "HEZHANG_SESSION": _session(world, Role.FIRM_ADMIN, "")}
    done = runner.invoke(app, ["user", "department", "add", "[/red]审计[bold]部"], env=env)
    assert done.exit_code == 0 and "[/red]审计[bold]部" in done.output, done.output
    done = runner.invoke(app, ["user", "disable", "[/nobody]"], env=env)
    assert done.exit_code == 1 and "[/nobody]" in done.output, done.output
