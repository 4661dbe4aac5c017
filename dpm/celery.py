"""The Celery app, configured from Django settings (the CELERY_ namespace)."""

import logging
import os
from pathlib import Path

from celery import Celery
from celery.signals import beat_init, worker_init
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dpm.settings")

app = Celery("dpm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders() -> None:
    """Create the filesystem transport's folders; kombu expects them to exist."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


if str(app.conf.broker_url).startswith("filesystem"):
    ensure_broker_folders()


@worker_init.connect
def worker_database_timeouts(sender=None, **kwargs) -> None:
    """Worker processes get the worker's statement and lock limits on every connection they open
    (forked pool processes inherit the receiver)."""
    from dpm.timeouts import use_worker_timeouts

    use_worker_timeouts()


@beat_init.connect
def run_periodic_tasks_at_start(sender, **kwargs) -> None:
    """Beat first fires an interval schedule one interval after it starts. Queue every periodic
    task at start instead, so a (re)started beat catches up at once rather than 15 minutes later,
    and /healthz is current soon after a deploy."""
    for entry in app.conf.beat_schedule.values():
        try:
            app.send_task(entry["task"])
        except KombuError:
            logger.exception("beat: could not queue %s at start; it runs at its interval", entry)
