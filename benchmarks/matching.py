"""Matching quality and speed: hezhang beside a GnuCash-style and an ERPNext-style matcher.

    python -m benchmarks.matching [--months 200] [--seed 1] [--jobs 2] [--e2e 10000] [--big 1000000] [--skip-big]

Quality: `--months` generated client-months (`hezhang.samples.client_month`) are written as the standard bank
CSV and the standard journal CSV, parsed with hezhang's importers, matched by each engine on the same frames,
reconciled with `hezhang.reconciliation.reconcile`, and scored against the ground truth (`benchmarks.scorer`).
Throughput: `--e2e` x `--e2e` lines end to end (parse both files + match + statement, median of `--repeat`),
and `--big` x `--big` lines matched in a child process (time and peak RSS) beside a bare Polars equi-join of the
same frames on (direction, amount), also in a child process of its own. Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from queue import Empty

import numpy as np
import polars as pl

from benchmarks.baselines import erpnext, gnucash
from benchmarks.scorer import Scores, aggregate, score
from hezhang.domain.frames import BANK_SCHEMA, LEDGER_SCHEMA, conform
from hezhang.importers import parse_bank, parse_journal
from hezhang.matching import MatchResult, match
from hezhang.reconciliation import reconcile
from hezhang.samples.client_month import generate_client_month
from hezhang.samples.names import company

Engine = Callable[[pl.DataFrame, pl.DataFrame], MatchResult]
ENGINES: dict[str, Engine] = {"hezhang": match, "GnuCash-style": gnucash, "ERPNext-style": erpnext}
KINDS = ("1:1", "N:1", "1:N", "N:M", "fee")


# -- quality ------------------------------------------------------------------------------------------------
def run_month(seed: int) -> tuple[dict[str, Scores], tuple[int, int]]:
    """Scores of every engine on one generated client-month, and its (bank lines, ledger lines)."""
    month = generate_client_month(seed)
    with tempfile.TemporaryDirectory() as folder:
        bank_path, journal_path = month.write(folder)
        bank_file = parse_bank(bank_path.read_bytes(), bank_path.name)
        journal_file = parse_journal(journal_path.read_bytes(), journal_path.name, account_prefix=month.account_code)
    if not (bank_file.ok and journal_file.ok):
        raise RuntimeError(f"month {seed} does not parse: {(bank_file.problems + journal_file.problems)[:3]}")
    bank, ledger = bank_file.lines, journal_file.lines
    scores = {}
    for name, engine in ENGINES.items():
        # hezhang also reads the journal's other lines (voucher memos name the counterparty); the baselines
        # see only the bank-account lines, as the tools they copy do.
        result = match(bank, ledger, context=journal_file.context) if name == "hezhang" else engine(bank, ledger)
        rec = reconcile(bank, ledger, result, account=month.account_code, period=month.period,
                        currency=month.currency, book_opening_fen=month.book_opening_fen,
                        bank_closing_fen=month.bank_closing_fen)  # fmt: skip
        scores[name] = score(month.truth, result, rec)
    return scores, (bank.height, ledger.height)


def quality(months: int, seed: int, jobs: int) -> None:
    seeds = [seed * 1_000_000 + i for i in range(months)]
    with ProcessPoolExecutor(jobs, mp_context=mp.get_context("spawn")) as pool:
        runs = list(pool.map(run_month, seeds, chunksize=max(1, months // (jobs * 8))))
    totals = {name: aggregate(r[0][name] for r in runs) for name in ENGINES}
    ours = totals["hezhang"]
    lines = [sum(r[1][i] for r in runs) for i in (0, 1)]
    print(f"## Matching quality: {months} client-months (seed {seed})\n")
    print(f"{lines[0]:,} bank lines, {lines[1]:,} ledger lines on 100201, {ours.true_pairs:,} true pairs in "
          f"{sum(ours.groups_by_kind.values()):,} decidable groups, {ours.outstanding:,} true 未达账项.\n")  # fmt: skip
    rows: list[tuple[str, Callable[[Scores], str]]] = [
        ("auto precision", lambda s: f"{s.auto_precision:.4f}"),
        ("auto recall", lambda s: f"{s.auto_recall:.4f}"),
        ("auto + suggested recall", lambda s: f"{s.found_recall:.4f}"),
        ("group exactness", lambda s: f"{s.group_exactness:.3f}"),
        ("outstanding accuracy", lambda s: f"{s.outstanding_accuracy:.3f}"),
        ("statements balanced", lambda s: f"{100 * s.balanced_share:.1f} %"),
        ("auto pairs guessed among interchangeable lines", lambda s: f"{s.guessed_pairs:,}"),
    ]
    _table("measure", list(totals), [(label, [show(s) for s in totals.values()]) for label, show in rows])
    print("\nGnuCash-style and ERPNext-style are re-implementations of those tools' matching rules on hezhang's frames "
          "(benchmarks/baselines.py), not the tools themselves; all three are reconciled by hezhang.")  # fmt: skip
    print("\nGroup exactness (decidable true groups reproduced by one auto match), by kind (bank:ledger) and by "
          "scenario of the generator:\n")  # fmt: skip
    by_kind = [(f"kind {k}", ours.groups_by_kind[k], [s.exactness_of(k) for s in totals.values()])
               for k in KINDS if k in ours.groups_by_kind]  # fmt: skip
    by_scenario = [(f"scenario {k}", n, [s.exactness_in(k) for s in totals.values()])
                   for k, n in sorted(ours.groups_by_scenario.items())]  # fmt: skip
    rows_by = [(label, [f"{n:,}", *(f"{x:.3f}" for x in ratios)]) for label, n, ratios in by_kind + by_scenario]
    _table("groups", ["count", *totals], rows_by)


def _table(corner: str, columns: list[str], rows: list[tuple[str, list[str]]]) -> None:
    print(f"| {corner} | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for label, cells in rows:
        print(f"| {label} | " + " | ".join(cells) + " |")


# -- throughput ---------------------------------------------------------------------------------------------
def big_frames(n: int, seed: int = 7) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`n` bank lines over a year and `n` ledger lines on 100201, column-wise: 97 % of the lines have their
    counterpart on the other side, booked 0-5 days later; the rest stand alone."""
    rng = np.random.default_rng(seed)
    day = np.sort(rng.integers(0, 365, n))
    incoming = rng.random(n) < 0.45
    yuan = rng.integers(1, 200_000, n)
    fen = np.where(rng.random(n) < 0.4, yuan * 100, yuan * 100 + rng.integers(1, 100, n))
    alone = rng.random(n) < 0.03
    l_in = np.where(alone, rng.random(n) < 0.45, incoming)
    l_fen = np.where(alone, rng.integers(100, 20_000_000, n), fen)
    l_day = np.minimum(day + rng.choice(np.array([0, 0, 0, 1, 1, 2, 3, 4, 5]), n), 364)
    party = pl.Series(rng.integers(0, 997, n))
    names = pl.Series([company(i) for i in range(997)])
    start, rows = date(2026, 1, 1), pl.int_range(1, n + 1, dtype=pl.Int64)

    def when(days: np.ndarray) -> pl.Expr:
        return (pl.lit(start) + pl.duration(days=pl.lit(pl.Series(days)))).cast(pl.Date)

    def direction(flags: np.ndarray) -> pl.Expr:
        return pl.when(pl.Series(flags)).then(pl.lit("in")).otherwise(pl.lit("out"))

    signed = np.where(incoming, fen, -fen)
    bank = pl.select(
        rows.alias("row"), rows.alias("source_row"), when(day).alias("date"), direction(incoming).alias("direction"),
        pl.Series(fen).alias("amount"), pl.lit("CNY").alias("currency"),
        pl.Series(10**12 + np.cumsum(signed)).alias("balance"), names.gather(party).alias("counterparty_name"),
        pl.format("B{}", rows).alias("bank_ref"),
        pl.when(pl.Series(incoming)).then(pl.lit("货款")).otherwise(pl.lit("采购款")).alias("memo"),
    )  # fmt: skip
    order = np.argsort(l_day, kind="stable")
    ledger = pl.select(
        rows.alias("row"), rows.alias("source_row"), when(l_day[order]).alias("date"),
        pl.format("记-{}", rows).alias("voucher_no"), pl.lit(1, pl.Int64).alias("entry_no"),
        pl.lit("100201").alias("account_code"), pl.lit("银行存款-工商银行").alias("account_name"),
        direction(l_in[order]).alias("direction"), pl.Series(l_fen[order]).alias("amount"),
        pl.lit("CNY").alias("currency"), names.gather(party.gather(order)).alias("counterparty_name"),
        pl.when(pl.Series(l_in[order])).then(pl.lit("收货款")).otherwise(pl.lit("付货款")).alias("memo"),
        pl.when(pl.Series(l_in[order])).then(pl.lit("应收账款")).otherwise(pl.lit("应付账款")).alias("contra_accounts"),
    )  # fmt: skip
    return conform(bank, BANK_SCHEMA), conform(ledger, LEDGER_SCHEMA)


def _money(column: str) -> pl.Expr:
    fen = pl.col(column)
    return pl.format("{}.{}", (fen // 100).cast(pl.String), (fen % 100).cast(pl.String).str.pad_start(2, "0"))


def files(n: int) -> tuple[bytes, bytes]:
    """The frames of `big_frames(n)` as a standard bank CSV and a standard journal CSV (two lines a voucher)."""
    bank, ledger = big_frames(n)
    is_in = pl.col("direction") == "in"
    bank_csv = bank.select(
        pl.col("date").dt.strftime("%Y-%m-%d").alias("交易日期"),
        pl.col("bank_ref").alias("流水号"),
        pl.col("memo").alias("摘要"),
        pl.col("counterparty_name").alias("对方户名"),
        pl.lit("").alias("对方账号"),
        pl.when(is_in).then(_money("amount")).alias("收入金额"),
        pl.when(~is_in).then(_money("amount")).alias("支出金额"),
        _money("balance").alias("余额"),
    ).write_csv()
    common = [
        pl.col("date").dt.strftime("%Y-%m-%d").alias("日期"),
        pl.col("voucher_no").alias("凭证字号"),
        pl.col("memo").alias("摘要"),
    ]
    mine = ledger.select(
        *common,
        pl.lit(1).alias("分录号"),
        pl.lit("100201").alias("科目代码"),
        pl.lit("银行存款-工商银行").alias("科目名称"),
        pl.when(is_in).then(_money("amount")).alias("借方金额"),
        pl.when(~is_in).then(_money("amount")).alias("贷方金额"),
        pl.lit(None, pl.String).alias("核算项目"),
        pl.col("row").alias("_order"),
    )
    theirs = ledger.select(
        *common,
        pl.lit(2).alias("分录号"),
        pl.when(is_in).then(pl.lit("1122")).otherwise(pl.lit("2202")).alias("科目代码"),
        pl.col("contra_accounts").alias("科目名称"),
        pl.when(~is_in).then(_money("amount")).alias("借方金额"),
        pl.when(is_in).then(_money("amount")).alias("贷方金额"),
        pl.format(
            "{}---{}", pl.when(is_in).then(pl.lit("客户")).otherwise(pl.lit("供应商")), "counterparty_name"
        ).alias("核算项目"),
        pl.col("row").alias("_order"),
    )
    journal = pl.concat([mine, theirs]).sort("_order", "分录号").drop("_order")
    return bank_csv.encode(), journal.write_csv().encode()


def end_to_end(n: int, repeat: int) -> None:
    bank_bytes, journal_bytes = files(n)
    parts: dict[str, list[float]] = {"parse": [], "match": [], "statement": [], "total": []}
    for _ in range(repeat):
        t0 = time.perf_counter()
        bank_file, journal_file = parse_bank(bank_bytes, "bank.csv"), parse_journal(journal_bytes, "journal.csv")
        assert bank_file.ok and journal_file.ok, (bank_file.problems[:3], journal_file.problems[:3])
        t1 = time.perf_counter()
        result = match(bank_file.lines, journal_file.lines, context=journal_file.context)
        t2 = time.perf_counter()
        meta = bank_file.meta
        assert meta.period and meta.opening_balance and meta.closing_balance
        reconcile(bank_file.lines, journal_file.lines, result, account="100201", period=meta.period,
                  book_opening_fen=meta.opening_balance.fen, bank_closing_fen=meta.closing_balance.fen)  # fmt: skip
        t3 = time.perf_counter()
        for key, seconds in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
            parts[key].append(seconds)
    print(f"\n## Throughput\n\n{n:,} bank lines x {n:,} ledger lines (a journal of {2 * n:,} rows), end to end, "
          f"median of {repeat}; lines/s counts the lines of both sides:\n")  # fmt: skip
    _table("step", ["median s", "lines/s"], [
        (step, [f"{statistics.median(s):.2f}", f"{2 * n / statistics.median(s):,.0f}"]) for step, s in parts.items()
    ])  # fmt: skip


def _big_child(kind: str, n: int, queue: mp.Queue[tuple[float, int, int, str]]) -> None:
    idle = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    bank, ledger = big_frames(n)
    ready = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if kind == "hezhang":
        result = match(bank, ledger)
        auto = result.frame.filter(pl.col("status") == "auto")
        detail = f"{auto.height:,} auto matches, {result.frame.height - auto.height:,} suggestions"
    else:
        detail = f"{bank.join(ledger, on=['direction', 'amount']).height:,} candidate pairs"
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((elapsed, (ready - idle) * 1024, (peak - idle) * 1024, detail))


def _rss(pid: int) -> int:
    """Resident memory of a process in bytes (Linux), 0 when unknown."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return next((int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:")), 0)
    except OSError:
        return 0


def _available() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            return next((int(line.split()[1]) * 1024 for line in info if line.startswith("MemAvailable:")), 0)
    except OSError:
        return 0


def _run_child(kind: str, n: int, limit: int) -> tuple[float, int, int, str] | str:
    """Run one case in a spawned child; stop it when its memory passes `limit` bytes (0: no limit)."""
    ctx = mp.get_context("spawn")
    queue: mp.Queue[tuple[float, int, int, str]] = ctx.Queue()
    child = ctx.Process(target=_big_child, args=(kind, n, queue))
    child.start()
    start, pid = time.perf_counter(), child.pid or 0
    try:
        while True:
            try:
                return queue.get(timeout=0.5)
            except Empty:
                if limit and _rss(pid) > limit:
                    child.kill()
                    return f"stopped at {limit / 2**30:.1f} GiB after {time.perf_counter() - start:.0f} s"
                if not child.is_alive():
                    return f"the child ended without a result (exit code {child.exitcode})"
    finally:
        child.join()


def big(n: int, limit_gib: float | None) -> None:
    limit = int(limit_gib * 2**30) if limit_gib is not None else int(_available() * 0.8)
    rows = []
    for kind, label in (("hezhang", "hezhang match"), ("join", "Polars equi-join on (direction, amount)")):
        got = _run_child(kind, n, limit)
        if isinstance(got, str):
            rows.append((label, ["-", "-", "-", "-", got]))
            continue
        seconds, frames, peak, detail = got
        rows.append((label, [f"{seconds:.2f}", f"{2 * n / seconds:,.0f}", f"{frames / 2**20:,.0f}",
                             f"{peak / 2**20:,.0f}", detail]))  # fmt: skip
    print(f"\n{n:,} x {n:,} lines, each case in a child process of its own (peak RSS above the idle interpreter; "
          f"a child is stopped above {limit / 2**30:.1f} GiB):\n")  # fmt: skip
    _table("case", ["s", "lines/s", "frames MiB", "peak MiB", "result"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--months", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--e2e", type=int, default=10_000, help="lines per side of the end-to-end run (0: skip)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--max-gib", type=float, help="stop a --big child above this RSS (default: 80 %% of free)")
    args = parser.parse_args()
    if args.months:
        quality(args.months, args.seed, args.jobs)
    if args.e2e:
        end_to_end(args.e2e, args.repeat)
    if not args.skip_big and args.big:
        big(args.big, args.max_gib)


if __name__ == "__main__":
    main()
