"""The data step before issue 12's constraints (metrics 0003): doubled measurements and checks
keep their latest row, and rows only a person can correct stop the migration, named."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("metrics", "0002_initial")]
AFTER = [("metrics", "0004_history_integrity")]
AT = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    apps = migrate(BEFORE)
    yield apps
    migrate(AFTER)


def _kpi(apps, **fields):
    # The products app stays migrated: its current model makes the product.
    product = DataProductFactory()
    values = {"name": "Calls", "category": "outcome", "direction": "increase", **fields}
    return apps.get_model("metrics", "KPI").objects.create(product_id=product.pk, **values)


def test_doubled_measurements_keep_the_latest_row(old_apps):
    kpi = _kpi(old_apps)
    Measurement = old_apps.get_model("metrics", "Measurement")
    Measurement.objects.create(kpi=kpi, value=Decimal("1"), observed_at=AT)
    Measurement.objects.create(kpi=kpi, value=Decimal("2"), observed_at=AT)
    kept = Measurement.objects.create(kpi=kpi, value=Decimal("3"), observed_at=AT)
    other = Measurement.objects.create(
        kpi=kpi, value=Decimal("4"), observed_at=AT + datetime.timedelta(days=7)
    )

    new_apps = migrate(AFTER)

    rows = new_apps.get_model("metrics", "Measurement").objects.order_by("pk")
    assert list(rows.values_list("pk", "value")) == [
        (kept.pk, Decimal("3")),
        (other.pk, Decimal("4")),
    ]


def test_a_contradictory_kpi_stops_the_migration_and_is_named(old_apps):
    _kpi(old_apps, name="Upside down", baseline=Decimal("60"), target=Decimal("20"))

    with pytest.raises(RuntimeError) as stopped:
        migrate(AFTER)

    assert "“Upside down”: increase from 60" in str(stopped.value)
    old_apps.get_model("metrics", "KPI").objects.all().delete()
