"""The set-based portfolio recompute: health, opportunity and the daily history (DESIGN.md §5)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from metrics.models import KPI
from products.models import DataProduct, ScoreSnapshot
from products.recompute import portfolio_recompute
from roadmaps.models import RoadmapItem
from tests.adoption.factories import UsageSnapshotFactory
from tests.metrics.factories import (
    DefinitionOfDoneFactory,
    DoneCriterionFactory,
    KPIFactory,
    MeasurementFactory,
    ServiceLevelCheckFactory,
    ServiceLevelFactory,
)
from tests.products.factories import DataProductFactory
from tests.roadmaps.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@pytest.fixture
def worked_product(product):
    """Every component set up, with values worked out by hand:
    outcomes (60 + 100) / 2 = 80; adoption 84 / 200 = 42; reliability 17 / 20 = 85;
    readiness 3 / 4 = 75; review 60 days ago = 100 × 120 / 150 = 80;
    score (30×80 + 25×42 + 20×85 + 15×75 + 10×80) / 100 = 70.75 → 70.8, caution (adoption).
    Opportunity: the best open item, 100 × 4 × 0.5 / (M 3 + cost 25,000 → 2) = 40; a shipped
    item's 83.3 is ignored."""
    product.target_users = 200
    product.last_reviewed_at = timezone.now() - datetime.timedelta(days=60)
    product.save()

    halfway = {"baseline_date": _days(-50), "target_date": _days(50), "cadence_days": 7}
    saves = KPIFactory(product=product, name="Saves", baseline=10, target=20, **halfway)
    MeasurementFactory(kpi=saves, value=Decimal("12"), observed_at=timezone.now() - _ago(5))
    MeasurementFactory(kpi=saves, value=Decimal("16"), observed_at=timezone.now() - _ago(1))
    coverage = KPIFactory(
        product=product,
        name="Coverage",
        direction=KPI.Direction.AT_LEAST,
        baseline=None,
        target=95,
        **halfway,
    )
    MeasurementFactory(kpi=coverage, value=Decimal("97"))
    KPIFactory(product=product, name="Unmeasured")  # no data: left out

    this_week = _monday(timezone.localdate())
    UsageSnapshotFactory(product=product, week_start=this_week - _ago(7), active_users=150)
    UsageSnapshotFactory(product=product, week_start=this_week, active_users=84)

    level = ServiceLevelFactory(product=product)
    for n in range(20):
        ServiceLevelCheckFactory(
            service_level=level,
            observed=level.objective if n < 17 else level.objective * 10,
            checked_at=timezone.now() - _ago(n % 29),
        )
    for n in range(5):  # older than 30 days: not counted; a second apart, so five checks
        ServiceLevelCheckFactory(
            service_level=level,
            observed=level.objective * 10,
            checked_at=timezone.now() - _ago(40) - datetime.timedelta(seconds=n),
        )

    definition = DefinitionOfDoneFactory(product=product)
    for met in (True, True, True, False):
        DoneCriterionFactory(definition=definition, required=True, met=met)
    DoneCriterionFactory.create_batch(2, definition=definition, required=False, met=False)

    RoadmapItemFactory(product=product, impact=4, effort="M", status="planned")
    RoadmapItemFactory(product=product, impact=5, effort="XS", status="shipped")
    return product


def _ago(days: int) -> datetime.timedelta:
    return datetime.timedelta(days=days)


def test_it_computes_the_hand_worked_health(worked_product):
    assert portfolio_recompute() == 1
    worked_product.refresh_from_db()
    components = {c["key"]: c for c in worked_product.health_breakdown["components"]}
    assert {key: c["value"] for key, c in components.items()} == {
        "outcomes": 80.0,
        "adoption": 42.0,
        "reliability": 85.0,
        "readiness": 75.0,
        "review": 80.0,
    }
    assert worked_product.health_score == 70.8
    assert worked_product.health_status == DataProduct.HealthStatus.CAUTION
    assert worked_product.opportunity_score == 40.0
    assert worked_product.scores_computed_at is not None
    assert components["adoption"]["explanation"].startswith("84 of 200 target users active")
    assert components["reliability"]["explanation"].startswith("17 of 20 service-level checks")
    assert "1 without recent data left out" in components["outcomes"]["explanation"]


def test_it_writes_one_history_row_per_day(worked_product):
    portfolio_recompute()
    portfolio_recompute()
    snapshot = ScoreSnapshot.objects.get(product=worked_product)
    assert snapshot.day == timezone.localdate()
    assert (
        snapshot.health_score,
        snapshot.health_status,
        snapshot.health_coverage,
        snapshot.opportunity_score,
    ) == (70.8, "caution", 100, 40.0)


def test_running_it_twice_changes_nothing_but_the_stamp(worked_product):
    portfolio_recompute()
    before = DataProduct.objects.values(
        "health_score", "health_status", "opportunity_score", "health_breakdown", "updated_at"
    ).get()
    snapshot_before = ScoreSnapshot.objects.values().get()
    assert portfolio_recompute() == 0
    after = DataProduct.objects.values(
        "health_score", "health_status", "opportunity_score", "health_breakdown", "updated_at"
    ).get()
    assert after == before
    assert ScoreSnapshot.objects.values().get() == snapshot_before


def test_a_changed_input_moves_the_figures_and_today_s_history(worked_product):
    portfolio_recompute()
    worked_product.last_reviewed_at = timezone.now()
    worked_product.save(update_fields=["last_reviewed_at"])
    assert portfolio_recompute() == 1
    worked_product.refresh_from_db()
    # review 100: (2400 + 1050 + 1700 + 1125 + 1000) / 100 = 72.75 → 72.8
    assert worked_product.health_score == 72.8
    assert ScoreSnapshot.objects.get().health_score == 72.8


def test_a_product_with_nothing_set_up_is_unknown(product):
    portfolio_recompute()
    product.refresh_from_db()
    assert (product.health_score, product.health_status) == (None, "unknown")
    assert product.health_coverage == 0
    assert product.health_headline == "Unknown — no data yet"
    assert product.opportunity_score is None
    assert all(c["value"] is None for c in product.health_breakdown["components"])
    assert all(c["set_up"] for c in product.health_breakdown["components"])


def test_it_stores_the_coverage_and_the_deciding_component(worked_product):
    portfolio_recompute()
    worked_product.refresh_from_db()
    # Every component known: 30 + 25 + 20 + 15 + 10; adoption (42) is the worst.
    assert worked_product.health_coverage == 100
    assert worked_product.health_breakdown["coverage"] == 100
    assert worked_product.health_breakdown["decided_by"] == "adoption"
    assert worked_product.health_headline == "Caution — adoption 42"


def test_a_product_known_only_by_its_review_has_not_enough_data(product):
    product.last_reviewed_at = timezone.now()
    product.save()
    portfolio_recompute()
    product.refresh_from_db()
    # Review 100 alone: the score is 100, but it covers 10 of the 100 weights, below 50.
    assert (product.health_score, product.health_coverage) == (100.0, 10)
    assert product.health_status == DataProduct.HealthStatus.NOT_ENOUGH_DATA
    assert product.health_breakdown["decided_by"] is None
    assert product.health_headline == "Not enough data — covers 10 of 100"
    snapshot = ScoreSnapshot.objects.get(product=product)
    assert (snapshot.health_score, snapshot.health_status, snapshot.health_coverage) == (
        100.0,
        "not_enough_data",
        10,
    )


def test_half_the_weights_gives_a_status(product):
    """Adoption 45 / 50 = 90, reliability 1 of 2 checks = 50, review today 100:
    coverage 25 + 20 + 10 = 55; score (25×90 + 20×50 + 10×100) / 55 = 4250 / 55 = 77.27… →
    77.3; caution, decided by reliability 50."""
    product.target_users = 50
    product.last_reviewed_at = timezone.now()
    product.save()
    UsageSnapshotFactory(product=product, week_start=_monday(timezone.localdate()), active_users=45)
    level = ServiceLevelFactory(product=product)
    ServiceLevelCheckFactory(service_level=level, observed=level.objective)
    ServiceLevelCheckFactory(service_level=level, observed=level.objective * 10)
    portfolio_recompute()
    product.refresh_from_db()
    assert (product.health_score, product.health_coverage) == (77.3, 55)
    assert product.health_status == DataProduct.HealthStatus.CAUTION
    assert product.health_headline == "Caution — reliability 50"
    assert ScoreSnapshot.objects.get().health_coverage == 55


def test_a_coverage_change_alone_moves_today_s_history(product):
    """Review 100 (10 of 100), then a Definition of Done fully met (readiness 100): the score
    stays 100 but the coverage moves to 25, and today's row follows."""
    product.last_reviewed_at = timezone.now()
    product.save()
    portfolio_recompute()
    definition = DefinitionOfDoneFactory(product=product)
    DoneCriterionFactory(definition=definition, required=True, met=True)
    assert portfolio_recompute() == 1
    snapshot = ScoreSnapshot.objects.get()
    assert (snapshot.health_score, snapshot.health_coverage) == (100.0, 25)


def test_it_recomputes_only_the_products_asked_for(worked_product):
    other = DataProductFactory(last_reviewed_at=timezone.now())
    portfolio_recompute(product_ids=[other.pk])
    worked_product.refresh_from_db()
    other.refresh_from_db()
    assert worked_product.scores_computed_at is None
    assert worked_product.health_score is None
    assert other.health_score == 100.0
    assert list(ScoreSnapshot.objects.values_list("product_id", flat=True)) == [other.pk]


def test_an_open_item_s_score_is_recomputed_before_the_opportunity(worked_product):
    portfolio_recompute()
    RoadmapItem.objects.filter(status="planned").update(impact=2)  # a raw change, not rescored
    portfolio_recompute()
    worked_product.refresh_from_db()
    assert worked_product.opportunity_score == 20.0  # 100 × 2 × 0.5 / 5


def _bulk_portfolio(size: int) -> None:
    """`size` products, each with a KPI and measurement, usage, a service-level check, a Definition
    of Done criterion and an open item: every roll-up has rows to read."""
    first = DataProductFactory()
    products = DataProduct.objects.bulk_create(
        DataProductFactory.build(
            owner=first.owner,
            domain=first.domain,
            target_users=50,
            last_reviewed_at=timezone.now(),
        )
        for _ in range(size)
    )
    kpis = KPI.objects.bulk_create(KPIFactory.build(product=p) for p in products)
    MeasurementFactory._meta.model.objects.bulk_create(
        MeasurementFactory.build(kpi=k) for k in kpis
    )
    UsageSnapshotFactory._meta.model.objects.bulk_create(
        UsageSnapshotFactory.build(product=p, week_start=_monday(timezone.localdate()))
        for p in products
    )
    levels = ServiceLevelFactory._meta.model.objects.bulk_create(
        ServiceLevelFactory.build(product=p) for p in products
    )
    ServiceLevelCheckFactory._meta.model.objects.bulk_create(
        ServiceLevelCheckFactory.build(service_level=level) for level in levels
    )
    definitions = DefinitionOfDoneFactory._meta.model.objects.bulk_create(
        DefinitionOfDoneFactory.build(product=p) for p in products
    )
    DoneCriterionFactory._meta.model.objects.bulk_create(
        DoneCriterionFactory.build(definition=d) for d in definitions
    )
    RoadmapItem.objects.bulk_create(RoadmapItemFactory.build(product=p) for p in products)


@pytest.mark.parametrize("size", [10, 1000])
def test_the_statement_count_does_not_grow_with_the_portfolio(on_postgres, size):
    _bulk_portfolio(size)
    with CaptureQueriesContext(connection) as queries:
        assert portfolio_recompute() == size + 1  # and the owner's product from the factory
    # Item scores: scoring model, items, hypothesis links, UPDATE, INSERT of their history.
    # Health: products with roll-ups, KPIs with latest measurements, today's history rows,
    # UPDATE of changed products, UPDATE of the computed-at stamp, upsert of the history.
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 11, statements
