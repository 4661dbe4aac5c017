"""Celery tasks that keep the portfolio current (DESIGN.md §6). Thin: ids in, one service call.

Both are safe to run twice (the services write only what moved, and the alerts' unique
constraint refuses a second open alert), acknowledged late and requeued when the worker dies, so
a killed worker loses nothing. Periodic runs take a lock so that a run that outlasts its interval
is not joined by the next one; a run that finds the lock taken does nothing.
"""

import logging
import time
import uuid
from contextlib import contextmanager

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from products.models import TaskRun
from products.recompute import QUEUE_ERRORS, debounce_key, portfolio_recompute
from products.staleness import alerts_sync

logger = logging.getLogger(__name__)

# Worth another try: the database restarted or a connection dropped. Anything else is a bug,
# and retrying a bug only hides it.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@contextmanager
def periodic_lock(name: str, *, owner: str | None = None):
    """Yield True when this run holds the lock for `name`, False when another run does.

    `owner` is the task's id. A task redelivered after its worker died finds the lock its first
    attempt left and takes it over: the broker hands a message out again only once the attempt
    that held it is gone (requeued when its process died, or after the visibility timeout, which
    is longer than the hard time limit). Otherwise the lock expires with the hard time limit.
    """
    key, token = f"dpm:lock:{name}", owner or uuid.uuid4().hex
    timeout = settings.CELERY_TASK_TIME_LIMIT
    acquired = cache.add(key, token, timeout=timeout) or cache.get(key) == token
    try:
        yield acquired
    finally:
        if acquired and cache.get(key) == token:
            cache.delete(key)


def _record_success(name: str, started: float, result: dict) -> None:
    TaskRun.objects.update_or_create(
        name=name,
        defaults={
            "last_success_at": timezone.now(),
            "last_duration_ms": round((time.monotonic() - started) * 1000),
            "last_result": result,
        },
    )


def _again_key(name: str) -> str:
    return f"dpm:again:{name}"


def _run_exclusively(task, name: str, work) -> dict:
    """Run `work` while holding the periodic lock for `name`. A run that finds the lock taken
    does not simply vanish: it may carry news the holder read too early (a lead saved a new
    scoring model after the holder read the old one, issue 12). It leaves a mark and tries the
    lock once more; the holder, once it has released the lock, queues one more run when it finds
    the mark. Whichever order the two take, the work runs again after the holder ends."""
    started = time.monotonic()
    with periodic_lock(name, owner=task.request.id) as acquired:
        if acquired:
            cache.delete(_again_key(name))
            result = work()
            _record_success(name, started, result)
    if acquired:
        if cache.delete(_again_key(name)):
            logger.info("%s: a run was asked for while this one ran; queued another", name)
            _queue_again(task)
        return result
    cache.set(_again_key(name), 1, timeout=settings.CELERY_TASK_TIME_LIMIT * 2)
    with periodic_lock(name, owner=task.request.id) as acquired_now:
        if acquired_now:  # the holder ended meanwhile and may have missed the mark
            cache.delete(_again_key(name))
            result = work()
            _record_success(name, started, result)
            return result
    logger.info("%s: another run holds the lock; it runs again after that one", name)
    return {"skipped": True}


def _queue_again(task) -> None:
    try:
        task.apply_async(retry=False)
    except QUEUE_ERRORS:
        logger.exception("%s: could not queue a follow-up; beat's next run catches up", task.name)


@shared_task(name="products.tasks.recompute_scores", bind=True, **TASK_OPTIONS)
def recompute_scores(self, product_ids: list[int] | None = None) -> dict:
    """Item scores, health, opportunity and history: of `product_ids` (an edit's debounced
    trigger), or of the whole portfolio (the periodic run, and the run a new scoring model
    asks for)."""
    if product_ids is not None:
        # Cleared before the work, so an edit made while this runs schedules another run.
        cache.delete_many([debounce_key(pk) for pk in product_ids])
        return {"changed": portfolio_recompute(product_ids=product_ids)}
    return _run_exclusively(self, "recompute_scores", lambda: {"changed": portfolio_recompute()})


@shared_task(name="products.tasks.check_staleness", bind=True, **TASK_OPTIONS)
def check_staleness(self) -> dict:
    """Open, update and resolve the portfolio's staleness alerts."""
    return _run_exclusively(self, "check_staleness", alerts_sync)
