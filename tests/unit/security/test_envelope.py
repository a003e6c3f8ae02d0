"""Field encryption: round trips for both algorithms, and every kind of mismatch or damage is refused."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.security.envelope import (
    KEY_BYTES,
    Aad,
    Algorithm,
    FieldCipher,
    decrypt,
    decrypt_text,
    encrypt_text,
    new_data_key,
)
from hezhang.security.errors import DecryptError

ALGORITHMS: list[Algorithm] = ["aes-256-gcm", "sm4-gcm"]
AAD = Aad(client_id="c-0001", table="bank_line", column="counterparty_account", row_id="42")

aads = st.builds(Aad, st.text(max_size=20), st.text(max_size=20), st.text(max_size=20), st.text(max_size=20))


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_data_key_length_follows_the_algorithm(algorithm: Algorithm) -> None:
    key = new_data_key(algorithm)
    assert len(key) == KEY_BYTES[algorithm] == {"aes-256-gcm": 32, "sm4-gcm": 16}[algorithm]
    assert new_data_key(algorithm) != key


def test_default_algorithm_is_aes() -> None:
    assert FieldCipher().algorithm == "aes-256-gcm"
    assert len(new_data_key()) == 32


def test_unknown_algorithm_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported algorithm"):
        FieldCipher("des")  # type: ignore[arg-type]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@settings(max_examples=100)
@given(plaintext=st.binary(max_size=300), aad=aads)
def test_round_trip(algorithm: Algorithm, plaintext: bytes, aad: Aad) -> None:
    key = new_data_key(algorithm)
    blob = FieldCipher(algorithm).encrypt(key, aad, plaintext)
    assert blob[0] == 1
    assert len(blob) == 2 + 12 + len(plaintext) + 16
    # The blob says which algorithm it used: any cipher (or none) decrypts it.
    for other in ALGORITHMS:
        assert FieldCipher(other).decrypt(key, aad, blob) == plaintext
    assert decrypt(key, aad, blob) == plaintext


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@settings(max_examples=100)
@given(value=st.one_of(st.none(), st.text(max_size=100)))
def test_text_round_trip_keeps_none(algorithm: Algorithm, value: str | None) -> None:
    key = new_data_key(algorithm)
    blob = encrypt_text(key, AAD, value, algorithm=algorithm)
    assert (blob is None) == (value is None)
    assert decrypt_text(key, AAD, blob) == value


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_same_value_encrypts_differently_each_time(algorithm: Algorithm) -> None:
    key = new_data_key(algorithm)
    cipher = FieldCipher(algorithm)
    assert cipher.encrypt(key, AAD, b"6222021234567890") != cipher.encrypt(key, AAD, b"6222021234567890")


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_flipped_bit_is_refused(algorithm: Algorithm) -> None:
    key = new_data_key(algorithm)
    blob = FieldCipher(algorithm).encrypt(key, AAD, "张三".encode())
    for position in range(len(blob)):
        for bit in (0x01, 0x80):
            damaged = bytearray(blob)
            damaged[position] ^= bit
            with pytest.raises(DecryptError):
                decrypt(key, AAD, bytes(damaged))


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_truncated_or_extended_blob_is_refused(algorithm: Algorithm) -> None:
    key = new_data_key(algorithm)
    blob = FieldCipher(algorithm).encrypt(key, AAD, b"memo")
    for length in range(len(blob)):
        with pytest.raises(DecryptError):
            decrypt(key, AAD, blob[:length])
    with pytest.raises(DecryptError):
        decrypt(key, AAD, blob + b"\x00")


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("field", ["client_id", "table", "column", "row_id"])
def test_ciphertext_copied_elsewhere_is_refused(algorithm: Algorithm, field: str) -> None:
    key = new_data_key(algorithm)
    blob = FieldCipher(algorithm).encrypt(key, AAD, b"13812345678")
    elsewhere = dataclasses.replace(AAD, **{field: getattr(AAD, field) + "x"})
    with pytest.raises(DecryptError):
        decrypt(key, elsewhere, blob)


def test_aad_encoding_is_unambiguous() -> None:
    # Moving characters across a field boundary gives different associated data.
    assert Aad("ab", "c", "d", "e").encode() != Aad("a", "bc", "d", "e").encode()
    assert Aad("", "", "", "x").encode() != Aad("x", "", "", "").encode()
    key = new_data_key()
    blob = FieldCipher().encrypt(key, Aad("c1", "t", "col", "12"), b"x")
    with pytest.raises(DecryptError):
        decrypt(key, Aad("c11", "t", "col", "2"), blob)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_other_key_is_refused(algorithm: Algorithm) -> None:
    blob = FieldCipher(algorithm).encrypt(new_data_key(algorithm), AAD, b"secret")
    with pytest.raises(DecryptError):
        decrypt(new_data_key(algorithm), AAD, blob)


def test_wrong_algorithm_is_refused() -> None:
    # A 16-byte SM4 key that is the prefix of the AES key, and the algorithm byte switched: still refused.
    aes_key = new_data_key("aes-256-gcm")
    blob = bytearray(FieldCipher("aes-256-gcm").encrypt(aes_key, AAD, b"secret"))
    blob[1] = 2
    for key in (aes_key, aes_key[:16]):
        with pytest.raises(DecryptError):
            decrypt(key, AAD, bytes(blob))
    sm4_blob = FieldCipher("sm4-gcm").encrypt(aes_key[:16], AAD, b"secret")
    with pytest.raises(DecryptError):
        decrypt(aes_key, AAD, sm4_blob)


def test_crypto_shredding_one_client_key_opens_nothing_of_another() -> None:
    key_a, key_b = new_data_key(), new_data_key()
    aad_a = Aad("client-a", "bank_line", "memo", "1")
    blob_a = encrypt_text(key_a, aad_a, "工资 张三 6222021234567890")
    # Client B's key fails, even with client A's associated data; A's own key still works.
    for aad in (aad_a, dataclasses.replace(aad_a, client_id="client-b")):
        with pytest.raises(DecryptError):
            decrypt_text(key_b, aad, blob_a)
    assert decrypt_text(key_a, aad_a, blob_a) == "工资 张三 6222021234567890"


def test_encrypt_refuses_a_key_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        FieldCipher("aes-256-gcm").encrypt(b"k" * 16, AAD, b"x")


def test_error_message_is_bilingual() -> None:
    with pytest.raises(DecryptError) as caught:
        decrypt(new_data_key(), AAD, b"\x01\x01" + b"\x00" * 40)
    assert "解密失败" in str(caught.value)
    assert "decryption failed" in str(caught.value)


def test_sm4_gcm_is_the_standard_construction() -> None:
    """The SM4-GCM primitive in use gives the RFC 8998 (appendix A.1) known answer, so blobs interoperate."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    nonce = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plaintext = bytes.fromhex("".join(c * 16 for c in "ABCDEFEA"))
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    assert ciphertext.hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    )
    assert encryptor.tag.hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"
