"""Reads of the roadmap across the portfolio: the board, its totals, the matrix, the export."""

from django.db.models import Case, Count, DecimalField, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from products.models import DataProduct
from roadmaps.models import RoadmapItem, ScoringModel
from roadmaps.scoring import ScoringConfig

BOARD_COLUMN_LIMIT = 100
ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))


def filtered_items(user, filters: dict | None = None):
    """Items of the products the user may see, narrowed by the board's filters (open ones
    unless a status is asked for)."""
    filters = filters or {}
    items = RoadmapItem.objects.filter(product__in=DataProduct.objects.visible_to(user))
    if filters.get("product"):
        items = items.filter(product=filters["product"])
    if filters.get("domain"):
        items = items.filter(product__domain=filters["domain"])
    if filters.get("kind"):
        items = items.filter(product__kind=filters["kind"])
    if filters.get("solution_type"):
        items = items.filter(solution_type=filters["solution_type"])
    if filters.get("status"):
        items = items.filter(status=filters["status"])
    else:
        items = items.filter(status__in=RoadmapItem.OPEN_STATUSES)
    return items


def board_items(user, filters: dict | None = None):
    """The filtered items best score first (unscored last), each with its product and its
    evidence counts (linked and validated hypotheses)."""
    return (
        filtered_items(user, filters)
        .select_related("product")
        .annotate(
            hypothesis_count=Count("hypotheses", distinct=True),
            validated_count=Count(
                "hypotheses", filter=Q(hypotheses__status="validated"), distinct=True
            ),
            total_cost=Coalesce("build_cost", ZERO) + Coalesce("run_cost_yearly", ZERO),
        )
        .order_by(F("score").desc(nulls_last=True), "-impact", "position", "pk")
    )


def active_config() -> ScoringConfig:
    return ScoringConfig.from_model(ScoringModel.objects.filter(is_active=True).first())


def board_columns(
    user,
    filters: dict | None = None,
    config: ScoringConfig | None = None,
    *,
    horizons: tuple[str, ...] | None = None,
):
    """One column per horizon (or per one of `horizons`, for a column answered alone after an
    edit) with its best items and the totals of the whole column (effort points and build +
    yearly run cost). A constant number of queries: one per column for the cards, one grouped
    query for every column's totals."""
    config = config or active_config()
    items = board_items(user, filters)
    # Totals from the plain filter: the evidence counts' join would multiply the sums.
    plain = filtered_items(user, filters)
    if horizons is not None:
        plain = plain.filter(horizon__in=horizons)
    effort_points = Case(
        *(When(effort=size, then=Value(points)) for size, points in config.tshirt_points.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    totals = {
        row["horizon"]: row
        for row in plain.order_by()
        .values("horizon")
        .annotate(
            count=Count("pk"),
            effort_points=Sum(effort_points),
            cost=Sum(Coalesce("build_cost", ZERO) + Coalesce("run_cost_yearly", ZERO)),
        )
    }
    return [
        {
            "horizon": horizon,
            "label": label,
            "items": list(items.filter(horizon=horizon)[:BOARD_COLUMN_LIMIT]),
            "count": totals.get(horizon, {}).get("count", 0),
            "effort_points": totals.get(horizon, {}).get("effort_points") or 0,
            "cost": totals.get(horizon, {}).get("cost") or 0,
        }
        for horizon, label in RoadmapItem.Horizon.choices
        if horizons is None or horizon in horizons
    ]
