"""Keep the portfolio's computed figures current: item scores, product health, opportunity.

`portfolio_recompute` is the one entry point (the `recompute_scores` command and the Celery task
call it). Writes that change an input call `schedule_recompute(product_id)`, which queues a
debounced recompute of that product on a worker once the transaction commits.

`products` reaches the other apps only here, by name, for these roll-ups (DESIGN.md §3): their
models import `products`, so the imports stay inside the functions.
"""

import logging
from contextlib import suppress

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Func, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from dpm.lib.bulk import BATCH_SIZE, update_rows
from dpm.lib.outage import REDIS
from products import health
from products.models import DataProduct, ScoreSnapshot

logger = logging.getLogger(__name__)

# What a broker or cache outage raises: kombu's connection errors, redis-py's (the Redis cache),
# and the OS's (the filesystem broker's folder).
QUEUE_ERRORS = (KombuError, RedisError, OSError)
# A queued recompute's marker outlives its countdown by this much, in case the worker is slow to
# start it; after that a new edit queues another (harmless: recompute is idempotent).
PENDING_GRACE_SECONDS = 60

# The product columns the recompute writes; the health page reads them back.
COMPUTED_FIELDS = (
    "health_score",
    "health_status",
    "health_coverage",
    "opportunity_score",
    "health_breakdown",
)


def debounce_key(product_id: int) -> str:
    return f"dpm:recompute-pending:{product_id}"


def schedule_recompute(product_id: int | None) -> None:
    """Recompute `product_id`'s figures (None: the whole portfolio's) on a worker once the
    current transaction commits, so a rolled-back edit schedules nothing and the worker reads
    what was saved."""
    transaction.on_commit(lambda: enqueue_recompute(product_id))


def enqueue_recompute(product_id: int | None) -> bool:
    """Queue one recompute for the product, debounced: while one is queued and not started,
    further edits add nothing (a burst of edits gives one run, DPM_RECOMPUTE_DEBOUNCE seconds
    after the first). Returns whether a task was queued.

    The user's edit is saved already: if the broker or the cache is down, the failure is logged
    and the periodic recompute catches up, rather than turning a saved edit into an error.
    """
    from products.tasks import recompute_scores

    delay = settings.DPM_RECOMPUTE_DEBOUNCE
    key = None if product_id is None else debounce_key(product_id)
    if REDIS.known():  # failed moments ago: do not hold the request for its timeout again
        logger.warning(
            "Not queueing a recompute of product %s: the broker or cache failed moments ago; "
            "the periodic recompute will catch up",
            product_id,
        )
        return False
    try:
        if key is not None and not cache.add(key, 1, timeout=delay + PENDING_GRACE_SECONDS):
            return False
        recompute_scores.apply_async(
            kwargs={"product_ids": None if product_id is None else [product_id]},
            countdown=delay,
            retry=False,
        )
    except QUEUE_ERRORS:
        REDIS.record()
        logger.exception(
            "Could not queue a recompute of product %s; the periodic recompute will catch up",
            product_id,
        )
        if key is not None:
            with suppress(*QUEUE_ERRORS):
                cache.delete(key)
        return False
    return True


def portfolio_recompute(*, product_ids=None, changed_by=None, now=None) -> int:
    """Item scores, then every product's health, opportunity and today's history row (or only
    those of `product_ids`). Returns how many products' figures changed.

    Set-based: the item scores (roadmaps.services, committed batch by batch), then one read of
    the products with their usage, service-level, Definition-of-Done and opportunity roll-ups as
    subqueries, one read of their KPIs with each one's latest measurement, one read of today's
    history rows, and at most three writes (changed products, the computed-at stamp, new or
    changed history rows) — the same statements for ten products or ten thousand on PostgreSQL
    (the writes split into batches of `dpm.lib.bulk.BATCH_SIZE` rows). Products whose figures
    did not move are not rewritten, so running it twice changes nothing but the computed-at stamp.

    Runs may overlap (an edit's run during the periodic one): the newest read wins. A run writes
    a product only while its `scores_computed_at` is not later than this run's `now`, and stamps
    it with `now`, so a run that read older data never overwrites figures of a run that read
    newer data.
    """
    from roadmaps.services import recompute_item_scores

    now = now or timezone.now()
    today = timezone.localdate(now)
    recompute_item_scores(product_ids=product_ids, changed_by=changed_by)
    with transaction.atomic():
        return _recompute_products(product_ids, now, today)


NOT_NEWER = "{t}.scores_computed_at IS NULL OR {t}.scores_computed_at <= %s"


def _recompute_products(product_ids, now, today) -> int:
    products = DataProduct.objects.all()
    if product_ids is not None:
        products = products.filter(pk__in=product_ids)
    products = list(_with_rollups(products, now).order_by("pk"))
    kpis = _kpis_by_product(product_ids, today)

    rows = []
    for product in products:
        result = _health(product, kpis.get(product.pk, []), today)
        values = {
            "health_score": result.score,
            "health_status": result.status,
            "health_coverage": result.coverage,
            "opportunity_score": product.opportunity,
            "health_breakdown": result.as_breakdown(),
        }
        if any(getattr(product, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(product, name, value)
            rows.append((product.pk, *(values[name] for name in COMPUTED_FIELDS), now))
    written = set(
        update_rows(
            DataProduct,
            [*COMPUTED_FIELDS, "scores_computed_at"],
            rows,
            where=NOT_NEWER,
            where_params=[now],
        )
    )
    scope = DataProduct.objects.filter(
        Q(scores_computed_at__isnull=True) | Q(scores_computed_at__lte=now)
    )
    if product_ids is not None:
        scope = scope.filter(pk__in=product_ids)
    scope.update(scores_computed_at=now)
    # A product a newer run has written keeps that run's figures and history.
    refused = {row[0] for row in rows} - written
    _record_history([p for p in products if p.pk not in refused], product_ids, today)
    return len(written)


def _with_rollups(products, now):
    """Each product annotated with its latest usage week, service-level checks of the last 30
    days, required Definition-of-Done criteria and best open roadmap item: one statement."""
    from adoption.models import UsageSnapshot
    from metrics.models import DoneCriterion, ServiceLevel, ServiceLevelCheck
    from metrics.selectors import service_level_window_start
    from roadmaps.models import RoadmapItem

    latest_usage = UsageSnapshot.objects.filter(product=OuterRef("pk")).order_by("-week_start")
    recent_checks = ServiceLevelCheck.objects.filter(
        service_level__product=OuterRef("pk"), checked_at__gte=service_level_window_start(now)
    )
    required = DoneCriterion.objects.filter(definition__product=OuterRef("pk"), required=True)
    open_items = RoadmapItem.objects.filter(
        product=OuterRef("pk"), status__in=RoadmapItem.OPEN_STATUSES
    )
    return products.only(
        "pk", "name", "target_users", "last_reviewed_at", *COMPUTED_FIELDS
    ).annotate(
        usage_week=Subquery(latest_usage.values("week_start")[:1]),
        usage_active=Subquery(latest_usage.values("active_users")[:1]),
        checks_total=_count(recent_checks),
        checks_met=_count(recent_checks.filter(met=True)),
        service_level_count=_count(ServiceLevel.objects.filter(product=OuterRef("pk"))),
        criteria_required=_count(required),
        criteria_met=_count(required.filter(met=True)),
        opportunity=Subquery(
            open_items.values("product").annotate(best=Max("score")).values("best")
        ),
    )


def _count(queryset) -> Coalesce:
    """COUNT(*) of a correlated queryset as a subquery, 0 when it has no rows."""
    # COUNT as a plain function, not an aggregate: the subquery needs no GROUP BY.
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _kpis_by_product(product_ids, today) -> dict[int, list]:
    """product id → [(KPI name, KPIState)], each KPI judged on its latest measurement only
    (which is all §5's progress reads): one statement."""
    from metrics.models import KPI, Measurement
    from metrics.progress import kpi_state

    latest = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("-observed_at", "-pk")
    kpis = KPI.objects.annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_at=Subquery(latest.values("observed_at")[:1]),
    ).order_by("product_id", "category", "name")
    if product_ids is not None:
        kpis = kpis.filter(product_id__in=product_ids)
    by_product: dict[int, list] = {}
    for kpi in kpis:
        observed = [(timezone.localtime(kpi.latest_at), kpi.latest_value)] if kpi.latest_at else []
        state = kpi_state(
            direction=kpi.direction,
            baseline=kpi.baseline,
            target=kpi.target,
            baseline_date=kpi.baseline_date,
            target_date=kpi.target_date,
            cadence_days=kpi.cadence_days,
            measurements=observed,
            today=today,
            name=kpi.name,
            unit=kpi.unit,
        )
        by_product.setdefault(kpi.product_id, []).append((kpi.name, state))
    return by_product


def _health(product, kpis, today) -> health.Health:
    reviewed = product.last_reviewed_at
    return health.health(
        [
            health.outcomes(kpis),
            health.adoption(
                active_users=product.usage_active,
                week_start=product.usage_week,
                target_users=product.target_users,
            ),
            health.reliability(
                met=product.checks_met,
                total=product.checks_total,
                service_levels=product.service_level_count,
            ),
            health.readiness(met=product.criteria_met, required=product.criteria_required),
            health.review(
                last_reviewed=timezone.localdate(reviewed) if reviewed else None, today=today
            ),
        ]
    )


def _record_history(products, product_ids, today) -> None:
    """Today's history row per product: written when missing or when today's figures moved."""
    todays = ScoreSnapshot.objects.filter(day=today)
    if product_ids is not None:
        todays = todays.filter(product_id__in=product_ids)
    existing = {
        row["product_id"]: row
        for row in todays.values(
            "product_id", "health_score", "health_status", "health_coverage", "opportunity_score"
        )
    }
    rows = []
    for product in products:
        figures = {
            "health_score": product.health_score,
            "health_status": product.health_status,
            "health_coverage": product.health_coverage,
            "opportunity_score": product.opportunity_score,
        }
        before = existing.get(product.pk)
        if before is None or any(before[name] != value for name, value in figures.items()):
            rows.append(ScoreSnapshot(product_id=product.pk, day=today, **figures))
    ScoreSnapshot.objects.bulk_create(
        rows,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["product", "day"],
        update_fields=[
            "health_score",
            "health_status",
            "health_coverage",
            "opportunity_score",
            "updated_at",
        ],
    )
