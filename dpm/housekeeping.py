"""Housekeeping services: expired sessions, and history past its retention (README "Retention").

The purges delete set-based, in batches of primary keys, so a first run on years of rows neither
holds one long lock nor loads the rows into Python.
"""

import datetime
import logging
from importlib import import_module

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from products.models import Alert, ScoreSnapshot
from roadmaps.models import ScoreChange

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000


def sessions_clear_expired() -> None:
    """Delete expired sessions, as `manage.py clearsessions` does, for the configured engine."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


def _delete_in_batches(queryset: QuerySet, batch_size: int) -> int:
    """Delete the queryset's rows, `batch_size` at a time; returns how many."""
    model = queryset.model
    total = 0
    while True:
        batch = list(queryset.values_list("pk", flat=True)[:batch_size])
        if not batch:
            return total
        # One DELETE per batch: Django deletes these fast, as nothing cascades from them.
        total += model.objects.filter(pk__in=batch).delete()[0]
        if len(batch) < batch_size:
            return total


def history_purge(*, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE) -> dict:
    """Delete score history older than DPM_SCORE_HISTORY_DAYS — product snapshots, and item score
    changes except each item's newest, which says why the item scores what it does — and alerts
    resolved more than DPM_RESOLVED_ALERT_DAYS ago. Open alerts are never purged; a retention of
    0 keeps everything. Returns the number of rows deleted of each kind."""
    now = now or timezone.now()
    removed = {"score_snapshots": 0, "score_changes": 0, "resolved_alerts": 0}
    if settings.DPM_SCORE_HISTORY_DAYS:
        cutoff = now - datetime.timedelta(days=settings.DPM_SCORE_HISTORY_DAYS)
        removed["score_snapshots"] = _delete_in_batches(
            ScoreSnapshot.objects.filter(day__lt=cutoff.date()), batch_size
        )
        newest = (
            ScoreChange.objects.filter(item=OuterRef("item"))
            .order_by("-created_at", "-pk")
            .values("pk")[:1]
        )
        removed["score_changes"] = _delete_in_batches(
            ScoreChange.objects.filter(created_at__lt=cutoff).exclude(pk=Subquery(newest)),
            batch_size,
        )
    if settings.DPM_RESOLVED_ALERT_DAYS:
        cutoff = now - datetime.timedelta(days=settings.DPM_RESOLVED_ALERT_DAYS)
        removed["resolved_alerts"] = _delete_in_batches(
            Alert.objects.filter(resolved_at__lt=cutoff), batch_size
        )
    if any(removed.values()):
        logger.info("history_purge removed %s", removed)
    return removed
