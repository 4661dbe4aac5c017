"""The data steps of issue 12's constraints: exact duplicates of a measurement or check go (the
latest row stays), and rows only a person can settle — duplicates whose figures differ, dates out
of range, contradictory KPIs — stop the migration, named, with nothing deleted (metrics 0003);
times are cut to the whole second by the same rule (metrics 0005); notes become one line (0006)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("metrics", "0002_initial")]
AFTER = [("metrics", "0004_history_integrity")]
LATEST = [("metrics", "0006_notes_on_one_line")]
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
    migrate(LATEST)


@pytest.fixture
def apps_0004():
    apps = migrate(AFTER)
    yield apps
    migrate(LATEST)


def _kpi(apps, **fields):
    # The products app stays migrated: its current model makes the product.
    product = DataProductFactory()
    values = {"name": "Calls", "category": "outcome", "direction": "increase", **fields}
    return apps.get_model("metrics", "KPI").objects.create(product_id=product.pk, **values)


def test_exact_duplicate_measurements_keep_the_latest_row(old_apps):
    kpi = _kpi(old_apps)
    Measurement = old_apps.get_model("metrics", "Measurement")
    # The same figure: a re-import or a retry. The source is where it came from, not the figure.
    Measurement.objects.create(kpi=kpi, value=Decimal("3"), observed_at=AT, note="n")
    Measurement.objects.create(kpi=kpi, value=Decimal("3.0"), observed_at=AT, note="n")
    kept = Measurement.objects.create(
        kpi=kpi, value=Decimal("3"), observed_at=AT, note="n", source="import"
    )
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


def test_conflicting_duplicate_measurements_stop_the_migration_and_delete_nothing(old_apps):
    kpi = _kpi(old_apps, name="Calls")
    Measurement = old_apps.get_model("metrics", "Measurement")
    Measurement.objects.create(kpi=kpi, value=Decimal("1"), observed_at=AT)
    Measurement.objects.create(kpi=kpi, value=Decimal("2"), observed_at=AT, note="recount")
    Measurement.objects.create(kpi=kpi, value=Decimal("2"), observed_at=AT, note="recount")

    with pytest.raises(RuntimeError) as stopped:
        migrate(AFTER)

    message = str(stopped.value)
    assert f"KPI {kpi.pk} “Calls” at 2026-01-05T09:00:00+00:00: 1; 2 (recount)" in message
    assert Measurement.objects.count() == 3
    Measurement.objects.all().delete()


def test_conflicting_duplicate_checks_stop_the_migration(old_apps):
    product = DataProductFactory()
    level = old_apps.get_model("metrics", "ServiceLevel").objects.create(
        product_id=product.pk, indicator="freshness", objective=Decimal("6"), unit="hours"
    )
    Check = old_apps.get_model("metrics", "ServiceLevelCheck")
    Check.objects.create(service_level=level, observed=Decimal("4"), met=True, checked_at=AT)
    Check.objects.create(service_level=level, observed=Decimal("9"), met=False, checked_at=AT)

    with pytest.raises(RuntimeError) as stopped:
        migrate(AFTER)

    assert (
        f"service level {level.pk} (freshness) at 2026-01-05T09:00:00+00:00: observed 4; 9"
        in str(stopped.value)
    )
    assert Check.objects.count() == 2
    Check.objects.all().delete()


def test_exact_duplicate_checks_keep_the_latest_row(old_apps):
    product = DataProductFactory()
    level = old_apps.get_model("metrics", "ServiceLevel").objects.create(
        product_id=product.pk, indicator="freshness", objective=Decimal("6"), unit="hours"
    )
    Check = old_apps.get_model("metrics", "ServiceLevelCheck")
    Check.objects.create(service_level=level, observed=Decimal("4"), met=True, checked_at=AT)
    kept = Check.objects.create(service_level=level, observed=Decimal("4"), met=True, checked_at=AT)

    new_apps = migrate(AFTER)

    checks = new_apps.get_model("metrics", "ServiceLevelCheck").objects
    assert list(checks.values_list("pk", flat=True)) == [kept.pk]


def test_sub_second_times_are_cut_to_the_second_merging_exact_duplicates(apps_0004):
    kpi = _kpi(apps_0004)
    Measurement = apps_0004.get_model("metrics", "Measurement")
    alone = Measurement.objects.create(
        kpi=kpi, value=Decimal("5"), observed_at=AT.replace(microsecond=250_000)
    )
    Measurement.objects.create(
        kpi=kpi, value=Decimal("6"), observed_at=AT + datetime.timedelta(days=1), note="x"
    )
    latest = Measurement.objects.create(
        kpi=kpi,
        value=Decimal("6"),
        observed_at=AT + datetime.timedelta(days=1, microseconds=10),
        note="x",
    )

    new_apps = migrate(LATEST)

    rows = new_apps.get_model("metrics", "Measurement").objects.order_by("observed_at")
    assert list(rows.values_list("pk", "observed_at", "value")) == [
        (alone.pk, AT, Decimal("5")),
        (latest.pk, AT + datetime.timedelta(days=1), Decimal("6")),
    ]


def test_sub_second_times_with_different_figures_in_one_second_stop_the_migration(apps_0004):
    kpi = _kpi(apps_0004, name="Calls")
    Measurement = apps_0004.get_model("metrics", "Measurement")
    Measurement.objects.create(kpi=kpi, value=Decimal("5"), observed_at=AT)
    Measurement.objects.create(
        kpi=kpi, value=Decimal("7"), observed_at=AT.replace(microsecond=500_000)
    )

    with pytest.raises(RuntimeError) as stopped:
        migrate(LATEST)

    assert f"KPI {kpi.pk} “Calls” at 2026-01-05T09:00:00+00:00: 5; 7" in str(stopped.value)
    assert Measurement.objects.count() == 2
    Measurement.objects.all().delete()


@pytest.fixture
def apps_0005():
    apps = migrate([("metrics", "0005_observed_times_to_the_second")])
    yield apps
    migrate(LATEST)


def test_stored_notes_become_one_line(apps_0005):
    kpi = _kpi(apps_0005)
    Measurement = apps_0005.get_model("metrics", "Measurement")
    Measurement.objects.create(
        kpi=kpi, value=Decimal("1"), observed_at=AT, note="line one\r\nline two\tend\u2028"
    )

    new_apps = migrate(LATEST)

    notes = new_apps.get_model("metrics", "Measurement").objects.values_list("note", flat=True)
    assert list(notes) == ["line one line two end"]
