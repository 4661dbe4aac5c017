"""Reads for the stakeholder health page: one product's state, from every app, in a fixed number
of queries whatever the size of the product's history.

The health score, status and components are the stored ones (products.recompute wrote them, with
their explanations); the sections below them read the live records they summarise.
"""

import datetime

from django.utils import timezone

from metrics.charts import kpi_chart
from products import health
from products.access import ProductAccess
from products.models import Alert

USAGE_WEEKS_SHOWN = 26
HISTORY_DAYS_SHOWN = 180


def health_page_context(access: ProductAccess) -> dict:
    """Everything the health page shows. Queries: team (1), KPIs and their measurements (2),
    usage (1), service levels and their window's checks (2), the Definition of Done (1), the
    latest experiment (1), open alerts (1), the latest review (1), score history (1)."""
    from adoption.models import UsageSnapshot
    from metrics.models import DefinitionOfDone, Experiment
    from metrics.selectors import kpis_with_state
    from metrics.views.service_levels import service_levels_context

    product = access.product
    today = timezone.localdate()
    breakdown = product.health_breakdown or {}
    kpis = kpis_with_state(product, today=today)
    usage = list(
        UsageSnapshot.objects.filter(product=product).order_by("-week_start")[:USAGE_WEEKS_SHOWN]
    )[::-1]
    history = list(
        product.score_history.filter(
            day__gte=today - datetime.timedelta(days=HISTORY_DAYS_SHOWN),
            health_score__isnull=False,
        )
        .order_by("day")
        .values_list("day", "health_score")
    )
    return {
        "product": product,
        "access": access,
        "team": product.team_members.order_by("first_name", "username"),
        "components": [_component(c) for c in breakdown.get("components", [])],
        "summary": breakdown.get("summary", ""),
        "health_chart": kpi_chart(history, target=health.HEALTHY_FROM),
        "kpis": kpis,
        "usage": usage,
        "usage_chart": kpi_chart(
            [(row.week_start, row.active_users) for row in usage], target=product.target_users
        ),
        "usage_change": _four_week_change(usage),
        **service_levels_context(access),
        "definition": DefinitionOfDone.objects.filter(product=product)
        .select_related("signed_off_by")
        .first(),
        "experiment": Experiment.objects.filter(product=product)
        .exclude(readout={})
        .order_by("-ends_on", "-updated_at", "-pk")
        .first(),
        "alerts": _open_alerts(product),
        "review": product.reviews.select_related("reviewed_by").first(),
    }


def _open_alerts(product) -> list[Alert]:
    """The product's open alerts, errors first, with who acknowledged them (joined) and the link
    to each stale object (built from the product's slug: no query per alert)."""
    alerts = list(
        Alert.objects.open()
        .filter(product=product)
        .select_related("acknowledged_by")
        .order_by("severity", "-opened_at")
    )
    for alert in alerts:
        alert.link = alert.stale_link(product.slug)
    return alerts


def _component(stored: dict) -> dict:
    """A stored component with its label and weight, for the template."""
    key = stored["key"]
    return {**stored, "label": health.LABELS[key], "weight": health.WEIGHTS[key]}


def _four_week_change(usage) -> dict | None:
    """Active users of the latest week against four weeks before it, when both are recorded."""
    by_week = {row.week_start: row.active_users for row in usage}
    if not usage:
        return None
    latest = usage[-1]
    earlier = by_week.get(latest.week_start - datetime.timedelta(weeks=4))
    if not earlier:
        return None
    return {
        "from": earlier,
        "to": latest.active_users,
        "percent": round(100 * (latest.active_users - earlier) / earlier),
    }
