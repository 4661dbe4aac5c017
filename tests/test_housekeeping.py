"""Housekeeping on beat's schedule: expired sessions cleared, score history and resolved alerts
kept for a stated time, then purged set-based."""

import datetime
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from dpm import housekeeping, tasks
from products.models import Alert, ScoreSnapshot
from roadmaps.models import ScoreChange
from tests.products.factories import AlertFactory, DataProductFactory
from tests.roadmaps.factories import RoadmapItemFactory, ScoreChangeFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


def test_the_retention_settings_have_stated_defaults():
    assert settings.DPM_SCORE_HISTORY_DAYS == 730  # two years of trends
    assert settings.DPM_RESOLVED_ALERT_DAYS == 365


@pytest.mark.parametrize(
    ("task", "every"),
    [("dpm.tasks.clear_expired_sessions", 86400), ("dpm.tasks.purge_history", 86400)],
)
def test_beat_runs_the_housekeeping_daily(task, every):
    entries = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert entries[task]["schedule"] == every


def test_expired_sessions_are_cleared_and_live_ones_kept():
    store = import_module(settings.SESSION_ENGINE).SessionStore
    live, expired = store(), store()
    live.set_expiry(3600)
    live.save()
    expired.set_expiry(3600)
    expired.save()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    tasks.clear_expired_sessions()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def snapshot(product, day: datetime.date) -> ScoreSnapshot:
    return ScoreSnapshot.objects.create(product=product, day=day, health_score=50)


def test_score_history_older_than_its_retention_is_purged(settings):
    settings.DPM_SCORE_HISTORY_DAYS = 730
    product = DataProductFactory()
    cutoff = datetime.date(2024, 6, 1)  # 2026-06-01 less 730 days
    kept = [snapshot(product, cutoff), snapshot(product, datetime.date(2026, 5, 31))]
    snapshot(product, cutoff - datetime.timedelta(days=1))
    snapshot(product, datetime.date(2020, 1, 1))

    result = housekeeping.history_purge(now=NOW)

    assert sorted(ScoreSnapshot.objects.values_list("pk", flat=True)) == [s.pk for s in kept]
    assert result["score_snapshots"] == 2


def test_old_item_score_changes_are_purged_but_each_item_keeps_its_newest(settings):
    settings.DPM_SCORE_HISTORY_DAYS = 730
    old = NOW - datetime.timedelta(days=731)
    quiet, busy = RoadmapItemFactory(), RoadmapItemFactory()
    only = ScoreChangeFactory(item=quiet)
    older, newer_old = ScoreChangeFactory(item=busy), ScoreChangeFactory(item=busy)
    recent = ScoreChangeFactory(item=busy)
    ScoreChange.objects.filter(pk__in=[only.pk, older.pk]).update(created_at=old)
    ScoreChange.objects.filter(pk=newer_old.pk).update(created_at=old + datetime.timedelta(hours=1))
    ScoreChange.objects.filter(pk=recent.pk).update(created_at=NOW)

    result = housekeeping.history_purge(now=NOW)

    # The quiet item's only change stays: it says why the item scores what it scores.
    assert sorted(ScoreChange.objects.values_list("pk", flat=True)) == [only.pk, recent.pk]
    assert result["score_changes"] == 2


def test_resolved_alerts_older_than_their_retention_are_purged_open_ones_never(settings):
    settings.DPM_RESOLVED_ALERT_DAYS = 365
    cutoff = NOW - datetime.timedelta(days=365)
    opened = NOW - datetime.timedelta(days=900)
    gone = AlertFactory(opened_at=opened, resolved_at=cutoff - datetime.timedelta(seconds=1))
    kept_resolved = AlertFactory(opened_at=opened, resolved_at=cutoff)
    still_open = AlertFactory(opened_at=opened, resolved_at=None)

    result = housekeeping.history_purge(now=NOW)

    assert not Alert.objects.filter(pk=gone.pk).exists()
    assert set(Alert.objects.values_list("pk", flat=True)) == {kept_resolved.pk, still_open.pk}
    assert result["resolved_alerts"] == 1


def test_a_retention_of_zero_keeps_everything(settings):
    settings.DPM_SCORE_HISTORY_DAYS = 0
    settings.DPM_RESOLVED_ALERT_DAYS = 0
    snapshot(DataProductFactory(), datetime.date(2000, 1, 1))
    AlertFactory(opened_at=NOW - datetime.timedelta(days=9000), resolved_at=NOW.replace(year=2002))

    assert housekeeping.history_purge(now=NOW) == {
        "score_snapshots": 0,
        "score_changes": 0,
        "resolved_alerts": 0,
    }
    assert ScoreSnapshot.objects.count() == Alert.objects.count() == 1


def test_the_purge_is_set_based_in_batches(settings, django_assert_max_num_queries):
    """A few statements per batch, however many rows: never a query per row."""
    settings.DPM_SCORE_HISTORY_DAYS = 1
    monkey_batch = 10
    product = DataProductFactory()
    ScoreSnapshot.objects.bulk_create(
        ScoreSnapshot(product=product, day=datetime.date(2001, 1, 1) + datetime.timedelta(days=n))
        for n in range(35)
    )

    with django_assert_max_num_queries(4 * 3 + 6):
        result = housekeeping.history_purge(now=NOW, batch_size=monkey_batch)

    assert result["score_snapshots"] == 35
    assert not ScoreSnapshot.objects.exists()


def test_the_purge_task_is_thin_and_says_what_it_removed(settings):
    settings.DPM_SCORE_HISTORY_DAYS = 1
    snapshot(DataProductFactory(), datetime.date(2001, 1, 1))

    assert tasks.purge_history() == {"score_snapshots": 1, "score_changes": 0, "resolved_alerts": 0}
