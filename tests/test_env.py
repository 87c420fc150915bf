from pathlib import Path

import pytest

from motcua import env

DOCS = Path(__file__).resolve().parent.parent / "docs" / "CONFIGURATION.md"


def test_every_variable_is_documented() -> None:
    text = DOCS.read_text()
    for name in env.VARIABLES:
        assert f"`{name}`" in text, f"{name} is missing from docs/CONFIGURATION.md"


def test_empty_database_url_selects_sqlite_in_wal_mode(tmp_path: Path) -> None:
    db = env.database_from_url("", tmp_path / "x.sqlite3")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_postgres_url_is_parsed() -> None:
    db = env.database_from_url("postgres://u:p%40ss@db.example:6543/motcua?sslmode=require", Path())
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "u",
        "p@ss",
        "db.example",
        "6543",
        "motcua",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_unknown_database_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported scheme"):
        env.database_from_url("mysql://x/y", Path())


def test_malformed_boolean_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ValueError, match="DEBUG"):
        env.get_bool("DEBUG")


def test_cli_joins_group_and_subcommand() -> None:
    from motcua.cli import translate_argv

    assert translate_argv(["motcua", "units", "import", "f.csv"]) == [
        "motcua",
        "units_import",
        "f.csv",
    ]
    assert translate_argv(["motcua", "migrate"]) == ["motcua", "migrate"]
    assert translate_argv(["motcua", "units", "--help"]) == ["motcua", "units", "--help"]
