"""No request may carry a NUL character (dpm/middleware.py): PostgreSQL cannot store or even
compare one (a DataError, a 500), and no field here has a use for it. One rule answers 400 for
a NUL anywhere in the query string, a form field (name or value) or a JSON body, before any
view runs."""

import json

import pytest

from metrics.models import KPI, Measurement
from products.models import DataProduct
from tests.api.conftest import api_client, make_token
from tests.helpers import client_for
from tests.metrics.factories import KPIFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/alerts/?product=%00",  # DataError on PostgreSQL
        "/alerts/?product=a%00b&severity=error",
        "/?domain=%00",
        "/roadmap/?product=%00",
        "/products/churn-radar/discovery/?persona=%00",
        "/alerts/?%00=1",
        "/alerts/?page=1%00",
    ],
)
def test_a_nul_in_a_query_parameter_is_a_bad_request(product, lead, url):
    response = client_for(lead).get(url)

    assert response.status_code == 400
    assert b"NUL" in response.content


def test_a_nul_in_a_posted_text_field_is_a_bad_request_and_saves_nothing(product, pm):
    data = {
        "name": "Pack\x00 time",
        "category": "outcome",
        "unit": "minutes",
        "direction": "decrease",
        "cadence_days": "7",
        "calculation": "Minutes",
        "data_source": "Looker",
    }

    response = client_for(pm).post("/products/churn-radar/metrics/kpis/new/", data)

    assert response.status_code == 400
    assert not KPI.objects.exists()


def test_a_nul_in_a_posted_field_name_is_a_bad_request(product, pm):
    response = client_for(pm).post(
        "/products/churn-radar/edit/", {"name": "Churn radar", "x\x00": "1"}
    )

    assert response.status_code == 400
    assert DataProduct.objects.get().name == "Churn radar"


@pytest.mark.parametrize(
    "item",
    [
        {"kpi": "Calls\x00", "value": "1", "observed_at": "2026-01-05T09:00"},  # a KPI's name
        {"kpi": "Calls", "value": "1", "observed_at": "2026-01-05T09:00", "note": "a\x00"},
        {"kpi": "Calls", "value": "1", "observed_at": "2026-01-05T09:00", "n\x00te": "a"},
    ],
    ids=["lookup", "text", "key"],
)
def test_a_nul_in_a_json_body_is_a_bad_request(product, pm, item):
    KPIFactory(product=product, name="Calls")
    client = api_client(make_token(pm, product))

    response = client.post(
        "/api/v1/products/churn-radar/measurements",
        json.dumps({"items": [item]}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert not Measurement.objects.exists()


def test_an_escaped_backslash_before_u0000_is_not_a_nul(product, pm):
    """A note may say \\u0000 in words: only a decoded NUL is refused."""
    kpi = KPIFactory(product=product, name="Calls")
    client = api_client(make_token(pm, product))
    item = {"kpi": kpi.pk, "value": "1", "observed_at": "2026-01-05T09:00", "note": "\\u0000"}

    response = client.post(
        "/api/v1/products/churn-radar/measurements",
        json.dumps(item),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert Measurement.objects.get().note == "\\u0000"


def test_a_form_upload_to_the_api_is_answered_not_broken(product, pm):
    client = api_client(make_token(pm, product))

    response = client.post("/api/v1/products/churn-radar/measurements", {"kpi": "Calls\x00"})

    assert response.status_code == 400


def test_a_csv_upload_is_left_to_the_csv_reader(product, pm):
    """Files are not form fields: the import names the line with the NUL."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    kpi = KPIFactory(product=product)
    upload = SimpleUploadedFile("m.csv", b"observed_at,value\n2026-01-05,1\x00\n")

    response = client_for(pm).post(
        f"/products/churn-radar/metrics/kpis/{kpi.pk}/measurements/import/", {"file": upload}
    )

    assert response.status_code == 422
    assert b"row 2: the value holds a NUL character" in response.content
