"""Pushing measurements, service-level checks and weekly usage: per-item validation, all or
nothing, and idempotency keys so a retried pipeline does not double-count."""

import datetime
import json
import threading
from decimal import Decimal

import pytest
from django.utils import timezone

from adoption.models import UsageSnapshot
from adoption.services import week_start_of
from api.models import IngestionKey
from dpm.lib.validators import FUTURE_MESSAGE
from metrics.models import Measurement, ServiceLevel, ServiceLevelCheck
from tests.adoption.factories import UsageSnapshotFactory
from tests.api.conftest import api_client, make_token
from tests.metrics.factories import KPIFactory, ServiceLevelCheckFactory, ServiceLevelFactory

pytestmark = pytest.mark.django_db

MEASUREMENTS = "/api/v1/products/churn-radar/measurements"
CHECKS = "/api/v1/products/churn-radar/service-level-checks"
USAGE = "/api/v1/products/churn-radar/usage"
MINUTE = datetime.timedelta(minutes=1)


def post(client, url, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def kpi(product):
    return KPIFactory(product=product, name="At-risk accounts called")


@pytest.fixture
def freshness(product):
    return ServiceLevelFactory(product=product)  # at most 24 hours of lag


def a_week(kpi) -> list[dict]:
    monday = week_start_of(timezone.localdate()) - datetime.timedelta(days=7)
    return [
        {
            "kpi": kpi.pk if day % 2 else kpi.name,
            "value": 30 + day,
            "observed_at": f"{monday + datetime.timedelta(days=day)}T09:00:00+00:00",
        }
        for day in range(7)
    ]


# --- measurements ---------------------------------------------------------------------------------


def test_it_records_a_week_of_measurements_by_kpi_id_or_name(pipeline, kpi):
    response = post(pipeline, MEASUREMENTS, {"items": a_week(kpi)})

    assert response.status_code == 200
    assert response.json() == {"product": "churn-radar", "received": 7, "created": 7, "updated": 0}
    rows = list(Measurement.objects.order_by("observed_at"))
    assert [row.value for row in rows] == [Decimal(30 + day) for day in range(7)]
    assert {row.source for row in rows} == {Measurement.Source.API}
    assert {row.kpi for row in rows} == {kpi}


def test_it_takes_a_single_object_as_a_batch_of_one(pipeline, kpi):
    response = post(
        pipeline,
        MEASUREMENTS,
        {"kpi": kpi.name, "value": "38.25", "observed_at": "2026-01-05T09:00", "note": "dbt"},
    )

    assert response.status_code == 200
    measurement = Measurement.objects.get()
    assert measurement.value == Decimal("38.25")
    assert measurement.note == "dbt"
    # Without an offset the time is the site's (UTC by default).
    assert measurement.observed_at == datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)


def test_it_reports_every_invalid_item_and_writes_nothing(pipeline, kpi):
    items = a_week(kpi)
    items[1]["value"] = "12.34567"  # five decimal places
    items[3]["kpi"] = "Churn rate"  # no such KPI
    items[5]["note"] = "x" * 301

    response = post(pipeline, MEASUREMENTS, {"items": items})

    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Nothing was written: 3 of the items have problems."
    messages = {(error["item"], error["field"]): error["message"] for error in body["errors"]}
    assert list(messages) == [(1, "value"), (3, "kpi"), (5, "note")]
    assert messages[1, "value"] == "Ensure that there are no more than 4 decimal places."
    assert messages[3, "kpi"].startswith("Churn radar has no KPI “Churn rate”")
    assert "at most 300 characters" in messages[5, "note"]
    assert not Measurement.objects.exists()


def test_malformed_items_are_reported_before_the_domain_rules(pipeline, kpi):
    """Fields of the wrong type or missing are named first (for every item); the rules that
    need the database follow once every item is well-formed."""
    items = a_week(kpi)
    items[1]["observed_at"] = "yesterday"
    items[2]["value"] = "lots"
    items[3]["kpi"] = "Churn rate"

    response = post(pipeline, MEASUREMENTS, {"items": items})

    assert response.status_code == 422
    assert [(e["item"], e["field"]) for e in response.json()["errors"]] == [
        (1, "observed_at"),
        (2, "value"),
    ]


def test_one_bad_item_among_many_writes_nothing(pipeline, kpi):
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=30)
    items = [  # 700 good items …
        {"kpi": kpi.pk, "value": n, "observed_at": (start + n * MINUTE).isoformat()}
        for n in range(700)
    ]
    items.append({"kpi": kpi.pk, "value": "1e20", "observed_at": "2026-01-05T09:00:00Z"})

    response = post(pipeline, MEASUREMENTS, {"items": items})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "item": 700,
            "field": "value",
            "message": "Ensure that there are no more than 16 digits in total.",
        }
    ]
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"value": 1, "observed_at": "2026-01-05"}, "kpi"),
        ({"kpi": 1, "observed_at": "2026-01-05"}, "value"),
        ({"kpi": 1, "value": "NaN", "observed_at": "2026-01-05"}, "value"),
        ({"kpi": 1, "value": 1}, "observed_at"),
        ({"kpi": 1, "value": 1, "observed_at": "2026-02-30T00:00:00Z"}, "observed_at"),
        ({"kpi": 1, "value": 1, "observed_at": "2026-01-05", "source": "manual"}, "source"),
        ({"kpi": None, "value": 1, "observed_at": "2026-01-05"}, "kpi"),
    ],
)
def test_it_names_the_field_of_a_malformed_item(pipeline, kpi, item, field):
    response = post(pipeline, MEASUREMENTS, {"items": [item]})

    assert response.status_code == 422
    assert [(error["item"], error["field"]) for error in response.json()["errors"]] == [(0, field)]


def test_a_time_out_of_range_is_a_422_not_a_500(pipeline, kpi):
    response = post(
        pipeline,
        MEASUREMENTS,
        {"kpi": kpi.pk, "value": 1, "observed_at": "0001-01-01T00:00:00+05:00"},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "observed_at"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": []}, "items"),
        ({"items": "nope"}, "items"),
        ({"items": [], "extra": 1}, "extra"),
        ([{"kpi": 1}], "body"),
        ("text", "body"),
    ],
)
def test_a_malformed_body_is_a_422_about_the_request(pipeline, kpi, body, field):
    response = post(pipeline, MEASUREMENTS, body)

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {error["item"] for error in errors} == {None}
    assert field in {error["field"] for error in errors}


def test_a_body_that_is_not_json_is_a_400(pipeline, kpi):
    response = pipeline.post(MEASUREMENTS, "{oops", content_type="application/json")

    assert response.status_code == 400
    assert "Cannot parse request body" in response.json()["detail"]


def test_it_refuses_more_items_than_the_limit(pipeline, kpi, settings):
    items = [{"kpi": kpi.pk, "value": 1, "observed_at": "2026-01-05T09:00:00Z"}] * (
        settings.DPM_API_MAX_ITEMS + 1
    )

    response = post(pipeline, MEASUREMENTS, {"items": items})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "items"
    assert "at most 1000" in response.json()["errors"][0]["message"]
    assert not Measurement.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_request_queues_one_recompute_of_its_product(pm, product, recomputes):
    kpi = KPIFactory(product=product)
    client = api_client(make_token(pm, product))

    post(client, MEASUREMENTS, {"items": a_week(kpi)})

    assert recomputes() == [product.pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rejected_request_queues_no_recompute(pm, product, recomputes):
    client = api_client(make_token(pm, product))

    post(client, MEASUREMENTS, {"kpi": "nope", "value": 1, "observed_at": "2026-01-05"})

    assert recomputes() == []


# --- idempotency ----------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_replays_the_answer_without_writing(pipeline, kpi):
    first = post(pipeline, MEASUREMENTS, {"items": a_week(kpi)}, key="run-2026-01-12")

    again = post(pipeline, MEASUREMENTS, {"items": a_week(kpi)}, key="run-2026-01-12")

    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Measurement.objects.count() == 7


def test_a_retry_may_serialise_the_same_body_in_another_key_order(pipeline, kpi):
    body = {"items": a_week(kpi)}
    post(pipeline, MEASUREMENTS, body, key="k1")
    reordered = {"items": [dict(reversed(list(item.items()))) for item in body["items"]]}

    again = post(pipeline, MEASUREMENTS, reordered, key="k1")

    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert Measurement.objects.count() == 7


def test_the_same_key_with_another_body_is_a_409(pipeline, kpi):
    post(pipeline, MEASUREMENTS, {"items": a_week(kpi)}, key="k1")
    changed = a_week(kpi)
    changed[0]["value"] = 99

    response = post(pipeline, MEASUREMENTS, {"items": changed}, key="k1")

    assert response.status_code == 409
    assert "another body" in response.json()["detail"]
    assert Measurement.objects.count() == 7


def test_the_same_key_on_another_endpoint_is_a_409(pipeline, kpi, freshness):
    post(pipeline, MEASUREMENTS, {"items": a_week(kpi)}, key="k1")

    response = post(pipeline, CHECKS, {"service_level": "freshness", "observed": 3}, key="k1")

    assert response.status_code == 409
    assert "another endpoint" in response.json()["detail"]
    assert not ServiceLevelCheck.objects.exists()


def test_different_keys_write_again_updating_the_same_measurements(pipeline, kpi):
    post(pipeline, MEASUREMENTS, {"items": a_week(kpi)}, key="k1")
    again = post(pipeline, MEASUREMENTS, {"items": a_week(kpi)}, key="k2")

    assert "Idempotent-Replayed" not in again
    assert (again.json()["created"], again.json()["updated"]) == (0, 7)
    assert Measurement.objects.count() == 7  # a measurement is its KPI and time


def test_a_rejected_request_does_not_use_up_its_key(pipeline, kpi):
    bad = a_week(kpi)
    bad[2]["kpi"] = "nope"
    assert post(pipeline, MEASUREMENTS, {"items": bad}, key="k1").status_code == 422

    fixed = post(pipeline, MEASUREMENTS, {"items": a_week(kpi)}, key="k1")

    assert fixed.status_code == 200
    assert "Idempotent-Replayed" not in fixed
    assert Measurement.objects.count() == 7


def test_keys_belong_to_their_token(pm, pipeline, product, kpi):
    other = api_client(make_token(pm, product, name="second pipeline"))
    post(pipeline, MEASUREMENTS, {"items": a_week(kpi)}, key="k1")

    response = post(other, MEASUREMENTS, {"items": a_week(kpi)}, key="k1")

    assert "Idempotent-Replayed" not in response
    assert response.json()["updated"] == 7
    assert Measurement.objects.count() == 7


def test_keys_expire_after_the_retention_window(pipeline, kpi, settings):
    post(pipeline, MEASUREMENTS, {"items": a_week(kpi)}, key="k1")
    old = timezone.now() - datetime.timedelta(days=settings.DPM_API_IDEMPOTENCY_DAYS + 1)
    IngestionKey.objects.update(created_at=old)

    response = post(pipeline, MEASUREMENTS, {"items": a_week(kpi)}, key="k1")

    assert "Idempotent-Replayed" not in response
    assert response.json()["updated"] == 7
    assert Measurement.objects.count() == 7
    assert IngestionKey.objects.get().created_at > old  # the old one was pruned


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "tab\tkey", "ünïcode"])
def test_a_malformed_key_is_a_422(pipeline, kpi, key):
    response = pipeline.post(
        MEASUREMENTS,
        json.dumps({"items": a_week(kpi)}),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not Measurement.objects.exists()


# --- service-level checks -------------------------------------------------------------------------


def test_it_records_checks_and_computes_whether_they_met_the_objective(pipeline, freshness):
    availability = ServiceLevelFactory(
        product=freshness.product, indicator=ServiceLevel.Indicator.AVAILABILITY
    )
    body = {
        "items": [
            {"service_level": "freshness", "observed": 3, "checked_at": "2026-01-05T06:00Z"},
            {"service_level": "freshness", "observed": 30, "checked_at": "2026-01-06T06:00Z"},
            {"service_level": availability.pk, "observed": "99.9004"},
        ]
    }

    response = post(pipeline, CHECKS, body)

    assert response.status_code == 200
    assert response.json()["created"] == 3
    checks = {
        (check.service_level.indicator, check.observed): check.met
        for check in ServiceLevelCheck.objects.select_related("service_level")
    }
    assert checks == {
        ("freshness", Decimal("3.000")): True,
        ("freshness", Decimal("30.000")): False,
        ("availability", Decimal("99.900")): True,
    }


def test_a_caller_cannot_say_whether_a_check_was_met(pipeline, freshness):
    response = post(pipeline, CHECKS, {"service_level": "freshness", "observed": 30, "met": True})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "met"
    assert not ServiceLevelCheck.objects.exists()


def test_it_checks_every_check_with_the_service_level_rules(pipeline, freshness):
    ServiceLevelFactory(product=freshness.product, indicator=ServiceLevel.Indicator.AVAILABILITY)
    future = (timezone.now() + datetime.timedelta(hours=2)).isoformat()
    body = {
        "items": [
            {"service_level": "freshness", "observed": -1},
            {"service_level": "availability", "observed": 101},
            {"service_level": "freshness", "observed": 1, "checked_at": future},
            {"service_level": "quality_pass_rate", "observed": 99},
            {"service_level": "freshness", "observed": 2},
        ]
    }

    response = post(pipeline, CHECKS, body)

    assert response.status_code == 422
    errors = {
        (error["item"], error["field"]): error["message"] for error in response.json()["errors"]
    }
    assert errors[0, "observed"] == "The observed value cannot be negative."
    assert errors[1, "observed"] == "The observed value is a percentage: at most 100."
    assert errors[2, "checked_at"] == FUTURE_MESSAGE
    assert errors[3, "service_level"] == (
        "Churn radar has no service level “quality_pass_rate” (its indicators: availability, "
        "freshness)."
    )
    assert 4 not in {item for item, _field in errors}
    assert not ServiceLevelCheck.objects.exists()


def test_a_service_level_is_an_id_or_an_indicator(pipeline, freshness):
    response = post(pipeline, CHECKS, {"service_level": "latency", "observed": 1})

    assert response.status_code == 422
    assert [(e["item"], e["field"]) for e in response.json()["errors"]] == [(0, "service_level")]


def test_a_check_already_recorded_is_refused_even_without_a_key(pipeline, freshness):
    at = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)
    ServiceLevelCheckFactory(service_level=freshness, checked_at=at)
    body = {
        "items": [
            {"service_level": "freshness", "observed": 2, "checked_at": at.isoformat()},
            {"service_level": "freshness", "observed": 2},
        ]
    }

    response = post(pipeline, CHECKS, body)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "item": 0,
            "field": "checked_at",
            "message": f"A check of this service level at {at.isoformat()} is already recorded.",
        }
    ]
    assert ServiceLevelCheck.objects.count() == 1


def test_the_same_check_twice_in_a_request_is_refused(pipeline, freshness):
    item = {"service_level": "freshness", "observed": 2, "checked_at": "2026-01-05T06:00:00Z"}

    response = post(pipeline, CHECKS, {"items": [item, item]})

    assert response.status_code == 422
    assert response.json()["errors"][0]["item"] == 1
    assert "Repeats item 0" in response.json()["errors"][0]["message"]


# --- usage ----------------------------------------------------------------------------------------


def test_it_records_usage_for_the_monday_of_any_day(pipeline, product):
    thursday = week_start_of(timezone.localdate()) - datetime.timedelta(days=4)

    response = post(
        pipeline,
        USAGE,
        {"week_start": thursday.isoformat(), "active_users": 41, "sessions": 130},
    )

    assert response.status_code == 200
    assert response.json() == {"product": "churn-radar", "received": 1, "created": 1, "updated": 0}
    snapshot = UsageSnapshot.objects.get()
    assert snapshot.week_start == week_start_of(thursday)
    assert (snapshot.active_users, snapshot.sessions, snapshot.median_task_seconds) == (
        41,
        130,
        None,
    )
    assert snapshot.source == UsageSnapshot.Source.API


def test_a_recorded_week_is_updated_with_the_figures_given(pipeline, product):
    monday = week_start_of(timezone.localdate()) - datetime.timedelta(days=7)
    UsageSnapshotFactory(
        product=product, week_start=monday, active_users=10, sessions=20, median_task_seconds=90
    )

    response = post(
        pipeline,
        USAGE,
        {"week_start": str(monday), "active_users": 12, "median_task_seconds": None},
    )

    assert response.json()["updated"] == 1
    snapshot = UsageSnapshot.objects.get()
    # Given: replaced; left out: kept; null: cleared.
    assert (snapshot.active_users, snapshot.sessions, snapshot.median_task_seconds) == (
        12,
        20,
        None,
    )
    assert snapshot.source == UsageSnapshot.Source.API


def test_a_week_that_has_not_started_is_refused(pipeline, product):
    next_week = week_start_of(timezone.localdate()) + datetime.timedelta(days=7)
    body = {
        "items": [
            {"week_start": "2026-01-05", "active_users": 3},
            {"week_start": str(next_week + datetime.timedelta(days=2)), "active_users": 1},
        ]
    }

    response = post(pipeline, USAGE, body)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "item": 1,
            "field": "week_start",
            "message": f"{next_week + datetime.timedelta(days=2)} is in a week that has not "
            "started yet.",
        }
    ]
    assert not UsageSnapshot.objects.exists()


@pytest.mark.parametrize("figure", ["active_users", "sessions", "decisions_supported"])
@pytest.mark.parametrize("value", [-1, 2**31, 1.5, "many"])
def test_usage_figures_are_whole_numbers_in_range(pipeline, product, figure, value):
    item = {"week_start": "2026-01-05", "active_users": 3, figure: value}

    response = post(pipeline, USAGE, item)

    assert response.status_code == 422
    assert [(e["item"], e["field"]) for e in response.json()["errors"]] == [(0, figure)]


def test_two_days_of_one_week_in_a_request_are_refused(pipeline, product):
    body = {
        "items": [
            {"week_start": "2026-01-06", "active_users": 3},
            {"week_start": "2026-01-08", "active_users": 4},
        ]
    }

    response = post(pipeline, USAGE, body)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "item": 1,
            "field": "week_start",
            "message": "2026-01-08 falls in the week of 2026-01-05, as item 0 does.",
        }
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_racing_retries_with_one_key_write_once(on_postgres, pm, product, monkeypatch):
    """Both requests validate, then write at once; the second's inserts wait for the first to
    commit (one measurement per KPI and time, or the unique key), fail, roll back and replay
    the first answer."""
    from django.db import connections

    from api import services

    kpi = KPIFactory(product=product)
    plaintext = make_token(pm, product)
    both_validated = threading.Barrier(2, timeout=20)
    write = services.INGESTERS["measurements"]

    def wait_then_write(**kwargs):
        both_validated.wait()
        return write(**kwargs)

    monkeypatch.setitem(services.INGESTERS, "measurements", wait_then_write)
    answers = []

    def send():
        try:
            answers.append(post(api_client(plaintext), MEASUREMENTS, {"items": a_week(kpi)}, "r1"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [answer.status_code for answer in answers] == [200, 200]
    assert sorted(answer.get("Idempotent-Replayed", "no") for answer in answers) == ["no", "true"]
    assert answers[0].json() == answers[1].json()
    assert Measurement.objects.count() == 7
    assert IngestionKey.objects.count() == 1
