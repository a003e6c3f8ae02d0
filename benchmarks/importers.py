"""Importer throughput and peak memory beside baselines on the same files.

    python -m benchmarks.importers [--csv-lines 1000000] [--xlsx-lines 200000] [--repeat 3]

Each case runs in a fresh child process (so peak RSS belongs to that case alone) `--repeat` times;
the table reports the median time, lines per second and the peak resident memory above the child's
idle interpreter.
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing as mp
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.files import standard_csv, standard_xlsx


def _hezhang_bank(path: Path) -> int:
    from hezhang.importers import parse_bank

    result = parse_bank(path.read_bytes(), path.name)
    assert result.ok, result.problems[:3]
    return result.lines.height


def _polars_csv(path: Path) -> int:
    import polars as pl

    return pl.read_csv(path, infer_schema=False).height


def _pandas_csv(path: Path) -> int:
    import pandas as pd

    return len(pd.read_csv(path, dtype=str))


def _openpyxl_rows(path: Path) -> int:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) - 1
    book.close()
    return n


def _pandas_xlsx(path: Path) -> int:
    import pandas as pd

    return len(pd.read_excel(path, dtype=str, engine="calamine"))


CASES: dict[str, Callable[[Path], int]] = {
    "hezhang parse_bank": _hezhang_bank,
    "polars.read_csv (bare)": _polars_csv,
    "pandas.read_csv": _pandas_csv,
    "openpyxl read-only rows": _openpyxl_rows,
    "pandas.read_excel (calamine)": _pandas_xlsx,
}


#: Modules each case imports before the clock starts (import time is not parsing time).
WARM = {
    "hezhang parse_bank": ("hezhang.importers", "hezhang.importers.standard", "hezhang.importers.bank_table"),
    "polars.read_csv (bare)": ("polars",),
    "pandas.read_csv": ("pandas",),
    "openpyxl read-only rows": ("openpyxl",),
    "pandas.read_excel (calamine)": ("pandas", "python_calamine"),
}


def _child(name: str, path: str, queue: mp.Queue[tuple[float, int, int]]) -> None:
    for module in WARM[name]:
        importlib.import_module(module)
    idle = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    func = CASES[name]
    start = time.perf_counter()
    lines = func(Path(path))
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((elapsed, lines, (peak - idle) * 1024))


def measure(name: str, path: Path, repeat: int) -> tuple[float, int, int]:
    ctx = mp.get_context("spawn")
    times, peaks, lines = [], [], 0
    for _ in range(repeat):
        queue: mp.Queue[tuple[float, int, int]] = ctx.Queue()
        proc = ctx.Process(target=_child, args=(name, str(path), queue))
        proc.start()
        proc.join()
        if proc.exitcode != 0:
            raise SystemExit(f"{name} on {path.name} failed (exit {proc.exitcode})")
        elapsed, lines, peak = queue.get()
        times.append(elapsed)
        peaks.append(peak)
    return statistics.median(times), lines, max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv-lines", type=int, default=1_000_000)
    parser.add_argument("--xlsx-lines", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    plan = [
        (standard_csv(args.csv_lines), ["hezhang parse_bank", "polars.read_csv (bare)", "pandas.read_csv"]),
        (
            standard_xlsx(args.xlsx_lines),
            ["hezhang parse_bank", "openpyxl read-only rows", "pandas.read_excel (calamine)"],
        ),
    ]
    print("| file | reader | lines | median s | lines/s | peak MiB | vs hezhang |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for path, names in plan:
        results = {name: measure(name, path, args.repeat) for name in names}
        ours = results["hezhang parse_bank"][0]
        for name, (seconds, lines, peak) in results.items():
            print(
                f"| {path.name} | {name} | {lines:,} | {seconds:.2f} | {lines / seconds:,.0f} | "
                f"{peak / 2**20:,.0f} | {ours / seconds:.2f}x |"
            )


if __name__ == "__main__":
    main()
