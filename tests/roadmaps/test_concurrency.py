"""Scores under concurrency on PostgreSQL (issue 12): leads moving cards at the same moment, a
scoring model saved while a recompute runs, and the compare-and-set writes behind both.

These tests commit their data (transactional_db) and run writers in threads with connections of
their own, as separate web and worker processes would.
"""

import threading
from decimal import Decimal
from unittest import mock

import psycopg
import pytest
from django.core.cache import cache
from django.db import connection

from dpm.lib.bulk import update_rows
from products import roles
from products.tasks import recompute_scores
from roadmaps import services
from roadmaps.models import RoadmapItem, ScoreChange, ScoringModel
from roadmaps.scoring import ItemInputs, ScoringConfig, score_item
from roadmaps.services import recompute_item_scores, scoring_model_save
from tests.conftest import make_user
from tests.helpers import client_for
from tests.products.factories import DataProductFactory
from tests.products.test_worker import _database_url
from tests.roadmaps.factories import RoadmapItemFactory
from tests.roadmaps.test_scoring_settings import TSHIRT

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _in_threads(*calls):
    """Start every call at once (a barrier), each in its own thread and connection; return the
    results or exceptions in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(n, call):
        try:
            barrier.wait(timeout=10)
            results[n] = call()
        except Exception as exc:
            results[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_leads_moving_two_cards_of_one_product_never_deadlock(on_postgres, lead):
    """Each move rescored (and locked, in another order) every item of the product: 4 of 30
    pairs answered 500 with DeadlockDetected."""
    product = DataProductFactory()
    first, second = (RoadmapItemFactory(product=product, impact=n) for n in (2, 4))
    other_lead = make_user(type(lead), "lead2", roles.LEAD)
    clients = (client_for(lead), client_for(other_lead))
    for round_ in range(30):
        horizon = ("now", "next", "later")[round_ % 3]
        answers = _in_threads(
            *(
                lambda c=c, item=item, horizon=horizon: (
                    c.post(f"/roadmap/items/{item.pk}/move/", {"horizon": horizon}).status_code
                )
                for c, item in zip(clients, (first, second), strict=True)
            )
        )
        assert answers == [302, 302], (round_, answers)
    assert set(RoadmapItem.objects.values_list("horizon", flat=True)) == {"later"}


def _config(points_m: int) -> ScoringConfig:
    return ScoringConfig(tshirt_points={**TSHIRT, "M": points_m})


def test_a_run_that_read_the_old_model_does_not_write_its_scores_over_the_new_ones(
    on_postgres, lead
):
    """A recompute reads model v1 and the items; before it writes, a lead saves v2 (committed in
    another connection). The run then writes nothing: neither v1's scores over v2's, nor a
    history row that v2's rescore would flip back."""
    item = RoadmapItemFactory(impact=4, effort="M", build_cost=Decimal(0), run_cost_yearly=None)
    scoring_model_save(user=lead, config=_config(3))
    recompute_item_scores()
    # 100 × 4 × 0.5 / (M 3 + no cost 1) = 50
    assert RoadmapItem.objects.get().score == 50.0
    # An input changed behind the run's back, so the run has a new score to write under v1:
    # 100 × 5 × 0.5 / (3 + 1) = 62.5
    RoadmapItem.objects.filter(pk=item.pk).update(impact=5)
    real_update_rows = services.update_rows

    def lead_saves_between_the_read_and_the_write(*args, **kwargs):
        def save():
            with mock.patch("products.recompute.enqueue_recompute"):
                scoring_model_save(user=lead, config=_config(7))

        (error,) = _in_threads(save)
        assert error is None, error
        return real_update_rows(*args, **kwargs)

    with mock.patch.object(services, "update_rows", lead_saves_between_the_read_and_the_write):
        assert recompute_item_scores() == 0

    item.refresh_from_db()
    assert item.score == 50.0  # not v1's 62.5
    assert list(ScoreChange.objects.filter(item=item).values_list("score", flat=True)) == [50.0]
    # The rescore the save queued applies v2: 100 × 5 × 0.5 / (M 7 + 1) = 31.25 → 31.3
    recompute_item_scores()
    item.refresh_from_db()
    assert item.score == 31.3


def test_compare_and_set_skips_rows_changed_since_they_were_read(on_postgres):
    item = RoadmapItemFactory()
    recompute_item_scores()
    scored_at = RoadmapItem.objects.get().scored_at
    recompute_item_scores()  # nothing moved: scored_at stays
    RoadmapItem.objects.filter(pk=item.pk).update(score=1.0, scored_at=None)  # someone rescored

    row = (item.pk, 2.0, {}, scored_at, scored_at)
    fields = ["score", "score_breakdown", "scored_at"]
    assert update_rows(RoadmapItem, fields, [row], expect=["scored_at"]) == []
    assert RoadmapItem.objects.get().score == 1.0
    fresh = (item.pk, 2.0, {}, scored_at, None)
    assert update_rows(RoadmapItem, fields, [fresh], expect=["scored_at"]) == [item.pk]
    assert RoadmapItem.objects.get().score == 2.0


def test_a_model_saved_during_a_periodic_run_is_applied_after_it(on_postgres, lead):
    """The follow-up run a lead's save queues finds the periodic run holding the lock; it leaves
    a mark, and the periodic run queues one more run when it ends. The scores end right."""
    product = DataProductFactory()
    items = [
        RoadmapItemFactory(product=product, impact=1 + n % 5, effort="M", build_cost=Decimal(0))
        for n in range(20)
    ]
    cache.clear()
    has_read, saved = threading.Event(), threading.Event()

    def slow(**kwargs):
        result = recompute_item_scores(**kwargs)  # the periodic run has used the old model…
        has_read.set()
        saved.wait(timeout=30)  # …and goes on while the lead saves
        return result

    def periodic_run():
        return recompute_scores.apply(kwargs={}).get()

    def lead_saves_and_its_run_finds_the_lock_taken():
        has_read.wait(timeout=30)
        with mock.patch("products.recompute.enqueue_recompute"):
            scoring_model_save(user=lead, config=_config(9))
        try:
            return recompute_scores.apply(kwargs={}).get()  # the follow-up the save queued
        finally:
            saved.set()

    with (
        mock.patch("roadmaps.services.recompute_item_scores", slow),
        mock.patch("products.tasks._queue_again") as queue_again,
    ):
        first, follow_up = _in_threads(periodic_run, lead_saves_and_its_run_finds_the_lock_taken)
    assert follow_up == {"skipped": True}, follow_up
    assert "changed" in first, first
    queue_again.assert_called_once()  # the holder queued one more run when it ended
    recompute_scores.apply(kwargs={}).get()  # which the worker runs

    config = ScoringConfig.from_model(ScoringModel.objects.get(is_active=True))
    for item in RoadmapItem.objects.filter(pk__in=[i.pk for i in items]):
        expected = score_item(ItemInputs.from_item(item, ()), config).value
        assert item.score == expected
    assert not ScoringModel.objects.get(is_active=True).rescoring


def test_an_edit_blocked_by_a_lock_answers_503_and_saves_nothing(on_postgres, lead):
    """A statement that waits for a row lock past lock_timeout fails the request: the page says
    the database was busy and nothing was saved, rather than a 500 after 30 s."""
    item = RoadmapItemFactory(horizon="later")
    blocker = psycopg.connect(_database_url().replace("postgres://", "postgresql://"))
    try:
        blocker.execute("SELECT 1 FROM roadmaps_roadmapitem WHERE id = %s FOR UPDATE", [item.pk])
        client = client_for(lead)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        response = client.post(f"/roadmap/items/{item.pk}/move/", {"horizon": "now"})
    finally:
        blocker.rollback()
        blocker.close()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "nothing of this request was saved" in response.content.decode()
    assert RoadmapItem.objects.get(pk=item.pk).horizon == "later"
