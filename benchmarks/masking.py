"""Time of `mask_lines` on journal and statement frames with realistic memo variety.

    python -m benchmarks.masking [--lines 200000] [--repeat 3] [--seed 7]

The frames are generated here (names, companies, memo templates with invoice, phone and card numbers), so the
share of distinct values is like a real journal's: most memos carry an invoice number or a name. Prints the
median wall-clock and CPU time of `--repeat` runs and the number of distinct values in each masked column.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import polars as pl
from stdnum import luhn

from hezhang.privacy.frames import mask_lines
from hezhang.samples.names import company

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖"
    "贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "慕容")
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志红玉兵飞鹏辉斌宇浩凯健俊帆帅旭宁婷雪琳晶颖倩"
_SHORT = ("世创", "恒达", "锦程", "华信", "启明", "安泰", "鑫源", "博远", "联丰", "瑞康", "宏图", "金桥", "云帆")
_MEMOS = (
    "收到{company}货款", "收{short}货款 发票{invoice}", "付{short}采购款", "支付{company}货款", "代付{person}工资",
    "发放{month}工资", "计提{month}工资", "报销{person}差旅费", "{person}报销办公费", "{person}借款", "还{person}借款",
    "预支{person}备用金", "付{person}劳务费", "退{person}押金", "支付{month}房租", "付{person}房租", "银行手续费",
    "利息收入", "缴纳{month}增值税", "计提折旧", "转账 联系人{person} {mobile}", "{surname}总借款", "收到{person}还款",
    "付{company}运费", "货款", "往来款", "{short}货款{invoice}", "退{card}卡款", "付{short}服务费 发票{invoice}",
)  # fmt: skip
_ACCOUNTS = (
    "银行存款-工商银行", "银行存款-招商银行", "应收账款-{company}", "应收账款-{person}", "其他应收款-{person}",
    "应付职工薪酬-工资", "管理费用-差旅费", "应付账款-{company}", "其他应付款—{person}", "管理费用-房租",
    "财务费用-手续费", "应交税费-未交增值税", "应付职工薪酬/{person}",
)  # fmt: skip


def _person(rng: random.Random) -> str:
    surname = rng.choice(_COMPOUND) if rng.random() < 0.03 else rng.choice(_SURNAMES)
    return surname + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _fill(template: str, rng: random.Random, people: list[str], companies: list[str]) -> str:
    card = "6222" + f"{rng.randrange(10**11):011d}"
    return template.format(
        company=rng.choice(companies), short=rng.choice(_SHORT), person=rng.choice(people),
        surname=rng.choice(_SURNAMES), month=f"{rng.randint(1, 12)}月", invoice=f"{rng.randrange(10**8):08d}",
        mobile=f"13{rng.randrange(10**9):09d}", card=card + luhn.calc_check_digit(card),
    )  # fmt: skip


def journal_frame(lines: int, seed: int) -> pl.DataFrame:
    rng = random.Random(seed)
    people = [_person(rng) for _ in range(3000)]
    companies = [company(i) for i in range(1000)]
    memos = [_fill(rng.choice(_MEMOS), rng, people, companies) for _ in range(lines)]
    accounts = [_fill(rng.choice(_ACCOUNTS), rng, people, companies) for _ in range(lines)]
    contra = [
        ";".join(_fill(rng.choice(_ACCOUNTS), rng, people, companies) for _ in range(rng.randint(1, 3)))
        for _ in range(lines)
    ]
    parties = [rng.choice(people if rng.random() < 0.3 else companies) for _ in range(lines)]
    return pl.DataFrame(
        {
            "row": range(1, lines + 1),
            "amount": [rng.randrange(100, 10**8) for _ in range(lines)],
            "account_name": accounts,
            "memo": memos,
            "counterparty_name": parties,
            "contra_accounts": contra,
        }
    )


def statement_frame(lines: int, seed: int) -> pl.DataFrame:
    rng = random.Random(seed + 1)
    people = [_person(rng) for _ in range(3000)]
    companies = [company(i) for i in range(1000)]
    return pl.DataFrame(
        {
            "row": range(1, lines + 1),
            "amount": [rng.randrange(100, 10**8) for _ in range(lines)],
            "counterparty_name": [rng.choice(people if rng.random() < 0.3 else companies) for _ in range(lines)],
            "counterparty_account": [f"6222{rng.randrange(10**15):015d}" for _ in range(lines)],
            "counterparty_bank": [rng.choice(("中国工商银行上海分行", "招商银行杭州分行", None)) for _ in range(lines)],
            "memo": [_fill(rng.choice(_MEMOS), rng, people, companies) for _ in range(lines)],
        }
    )  # fmt: skip


def _time(frame: pl.DataFrame, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds (CPU time counts every thread and is steadier on a shared machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        mask_lines(frame)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print("| frame | lines | distinct values (masked columns) | median s | median CPU s | lines/s |")
    print("|---|---:|---|---:|---:|---:|")
    for name, frame in (
        ("journal", journal_frame(args.lines, args.seed)),
        ("statement", statement_frame(args.lines, args.seed)),
    ):
        distinct = ", ".join(f"{c} {frame[c].n_unique():,}" for c in frame.columns if c not in ("row", "amount"))
        seconds, cpu = _time(frame, args.repeat)
        print(f"| {name} | {frame.height:,} | {distinct} | {seconds:.2f} | {cpu:.2f} | {frame.height / seconds:,.0f} |")


if __name__ == "__main__":
    main()
