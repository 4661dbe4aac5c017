"""Issue 12 on the ingestion API: the same date rules as the forms and CSV imports (a sane range,
nothing after now beyond the clock skew), and a batch retried without an Idempotency-Key
updates in place rather than doubling."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from adoption.models import UsageSnapshot
from metrics.models import Measurement, ServiceLevelCheck
from tests.metrics.factories import KPIFactory, ServiceLevelFactory

pytestmark = pytest.mark.django_db

MEASUREMENTS = "/api/v1/products/churn-radar/measurements"
CHECKS = "/api/v1/products/churn-radar/service-level-checks"
USAGE = "/api/v1/products/churn-radar/usage"
RANGE = "Enter a date between 1 January 1900 and 31 December 2199."


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def errors(response) -> list[tuple]:
    return [(e["item"], e["field"], e["message"]) for e in response.json()["errors"]]


@pytest.fixture
def kpi(product):
    return KPIFactory(product=product, name="At-risk accounts called")


@pytest.mark.parametrize(
    "observed_at",
    ["0001-01-01T00:00:00Z", "1899-12-31T23:59:00Z", "2200-01-01T00:00:00Z"],
)
def test_a_measurement_out_of_range_is_refused_with_the_forms_words(pipeline, kpi, observed_at):
    response = post(pipeline, MEASUREMENTS, {"kpi": kpi.pk, "value": 1, "observed_at": observed_at})

    assert response.status_code == 422
    assert (0, "observed_at", RANGE) in errors(response)
    assert not Measurement.objects.exists()


def test_a_measurement_days_ahead_is_refused(pipeline, kpi):
    ahead = (timezone.now() + datetime.timedelta(days=3)).isoformat()

    response = post(pipeline, MEASUREMENTS, {"kpi": kpi.pk, "value": 1, "observed_at": ahead})

    assert response.status_code == 422
    assert [(item, field) for item, field, _ in errors(response)] == [(0, "observed_at")]
    assert "in the future" in errors(response)[0][2]
    assert not Measurement.objects.exists()


def test_a_measurement_a_few_minutes_ahead_is_clock_skew(pipeline, kpi):
    ahead = (timezone.now() + datetime.timedelta(minutes=3)).isoformat()

    response = post(pipeline, MEASUREMENTS, {"kpi": kpi.pk, "value": 1, "observed_at": ahead})

    assert response.status_code == 200
    assert Measurement.objects.count() == 1


def test_a_check_out_of_range_is_refused(pipeline, product):
    ServiceLevelFactory(product=product)
    item = {"service_level": "freshness", "observed": 2, "checked_at": "0001-01-01T00:00:00Z"}

    response = post(pipeline, CHECKS, item)

    assert response.status_code == 422
    assert (0, "checked_at", RANGE) in errors(response)
    assert not ServiceLevelCheck.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-25"])
def test_a_usage_week_before_1900_is_refused(pipeline, product, day):
    response = post(pipeline, USAGE, {"week_start": day, "active_users": 3})

    assert response.status_code == 422
    assert (0, "week_start", RANGE) in errors(response)
    assert not UsageSnapshot.objects.exists()


def test_a_batch_retried_without_a_key_updates_in_place(pipeline, kpi):
    observed = timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)
    earlier = observed - datetime.timedelta(days=1)
    items = [
        {"kpi": kpi.pk, "value": "30", "observed_at": observed.isoformat()},
        {"kpi": kpi.name, "value": "31", "observed_at": earlier.isoformat()},
    ]

    first = post(pipeline, MEASUREMENTS, {"items": items})
    items[0]["value"] = "32"  # the retry carries a corrected figure
    retry = post(pipeline, MEASUREMENTS, {"items": items})

    assert first.json() | {"product": None} == {
        "product": None, "received": 2, "created": 2, "updated": 0,
    }  # fmt: skip
    assert retry.status_code == 200
    assert retry.json()["created"] == 0
    assert retry.json()["updated"] == 2
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [
        Decimal("31"),
        Decimal("32"),
    ]


def test_the_same_kpi_and_time_twice_in_a_batch_is_refused(pipeline, kpi):
    item = {"kpi": kpi.pk, "value": "30", "observed_at": "2026-01-05T09:00:00Z"}

    response = post(pipeline, MEASUREMENTS, {"items": [item, {**item, "kpi": kpi.name}]})

    assert response.status_code == 422
    assert errors(response) == [(1, "observed_at", "Repeats item 0: the same KPI and time.")]
    assert not Measurement.objects.exists()
