"""Bank and ledger frames made ready for matching: day numbers, name cores, reference tokens, equivalence keys."""

from __future__ import annotations

import polars as pl

from hezhang.matching.names import brand_expr, core_expr
from hezhang.matching.parties import stem_expr

#: Reference tokens (Odoo's habit): runs of 4+ letters/digits; pure numbers need 5+ digits and must not be dates.
_TOKEN = r"[A-Za-z0-9]{4,}"
_DATEISH = r"^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-3]\d)?$"

_SETTLEMENT = {
    "转账": "transfer",
    "网银": "transfer",
    "网银转账": "transfer",
    "汇兑": "transfer",
    "电汇": "transfer",
    "汇款": "transfer",
    "转账支票": "cheque",
    "支票": "cheque",
    "现金支票": "cheque",
    "银行汇票": "draft",
    "银行承兑汇票": "draft",
    "商业汇票": "draft",
    "本票": "draft",
    "现金": "cash",
    "代发": "payroll",
    "代发工资": "payroll",
    "批量扣税": "tax",
    "扣税": "tax",
    "委托收款": "collection",
    "托收": "collection",
}


#: A personal name: two to four Chinese characters and nothing that names an organisation. A person often
#: pays for a company (老板个人卡代付), so a personal name on the bank side does not contradict the books.
_PERSON = r"^[\u4e00-\u9fff]{2,4}$"


def _tokens(*columns: str) -> pl.Expr:
    joined = pl.concat_str([pl.col(c).fill_null("") for c in columns], separator=" ")
    found = joined.str.extract_all(_TOKEN)
    # One filter with one mask: a second `.filter` on the filtered element is evaluated against the unfiltered
    # list by Polars 2.x and fails with a ShapeError (a memo like "1234 ABCDE" crashed reconcile).
    kept = (pl.element().str.contains(r"[A-Za-z]") | (pl.element().str.len_chars() >= 5)) & ~pl.element().str.contains(
        _DATEISH
    )
    return found.list.eval(pl.element().filter(kept)).list.unique()


def _settlement(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().replace_strict(_SETTLEMENT, default=None, return_dtype=pl.String)


def prepare_bank(bank: pl.DataFrame) -> pl.DataFrame:
    return bank.select(
        pl.col("row"),
        pl.col("date").cast(pl.Int32).alias("day"),
        pl.col("date"),
        pl.col("direction"),
        pl.col("amount"),
        pl.col("counterparty_name").alias("name"),
        stem_expr(pl.col("counterparty_name")).alias("stem"),
        core_expr(pl.col("counterparty_name")).alias("core"),
        pl.col("bank_ref"),
        pl.col("instrument_no"),
        pl.col("memo"),
        _tokens("memo", "bank_ref", "instrument_no").alias("tokens"),
        _settlement("settlement_method").alias("settle"),
        pl.struct("date", "direction", "amount", "counterparty_name", "counterparty_account", "memo")
        .hash()
        .alias("key"),
    ).with_columns(
        brand_expr(pl.col("core")).alias("brand"),
        pl.col("name").str.contains(_PERSON).fill_null(False).alias("person"),
    )


def voucher_memos(ledger: pl.DataFrame, context: pl.DataFrame | None) -> pl.DataFrame:
    """Per voucher (date, voucher_no): the distinct memos of all its lines, bank lines and context alike.

    The other lines of a voucher describe the same event ("收金桥贸易货款" on the 应收账款 line), so they
    tell who the counterparty of a bank line is when its own memo does not.
    """
    frames = [ledger.select("date", "voucher_no", "memo")]
    if context is not None and not context.is_empty():
        frames.append(context.select("date", "voucher_no", "memo"))
    return (
        pl.concat(frames)
        .drop_nulls("memo")
        .group_by("date", "voucher_no")
        .agg(pl.col("memo").unique(maintain_order=True).str.join(" ").alias("voucher_text"))
    )


def narrow_texts(ledger: pl.DataFrame, names: list[str], stems: dict[str, str]) -> pl.DataFrame:
    """The ledger's `text` without its voucher's memos where the voucher names several parties (a month's receipts
    booked in one voucher): those memos then say nothing about which party one bank line is. `names` are the
    parties' brands and cores, `stems` says whose each is."""
    if not names or ledger.is_empty():
        return ledger
    owners = (
        ledger.select("row", pl.col("voucher_text").str.extract_many(names).alias("key"))
        .explode("key")
        .drop_nulls("key")
        .with_columns(pl.col("key").replace_strict(stems, default=None).alias("owner"))
        .group_by("row")
        .agg(pl.col("owner").n_unique().alias("parties"))
    )
    return (
        ledger.join(owners, on="row", how="left", maintain_order="left")
        .with_columns(pl.when(pl.col("parties") > 1).then(pl.col("line_text")).otherwise(pl.col("text")).alias("text"))
        .drop("parties")
    )


def prepare_ledger(ledger: pl.DataFrame, context: pl.DataFrame | None = None) -> pl.DataFrame:
    ledger = ledger.join(voucher_memos(ledger, context), on=["date", "voucher_no"], how="left", maintain_order="left")
    return ledger.select(
        pl.col("row"),
        pl.col("date").cast(pl.Int32).alias("day"),
        pl.col("date"),
        pl.col("direction"),
        pl.col("amount"),
        pl.concat_str(
            [pl.col(c).fill_null("") for c in ("counterparty_name", "memo", "contra_accounts", "voucher_text")],
            separator=" ",
        ).alias("text"),
        pl.col("voucher_text").fill_null(""),
        pl.concat_str(
            [pl.col(c).fill_null("") for c in ("counterparty_name", "memo", "contra_accounts")], separator=" "
        ).alias("line_text"),
        core_expr(pl.col("counterparty_name")).alias("core"),
        pl.concat_str([pl.col(c).fill_null("") for c in ("counterparty_name", "memo")], separator=" ").alias("own"),
        pl.col("memo"),
        pl.col("voucher_no"),
        pl.col("settlement_no"),
        _tokens("memo", "settlement_no").alias("tokens"),
        _settlement("settlement_method").alias("settle"),
        pl.struct("date", "direction", "amount", "counterparty_name", "memo", "contra_accounts", "settlement_no")
        .hash()
        .alias("key"),
    )
