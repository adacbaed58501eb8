"""Service settings from the environment: defaults, one-line errors."""

from __future__ import annotations

import pytest

from bot.settings import Settings, SettingsError

PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"


def base_env(tmp_path, **extra) -> dict[str, str]:
    return {"CHARTWARDEN_APP_ID": "12345", "CHARTWARDEN_PRIVATE_KEY": PEM, "CHARTWARDEN_WEBHOOK_SECRET": "s3cret",
            "CHARTWARDEN_DATA_DIR": str(tmp_path), **extra}


def test_defaults_from_a_minimal_environment(tmp_path):
    settings = Settings.from_env(base_env(tmp_path))
    assert (settings.app_id, settings.private_key, settings.webhook_secret) == (12345, PEM, "s3cret")
    assert settings.database_url == f"sqlite:///{tmp_path}/chartwarden.db"
    assert (settings.github_api_url, settings.host, settings.port, settings.bot_login) == (
        "https://api.github.com/", "127.0.0.1", 8000, "chartwarden[bot]")
    assert (settings.job_lease_seconds, settings.job_max_attempts, settings.webhook_secrets) == (120.0, 5, ("s3cret",))
    assert settings.sweep_seconds == 300.0
    assert settings.db_pool_size == 10


def test_secrets_never_show_in_the_repr(tmp_path):
    text = repr(Settings.from_env(base_env(tmp_path, CHARTWARDEN_WEBHOOK_SECRET_PREVIOUS="old-one")))
    assert "s3cret" not in text and "MIIB" not in text and "old-one" not in text
    assert "app_id=12345" in text


def test_everything_can_be_set(tmp_path):
    key = tmp_path / "app.pem"
    key.write_text(PEM + "\n")
    env = base_env(tmp_path, CHARTWARDEN_PRIVATE_KEY="", CHARTWARDEN_PRIVATE_KEY_FILE=str(key),
                   DATABASE_URL="postgres://cw@db:5432/cw", CHARTWARDEN_PORT="9000", CHARTWARDEN_HOST="0.0.0.0",
                   CHARTWARDEN_GITHUB_API_URL="http://127.0.0.1:4010/", CHARTWARDEN_APP_SLUG="cw-test",
                   CHARTWARDEN_JOB_LEASE_SECONDS="2.5", CHARTWARDEN_JOB_MAX_ATTEMPTS="7", CHARTWARDEN_LOG_LEVEL="debug",
                   CHARTWARDEN_WEBHOOK_SECRET_PREVIOUS="old", CHARTWARDEN_SWEEP_SECONDS="0",
                   CHARTWARDEN_DB_POOL_SIZE="24")
    settings = Settings.from_env(env)
    assert settings.private_key == PEM
    assert settings.database_url == "postgresql+psycopg://cw@db:5432/cw"
    assert (settings.port, settings.host, settings.github_api_url, settings.bot_login) == (9000, "0.0.0.0", "http://127.0.0.1:4010/", "cw-test[bot]")
    assert (settings.job_lease_seconds, settings.job_max_attempts, settings.log_level) == (2.5, 7, "DEBUG")
    assert settings.webhook_secrets == ("s3cret", "old")
    assert settings.sweep_seconds == 0.0  # the sweeper is off
    assert settings.db_pool_size == 24


def test_a_missing_variable_gives_one_clear_line(tmp_path):
    env = base_env(tmp_path)
    del env["CHARTWARDEN_APP_ID"]
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env)
    assert str(caught.value) == "CHARTWARDEN_APP_ID is not set (the GitHub App's numeric id)"


def test_every_problem_is_named_on_the_same_line(tmp_path):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"CHARTWARDEN_DATA_DIR": str(tmp_path), "CHARTWARDEN_PORT": "eighty"})
    assert str(caught.value) == (
        "CHARTWARDEN_APP_ID is not set (the GitHub App's numeric id); "
        "CHARTWARDEN_PRIVATE_KEY or CHARTWARDEN_PRIVATE_KEY_FILE is not set (the App's PEM private key); "
        "CHARTWARDEN_WEBHOOK_SECRET is not set (the App's webhook secret); "
        "CHARTWARDEN_PORT='eighty' is not a whole number"
    )
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"CHARTWARDEN_APP_ID": "my-app"}, "CHARTWARDEN_APP_ID='my-app' is not a numeric App id"),
        ({"CHARTWARDEN_PRIVATE_KEY": "ghp_notakey"}, "CHARTWARDEN_PRIVATE_KEY does not hold a PEM private key (expected '-----BEGIN ... PRIVATE KEY-----')"),
        ({"CHARTWARDEN_PRIVATE_KEY": "", "CHARTWARDEN_PRIVATE_KEY_FILE": "/nonexistent/app.pem"},
         "CHARTWARDEN_PRIVATE_KEY_FILE=/nonexistent/app.pem: cannot read: No such file or directory"),
        ({"CHARTWARDEN_JOB_MAX_ATTEMPTS": "0"}, "CHARTWARDEN_JOB_MAX_ATTEMPTS must be at least 1"),
        ({"CHARTWARDEN_DB_POOL_SIZE": "0"}, "CHARTWARDEN_DB_POOL_SIZE must be at least 1"),
        ({"CHARTWARDEN_SWEEP_SECONDS": "-5"}, "CHARTWARDEN_SWEEP_SECONDS must not be negative"),
        ({"CHARTWARDEN_SWEEP_SECONDS": "hourly"}, "CHARTWARDEN_SWEEP_SECONDS='hourly' is not a number"),
        ({"CHARTWARDEN_LOG_LEVEL": "loud"}, "CHARTWARDEN_LOG_LEVEL='LOUD' is not one of DEBUG, INFO, WARNING, ERROR"),
    ],
)
def test_malformed_values_are_named(tmp_path, extra, message):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(base_env(tmp_path, **extra))
    assert str(caught.value) == message
