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
