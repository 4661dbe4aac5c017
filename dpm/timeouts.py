"""Database timeouts for web and worker, and what a request says when one fires (issue 12).

The web's limits come with every connection (settings: `DATABASES` OPTIONS). Worker processes
raise the statement limit on each connection they open, because their set-based statements are
big by design and their tasks have time limits of their own. A request whose statement or lock
wait hits its limit, or whose database does not answer, gets a 503 that says nothing was saved
(its transaction was rolled back) and to try again, instead of a 500 or a hung page.
"""

import logging

from django.conf import settings
from django.db import OperationalError, connection
from django.db.backends.signals import connection_created
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def apply_worker_timeouts(sender, connection, **kwargs) -> None:
    """The worker's limits on `connection`: a `connection_created` receiver in worker processes
    (dpm/celery.py), and called by the operators' commands that do the worker's work."""
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


def database_busy(exception: BaseException | None) -> bool:
    """A statement or lock wait that hit its limit, a deadlock victim, or a database that does
    not answer: worth a 503 and a retry. Not a bug such as a missing table (still a 500)."""
    if not isinstance(exception, OperationalError):
        return False
    if connection.vendor == "sqlite":
        return "database is locked" in str(exception)
    import psycopg

    # psycopg raises OperationalError itself for a lost or refused connection, and its
    # subclasses QueryCanceled (statement_timeout), LockNotAvailable (lock_timeout) and
    # TransactionRollbackError (deadlock); Django's OperationalError wraps them.
    return isinstance(exception.__cause__, psycopg.OperationalError)


def busy_response(request) -> HttpResponse:
    """The 503 a busy database gets: the page (standalone: it reads nothing from the database),
    or JSON for the API."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": "The database is busy or unavailable; nothing was written. Try again."},
            status=503,
        )
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """A view whose database work timed out or could not reach the database answers 503 (its
    transaction was rolled back). Failures before the view — the session's user loaded by the
    authentication middleware — reach `dpm.views.server_error`, which answers the same."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_busy(exception):
            return None
        logger.warning(
            "%s %s: database busy or unavailable: %s", request.method, request.path, exception
        )
        return busy_response(request)
