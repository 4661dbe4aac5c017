"""Server-rendered SVG charts of KPI measurements: coordinates only, no queries, no JS."""

from datetime import date, datetime

WIDTH, HEIGHT, PAD_X, PAD_Y = 640, 220, 48, 24


def _day(moment) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def kpi_chart(series, *, baseline=None, target=None, width=WIDTH, height=HEIGHT) -> dict | None:
    """A line of the measurements (oldest first) with the baseline and target as horizontal
    lines, scaled so all three are visible. None when there is nothing to draw."""
    if not series:
        return None
    days = [_day(moment) for moment, _ in series]
    values = [float(value) for _, value in series]
    levels = values + [float(v) for v in (baseline, target) if v is not None]
    low, high = min(levels), max(levels)
    if high == low:
        low, high = low - 1, high + 1
    margin = (high - low) * 0.08
    low, high = low - margin, high + margin
    first, last = days[0], days[-1]
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return round(PAD_X + (width - 2 * PAD_X) * (day - first).days / span, 1)

    def y(value: float) -> float:
        return round(height - PAD_Y - (height - 2 * PAD_Y) * (value - low) / (high - low), 1)

    points = [(x(d), y(v)) for d, v in zip(days, values, strict=True)]
    return {
        "width": width,
        "height": height,
        "left": PAD_X,
        "right": width - PAD_X,
        "polyline": " ".join(f"{px},{py}" for px, py in points),
        "last": {"x": points[-1][0], "y": points[-1][1], "value": values[-1]},
        "baseline_y": None if baseline is None else y(float(baseline)),
        "target_y": None if target is None else y(float(target)),
        "first_day": first,
        "last_day": last,
        "high": round(high - margin, 2),
        "low": round(low + margin, 2),
        "high_y": y(high - margin),
        "low_y": y(low + margin),
    }
