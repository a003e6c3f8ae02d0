from pathlib import Path

import pytest

from hezhang.config import SettingsError, load_settings


def test_the_embedded_default_needs_no_server(tmp_path: Path) -> None:
    s = load_settings({"HEZHANG_DATA_DIR": str(tmp_path)})
    assert s.embedded and s.database_url == f"sqlite:///{tmp_path / 'hezhang.db'}"
    assert s.keyring_path == tmp_path / "keyring.json" and s.cipher == "aes-256-gcm"


@pytest.mark.parametrize(
    ("environ", "word"),
    [
        ({"HEZHANG_ENV": "production"}, "HEZHANG_ENV"),
        ({"HEZHANG_CIPHER": "des"}, "HEZHANG_CIPHER"),
        ({"HEZHANG_ENV": "prod"}, "HEZHANG_DATABASE_URL"),
    ],
)
def test_settings_that_cannot_be_used_are_refused_by_name(environ: dict[str, str], word: str) -> None:
    with pytest.raises(SettingsError, match=word):
        load_settings(environ)


def test_prod_with_the_application_role_is_accepted() -> None:
    s = load_settings({"HEZHANG_ENV": "prod", "HEZHANG_DATABASE_URL": "postgresql://hezhang_app@db/hz"})
    assert not s.embedded and s.admin_database_url == s.database_url
