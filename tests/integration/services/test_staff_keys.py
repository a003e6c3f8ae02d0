"""Key rotation covers the staff's second factors: a keyring version still wrapping a TOTP key is never retired,
and after a rewrap the user still signs in with their authenticator."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyotp
import pytest

from factories.enrollment import enroll
from factories.people import staff
from hezhang.security.policy import Role
from hezhang.services import keys, sign_in
from hezhang.services.errors import UserError
from hezhang.services.store_access import Store

if TYPE_CHECKING:
    pass

PASSWORD = "Copper-Kettle-Moss-42"


def test_a_version_wrapping_a_totp_key_is_not_retired_until_rewrapped(store: Store) -> None:
    officer = staff(store, Role.SECURITY_OFFICER)
    name = f"li.{officer.user_id.hex[:6]}"
    enrollment = enroll(store, staff(store, Role.ACCOUNTANT, name=name), PASSWORD)
    old = store.keyring.current_version
    keys.rotate(store, officer)
    with pytest.raises(UserError, match="TOTP"):
        keys.retire(store, officer, old)
    keys.rewrap(store, officer)
    keys.retire(store, officer, old)
    signed = sign_in.sign_in(store, name, PASSWORD, pyotp.TOTP(enrollment.secret).now(), "10.1.1.1")
    assert signed.token
