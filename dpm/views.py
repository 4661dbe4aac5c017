import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# The periodic tasks /healthz reports on, with the setting that holds each one's interval.
PERIODIC_TASKS = {
    "recompute_scores": "DPM_RECOMPUTE_INTERVAL",
    "check_staleness": "DPM_STALENESS_INTERVAL",
}


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """Liveness for load balancers and operators: 200 when the database answers, else 503.

    It also says when each periodic task last succeeded and whether that is late (older than
    DPM_TASK_LATE_AFTER_INTERVALS of its intervals): a stuck worker or beat shows here without
    failing the web's liveness, which does not depend on them.
    """
    from products.models import TaskRun

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        runs = dict(TaskRun.objects.values_list("name", "last_success_at"))
    except DatabaseError:
        logger.exception("healthz: the database did not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    now = timezone.now()
    tasks = {}
    for name, interval_setting in PERIODIC_TASKS.items():
        last = runs.get(name)
        allowed = getattr(settings, interval_setting) * settings.DPM_TASK_LATE_AFTER_INTERVALS
        age = None if last is None else round((now - last).total_seconds())
        tasks[name] = {
            "last_success": last.isoformat() if last else None,
            "age_seconds": age,
            "late": age is None or age > allowed,
        }
    return JsonResponse({"status": "ok", "database": "ok", "tasks": tasks})


@login_not_required
def server_error(request):
    """handler500: a busy or unreachable database (even when it failed before the view, loading
    the session's user) answers 503 with the same page as a view's timeout; anything else is
    Django's plain 500."""
    import sys

    from django.views.defaults import server_error as django_server_error

    from dpm.timeouts import busy_response, database_busy

    if database_busy(sys.exc_info()[1]):
        return busy_response(request)
    return django_server_error(request)
