"""The settings file: defaults when missing, one message when broken, values when right."""

from pathlib import Path

import pytest

from reader.core.settings import Settings, load_settings


def test_missing_file_gives_defaults_silently(tmp_path: Path):
    settings, message = load_settings(tmp_path / "nope.toml")
    assert settings == Settings()
    assert message is None


def test_values_are_read(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text(
        'theme = "nord"\n'
        "refresh_concurrency = 3\n"
        'opener = ["open", "-a", "Safari"]\n'
        "retention_days = 30\n"
        "mark_story_read = false\n"
        "[keymap]\n"
        'next = "j, down"\n'
        'star = "x"\n'
    )
    settings, message = load_settings(path)
    assert message is None
    assert settings.theme == "nord"
    assert settings.refresh_concurrency == 3
    assert settings.opener == ("open", "-a", "Safari")
    assert settings.retention_days == 30
    assert settings.mark_story_read is False
    assert settings.keymap == {"next": "j,down", "star": "x"}


def test_opener_as_one_string_is_split_into_words(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text('opener = "firefox --new-tab"\n')
    settings, message = load_settings(path)
    assert message is None
    assert settings.opener == ("firefox", "--new-tab")


def test_invalid_toml_gives_defaults_and_one_message(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord\nrefresh_concurrency = \n')
    settings, message = load_settings(path)
    assert settings == Settings()
    assert message is not None
    assert str(path) in message and "TOML" in message


def test_wrong_values_give_defaults_and_one_message_naming_them(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text('refresh_concurrency = "many"\ncolour = "red"\nmark_story_read = "yes"\n'
                    '[keymap]\nnext = 3\n')
    settings, message = load_settings(path)
    assert settings == Settings()
    assert message is not None
    assert "refresh_concurrency" in message
    assert "colour" in message
    assert "keymap" in message
    assert "mark_story_read" in message


def test_undecodable_file_gives_a_message(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"theme = \"\xff\xfe\"\n")
    settings, message = load_settings(path)
    assert settings == Settings()
    assert message is not None


def test_default_path_comes_from_the_environment(tmp_path: Path, monkeypatch):
    path = tmp_path / "elsewhere.toml"
    path.write_text("refresh_concurrency = 2\n")
    monkeypatch.setenv("READER_CONFIG", str(path))
    settings, message = load_settings()
    assert message is None
    assert settings.refresh_concurrency == 2


@pytest.mark.parametrize("environment", [
    {},
    {"XDG_CONFIG_HOME": "/elsewhere/config", "XDG_DATA_HOME": "/elsewhere/data"},
    {"XDG_CONFIG_HOME": "", "XDG_DATA_HOME": "  "},
])
def test_folders_are_where_platformdirs_puts_them(monkeypatch, environment):
    from platformdirs import user_config_dir, user_data_dir

    from reader.core import config

    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert str(config.config_dir()) == user_config_dir("reader", appauthor=False)
    assert str(config.data_dir()) == user_data_dir("reader", appauthor=False)
