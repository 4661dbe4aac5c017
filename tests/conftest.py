"""Shared fixtures: one user per role, and the gate for tests that need a real service.

Tests needing Redis or Chromium skip when the service is missing, unless DPM_REQUIRE_SERVICES=1
(CI sets it): then a missing service fails the run, so CI can never go green by skipping.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

from products import roles

CHROMIUM = os.environ.get("DPM_CHROMIUM", "/usr/bin/chromium")


def require_service(available: bool, what: str) -> None:
    if available:
        return
    if settings.DPM_REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (DPM_REQUIRE_SERVICES=1) but not available", pytrace=False)
    pytest.skip(f"{what} not available")


def _redis_answers(url: str) -> bool:
    if not url:
        return False
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 2):
            return True
    except OSError:
        return False


def pytest_report_header(config):
    redis_url = os.environ.get("REDIS_URL", "")
    return [
        f"dpm database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}",
        f"dpm redis: {redis_url or 'not configured'}"
        + (" (answering)" if _redis_answers(redis_url) else ""),
        f"dpm chromium: {CHROMIUM if shutil.which(CHROMIUM) else 'not installed'}",
        f"dpm require services: {settings.DPM_REQUIRE_SERVICES}",
    ]


def pytest_configure(config):
    # Real hashing costs ~0.3 s a user; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_sessionstart(session):
    if (
        settings.DPM_REQUIRE_SERVICES
        and "postgresql" not in settings.DATABASES["default"]["ENGINE"]
    ):
        pytest.exit(
            "DPM_REQUIRE_SERVICES=1 but DATABASE_URL does not name PostgreSQL", returncode=1
        )


@pytest.fixture(autouse=True)
def _no_remembered_outage():
    """dpm.lib.outage remembers a failed Redis for 30 s in the process: one test's outage must
    not make the next one skip the cache."""
    from dpm.lib.outage import REDIS

    REDIS.clear()
    yield
    REDIS.clear()


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    require_service(_redis_answers(url), f"Redis at REDIS_URL ({url or 'unset'})")
    return url


@pytest.fixture
def on_postgres():
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


@pytest.fixture
def chromium_path():
    require_service(bool(shutil.which(CHROMIUM)), f"Chromium at {CHROMIUM}")
    return CHROMIUM


def make_user(django_user_model, username: str, *groups: str, **extra):
    user = django_user_model.objects.create_user(
        username=username,
        password="pw-for-tests",
        email=f"{username}@example.org",
        first_name=username.replace("_", " ").title(),
        **extra,
    )
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture
def pm(django_user_model):
    """A PM: owns the `product` fixture's product."""
    return make_user(django_user_model, "pm", roles.PM)


@pytest.fixture
def other_pm(django_user_model):
    """A PM who is on no product."""
    return make_user(django_user_model, "other_pm", roles.PM)


@pytest.fixture
def team_member(django_user_model):
    return make_user(django_user_model, "team_member")


@pytest.fixture
def lead(django_user_model):
    return make_user(django_user_model, "lead", roles.LEAD)


@pytest.fixture
def stakeholder(django_user_model):
    return make_user(django_user_model, "stakeholder", roles.STAKEHOLDER)


@pytest.fixture
def outsider(django_user_model):
    """Logged in, but holds no role and is on no product."""
    return make_user(django_user_model, "outsider")


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw-for-tests")


@pytest.fixture
def product(pm, team_member):
    from tests.products.factories import DataProductFactory

    product = DataProductFactory(owner=pm, name="Churn radar", slug="churn-radar")
    product.team_members.add(team_member)
    return product


@pytest.fixture
def recomputes():
    """Which products have a recompute queued: read from the real debounce marks that
    products.recompute leaves in the cache when it queues one (after commit, so tests using
    this need django_db(transaction=True, serialized_rollback=True): every transactional test
    restores the serialized data, or the next one that does finds its content types taken)."""
    from django.core.cache import cache

    from products.models import DataProduct
    from products.recompute import debounce_key

    cache.clear()

    def queued() -> list[int]:
        ids = DataProduct.objects.order_by("pk").values_list("pk", flat=True)
        return [pk for pk in ids if cache.get(debounce_key(pk))]

    yield queued
    cache.clear()
