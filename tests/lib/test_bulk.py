"""dpm.lib.bulk: linear bulk writes with compare-and-set (issue 12), on SQLite and PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dpm.lib.bulk import insert_rows, update_rows
from roadmaps.models import RoadmapItem, ScoreChange
from tests.roadmaps.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db

FIELDS = ["score", "score_breakdown"]


@pytest.fixture
def items():
    return [RoadmapItemFactory() for _ in range(5)]


def test_it_writes_each_row_and_returns_the_keys_written(items):
    text = "a 'quoted', \"odd\" — note"
    rows = [(item.pk, float(n), {"n": n, "text": text}) for n, item in enumerate(items)]
    written = update_rows(RoadmapItem, FIELDS, rows, batch_size=2)
    assert sorted(written) == sorted(item.pk for item in items)
    stored = dict(RoadmapItem.objects.values_list("pk", "score"))
    assert stored == {item.pk: float(n) for n, item in enumerate(items)}
    assert RoadmapItem.objects.get(pk=items[3].pk).score_breakdown["text"].startswith("a 'quoted'")


def test_a_row_changed_since_it_was_read_is_left_alone(items):
    first, second = items[:2]
    RoadmapItem.objects.filter(pk=first.pk).update(score=7.0)
    # The caller read score None (both): first has moved since, second has not.
    rows = [(item.pk, 1.0, {}, None) for item in (first, second)]
    written = update_rows(RoadmapItem, FIELDS, rows, expect=["score"])
    assert written == [second.pk]  # NULL matched NULL; 7.0 did not match NULL
    assert RoadmapItem.objects.get(pk=first.pk).score == 7.0


def test_a_raw_condition_holds_for_every_row(items):
    rows = [(item.pk, 3.0, {}) for item in items]
    assert update_rows(RoadmapItem, FIELDS, rows, where="{t}.impact > %s", where_params=[99]) == []
    assert not RoadmapItem.objects.filter(score=3.0).exists()


def test_batches_bound_each_statement_and_no_statement_is_a_case_ladder(items):
    """bulk_update's CASE WHEN grows with the square of the rows and stalled the recompute."""
    rows = [(item.pk, 2.0, {}) for item in items]
    with CaptureQueriesContext(connection) as queries:
        update_rows(RoadmapItem, FIELDS, rows, batch_size=2)
    updates = [q["sql"] for q in queries if "UPDATE" in q["sql"]]
    assert not any("CASE WHEN" in sql for sql in updates)
    # PostgreSQL: one statement per batch of 2; SQLite: one per row.
    assert len(updates) == (3 if connection.vendor == "postgresql" else 5)


def test_insert_rows_writes_every_row(items):
    from django.utils import timezone

    now = timezone.now()
    rows = [(item.pk, 1.5, None, {"impact": {"value": 3}}, ["impact"], None, now, now)
            for item in items]  # fmt: skip
    fields = ["item_id", "score", "previous_score", "inputs", "changed_inputs", "changed_by_id",
              "created_at", "updated_at"]  # fmt: skip
    assert insert_rows(ScoreChange, fields, rows, batch_size=2) == 5
    assert ScoreChange.objects.filter(score=1.5, inputs__impact__value=3).count() == 5
