"""Rate limits: per API token (and per address for requests without a valid token), and per
address and username for failed log-ins; a clear 429 with Retry-After."""

import pytest
from django.test import Client

from api.ratelimit import client_ip, describe_rate
from tests.api.conftest import api_client, make_token
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


# --- the API --------------------------------------------------------------------------------------


def test_a_token_gets_a_429_with_retry_after_beyond_its_rate(token, product, settings):
    settings.DPM_API_RATE = "3/m"
    client = api_client(token)

    statuses = [client.get("/api/v1/products").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/products")
    assert limited.status_code == 429
    assert limited["Content-Type"] == "application/json; charset=utf-8"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["detail"] == (
        f"Too many requests: the limit is 3 requests a minute. Try again in "
        f"{limited['Retry-After']} s."
    )


def test_writes_count_against_the_same_limit(token, product, settings):
    settings.DPM_API_RATE = "1/m"
    client = api_client(token)
    client.get("/api/v1/products")

    response = client.post(
        "/api/v1/products/churn-radar/usage",
        '{"week_start": "2026-01-05", "active_users": 3}',
        content_type="application/json",
    )

    assert response.status_code == 429
    assert not product.usage.exists()


def test_each_token_has_its_own_limit(pm, product, settings):
    settings.DPM_API_RATE = "2/m"
    first = api_client(make_token(pm, product, name="first"))
    second = api_client(make_token(pm, product, name="second"))
    for _ in range(3):
        first.get("/api/v1/products")

    assert first.get("/api/v1/products").status_code == 429
    assert second.get("/api/v1/products").status_code == 200


def test_requests_without_a_valid_token_are_limited_per_address(token, product, settings):
    settings.DPM_API_RATE = "2/m"
    stranger = Client(HTTP_AUTHORIZATION="Bearer dpm_0123abcd_" + "A" * 43)

    statuses = [stranger.get("/api/v1/products").status_code for _ in range(3)]

    assert statuses == [401, 401, 429]
    assert "Retry-After" in stranger.get("/api/v1/products")
    # A caller from another address is not held back by them.
    elsewhere = api_client(token).get("/api/v1/products", REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 200


@pytest.mark.parametrize(
    ("rate", "words"),
    [
        ("600/m", "600 requests a minute"),
        ("1/s", "1 request a second"),
        ("100/5m", "100 requests every 5 minutes"),
        ("5000/d", "5000 requests a day"),
    ],
)
def test_rates_read_as_words(rate, words):
    assert describe_rate(rate) == words


# --- login ----------------------------------------------------------------------------------------


def fail(client: Client, username: str = "pm", **extra):
    return client.post(LOGIN, {"username": username, "password": "wrong"}, **extra)


def test_failed_logins_beyond_the_rate_get_a_clear_429_page(pm, settings):
    settings.DPM_LOGIN_RATE = "3/m"
    client = Client()

    statuses = [fail(client).status_code for _ in range(3)]
    limited = fail(client)

    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    page = limited.content.decode()
    assert "Too many failed log-ins" in page
    assert f"Try again in {limited['Retry-After']} second" in page
    assert 'href="/accounts/login/"' in page


def test_the_right_password_is_refused_too_while_paused(pm, settings):
    settings.DPM_LOGIN_RATE = "2/m"
    client = Client()
    fail(client)
    fail(client)

    response = client.post(LOGIN, {"username": "pm", "password": "pw-for-tests"})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_successful_logins_do_not_count(pm, settings):
    settings.DPM_LOGIN_RATE = "2/m"
    for _ in range(4):
        client = Client()
        response = client.post(LOGIN, {"username": "pm", "password": "pw-for-tests"})
        assert response.status_code == 302


def test_the_limit_is_per_username_and_address(pm, settings):
    settings.DPM_LOGIN_RATE = "2/m"
    client = Client()
    fail(client, "pm")
    fail(client, "PM ")  # the same username, as typed differently

    assert fail(client, "pm").status_code == 429
    assert fail(client, "lead").status_code == 200
    assert fail(client, "pm", REMOTE_ADDR="10.0.0.7").status_code == 200


def test_one_address_trying_many_usernames_is_limited_per_address(pm, settings):
    settings.DPM_LOGIN_RATE = "2/m"
    settings.DPM_LOGIN_RATE_PER_ADDRESS = "3/m"
    client = Client()

    statuses = [fail(client, name).status_code for name in ("ann", "bob", "cy")]
    limited = fail(client, "dee")

    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    page = limited.content.decode()
    assert "Too many failed log-ins from this address" in page
    assert f"Try again in {limited['Retry-After']} second" in page
    # Every account is paused from there, the right password too; other addresses are not.
    assert client.post(LOGIN, {"username": "pm", "password": "pw-for-tests"}).status_code == 429
    assert fail(client, "eve", REMOTE_ADDR="10.0.0.7").status_code == 200


def test_the_per_username_limit_holds_below_the_per_address_one(pm, settings):
    settings.DPM_LOGIN_RATE = "2/m"
    settings.DPM_LOGIN_RATE_PER_ADDRESS = "30/m"
    client = Client()
    fail(client, "pm")
    fail(client, "pm")

    limited = fail(client, "pm")

    assert limited.status_code == 429
    assert "Logging in as “pm” from this address is paused" in limited.content.decode()
    assert fail(client, "lead").status_code == 200


def test_the_per_address_rate_is_a_setting_with_a_default():
    from django.conf import settings

    assert settings.DPM_LOGIN_RATE_PER_ADDRESS == "30/m"


def test_the_login_page_itself_is_never_limited(settings):
    settings.DPM_LOGIN_RATE = "1/m"
    client = Client()
    fail(client)
    fail(client)

    assert client.get(LOGIN).status_code == 200


def test_behind_the_proxy_the_address_is_the_last_forwarded_one(pm, settings):
    settings.DPM_LOGIN_RATE = "1/m"
    settings.DPM_CLIENT_IP_FROM_PROXY = True
    client = Client()
    # The client may put anything first; the proxy appends the address it saw.
    fail(client, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5", REMOTE_ADDR="10.0.0.1")

    again = fail(client, HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.5", REMOTE_ADDR="10.0.0.1")
    other = fail(client, HTTP_X_FORWARDED_FOR="203.0.113.6", REMOTE_ADDR="10.0.0.1")

    assert again.status_code == 429
    assert other.status_code == 200


def test_without_the_proxy_setting_forwarded_headers_are_ignored(rf, settings):
    settings.DPM_CLIENT_IP_FROM_PROXY = False
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.5", REMOTE_ADDR="10.0.0.1")

    assert client_ip(request) == "10.0.0.1"


def test_a_cache_outage_lets_requests_through(token, product, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    def down(*args, **kwargs):
        raise RedisConnectionError("down")

    monkeypatch.setattr("api.ratelimit.get_usage", down)

    assert api_client(token).get("/api/v1/products").status_code == 200
    assert fail(Client()).status_code == 200


def test_a_portfolio_token_is_limited_like_any_other(pm, portfolio_token, settings):
    settings.DPM_API_RATE = "1/m"
    DataProductFactory(owner=pm)
    client = api_client(portfolio_token)
    client.get("/api/v1/products")

    assert client.get("/api/v1/products").status_code == 429
