"""Blind indexes: equal values of one client and column meet; other clients, columns and values do not."""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.security.blind_index import INDEX_BYTES, BlindIndexer, blind_index, normalize
from hezhang.security.envelope import new_data_key

KEY_A = new_data_key()
KEY_B = new_data_key()
values = st.text(min_size=1, max_size=40)


def test_normalization() -> None:
    assert normalize("  上海 某某 科技 有限公司 ") == "上海某某科技有限公司"
    assert normalize("ｚｈａｎｇ　Ｓａｎ") == "ZHANGSAN"  # full-width letters and space (NFKC)
    assert normalize("6222 0212-3456 7890", account_number=True) == "6222021234567890"
    assert normalize("６２２２ ０２１２", account_number=True) == "62220212"
    assert normalize("n/a", account_number=True) == "N/A"


def test_same_value_written_differently_meets() -> None:
    assert blind_index(KEY_A, "counterparty_name", "Zhang San") == blind_index(KEY_A, "counterparty_name", "ZHANGSAN ")
    assert blind_index(KEY_A, "counterparty_account", "6222 0212 3456 7890", account_number=True) == blind_index(
        KEY_A, "counterparty_account", "6222021234567890", account_number=True
    )


def test_matches_the_documented_construction() -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"hezhang blind index v1").derive(KEY_A)
    message = len(b"memo").to_bytes(4, "big") + b"memo" + "工资".encode()
    expected = hmac.new(key, message, hashlib.sha256).digest()[:16]
    assert blind_index(KEY_A, "memo", " 工 资 ") == expected


@settings(max_examples=200)
@given(value=values)
def test_equal_within_a_client_and_column(value: str) -> None:
    index = blind_index(KEY_A, "counterparty_name", value)
    assert len(index) == INDEX_BYTES == 16
    assert BlindIndexer(KEY_A).index("counterparty_name", value) == index
    assert blind_index(KEY_A, "counterparty_name", f" {value.lower()} ") == blind_index(
        KEY_A, "counterparty_name", f"{value.lower()}"
    )


@settings(max_examples=200)
@given(value=values)
def test_differs_across_clients_and_columns(value: str) -> None:
    index = blind_index(KEY_A, "counterparty_name", value)
    assert blind_index(KEY_B, "counterparty_name", value) != index
    assert blind_index(KEY_A, "memo", value) != index
    # The same key bytes used as an SM4 data key are another key again.
    assert blind_index(KEY_A[:16], "counterparty_name", value) != index


@settings(max_examples=200)
@given(a=values, b=values)
def test_different_normalized_values_differ(a: str, b: str) -> None:
    same = normalize(a) == normalize(b)
    assert (blind_index(KEY_A, "memo", a) == blind_index(KEY_A, "memo", b)) == same


def test_column_and_value_boundary_is_unambiguous() -> None:
    assert blind_index(KEY_A, "ab", "C") != blind_index(KEY_A, "a", "BC")


def test_index_reveals_no_plaintext() -> None:
    account = "6222021234567890"
    index = blind_index(KEY_A, "counterparty_account", account, account_number=True)
    assert account.encode() not in index
    assert index != hashlib.sha256(account.encode()).digest()[:16]
