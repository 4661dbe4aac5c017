"""The OpenAPI description the app serves, its docs page (no CDN), and a schema-driven fuzz of
every operation (schemathesis, in process, with a valid token): no input gives a 5xx."""

import re

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from api.models import ApiToken
from dpm.wsgi import application
from tests.api.conftest import make_token
from tests.metrics.factories import KPIFactory, MeasurementFactory, ServiceLevelFactory
from tests.roadmaps.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db

OPENAPI = "/api/v1/openapi.json"
OPERATIONS = {
    ("get", "/api/v1/products"),
    ("get", "/api/v1/products/{slug}"),
    ("get", "/api/v1/products/{slug}/kpis"),
    ("get", "/api/v1/products/{slug}/roadmap"),
    ("post", "/api/v1/products/{slug}/measurements"),
    ("post", "/api/v1/products/{slug}/service-level-checks"),
    ("post", "/api/v1/products/{slug}/usage"),
}


def test_it_serves_the_openapi_description_without_a_login():
    response = Client().get(OPENAPI)

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    operations = {(method, path) for path, ops in schema["paths"].items() for method in ops}
    assert operations == OPERATIONS
    assert schema["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }


def test_a_write_takes_one_item_or_a_batch():
    schema = Client().get(OPENAPI).json()

    body = schema["paths"]["/api/v1/products/{slug}/usage"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {
        "anyOf": [
            {"$ref": "#/components/schemas/UsageBatch"},
            {"$ref": "#/components/schemas/UsageItem"},
        ]
    }
    headers = schema["paths"]["/api/v1/products/{slug}/usage"]["post"]["parameters"]
    assert "Idempotency-Key" in {parameter["name"] for parameter in headers}


def test_the_docs_page_loads_nothing_from_a_cdn():
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert not re.search(r"""(src|href)=["']https?://""", page)


def test_unknown_api_paths_are_a_json_404():
    response = Client().get("/api/v1/nothing/here")

    assert response.status_code == 404
    assert response.json() == {"detail": "No API operation at /api/v1/nothing/here."}


# --- the fuzz -------------------------------------------------------------------------------------


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """schemathesis calls the WSGI app directly, whose request signals close the database
    connection — and with it the test's transaction on PostgreSQL. Django's test client
    disconnects them the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_token(pm, product, settings, wsgi_keeps_the_test_connection):
    """A token for a product with something in every table the API reads and writes."""
    settings.DPM_API_RATE = "100000/m"  # the fuzz is fast; the limit has its own tests
    kpi = KPIFactory(product=product, name="Calls")
    MeasurementFactory(kpi=kpi)
    ServiceLevelFactory(product=product)
    RoadmapItemFactory(product=product)
    token = make_token(pm, product)
    assert ApiToken.objects.count() == 1
    return token


# Loaded from the app itself, in process, when the tests are collected: the description the app
# serves is the one fuzzed. (schemathesis.pytest.from_fixture would defer this, but this
# schemathesis release's lazy loader does not run under pytest 9.)
schema = schemathesis.openapi.from_wsgi(OPENAPI, application)
FUZZ = hypothesis_settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure in CI reproduces locally
    database=None,  # so no .hypothesis/ folder is left in the work tree
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ
def test_no_input_gives_a_server_error(case, fuzz_token):
    """Generated paths, queries, headers and bodies, valid and invalid."""
    response = case.call(headers={"Authorization": f"Bearer {fuzz_token}"})

    case.validate_response(response, checks=[not_a_server_error])


@schema.parametrize()
@FUZZ
def test_no_body_for_a_real_product_gives_a_server_error(case, fuzz_token):
    """The same against the product the token may use, so the checks behind the 404 run."""
    if case.path_parameters and "slug" in case.path_parameters:
        case.path_parameters["slug"] = "churn-radar"
    response = case.call(headers={"Authorization": f"Bearer {fuzz_token}"})

    case.validate_response(response, checks=[not_a_server_error])
