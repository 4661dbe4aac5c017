"""Production defaults: docker-compose.yml as shipped passes `manage.py check --deploy`, pins its
images, checks every long-running service's health and bounds gunicorn's requests."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
# Continuation lines joined, as docker reads them.
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:-|:\?)(?P<arg>[^}]*))?\}")


def interpolate(value: str, given: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}, as `docker compose up` would with
    only `given` set in the shell."""

    def one(match):
        name, op, arg = match.group("name", "op", "arg")
        if given.get(name):
            return given[name]
        if op == ":?":
            raise AssertionError(f"{name} is required: {arg}")
        return arg if op == ":-" else ""

    return INTERPOLATION.sub(one, value)


def compose_environment(service: str, given: dict[str, str]) -> dict[str, str]:
    environment = COMPOSE["services"][service]["environment"]
    return {name: interpolate(str(value), given) for name, value in environment.items()}


def run_manage(tmp_path, environment: dict[str, str], *args) -> subprocess.CompletedProcess:
    # Only what the container would have: no DATABASE_URL or DPM_* from the shell running pytest.
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env |= {"DEBUG": "0", "DPM_VAR_DIR": str(tmp_path)}  # as the Dockerfile sets them
    env |= environment
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


SECRET = {"SECRET_KEY": "k3y-for-the-deploy-check-" + "x7Qz9" * 10}


def test_check_deploy_is_clean_with_the_compose_defaults(tmp_path):
    environment = compose_environment("web", SECRET)
    assert environment["DEBUG"] == "0"

    result = run_manage(tmp_path, environment, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_an_http_trial_opts_out_of_https_with_one_variable(tmp_path):
    environment = compose_environment("web", SECRET | {"DPM_HTTPS": "0"})
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.DPM_CLIENT_IP_FROM_PROXY)"
    )

    result = run_manage(tmp_path, environment, "shell", "-c", code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "False", "False", "False", "0", "None", "False"
    ]  # fmt: skip


def test_behind_tls_the_compose_defaults_redirect_and_send_hsts(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_PROXY_SSL_HEADER, s.SECURE_REDIRECT_EXEMPT)"
    )
    result = run_manage(tmp_path, compose_environment("web", SECRET), "shell", "-c", code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "True 31536000 True ('HTTP_X_FORWARDED_PROTO', 'https') ['^healthz$']"
    )


@pytest.mark.parametrize("service", ["postgres", "redis"])
def test_compose_images_are_pinned_to_an_exact_version(service):
    image = COMPOSE["services"][service]["image"]
    assert re.fullmatch(r"[a-z]+:\d+\.\d+(\.\d+)?(-[a-z0-9]+)?", image), image


def test_the_python_base_image_is_pinned():
    base = re.search(r"^FROM (\S+)", DOCKERFILE, re.M).group(1)
    assert re.fullmatch(r"python:3\.11\.\d+-slim-[a-z]+", base), base


@pytest.mark.parametrize("service", ["postgres", "redis", "web", "worker", "beat"])
def test_every_long_running_service_has_a_healthcheck(service):
    check = COMPOSE["services"][service].get("healthcheck")
    assert check, f"{service} has no healthcheck"
    assert check["test"], service


def test_the_worker_healthcheck_pings_this_worker():
    test = " ".join(COMPOSE["services"]["worker"]["healthcheck"]["test"])
    assert "inspect ping" in test
    assert "celery@$$HOSTNAME" in test  # this container's worker, not any worker


def test_the_beat_healthcheck_reads_the_age_of_the_file_beat_touches(tmp_path, monkeypatch):
    from celery.beat import PersistentScheduler
    from django.conf import settings

    from dpm.beat import HeartbeatScheduler
    from dpm.celery import app

    test = " ".join(COMPOSE["services"]["beat"]["healthcheck"]["test"])
    assert "/app/var/beat-heartbeat" in test  # DPM_VAR_DIR is /app/var in the image
    assert settings.DPM_BEAT_HEARTBEAT_FILE == settings.VAR_DIR / "beat-heartbeat"
    assert app.conf.beat_scheduler == "dpm.beat:HeartbeatScheduler"

    heartbeat = tmp_path / "beat-heartbeat"
    monkeypatch.setattr(settings, "DPM_BEAT_HEARTBEAT_FILE", heartbeat)
    monkeypatch.setattr(PersistentScheduler, "tick", lambda self, *args, **kwargs: 7.5)
    scheduler = HeartbeatScheduler(app, schedule_filename=str(tmp_path / "schedule"), lazy=True)

    assert scheduler.tick() == 7.5
    assert heartbeat.exists()
    os.utime(heartbeat, (0, 0))
    scheduler.tick()
    assert heartbeat.stat().st_mtime > 1_000_000  # touched again on every tick


def gunicorn_options(command: str) -> dict[str, str]:
    words = command.split()
    return {word: words[i + 1] for i, word in enumerate(words[:-1]) if word.startswith("--")}


@pytest.mark.parametrize(
    "command",
    [
        COMPOSE["services"]["web"]["command"],
        " ".join(json.loads(re.search(r"^CMD (.+)$", DOCKERFILE, re.M).group(1))),
    ],
    ids=["compose", "dockerfile"],
)
def test_gunicorn_bounds_its_requests_and_recycles_its_workers(command):
    options = gunicorn_options(command)
    for option in ("--timeout", "--graceful-timeout", "--keep-alive", "--max-requests"):
        assert option in options, (option, command)
    assert int(options["--max-requests-jitter"]) > 0
    assert int(options["--graceful-timeout"]) <= int(options["--timeout"])


@pytest.mark.django_db
def test_over_https_plain_http_is_redirected_but_the_health_probe_is_not(settings):
    """The container's probe asks http://127.0.0.1:8000/healthz from inside, past the proxy."""
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client()

    assert client.get("/healthz").status_code == 200
    redirected = client.get("/accounts/login/")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/accounts/login/"
    assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
