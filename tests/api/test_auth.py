"""Who may call the API: a valid, unrevoked token, within its scope (one product, or the whole
portfolio for an administrator's service-account token)."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from metrics.models import Measurement
from tests.api.conftest import api_client, make_token
from tests.metrics.factories import KPIFactory
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

READS = [
    "/api/v1/products",
    "/api/v1/products/churn-radar",
    "/api/v1/products/churn-radar/kpis",
    "/api/v1/products/churn-radar/roadmap",
]
VALID_BODIES = {
    "/api/v1/products/churn-radar/measurements": {
        "kpi": "Calls",
        "value": 3,
        "observed_at": "2026-01-05T09:00:00Z",
    },
    "/api/v1/products/churn-radar/service-level-checks": {
        "service_level": "freshness",
        "observed": 4,
    },
    "/api/v1/products/churn-radar/usage": {"week_start": "2026-01-05", "active_users": 12},
}
WRITES = list(VALID_BODIES)


def post(client: Client, url: str, body) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("url", READS + WRITES)
def test_it_answers_401_without_a_token(product, url):
    client = Client()
    response = client.get(url) if url in READS else post(client, url, {})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="dpm"'
    assert "Authorization: Bearer" in response.json()["detail"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer dpm_0123abcd_" + "A" * 43,  # well-formed, unknown
        "Bearer nonsense",
        "Basic cG06cHc=",
        "Bearer",
        "Token dpm_x",
    ],
)
def test_it_answers_401_for_a_wrong_token(token, header):
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/products")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_answers_401_when_the_secret_does_not_match_the_prefix(token):
    prefix = token[: len("dpm_0123abcd_")]
    forged = prefix + ("B" * 43 if not token.endswith("B" * 43) else "C" * 43)

    response = api_client(forged).get("/api/v1/products")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="dpm", error="invalid_token"'
    assert response.json() == {"detail": "This API token is not valid."}


def test_it_answers_401_for_a_revoked_token(token, product):
    ApiToken.objects.update(revoked_at=timezone.now())

    response = api_client(token).get("/api/v1/products/churn-radar")

    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_revoked_token_writes_nothing(token, product):
    kpi = KPIFactory(product=product)
    ApiToken.objects.update(revoked_at=timezone.now())

    response = post(
        api_client(token),
        WRITES[0],
        {"kpi": kpi.pk, "value": 1, "observed_at": "2026-01-05T09:00:00Z"},
    )

    assert response.status_code == 401
    assert not Measurement.objects.exists()


def test_the_api_does_not_redirect_to_the_login_page(product):
    response = Client().get("/api/v1/products")

    assert response.status_code == 401
    assert "Location" not in response


@pytest.mark.parametrize("url", READS[1:])
def test_a_product_token_cannot_read_another_product(pm, url):
    DataProductFactory(owner=pm, slug="churn-radar")
    other_token = make_token(pm, DataProductFactory(owner=pm, slug="other"))

    response = api_client(other_token).get(url)

    assert response.status_code == 404
    assert response.json()["detail"] == "No product “churn-radar” within this token's scope."


@pytest.mark.parametrize("url", WRITES)
def test_a_product_token_cannot_write_to_another_product(pm, url):
    product = DataProductFactory(owner=pm, slug="churn-radar")
    KPIFactory(product=product, name="Calls")
    other_token = make_token(pm, DataProductFactory(owner=pm, slug="other"))

    response = post(api_client(other_token), url, VALID_BODIES[url])

    assert response.status_code == 404
    assert not Measurement.objects.exists()
    assert not product.usage.exists()


def test_an_unknown_product_is_a_404_like_one_out_of_scope(portfolio_token):
    response = api_client(portfolio_token).get("/api/v1/products/nope")

    assert response.status_code == 404
    assert response.json()["detail"] == "No product “nope” within this token's scope."


def test_a_product_token_lists_only_its_product(pm, token, product):
    DataProductFactory(owner=pm, slug="other")

    response = api_client(token).get("/api/v1/products")

    assert [item["slug"] for item in response.json()["items"]] == ["churn-radar"]


def test_a_portfolio_token_reads_and_writes_every_product(pm, portfolio_token, product):
    DataProductFactory(owner=pm, slug="other", name="Other")
    kpi = KPIFactory(product=product, name="Calls")
    client = api_client(portfolio_token)

    listed = client.get("/api/v1/products").json()
    written = post(
        client, WRITES[0], {"kpi": "Calls", "value": 3, "observed_at": "2026-01-05T09:00:00Z"}
    )

    assert [item["slug"] for item in listed["items"]] == ["churn-radar", "other"]
    assert client.get("/api/v1/products/other").status_code == 200
    assert written.status_code == 200
    assert Measurement.objects.get().kpi == kpi


def test_it_records_when_a_token_was_last_used(token, product):
    assert ApiToken.objects.get().last_used_at is None

    api_client(token).get("/api/v1/products")

    used = ApiToken.objects.get().last_used_at
    assert used is not None
    assert timezone.now() - used < datetime.timedelta(seconds=30)


def test_it_records_last_use_at_most_once_a_minute(token, product, django_assert_num_queries):
    client = api_client(token)
    client.get("/api/v1/products/churn-radar")
    ApiToken.objects.update(last_used_at=timezone.now() - datetime.timedelta(seconds=10))

    # The token (with its product), the product: no update of last_used_at.
    with django_assert_num_queries(2):
        client.get("/api/v1/products/churn-radar")
