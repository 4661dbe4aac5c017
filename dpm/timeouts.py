"""Database timeouts for web and worker, and what a request says when one fires (issue 12).

The web's limits come with every connection (settings: `DATABASES` OPTIONS). Worker processes
raise the statement limit on each connection they open, because their set-based statements are
big by design and their tasks have time limits of their own. A request whose statement or lock
wait hits its limit, or whose database does not answer, gets a 503 that says nothing was saved
(its transaction was rolled back) and to try again, instead of a 500 or a hung page.
"""

import logging

from django.conf import settings
from django.db import OperationalError
from django.db.backends.signals import connection_created
from django.shortcuts import render

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def apply_worker_timeouts(sender, connection, **kwargs) -> None:
    """`connection_created` receiver, connected in worker processes only (dpm/celery.py)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, false), "
            "set_config('lock_timeout', %s, false)",
            [str(settings.DB_WORKER_STATEMENT_TIMEOUT_MS), str(settings.DB_WORKER_LOCK_TIMEOUT_MS)],
        )


def use_worker_timeouts() -> None:
    connection_created.connect(apply_worker_timeouts, dispatch_uid="dpm-worker-db-timeouts")


class DatabaseBusyMiddleware:
    """Turns a database timeout or outage during a request into a 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError):
            return None
        logger.warning(
            "%s %s: database busy or unavailable: %s", request.method, request.path, exception
        )
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
