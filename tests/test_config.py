"""The app refuses to start with unsafe settings, rather than run with them."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from app.config import (
    DEVELOPMENT_SECRET_KEY,
    Config,
    ConfigurationError,
    DevelopmentConfig,
    ProductionConfig,
    TestingConfig,
)

ROOT = Path(__file__).resolve().parent.parent


def with_key(config: type[Config], key: str) -> type[Config]:
    return type(f"{config.__name__}WithKey", (config,), {"SECRET_KEY": key})


@pytest.fixture
def production_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "set")
    monkeypatch.setenv("DATABASE_URL", "postgresql://palier@db/palier")


def import_wsgi(**environment) -> subprocess.CompletedProcess:
    """Load wsgi.py as gunicorn does (`gunicorn wsgi:app`), in a process of its own."""
    env = {k: v for k, v in os.environ.items() if k not in ("PALIER_CONFIG", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_wsgi_refuses_to_start_without_palier_config():
    result = import_wsgi()
    assert result.returncode != 0
    assert "ConfigurationError: Set PALIER_CONFIG to one of development, testing, production" in (
        result.stderr
    )


def test_wsgi_under_production_refuses_the_development_key():
    result = import_wsgi(
        PALIER_CONFIG="production",
        DATABASE_URL="postgresql://palier@db/palier",
        SECRET_KEY=DEVELOPMENT_SECRET_KEY,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is the development key published with the code" in result.stderr


def test_create_app_needs_a_known_config_name(monkeypatch):
    monkeypatch.delenv("PALIER_CONFIG", raising=False)
    with pytest.raises(ConfigurationError, match="Set PALIER_CONFIG"):
        create_app()
    monkeypatch.setenv("PALIER_CONFIG", "prod")
    with pytest.raises(ConfigurationError, match="got 'prod'"):
        create_app()


@pytest.mark.usefixtures("production_environment")
def test_production_refuses_the_development_key():
    with pytest.raises(ConfigurationError, match="development key"):
        create_app(with_key(ProductionConfig, DEVELOPMENT_SECRET_KEY))


@pytest.mark.usefixtures("production_environment")
def test_production_refuses_a_short_key():
    with pytest.raises(ConfigurationError, match="too short"):
        create_app(with_key(ProductionConfig, "s3cret-but-short"))


def test_production_refuses_missing_settings(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://palier@db/palier")
    with pytest.raises(ConfigurationError, match="Set SECRET_KEY"):
        create_app(with_key(ProductionConfig, secrets.token_urlsafe(48)))


@pytest.mark.usefixtures("production_environment")
def test_production_accepts_a_proper_key(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://palier@db/palier")
    monkeypatch.setenv("SECRET_KEY", "set")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    with_key(ProductionConfig, secrets.token_urlsafe(48)).check()


@pytest.mark.usefixtures("production_environment")
def test_production_sends_mail_only_from_a_sender_of_its_own(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://palier.example.org")
    monkeypatch.delenv("MAIL_DEFAULT_SENDER", raising=False)
    with pytest.raises(ConfigurationError, match="Set MAIL_DEFAULT_SENDER"):
        with_key(ProductionConfig, secrets.token_urlsafe(48)).check()
    monkeypatch.setenv("MAIL_DEFAULT_SENDER", "Palier <palier@example.org>")
    with_key(ProductionConfig, secrets.token_urlsafe(48)).check()


@pytest.mark.usefixtures("production_environment")
def test_production_mails_links_only_to_its_public_address(monkeypatch):
    """Links e-mailed to members (address checks, password resets) must open this server."""
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("MAIL_DEFAULT_SENDER", "Palier <palier@example.org>")
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="Set PUBLIC_BASE_URL"):
        with_key(ProductionConfig, secrets.token_urlsafe(48)).check()


def test_the_reminder_comes_within_the_grace_period():
    late = type(
        "LateReminder",
        (Config,),
        {"DEVELOPMENT_SECRET_KEY_ALLOWED": True, "EMAIL_VERIFICATION_REMINDER_DAYS": 7},
    )
    with pytest.raises(ConfigurationError, match="EMAIL_VERIFICATION_REMINDER_DAYS"):
        late.check()


def test_any_other_config_refuses_the_development_key():
    staging = type("StagingConfig", (Config,), {"SECRET_KEY": DEVELOPMENT_SECRET_KEY})
    with pytest.raises(ConfigurationError, match="development key"):
        create_app(staging)


def test_development_and_testing_may_use_the_development_key():
    """`make run` serves on 127.0.0.1 only; the tests run on throwaway databases."""
    with_key(DevelopmentConfig, DEVELOPMENT_SECRET_KEY).check()
    with_key(TestingConfig, DEVELOPMENT_SECRET_KEY).check()


def test_token_limits_must_be_positive():
    broken = type("Broken", (TestingConfig,), {"TOKEN_IDLE_DAYS": 0})
    with pytest.raises(ConfigurationError, match="TOKEN_IDLE_DAYS"):
        broken.check()


def test_both_databases_test_a_pooled_connection_before_lending_it(tmp_path):
    """After a database restart the app serves again at once (app/outages.py): the engine
    pings a pooled connection before a request uses it, on SQLite as on PostgreSQL; and the
    SQLite driver option stays with the embedded database's app. In a process of its own: the
    extensions are bound to one app at a time."""
    script = (
        "from app import create_app\n"
        "from app.config import DevelopmentConfig, TestingConfig\n"
        f"uri = 'sqlite:///{tmp_path / 'embedded.sqlite'}'\n"
        "embedded = type('Embedded', (DevelopmentConfig,), {'SQLALCHEMY_DATABASE_URI': uri})\n"
        "for config in (embedded, TestingConfig, embedded):\n"
        "    options = create_app(config).config['SQLALCHEMY_ENGINE_OPTIONS']\n"
        "    print(options.get('pool_pre_ping'), 'module' in options)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["True True", "True False", "True True"]
