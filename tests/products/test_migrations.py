"""Data migrations of products, run on rows as the earlier code stored them."""

import importlib

import pytest
from django.apps import apps

from products.models import DataProduct
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

coverage_migration = importlib.import_module("products.migrations.0005_health_coverage")


def _stored(status, score, **values) -> dict:
    """The columns as the recompute stored them before coverage was kept."""
    keys = ("outcomes", "adoption", "reliability", "readiness", "review")
    return {
        "health_status": status,
        "health_score": score,
        "health_breakdown": {
            "score": score,
            "status": status,
            "summary": "Every known component is 70 or more. 4 of 5 components not set up.",
            "components": [
                {"key": key, "value": values.get(key), "explanation": "", "set_up": ""}
                for key in keys
            ],
        },
    }


def test_it_gives_stored_products_their_coverage_and_the_status_it_now_decides():
    review_only = DataProductFactory(**_stored("healthy", 100.0, review=100.0))
    # outcomes 22, adoption 90, reliability 95: coverage 75, at risk by outcomes.
    known = DataProductFactory(
        **_stored("at_risk", 65.0, outcomes=22.0, adoption=90.0, reliability=95.0)
    )
    never = DataProductFactory()  # never computed: left as it is

    coverage_migration.coverage_from_breakdown(apps, None)

    review_only.refresh_from_db()
    assert (review_only.health_status, review_only.health_coverage) == ("not_enough_data", 10)
    assert review_only.health_headline == "Not enough data — covers 10 of 100"
    assert review_only.health_breakdown["summary"] == (
        "Only Review has data: it covers 10 of 100, and a status needs 50 or more. "
        "4 of 5 components not set up."
    )
    known.refresh_from_db()
    assert (known.health_status, known.health_coverage) == ("at_risk", 75)
    assert known.health_headline == "At risk — outcomes 22"
    never.refresh_from_db()
    assert (never.health_status, never.health_coverage, never.health_breakdown) == (
        "unknown",
        0,
        {},
    )


def test_it_works_through_more_products_than_one_batch(monkeypatch):
    monkeypatch.setattr(coverage_migration, "BATCH", 2)
    for _ in range(5):
        DataProductFactory(**_stored("healthy", 100.0, review=100.0))

    coverage_migration.coverage_from_breakdown(apps, None)

    assert set(DataProduct.objects.values_list("health_status", "health_coverage")) == {
        ("not_enough_data", 10)
    }


def test_going_back_leaves_no_status_the_old_columns_refuse():
    DataProductFactory(health_status="not_enough_data")

    coverage_migration.statuses_back(apps, None)

    assert list(DataProduct.objects.values_list("health_status", flat=True)) == ["unknown"]
