"""The set-based recompute of roadmap item scores (DESIGN.md §5, §6)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discovery.models import Hypothesis
from roadmaps.models import RoadmapItem, ScoreChange
from roadmaps.services import recompute_item_scores
from tests.discovery.factories import HypothesisFactory
from tests.products.factories import DataProductFactory
from tests.roadmaps.factories import RoadmapItemFactory, ScoringModelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked_example(product):
    """DESIGN.md §5: impact 4, validated + testing hypotheses (confidence 0.85), effort M
    (3 points), build 50,000 + run 10,000 = 60,000 (3 points): 100 × 4 × 0.85 / 6 = 56.7."""
    hypotheses = [
        HypothesisFactory(product=product, status=Hypothesis.Status.VALIDATED),
        HypothesisFactory(product=product, status=Hypothesis.Status.TESTING),
    ]
    return RoadmapItemFactory(
        product=product,
        impact=4,
        effort="M",
        build_cost=Decimal("50000"),
        run_cost_yearly=Decimal("10000"),
        hypotheses=hypotheses,
    )


def test_it_scores_the_worked_example(worked_example):
    assert recompute_item_scores() == 1
    worked_example.refresh_from_db()
    assert worked_example.score == 56.7
    assert worked_example.score_breakdown["framework"] == "iec"
    assert worked_example.scored_at is not None
    change = ScoreChange.objects.get(item=worked_example)
    assert (change.previous_score, change.score) == (None, 56.7)


def test_running_it_twice_changes_nothing(worked_example):
    recompute_item_scores()
    before = RoadmapItem.objects.values_list("score", "score_breakdown", "scored_at").get()
    assert recompute_item_scores() == 0
    assert RoadmapItem.objects.values_list("score", "score_breakdown", "scored_at").get() == before
    assert ScoreChange.objects.count() == 1


def test_a_hypothesis_status_change_moves_the_score_and_says_why(worked_example, pm):
    recompute_item_scores()
    testing = worked_example.hypotheses.get(status="testing")
    Hypothesis.objects.filter(pk=testing.pk).update(status="invalidated")

    recompute_item_scores(changed_by=pm)

    worked_example.refresh_from_db()
    # confidence (1.0 + 0.1) / 2 = 0.55: 100 × 4 × 0.55 / 6 = 36.666… → 36.7
    assert worked_example.score == 36.7
    change = ScoreChange.objects.filter(item=worked_example).latest("pk")
    assert (change.previous_score, change.score, change.changed_by) == (56.7, 36.7, pm)
    assert change.changed_inputs == ["confidence"]


def test_an_edit_of_an_input_is_named_in_the_history(worked_example):
    recompute_item_scores()
    RoadmapItem.objects.filter(pk=worked_example.pk).update(effort="XXL")

    recompute_item_scores()

    # 100 × 4 × 0.85 / (13 + 3) = 21.25 → 21.3 (half-up)
    change = ScoreChange.objects.filter(item=worked_example).latest("pk")
    assert (change.previous_score, change.score) == (56.7, 21.3)
    assert change.changed_inputs == ["effort"]


def test_it_recomputes_only_the_products_asked_for(worked_example):
    other = RoadmapItemFactory(product=DataProductFactory(), impact=2, effort="S")
    assert recompute_item_scores(product_ids=[worked_example.product_id]) == 1
    other.refresh_from_db()
    assert other.score is None


def test_a_new_scoring_model_rescores_every_item(worked_example):
    recompute_item_scores()
    ScoringModelFactory(active=True, framework="wsjf")

    assert recompute_item_scores() == 1

    worked_example.refresh_from_db()
    # WSJF: (impact 4 + time criticality 1 + risk reduction 1, both unset) / job size M 3 = 2.0
    assert worked_example.score == 2.0
    change = ScoreChange.objects.filter(item=worked_example).latest("pk")
    assert change.changed_inputs == ["framework"]


def test_a_hypothesis_moved_in_the_workspace_rescores_its_items(
    worked_example, pm, client, django_capture_on_commit_callbacks
):
    recompute_item_scores()
    testing = worked_example.hypotheses.get(status="testing")
    client.force_login(pm)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            f"/products/churn-radar/discovery/hypotheses/{testing.pk}/status/",
            {"status": "validated"},
        )

    assert response.status_code == 302
    # The items' rescore in this request, then the product's queued recompute (opportunity).
    assert len(callbacks) == 2
    worked_example.refresh_from_db()
    # both validated: confidence 1.0 → 100 × 4 × 1.0 / 6 = 66.7
    assert worked_example.score == 66.7


def _portfolio(items: int) -> None:
    products = DataProductFactory.create_batch(5)
    hypotheses = [HypothesisFactory(product=p, status="testing") for p in products]
    created = RoadmapItem.objects.bulk_create(
        RoadmapItemFactory.build(product=products[n % 5], impact=1 + n % 5, effort="M")
        for n in range(items)
    )
    RoadmapItem.hypotheses.through.objects.bulk_create(
        RoadmapItem.hypotheses.through(roadmapitem_id=item.pk, hypothesis_id=hypotheses[n % 5].pk)
        for n, item in enumerate(created)
    )


@pytest.mark.parametrize("items", [100, 2000])
def test_the_statement_count_does_not_grow_with_the_portfolio(on_postgres, items):
    _portfolio(items)
    with CaptureQueriesContext(connection) as queries:
        assert recompute_item_scores() == items
    # scoring model, items, hypothesis links, one UPDATE, one INSERT of the history
    # (plus the savepoint pair of the atomic block inside the test's transaction).
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 5, statements
    # Not bulk_update's CASE ladder, whose cost grows with the square of the rows (issue 12).
    assert not any("CASE WHEN" in sql for sql in statements)


def test_it_works_through_the_portfolio_in_chunks_of_constant_size(monkeypatch, product):
    """Memory is one chunk's (all 100,000 breakdowns at once took 820 MB): five items in chunks
    of two are each scored once, and a second run finds nothing to do."""
    monkeypatch.setattr("roadmaps.services.BATCH_SIZE", 2)
    hypothesis = HypothesisFactory(product=product, status=Hypothesis.Status.VALIDATED)
    items = [
        RoadmapItemFactory(
            product=product, impact=n, effort="M", build_cost=Decimal(0), run_cost_yearly=None
        )
        for n in range(1, 6)
    ]
    items[4].hypotheses.add(hypothesis)  # the last chunk reads its own links
    with CaptureQueriesContext(connection) as queries:
        assert recompute_item_scores() == 5
    reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "roadmaps_roadmapitem"."id"')]
    assert len(reads) == 3  # chunks of 2, 2 and 1
    assert ScoreChange.objects.count() == 5
    # impact 5, validated (1.0), M 3 + cost 0 → 1 point: 100 × 5 × 1.0 / 4 = 125.0
    assert RoadmapItem.objects.get(pk=items[4].pk).score == 125.0
    assert recompute_item_scores() == 0
