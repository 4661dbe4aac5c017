"""Reads behind the portfolio overview: the ranked list with each product's trend and open
alerts, and the counts its two charts draw. Each is a fixed number of queries, whatever the size
of the portfolio (DESIGN.md §10)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.defaultfilters import floatformat
from django.utils import dateformat, timezone

from products.models import Alert, DataProduct, ScoreSnapshot
from products.services import STAGE_ORDER

# A trend compares today's health with the latest score at least this old...
TREND_DAYS = 7
# ...and only a move of at least this many points counts as up or down.
TREND_THRESHOLD = 2.0

Stage = DataProduct.Stage
HealthStatus = DataProduct.HealthStatus
HEALTH_ORDER = [
    HealthStatus.HEALTHY,
    HealthStatus.CAUTION,
    HealthStatus.AT_RISK,
    HealthStatus.NOT_ENOUGH_DATA,
    HealthStatus.UNKNOWN,
]


def _open_alert_count(severity: str) -> Coalesce:
    # Served by the partial index products_alert_open_idx (product, severity, open only).
    open_alerts = (
        Alert.objects.open()
        .filter(product=OuterRef("pk"), severity=severity)
        .order_by()
        .values("product")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(open_alerts, output_field=IntegerField()), Value(0))


def portfolio_ranked(products: QuerySet, *, today: datetime.date) -> QuerySet:
    """`products` best opportunity first (no opportunity last, then by name), with the owner and
    domain joined, the open error and warning counts, and the health score the trend compares
    against (`trend_health` on `trend_day`, covering `trend_coverage`) — all in the one query
    that reads the page."""
    # The latest scored snapshot at least TREND_DAYS old; the unique (product, day) index
    # products_scoresnapshot_daily serves it.
    earlier = ScoreSnapshot.objects.filter(
        product=OuterRef("pk"),
        day__lte=today - datetime.timedelta(days=TREND_DAYS),
        health_score__isnull=False,
    ).order_by("-day")
    return (
        products.select_related("owner", "domain")
        .annotate(
            open_errors=_open_alert_count(Alert.Severity.ERROR),
            open_warnings=_open_alert_count(Alert.Severity.WARNING),
            trend_health=Subquery(earlier.values("health_score")[:1]),
            trend_day=Subquery(earlier.values("day")[:1]),
            trend_coverage=Subquery(earlier.values("health_coverage")[:1]),
        )
        .order_by(F("opportunity_score").desc(nulls_last=True), "name")
    )


@dataclass(frozen=True)
class HealthTrend:
    direction: str  # "up", "down" or "flat"
    previous: float
    current: float
    since: datetime.date
    # What each score covered (DESIGN.md §5); None on history kept before coverage was.
    previous_coverage: int | None = None
    coverage: int | None = None

    @property
    def arrow(self) -> str:
        return {"up": "▲", "down": "▼", "flat": "→"}[self.direction]

    @property
    def label(self) -> str:
        """Reads "Health 64 → 71 since 16 Nov", rounded as the score beside the badge; when the
        two scores cover different weights, it says so, so that a score from one component is
        not read as the same figure as a score from five."""
        label = (
            f"Health {floatformat(self.previous, 0)} → {floatformat(self.current, 0)} "
            f"since {dateformat.format(self.since, 'j M')}"
        )
        if self.previous_coverage is not None and self.previous_coverage != self.coverage:
            label += f" (it covered {self.previous_coverage} of 100 then, {self.coverage} now)"
        return label


def health_trend(product: DataProduct) -> HealthTrend | None:
    """How the product's health moved since its snapshot of a week or more ago (annotated by
    `portfolio_ranked`); None without a current score or without such a snapshot."""
    previous = getattr(product, "trend_health", None)
    if product.health_score is None or previous is None:
        return None
    change = product.health_score - previous
    if change >= TREND_THRESHOLD:
        direction = "up"
    elif change <= -TREND_THRESHOLD:
        direction = "down"
    else:
        direction = "flat"
    return HealthTrend(
        direction,
        previous,
        product.health_score,
        product.trend_day,
        getattr(product, "trend_coverage", None),
        product.health_coverage,
    )


def days_since(moment: datetime.datetime | None, today: datetime.date) -> int | None:
    """Whole days from `moment` (in the local time zone) to `today`: reviews age in days, as the
    staleness thresholds do."""
    if moment is None:
        return None
    return max((today - timezone.localdate(moment)).days, 0)


def portfolio_charts(products: QuerySet) -> dict:
    """The stage funnel and the health distribution of `products`, from one grouped query.

    Stages come in life-cycle order with retired apart; every stage and status is present, with
    0 when no product is in it, so the charts keep their shape as filters narrow the list.
    """
    stages = dict.fromkeys(Stage.values, 0)
    health = dict.fromkeys(HealthStatus.values, 0)
    rows = products.order_by().values("stage", "health_status").annotate(n=Count("pk"))
    for row in rows:  # at most one row per (stage, status) pair: 7 × 5
        stages[row["stage"]] += row["n"]
        health[row["health_status"]] += row["n"]
    top = max(stages.values())
    funnel = _bars([(Stage(s), stages[s]) for s in STAGE_ORDER], top=top)
    retired_y = len(funnel) * ROW_HEIGHT + RETIRED_GAP
    health_bars = _bars([(HealthStatus(s), health[s]) for s in HEALTH_ORDER])
    return {
        "total": sum(stages.values()),
        "width": CHART_WIDTH,
        "funnel": funnel,
        "retired": _bars([(Stage.RETIRED, stages[Stage.RETIRED])], top=top, y=retired_y)[0],
        "separator_y": retired_y - RETIRED_GAP / 2 - (ROW_HEIGHT - BAR_HEIGHT) / 2,
        "funnel_height": retired_y + BAR_HEIGHT,
        "health": health_bars,
        "health_height": len(health_bars) * ROW_HEIGHT - (ROW_HEIGHT - BAR_HEIGHT),
    }


# Geometry of the two charts in SVG user units (the viewBox scales them to their card): a label
# column, the bars, and a column for the count.
CHART_WIDTH, LABEL_WIDTH, COUNT_WIDTH = 320, 112, 40  # labels up to "Not enough data"
ROW_HEIGHT, BAR_HEIGHT, RETIRED_GAP = 26, 18, 14
BAR_SPACE = CHART_WIDTH - LABEL_WIDTH - COUNT_WIDTH


def _bars(entries, *, top: int = 0, y: float = 0) -> list[dict]:
    """One row per (choice, count) from `y` down: the bar's width scaled to the largest count
    (or `top`), where it starts when left-aligned and when centred (the funnel), and where its
    text sits."""
    top = max([top, *(count for _, count in entries), 1])
    bars = []
    for index, (choice, count) in enumerate(entries):
        width = round(BAR_SPACE * count / top, 1)
        if count and width < 2:
            width = 2  # one product among thousands still shows
        row_y = y + index * ROW_HEIGHT
        bars.append(
            {
                "value": choice.value,
                "label": choice.label,
                "count": count,
                "width": width,
                "x": LABEL_WIDTH,
                "centred_x": round(LABEL_WIDTH + (BAR_SPACE - width) / 2, 1),
                "y": row_y,
                "text_y": row_y + BAR_HEIGHT / 2,
            }
        )
    return bars
