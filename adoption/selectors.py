"""Reads of the adoption page, each a fixed number of queries whatever the amount of data."""

import datetime

from django.db.models import Avg, Count, Max, Min, Prefetch, Q

from adoption.charts import usage_chart
from adoption.models import AdoptionBarrier, EnablementAsset, Feedback, UsageSnapshot
from adoption.services import week_start_of
from discovery.models import Insight
from products.access import ProductAccess

USAGE_WEEKS_SHOWN = 26
CHANGE_WEEKS = 4  # the change column compares a week with the one four weeks before (§6)
ADOPTION_DROP = -30  # %: the change that §6's staleness check raises an alert for
FEEDBACK_SHOWN = 20


def _change(before: int, after: int) -> dict:
    """The relative change from `before` to `after` in words, with its direction."""
    if before == 0:
        if after == 0:
            return {"text": "±0", "direction": "flat", "percent": 0}
        return {"text": f"up from 0 to {after}", "direction": "up", "percent": None}
    percent = round(100 * (after - before) / before)
    direction = "up" if percent > 0 else "down" if percent < 0 else "flat"
    sign = "+" if percent > 0 else "−" if percent < 0 else "±"
    return {
        "text": f"{sign}{abs(percent)} %",
        "direction": direction,
        "percent": percent,
        "alarming": percent <= ADOPTION_DROP,
        "from": before,
    }


def duration_in_words(seconds: int | None) -> str:
    """170 → "2 min 50 s"; 45 → "45 s"; 3900 → "1 h 5 min"."""
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def usage_overview(product, *, today: datetime.date) -> dict:
    """The last USAGE_WEEKS_SHOWN weeks of usage (newest first, each with its change over
    CHANGE_WEEKS weeks), the chart of them and what was recorded overall, in two queries."""
    this_week = week_start_of(today)
    first_week = this_week - datetime.timedelta(weeks=USAGE_WEEKS_SHOWN - 1)
    rows = list(
        UsageSnapshot.objects.filter(
            product=product,
            week_start__gte=first_week - datetime.timedelta(weeks=CHANGE_WEEKS),
            week_start__lte=this_week,
        ).order_by("week_start")
    )
    by_week = {row.week_start: row.active_users for row in rows}
    shown = [row for row in rows if row.week_start >= first_week]
    for row in shown:
        before = by_week.get(row.week_start - datetime.timedelta(weeks=CHANGE_WEEKS))
        row.change = None if before is None else _change(before, row.active_users)
        row.task_time = duration_in_words(row.median_task_seconds)
    totals = UsageSnapshot.objects.filter(product=product).aggregate(
        count=Count("pk"), first=Min("week_start"), latest=Max("week_start")
    )
    latest = shown[-1] if shown else None
    target = product.target_users
    share = None
    if latest is not None and target:
        share = round(100 * latest.active_users / target)
    return {
        "usage_weeks": shown[::-1],
        "usage_latest": latest,
        "usage_share_of_target": share,
        "usage_totals": totals,
        "usage_weeks_shown": USAGE_WEEKS_SHOWN,
        "usage_this_week": this_week,
        "usage_chart": usage_chart(
            shown, first_week=first_week, weeks=USAGE_WEEKS_SHOWN, target=target
        ),
    }


def barrier_board(access: ProductAccess) -> dict:
    """The product's barriers in their three columns, most severe first, each with the insights
    that revealed it that this reader may see (insights from PII interviews stay with the team),
    in two queries."""
    readable = Insight.objects.readable_with(access).only(
        "pk", "kind", "text", "severity", "interview"
    )
    barriers = list(
        AdoptionBarrier.objects.filter(product=access.product)
        .order_by("-severity", "kind", "pk")
        .prefetch_related(Prefetch("insights", queryset=readable, to_attr="shown_insights"))
    )
    columns = [
        {
            "status": value,
            "label": label,
            "barriers": [barrier for barrier in barriers if barrier.status == value],
        }
        for value, label in AdoptionBarrier.Status.choices
    ]
    unresolved: dict[str, int] = {}
    for barrier in barriers:
        if barrier.status != AdoptionBarrier.Status.RESOLVED:
            unresolved[barrier.kind] = unresolved.get(barrier.kind, 0) + 1
    return {
        "barrier_columns": columns,
        "barrier_count": len(barriers),
        "barriers_unresolved_by_kind": [
            {"label": label, "count": unresolved[value]}
            for value, label in AdoptionBarrier.Kind.choices
            if value in unresolved
        ],
        "barrier_statuses": AdoptionBarrier.Status.choices,
    }


def enablement(product) -> dict:
    """The product's enablement assets by kind, and the kinds it has none of, in one query."""
    assets = list(EnablementAsset.objects.filter(product=product).order_by("kind", "title", "pk"))
    groups = [
        {"kind": value, "label": label, "assets": [a for a in assets if a.kind == value]}
        for value, label in EnablementAsset.Kind.choices
    ]
    missing = [group["label"] for group in groups if not group["assets"]]
    return {
        "asset_groups": [group for group in groups if group["assets"]],
        # "No training yet", "No PRD yet": lower case reads better mid-sentence, except acronyms.
        "assets_missing": [label if label.isupper() else label.lower() for label in missing],
        "asset_count": len(assets),
    }


def feedback_summary(product) -> dict:
    """The mean rating, the count and the spread of ratings over all feedback, and the latest
    FEEDBACK_SHOWN pieces with who gave them, in two queries."""
    ratings = range(5, 0, -1)
    summary = Feedback.objects.filter(product=product).aggregate(
        count=Count("pk"),
        mean=Avg("rating"),
        **{f"rated_{n}": Count("pk", filter=Q(rating=n)) for n in ratings},
    )
    count = summary["count"]
    spread = [
        {
            "rating": n,
            "count": summary[f"rated_{n}"],
            "percent": round(100 * summary[f"rated_{n}"] / count) if count else 0,
        }
        for n in ratings
    ]
    latest = list(
        Feedback.objects.filter(product=product)
        .select_related("user")
        .order_by("-given_at", "-pk")[:FEEDBACK_SHOWN]
    )
    return {
        "feedback": latest,
        "feedback_count": count,
        "feedback_mean": summary["mean"],
        "feedback_spread": spread,
        "feedback_shown": FEEDBACK_SHOWN,
    }
