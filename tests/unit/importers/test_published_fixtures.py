"""Statement files written from each format's published description, read through the public importer API.

Every case under tests/fixtures/published/<format>/ is a file written by hand from the publisher's description
(or, for Chinese exports, from how real exports look), beside `<case>.expected.json`, which says what a person
reading the file by eye finds in it. The figures there were added up by hand from the file, not by running hezhang.

A case is one of:
- `<case>.<ext>`: the file itself, parsed under that name;
- `<case>.xlsx.sheet.json` / `<case>.xls.sheet.json`: the cells of a workbook, written here at run time with
  openpyxl / xlwt (so no binary is committed) and parsed as `<case>.xlsx` / `<case>.xls`;
- `<case>.zip.parts/`: a folder whose files are zipped here (in name order) and parsed as `<case>.zip`.

Expected keys (all optional except `source` and `outcome`):
- `source`: where the truth comes from; `kind`: "bank" (default) or "journal";
- `format`: passed to `parse` when present (auto-detection otherwise); `sign`: passed as `sign=` when present;
- `outcome`: "read" (no problems) or "refused" (at least one problem, nothing raised);
- `lines`, `total_in_fen`, `total_out_fen`: the line count and the sums by direction;
- `opening_fen`, `closing_fen`, `account_contains`: what `meta` must say;
- `accounts`: {account: {lines, opening_fen, closing_fen}} for files of several accounts: what the file states
  per account, read from `meta.accounts` (the summary whose account contains the key, spaces ignored); an
  account's `lines` must also be the number of lines whose `account` contains the key. Where a format states no
  opening balance (OFX has only LEDGERBAL, the closing one), the opening is the stated closing balance less the
  account's lines, as the summary adds them up;
- `spot`: lines picked by `row`, each with columns of the line frame that must equal the value given (dates and
  times in ISO form, `amount_fen` / `balance_fen` for `amount` / `balance`, null: must be empty), and
  `<column>_contains` / `<column>_excludes` (a text or a list of texts); `unless_notices_contain` forgives a
  line's differences when the notices say so (e.g. that the text may be garbled);
- `notices_contain`, `message_contains`: words each of which must appear in some notice / problem as printed;
- `no_notices`: the file must be read without any notice; `max_problems`: a refusal lists at most that many.
A word "a|b" is found when any of its alternatives is.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from hezhang.importers import parse
from hezhang.importers.result import AccountSummary

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "published"
EXPECTED = ".expected.json"
SHEET = ".sheet.json"
PARTS = ".parts"


@dataclass(frozen=True)
class Case:
    name: str  # "<format>/<case>"
    source: Path  # the file, the sheet description or the parts folder
    expected: dict[str, Any]


def _cases() -> list[Case]:
    cases = []
    for expected_path in sorted(FIXTURES.glob(f"*/*{EXPECTED}")):
        stem = expected_path.name.removesuffix(EXPECTED)
        sources = [p for p in expected_path.parent.iterdir() if p.name.startswith(stem + ".") and p != expected_path]
        assert len(sources) == 1, f"{expected_path}: expected one file beside it, found {[p.name for p in sources]}"
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        cases.append(Case(f"{expected_path.parent.name}/{stem}", sources[0], expected))
    return cases


CASES = _cases()


def _cell(value: Any) -> Any:
    if isinstance(value, dict) and "date" in value:
        return dt.date.fromisoformat(value["date"])
    if isinstance(value, dict) and "datetime" in value:
        return dt.datetime.fromisoformat(value["datetime"])
    return value


def _xlsx(sheets: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet["name"])
        for row in sheet["rows"]:
            ws.append([_cell(v) for v in row])
        for cells in ws.iter_rows():
            for c in cells:
                if isinstance(c.value, dt.datetime):
                    c.number_format = "yyyy-mm-dd hh:mm:ss"
                elif isinstance(c.value, dt.date):
                    c.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xls(sheets: list[dict[str, Any]]) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for sheet in sheets:
        ws = book.add_sheet(sheet["name"])
        for r, row in enumerate(sheet["rows"]):
            for c, raw in enumerate(row):
                value = _cell(raw)
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    ws.write(r, c, value, date_style)
                else:
                    ws.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _load(source: Path) -> tuple[bytes, str]:
    """The bytes and file name a user would hand to hezhang."""
    if source.is_dir() and source.name.endswith(PARTS):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in sorted(source.iterdir()):
                archive.writestr(member.name, member.read_bytes())
        return out.getvalue(), source.name.removesuffix(PARTS)
    if source.name.endswith(SHEET):
        name = source.name.removesuffix(SHEET)
        sheets = json.loads(source.read_text(encoding="utf-8"))["sheets"]
        return (_xls(sheets) if name.endswith(".xls") else _xlsx(sheets)), name
    return source.read_bytes(), source.name


def _found(word: str, texts: list[str]) -> bool:
    return any(alt in text for alt in word.split("|") for text in texts)


def _texts(values: Any) -> list[str]:
    return [values] if isinstance(values, str) else list(values)


def _fen(money: Any) -> int | None:
    return None if money is None else int(money.fen)


def _plain(value: Any) -> Any:
    """A frame value as the expected file writes it."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str) and not value.strip():
        return None
    return value


FIELD_ALIASES = {"amount_fen": "amount", "balance_fen": "balance"}


def _check_line(line: dict[str, Any], spot: dict[str, Any]) -> list[str]:
    diffs = []
    for key, want in spot.items():
        if key in ("row", "unless_notices_contain"):
            continue
        if key.endswith("_contains") or key.endswith("_excludes"):
            field = key.rsplit("_", 1)[0]
            have = line.get(field) or ""
            for word in _texts(want):
                present = _found(word, [have])
                if key.endswith("_contains") and not present:
                    diffs.append(f"{field} {have!r} does not contain {word!r}")
                if key.endswith("_excludes") and present:
                    diffs.append(f"{field} {have!r} should not contain {word!r}")
            continue
        field = FIELD_ALIASES.get(key, key)
        if field not in line:
            diffs.append(f"no column {field!r} in the lines")
            continue
        have = _plain(line[field])
        if have != want:
            diffs.append(f"{key}: expected {want!r}, got {have!r}")
    return diffs


def _key(account: str | None) -> str:
    return (account or "").replace(" ", "")


def _check_accounts(lines: pl.DataFrame, summaries: tuple[AccountSummary, ...], accounts: dict[str, Any]) -> list[str]:
    diffs = []
    rows = list(lines.iter_rows(named=True))
    for account, want in accounts.items():
        key = _key(account)
        mine = [r for r in rows if key in _key(r["account"])]
        if "lines" in want and len(mine) != want["lines"]:
            diffs.append(f"account {account}: expected {want['lines']} lines, got {len(mine)}")
        found = [s for s in summaries if key in _key(s.account)]
        if len(found) != 1:
            stated = [s.account for s in summaries]
            diffs.append(f"account {account}: expected one summary in meta.accounts, found {len(found)} in {stated}")
            continue
        summary = found[0]
        if "lines" in want and summary.line_count != want["lines"]:
            diffs.append(f"account {account}: meta.accounts says {summary.line_count} lines, expected {want['lines']}")
        closing = _fen(summary.closing_balance)
        opening = _fen(summary.opening_balance)
        if opening is None and closing is not None:  # no stated opening: the closing less the account's lines
            opening = closing - int(summary.total_in.fen) + int(summary.total_out.fen)
        for name, have in (("opening_fen", opening), ("closing_fen", closing)):
            if name in want and have != want[name]:
                diffs.append(f"account {account}: {name} expected {want[name]}, got {have}")
    return diffs


def _differences(case: Case) -> list[str]:
    exp = case.expected
    data, filename = _load(case.source)
    options: dict[str, Any] = {}
    if "format" in exp:
        options["format"] = exp["format"]
    if "sign" in exp:
        options["sign"] = exp["sign"]
    try:
        result = parse(data, filename, exp.get("kind", "bank"), **options)
    except Exception as error:  # the point: an importer must never raise on a file
        return [f"parse raised {type(error).__name__}: {error}"]

    problems = [str(p) for p in result.problems]
    notices = [str(n) for n in result.notices]
    diffs: list[str] = []
    if exp["outcome"] == "refused":
        if not problems:
            diffs.append(f"expected a refusal, but the file was read ({result.lines.height} lines, no problem)")
        for word in exp.get("message_contains", []):
            if problems and not _found(word, problems):
                diffs.append(f"no problem says {word!r}; problems: {problems[:3]}")
        if "max_problems" in exp and len(problems) > exp["max_problems"]:
            diffs.append(f"expected at most {exp['max_problems']} problem(s), got {len(problems)}: {problems[:3]}")
        return diffs

    if problems:
        diffs.append(f"expected no problems, got {len(problems)}: {problems[:3]}")
    for word in exp.get("notices_contain", []):
        if not _found(word, notices):
            diffs.append(f"no notice says {word!r}; notices: {notices[:3]}")
    if exp.get("no_notices") and notices:
        diffs.append(f"expected no notices, got: {notices[:3]}")

    lines = result.lines
    if "lines" in exp and lines.height != exp["lines"]:
        diffs.append(f"expected {exp['lines']} lines, got {lines.height}")
    for direction in ("in", "out"):
        key = f"total_{direction}_fen"
        if key in exp and result.total_fen(direction) != exp[key]:
            diffs.append(f"{key}: expected {exp[key]}, got {result.total_fen(direction)}")
    meta = result.meta
    for key, have in (("opening_fen", _fen(meta.opening_balance)), ("closing_fen", _fen(meta.closing_balance))):
        if key in exp and have != exp[key]:
            diffs.append(f"meta {key}: expected {exp[key]}, got {have}")
    if "account_contains" in exp and exp["account_contains"] not in (meta.account or "").replace(" ", ""):
        diffs.append(f"meta account: expected it to contain {exp['account_contains']!r}, got {meta.account!r}")
    if "accounts" in exp:
        diffs += _check_accounts(lines, meta.accounts, exp["accounts"])

    by_row = {r["row"]: r for r in lines.iter_rows(named=True)}
    for spot in exp.get("spot", []):
        line = by_row.get(spot["row"])
        if line is None:
            diffs.append(f"row {spot['row']}: no such line")
            continue
        line_diffs = _check_line(line, spot)
        forgiven = spot.get("unless_notices_contain")
        if line_diffs and forgiven and all(_found(w, notices) for w in forgiven):
            continue
        diffs += [f"row {spot['row']}: {d}" for d in line_diffs]
    return diffs


def test_every_case_says_where_its_truth_comes_from() -> None:
    assert CASES, f"no cases under {FIXTURES}"
    missing = [
        c.name for c in CASES if not c.expected.get("source") or c.expected.get("outcome") not in ("read", "refused")
    ]
    assert not missing, f"cases without a source or an outcome: {missing}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_published_fixture_is_read_exactly_or_refused_with_reason(case: Case) -> None:
    diffs = _differences(case)
    if diffs:
        pytest.fail(f"{case.name}:\n  " + "\n  ".join(diffs) + f"\n(source: {case.expected['source']})", pytrace=False)
