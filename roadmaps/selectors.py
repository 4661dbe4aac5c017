"""Reads of the roadmap across the portfolio."""

from django.db.models import F

from products.models import DataProduct
from roadmaps.models import RoadmapItem

BOARD_COLUMN_LIMIT = 100


def board_columns(user) -> list[dict]:
    """Open items of the products the user may see, one column per horizon, best score first
    (unscored items last). One query per column, whatever the portfolio's size."""
    items = (
        RoadmapItem.objects.filter(
            product__in=DataProduct.objects.visible_to(user),
            status__in=RoadmapItem.OPEN_STATUSES,
        )
        .select_related("product")
        .order_by(F("score").desc(nulls_last=True), "-impact", "position", "pk")
    )
    return [
        {
            "horizon": horizon,
            "label": label,
            "items": list(items.filter(horizon=horizon)[:BOARD_COLUMN_LIMIT]),
        }
        for horizon, label in RoadmapItem.Horizon.choices
    ]
