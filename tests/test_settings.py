"""Settings come from the environment; a bad value stops start-up with the variable's name."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start(tmp_path, **env) -> subprocess.CompletedProcess:
    """Load the settings in a fresh interpreter, as manage.py or gunicorn would."""
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environ.update(DJANGO_SETTINGS_MODULE="dpm.settings", DPM_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_defaults_start(tmp_path):
    assert start(tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEBUG": "0"}, "SECRET_KEY"),
        (
            {"DEBUG": "0", "SECRET_KEY": "dpm-insecure-development-key-never-use-in-production"},
            "SECRET_KEY",
        ),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"TIME_ZONE": "Mars/Base"}, "TIME_ZONE"),
        ({"DPM_TASK_TIME_LIMIT": "soon"}, "DPM_TASK_TIME_LIMIT"),
        ({"DPM_LOGIN_RATE_PER_ADDRESS": "many"}, "DPM_LOGIN_RATE_PER_ADDRESS"),
        ({"DPM_TASK_SOFT_TIME_LIMIT": "600", "DPM_TASK_TIME_LIMIT": "300"}, "SOFT_TIME_LIMIT"),
        (
            {"REDIS_URL": "redis://127.0.0.1:6379/0", "DPM_BROKER_VISIBILITY_TIMEOUT": "120"},
            "DPM_BROKER_VISIBILITY_TIMEOUT",
        ),
        ({"DPM_DB_STATEMENT_TIMEOUT_MS": "long"}, "DPM_DB_STATEMENT_TIMEOUT_MS"),
        ({"DPM_REDIS_TIMEOUT": "0"}, "DPM_REDIS_TIMEOUT"),
    ],
)
def test_a_bad_value_names_its_variable(tmp_path, env, named):
    result = start(tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.splitlines()[-1]


def test_production_starts_with_a_private_key(tmp_path):
    result = start(tmp_path, DEBUG="0", SECRET_KEY="a-long-private-random-value-for-this-test")
    assert result.returncode == 0, result.stderr


def _settings(tmp_path, code: str, **env) -> str:
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environ.update(DJANGO_SETTINGS_MODULE="dpm.settings", DPM_VAR_DIR=str(tmp_path), **env)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; {code}",
        ],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_every_connection_has_timeouts_by_default(tmp_path):
    """Issue 12: a hung database or Redis held requests until the process was killed, and a lost
    task came back only after an hour."""
    printed = _settings(
        tmp_path,
        "d = settings.DATABASES['default']['OPTIONS']; c = settings.CACHES['default']['OPTIONS'];"
        "b = settings.CELERY_BROKER_TRANSPORT_OPTIONS;"
        "print(d['connect_timeout'], d['options'], c['socket_timeout'],"
        " c['socket_connect_timeout'], b['socket_timeout'], b['visibility_timeout'])",
        DATABASE_URL="postgres://u@db:5432/dpm",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert printed == "5 -c statement_timeout=30000 -c lock_timeout=10000 2 2 2 360"
    keepalive = _settings(
        tmp_path,
        "d = settings.DATABASES['default']['OPTIONS'];"
        "print(d['keepalives_idle'], d['tcp_user_timeout'])",
        DATABASE_URL="postgres://u@db:5432/dpm",
    )
    assert keepalive == "30 10000"
