"""Housekeeping tasks on beat's schedule (settings CELERY_BEAT_SCHEDULE). Thin: one service call
each, safe to run twice."""

from celery import shared_task

from dpm.housekeeping import history_purge, sessions_clear_expired


@shared_task(name="dpm.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """What `manage.py clearsessions` does, daily."""
    sessions_clear_expired()


@shared_task(name="dpm.tasks.purge_history")
def purge_history() -> dict:
    """Score history and resolved alerts past their retention."""
    return history_purge()
