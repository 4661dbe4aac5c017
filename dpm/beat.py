"""Celery beat's scheduler, with a heartbeat file for compose's health check."""

from pathlib import Path

from celery.beat import PersistentScheduler
from django.conf import settings


class HeartbeatScheduler(PersistentScheduler):
    """The default scheduler that also touches DPM_BEAT_HEARTBEAT_FILE on every tick. Beat ticks
    at least every beat_max_loop_interval (5 minutes), so a file older than that means beat is
    hung or gone, which its process being alive does not tell."""

    def tick(self, *args, **kwargs):
        Path(settings.DPM_BEAT_HEARTBEAT_FILE).touch()
        return super().tick(*args, **kwargs)
