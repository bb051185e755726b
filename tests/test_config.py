from pathlib import Path

import pytest

from pactwatch.errors import ConfigError
from pactwatch.flows.cli import main
from pactwatch.flows.config import load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pactwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    cfg = load_config(None, environ={})
    assert cfg.file is None
    assert cfg.warehouse_path == Path("pactwatch.duckdb")
    assert cfg.alerts["baseline"] is True
    assert [c.type for c in cfg.channels] == ["console"]


def test_unknown_key_names_file_key_and_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, "[alerts]\nbasline = false\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, environ={})
    message = str(err.value)
    assert str(path) in message
    assert "alerts.basline" in message
    assert "did you mean 'baseline'" in message


def test_unknown_key_in_a_source_table(tmp_path: Path) -> None:
    path = write(tmp_path, '[[sources]]\nname = "a"\nfeeed = "http://127.0.0.1/x"\n')
    with pytest.raises(ConfigError, match=r"sources\[0\]\.feeed.*did you mean 'feed'"):
        load_config(path, environ={})


def test_cli_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "[warehouse]\npaht = 'x.duckdb'\n")
    code = main(["sql", "select 1", "--config", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("pactwatch: error: ")
    assert "did you mean 'path'" in err


def test_env_overrides_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[alerts]\nmin_sources = 1\n[fetch]\ntimeout_read = 3\n")
    cfg = load_config(
        path,
        environ={
            "PACTWATCH_ALERTS__MIN_SOURCES": "2",
            "PACTWATCH_WAREHOUSE__PATH": "/tmp/w.duckdb",
        },
    )
    assert cfg.alerts["min_sources"] == 2
    assert cfg.fetch["timeout_read"] == 3.0
    assert cfg.warehouse_path == Path("/tmp/w.duckdb")


def test_unknown_env_key_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"PACTWATCH_ALERTS__MIN_SOURCE.*min_sources"):
        load_config(write(tmp_path, ""), environ={"PACTWATCH_ALERTS__MIN_SOURCE": "2"})


def test_secret_variables_are_not_overrides(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, ""), environ={"PACTWATCH_WEBHOOK_SECRET": "s3cret"})
    assert "s3cret" not in repr(cfg)


def test_source_needs_exactly_one_location(tmp_path: Path) -> None:
    path = write(tmp_path, '[[sources]]\nname = "a"\nfeed = "http://x/f"\npage = "http://x/p"\n')
    with pytest.raises(ConfigError, match="exactly one of feed, page or path"):
        load_config(path, environ={})


def test_wrong_type_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"fetch\.max_bytes must be int"):
        load_config(write(tmp_path, '[fetch]\nmax_bytes = "big"\n'), environ={})


def test_bad_toml_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[alerts\n"), environ={})


def test_channel_names_are_unique_and_relative_paths_follow_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[warehouse]\npath = "w.duckdb"\n'
        '[[sources]]\nname = "local"\npath = "inbox"\n'
        '[[channels]]\ntype = "webhook"\nurl = "http://127.0.0.1:1/a"\n'
        '[[channels]]\ntype = "webhook"\nurl = "http://127.0.0.1:1/b"\n',
    )
    cfg = load_config(path, environ={})
    assert [c.name for c in cfg.channels] == ["webhook", "webhook-2"]
    assert cfg.warehouse_path == tmp_path / "w.duckdb"
    assert cfg.sources[0].location == str((tmp_path / "inbox").resolve())
