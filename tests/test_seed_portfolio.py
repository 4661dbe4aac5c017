"""seed_portfolio (DESIGN.md §8): synthetic products for benchmarks, written in bulk."""

import math
import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from adoption.models import UsageSnapshot
from discovery.models import Evidence, Hypothesis, Insight, Interview, Persona
from dpm.management.commands.seed_portfolio import LINK_BATCH_SIZE, ROW_BATCH_SIZE, SYNTHETIC_PMS
from metrics.models import KPI, Measurement, ServiceLevel, ServiceLevelCheck
from products.models import DataProduct, Domain
from roadmaps.models import RoadmapItem

pytestmark = pytest.mark.django_db

SEEDED = (
    DataProduct,
    Persona,
    Interview,
    Insight,
    Hypothesis,
    Evidence,
    RoadmapItem,
    RoadmapItem.hypotheses.through,
    KPI,
    Measurement,
    ServiceLevel,
    ServiceLevelCheck,
    UsageSnapshot,
)
INSERT = re.compile(r'^INSERT (?:OR IGNORE )?INTO "(\w+)"')
SAVEPOINT_ID = re.compile(r'"s\d+_x\d+"')


def seed(*args, **options) -> str:
    out = StringIO()
    call_command("seed_portfolio", *args, stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in SEEDED}


def captured(**options) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        seed(**options)
    return [SAVEPOINT_ID.sub('"savepoint"', query["sql"]) for query in queries.captured_queries]


def shape(statements: list[str]) -> list[str]:
    """The statements with each table's consecutive INSERT batches folded into one."""
    folded: list[str] = []
    for sql in statements:
        match = INSERT.match(sql)
        step = f"INSERT INTO {match[1]}" if match else sql
        if not (match and folded and folded[-1] == step):
            folded.append(step)
    return folded


@pytest.fixture
def warmed():
    """A first run has created the shared PMs, domains and tags, as on any run after the first."""
    seed(products=1, items=1, seed=1)


def test_it_adds_n_products_with_m_items_each():
    out = seed(products=4, items=3, seed=1)

    assert DataProduct.objects.count() == 4
    assert RoadmapItem.objects.count() == 12
    per_product = DataProduct.objects.annotate(
        n_items=Count("roadmap_items", distinct=True),
        n_kpis=Count("kpis", distinct=True),
        n_usage=Count("usage", distinct=True),
        n_personas=Count("personas", distinct=True),
    )
    for product in per_product:
        assert product.n_items == 3
        assert 1 <= product.n_kpis <= 3
        assert product.n_usage == 8
        assert 1 <= product.n_personas <= 2
    per_kpi = KPI.objects.annotate(n=Count("measurements")).values_list("n", flat=True)
    assert all(8 <= n <= 12 for n in per_kpi)
    assert out.count("\n") == 1
    assert out.startswith("Added 4 products (synth-0001-*) with 12 roadmap items, ")


def test_it_accepts_zero_items():
    seed(products=2, items=0, seed=1)

    assert DataProduct.objects.count() == 2
    assert not RoadmapItem.objects.exists()
    assert Hypothesis.objects.exists()


def test_it_adds_more_products_with_unique_slugs_on_a_second_run():
    seed(products=5, items=2, seed=3)
    users, domains = get_user_model().objects.count(), Domain.objects.count()

    seed(products=5, items=2, seed=3)

    slugs = list(DataProduct.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 10
    assert {slug.rsplit("-", 1)[0] for slug in slugs} == {"synth-0001", "synth-0002"}
    assert RoadmapItem.objects.count() == 20
    assert get_user_model().objects.count() == users
    assert Domain.objects.count() == domains


def test_it_reuses_synthetic_pms_with_unusable_passwords_round_robin():
    seed(products=10, items=0, seed=1)

    pms = get_user_model().objects.filter(username__in=SYNTHETIC_PMS)
    assert pms.count() == len(SYNTHETIC_PMS)
    assert not any(pm.has_usable_password() for pm in pms)
    assert all(pm.groups.filter(name="PM").exists() for pm in pms)
    owned = DataProduct.objects.values("owner").annotate(n=Count("pk")).values_list("n", flat=True)
    assert sorted(owned) == [2] * len(SYNTHETIC_PMS)


def test_it_gives_the_same_shape_for_the_same_seed():
    seed(products=6, items=4, seed=11)
    first = counts()
    seed(products=6, items=4, seed=11)
    second = counts()
    seed(products=6, items=4, seed=12)

    assert {label: second[label] - first[label] for label in first} == first
    runs = {
        run: list(
            DataProduct.objects.filter(slug__startswith=f"synth-{run}-")
            .order_by("slug")
            .values_list("kind", "stage", "priority", "target_users")
        )
        for run in ("0001", "0002", "0003")
    }
    assert runs["0001"] == runs["0002"]
    assert runs["0001"] != runs["0003"]


def test_it_spreads_choices_and_leaves_computed_fields_empty():
    seed(products=9, items=12, seed=5)

    assert set(DataProduct.objects.values_list("kind", flat=True)) == set(DataProduct.Kind.values)
    assert set(DataProduct.objects.values_list("stage", flat=True)) == set(DataProduct.Stage.values)
    assert set(RoadmapItem.objects.values_list("solution_type", flat=True)) == set(
        RoadmapItem.SolutionType.values
    )
    assert len(set(Hypothesis.objects.values_list("status", flat=True))) >= 3
    assert not DataProduct.objects.filter(health_score__isnull=False).exists()
    assert not DataProduct.objects.filter(opportunity_score__isnull=False).exists()
    assert set(DataProduct.objects.values_list("health_status", flat=True)) == {"unknown"}
    assert not RoadmapItem.objects.filter(score__isnull=False).exists()
    assert KPI.objects.filter(baseline__isnull=True).count() == 0
    assert KPI.objects.filter(target__isnull=True).count() == 0


def test_it_writes_rows_that_pass_model_validation():
    """The database checks ranges and choices; full_clean also checks lengths, which SQLite does
    not, and the unique constraints the command avoids by construction."""
    seed(products=3, items=3, seed=2)

    for model in SEEDED:
        if model._meta.auto_created:
            continue
        for row in model._default_manager.all():
            row.full_clean()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"products": 0}, "--products"),
        ({"products": -3}, "--products"),
        ({"products": 2, "items": -1}, "--items"),
    ],
)
def test_it_rejects_bad_arguments(options, message):
    with pytest.raises(CommandError, match=message):
        seed(**options)

    assert not DataProduct.objects.exists()


def test_it_rejects_a_count_that_is_not_a_number():
    with pytest.raises(CommandError, match="invalid int value"):
        seed("--products", "many")


def test_it_runs_the_same_statements_whatever_the_portfolio_size(warmed):
    small = captured(products=5, items=3, seed=1)
    large = captured(products=50, items=3, seed=1)

    # Only the number of batches per table may differ (SQLite fits fewer rows in a statement).
    assert shape(small) == shape(large)
    assert not any(sql.startswith(("UPDATE", "DELETE")) for sql in large)


def test_it_writes_each_table_in_full_batches(warmed):
    tables = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
    before = {table: model._default_manager.count() for table, model in tables.items()}

    statements = captured(products=50, items=3, seed=1)

    inserts: dict[str, int] = {}
    for sql in statements:
        if match := INSERT.match(sql):
            inserts[match[1]] = inserts.get(match[1], 0) + 1
    for table, n_statements in inserts.items():
        model = tables[table]
        rows = model._default_manager.count() - before[table]
        if not rows:  # the shared PMs, domains and tags: one INSERT … ON CONFLICT DO NOTHING
            assert n_statements == 1, table
            continue
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        batch = LINK_BATCH_SIZE if model._meta.auto_created else ROW_BATCH_SIZE
        per_statement = min(batch, connection.ops.bulk_batch_size(fields, [None] * rows))
        assert n_statements == math.ceil(rows / per_statement), table


@pytest.mark.postgres
def test_it_runs_as_many_queries_for_50_products_as_for_5(on_postgres, warmed):
    # PostgreSQL takes 50 products' rows of every table in one batch; on SQLite, Django's
    # 999-parameter cap splits the larger tables, which the two tests above account for.
    small = captured(products=5, items=3, seed=1)
    large = captured(products=50, items=3, seed=1)

    assert len(small) == len(large)
