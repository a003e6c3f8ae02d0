"""The checkpoint signing key: derived from the keyring's current key-encryption key, so it rotates with it; several
keys verify a log whose checkpoints were signed before and after a rotation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

import hezhang.audit.verify as verifier
from hezhang.audit import write_export
from hezhang.audit.chain import AuditLog
from hezhang.audit.checkpoint import verify_checkpoint
from hezhang.audit.signer import KeyringSigner
from hezhang.audit.verify import Kind, verify_export
from hezhang.security.errors import UnknownKeyVersion
from hezhang.security.keyring import Keyring

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring.create(tmp_path / "keyring.json")


def pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def test_the_signing_key_is_derived_again_the_same_and_signs_checkpoints(keyring: Keyring) -> None:
    key = KeyringSigner(keyring).signing_key()
    again = KeyringSigner(Keyring.open(keyring.path)).signing_key()
    assert (key.keyring_version, key.public_raw, key.key_id) == (1, again.public_raw, again.key_id)
    assert len(key.public_raw) == 32
    made = key.sign(3, bytes(32), T0)
    assert made.key_id == key.key_id and verify_checkpoint(made, again.public_key)


def test_rotating_the_keyring_rotates_the_signing_key_and_retiring_forgets_it(keyring: Keyring) -> None:
    signer = KeyringSigner(keyring)
    old = signer.signing_key()
    assert signer.signing_key() is old  # derived once per version
    keyring.rotate()
    new = signer.signing_key()
    assert new.keyring_version == 2 and new.key_id != old.key_id
    assert signer.for_version(1).public_raw == old.public_raw
    keyring.retire(1)
    with pytest.raises(UnknownKeyVersion):
        signer.for_version(1)


def _rotated_log(keyring: Keyring) -> tuple[str, list[Ed25519PublicKey]]:
    """10 events with checkpoints at 4 (key of version 1), then, after a rotation, at 8 and 10 (version 2)."""
    signer = KeyringSigner(keyring)
    log = AuditLog(clock=lambda: T0)
    checkpoints = []
    for i in range(10):
        log.record(actor="staff:1", source="10.0.0.8", action="read", client="client:1", resource=f"r/{i}",
                   data_classes=("S1",), outcome="allowed", reason="", request_id=f"q{i}",
                   at=T0 + timedelta(minutes=i))  # fmt: skip
        if i + 1 in (4, 8, 10):
            checkpoints.append(signer.signing_key().sign(i + 1, log.root(), T0))
        if i + 1 == 4:
            keyring.rotate()
    keys = [signer.for_version(1).public_key, signer.signing_key().public_key]
    return write_export(log.events, checkpoints), keys


def test_a_log_signed_across_a_rotation_verifies_with_both_keys_only(keyring: Keyring) -> None:
    export, (old, new) = _rotated_log(keyring)
    assert verify_export(export, [old, new]).ok
    failure = verify_export(export, old).failure
    assert failure is not None and (failure.sequence, failure.kind) == (8, Kind.BAD_SIGNATURE)
    failure = verify_export(export, [new]).failure
    assert failure is not None and (failure.sequence, failure.kind) == (4, Kind.BAD_SIGNATURE)


def test_the_lone_verifier_takes_several_keys(keyring: Keyring, tmp_path: Path) -> None:
    export, (old, new) = _rotated_log(keyring)
    script, log = tmp_path / "verify.py", tmp_path / "trail.jsonl"
    shutil.copy(verifier.__file__, script)
    log.write_text(export, encoding="utf-8")
    (tmp_path / "old.pem").write_bytes(pem(old))
    (tmp_path / "new.pem").write_bytes(pem(new))
    (tmp_path / "both.pem").write_bytes(pem(old) + pem(new))

    def run(*keys: str) -> subprocess.CompletedProcess[str]:
        args = [a for k in keys for a in ("--key", k)]
        return subprocess.run([sys.executable, "-I", str(script), str(log), *args], capture_output=True, text=True,
                              cwd=tmp_path, check=False)  # fmt: skip

    assert run("old.pem", "new.pem").returncode == 0
    assert run("both.pem").returncode == 0
    only_old = run("old.pem")
    assert only_old.returncode == 1 and "sequence 8 bad-signature" in only_old.stdout
    (tmp_path / "none.pem").write_text("not a key\n")
    assert run("none.pem").returncode == 2
