"""The DuckLake warehouse without a PostgreSQL server: the migrations' dialect step,
password redaction, configuration, and the one-line failures (missing extension
packages, an unreachable catalog). tests/test_lake.py runs a real lake."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from pactwatch.errors import ConfigError, WarehouseUnavailable
from pactwatch.flows.cli import main
from pactwatch.flows.config import load_config
from pactwatch.warehouse import lake as lake_module
from pactwatch.warehouse.db import open_writer
from pactwatch.warehouse.lake import Lake, redact
from pactwatch.warehouse.migrate import available, for_ducklake, migrate, view_names

from .conftest import free_port

SECRET = "hunter2-Lake"


def _code(sql: str) -> str:
    """`sql` without its string literals and comments."""
    return re.sub(r"'(?:[^']|'')*'|--[^\n]*", lambda m: "''" if m[0][0] == "'" else "", sql)


@pytest.mark.parametrize("migration", available(), ids=lambda m: f"{m.version:03d}_{m.name}")
def test_dialect_drops_only_what_ducklake_refuses(migration: object) -> None:
    sql = migration.sql  # type: ignore[attr-defined]
    out = for_ducklake(sql)
    code = _code(out)
    for refused in ("PRIMARY KEY", "UNIQUE", "CREATE SEQUENCE", "nextval", "CREATE INDEX"):
        assert refused not in code.upper().replace("NEXTVAL", "nextval")
    # every comment on a table, a view or a table's column is kept, word for word
    views = view_names()
    kept = re.findall(r"COMMENT ON (?:TABLE|VIEW) \w+ IS '(?:[^']|'')*';", sql)
    kept += [
        m[0]
        for m in re.finditer(r"COMMENT ON COLUMN (\w+)\.\w+ IS '(?:[^']|'')*';", sql)
        if m[1] not in views
    ]
    for statement in kept:
        assert statement in out
    assert not any(m[1] in views for m in re.finditer(r"COMMENT ON COLUMN (\w+)\.\w+ IS", out))


def _relations(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns()"
        " WHERE database_name = current_database() ORDER BY table_name, column_index"
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        out.setdefault(str(table), []).append((str(column), str(kind)))
    return out


def test_dialect_keeps_every_table_view_and_column() -> None:
    """The migrations through the dialect step build the same tables, views, columns
    and types as the migrations themselves (both applied to plain DuckDB here)."""
    plain = duckdb.connect(":memory:")
    migrate(plain)
    lake_like = duckdb.connect(":memory:")
    lake_like.execute(
        for_ducklake(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
            " name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
        )
    )
    for m in available():
        lake_like.execute(for_ducklake(m.sql))
    assert _relations(lake_like) == _relations(plain)
    assert len(_relations(plain)) >= 16


@pytest.mark.parametrize(
    "text",
    [
        f"dbname=lake host=db user=pw password={SECRET}",
        f"dbname=lake password='{SECRET}' host=db",
        f"could not connect: postgresql://writer:{SECRET}@db:5432/lake refused",
        f'{{"error": "IOException: ATTACH ducklake:postgres:host=db password={SECRET}"}}',
    ],
)
def test_redact_hides_passwords(text: str) -> None:
    out = redact(text)
    assert SECRET not in out and "***" in out
    if text.startswith("{"):
        assert out.endswith('"}')  # a JSON text stays JSON


def test_redacting_twice_changes_nothing() -> None:
    lake = Lake(f"postgres:host=db password={SECRET}", "/data")
    once = redact(f"warehouse {lake}: catalog down")
    assert once == "warehouse ducklake:postgres:host=db password=***: catalog down"
    assert redact(once) == once


def test_redact_hides_pgpassword_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", SECRET)
    assert redact(f"server said: bad secret {SECRET}!") == "server said: bad secret ***!"
    lake = Lake(f"postgres:host=db password={SECRET}", "/data")
    assert SECRET not in str(lake) and str(lake).startswith("ducklake:postgres:host=db")


def _config(tmp_path: Path, warehouse: str) -> Path:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(f"[warehouse]\n{warehouse}\n", encoding="utf-8")
    return cfg


def test_config_selects_a_lake(tmp_path: Path) -> None:
    cfg = load_config(
        _config(tmp_path, 'catalog = "postgres:dbname=w host=db"\ndata_path = "lake-data"'),
        environ={},
    )
    assert cfg.warehouse_path == Lake("postgres:dbname=w host=db", str(tmp_path / "lake-data"))
    assert cfg.lake == cfg.warehouse_path
    s3 = load_config(
        _config(tmp_path, 'catalog = "postgres:dbname=w"\ndata_path = "s3://bucket/lake/"'),
        environ={},
    )
    assert s3.lake is not None and s3.lake.data_path == "s3://bucket/lake/"
    # the default stays one DuckDB file; the environment can select a lake
    assert load_config(_config(tmp_path, ""), environ={}).warehouse_path == (
        tmp_path / "pactwatch.duckdb"
    )
    env = {
        "PACTWATCH_WAREHOUSE__CATALOG": "postgres:dbname=e",
        "PACTWATCH_WAREHOUSE__DATA_PATH": "/srv/lake",
    }
    assert load_config(_config(tmp_path, ""), environ=env).lake == Lake(
        "postgres:dbname=e", "/srv/lake"
    )


@pytest.mark.parametrize(
    ("warehouse", "message"),
    [
        ('catalog = "postgres:dbname=w"', "warehouse.catalog needs warehouse.data_path"),
        ('data_path = "d"', "set warehouse.catalog too"),
        (f'catalog = "mysql:password={SECRET}"\ndata_path = "d"', 'must be "postgres:'),
    ],
)
def test_config_errors_name_the_key(tmp_path: Path, warehouse: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(_config(tmp_path, warehouse), environ={})
    assert message in str(err.value) and SECRET not in str(err.value)


def test_missing_extension_packages_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        lake_module,
        "EXTENSION_PACKAGES",
        (("pactwatch_no_such_module", "ducklake", "duckdb-extension-ducklake"),),
    )
    lake = Lake(f"postgres:dbname=w password={SECRET}", str(tmp_path / "d"))
    with pytest.raises(WarehouseUnavailable) as err:
        lake_module.connect(lake, read_only=True)
    text = str(err.value)
    assert "\n" not in text and SECRET not in text
    assert f"duckdb-extension-ducklake=={duckdb.__version__}" in text
    assert "pactwatch[lake]" in text and "nothing is downloaded" in text


def test_unreachable_catalog_is_exit_3_without_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()  # nothing listens there
    catalog = f"postgres:dbname=w host=127.0.0.1 port={port} user=u password={SECRET}"
    cfg = _config(tmp_path, f'catalog = "{catalog}"\ndata_path = "d"')
    for args in (["sql", "select 1"], ["deliver"], ["sources"]):
        code = main([*args, "--config", str(cfg)])
        _, err = capsys.readouterr()
        assert code == 3, err
        assert err.startswith("pactwatch: error: warehouse ducklake:postgres:"), err
        assert "password=***: cannot reach the catalog database" in err
        assert "cannot reach the catalog database" in err
        assert SECRET not in err and err.count("\n") == 1 and "Traceback" not in err
    with pytest.raises(WarehouseUnavailable) as exc, open_writer(Lake(catalog, str(tmp_path))):
        pass
    assert SECRET not in str(exc.value)
