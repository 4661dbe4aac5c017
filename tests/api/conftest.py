from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from hypothesis.configuration import set_hypothesis_home_dir

from api.services import api_token_create
from products.access import product_access

# Hypothesis (under the schemathesis fuzz) keeps caches in a folder: in var/, not the work tree.
set_hypothesis_home_dir(Path(settings.VAR_DIR) / "hypothesis")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache (Redis in CI): start and end every test without
    them, so no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


def api_client(plaintext: str | None) -> Client:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"} if plaintext else {}
    return Client(**headers)


def make_token(user, product=None, name="dbt nightly run") -> str:
    """A token's plaintext: for `product` (created by `user`, on its team) or portfolio-wide
    (`user` a superuser)."""
    access = product_access(user, product) if product is not None else None
    _token, plaintext = api_token_create(user=user, name=name, access=access)
    return plaintext


@pytest.fixture
def token(pm, product) -> str:
    return make_token(pm, product)


@pytest.fixture
def pipeline(token) -> Client:
    """An API client, as a pipeline would be, with a token for the `product` fixture
    (churn-radar)."""
    return api_client(token)


@pytest.fixture
def portfolio_token(admin_user) -> str:
    return make_token(admin_user, name="warehouse sync")
