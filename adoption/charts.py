"""The server-rendered SVG chart of weekly active users against the target: coordinates only, no
queries, no JS. One bar a week, so a week without figures shows as a gap rather than being
bridged by a line."""

import datetime
import math

WIDTH, HEIGHT = 640, 250
# Room for labels at the larger type narrow screens get (adoption.css): PAD_TOP for the target's
# label when the target tops the scale, PAD_BOTTOM for the dates under the bars.
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 62, 14, 32, 40
BAR_SHARE = 0.7  # of a week's slot; the rest is the gap between bars
X_LABEL_EVERY = 5  # weeks between date labels under the bars (every other one is "minor")


def _nice_step(peak: float, lines: int = 4) -> int:
    """A round gridline step (1, 2 or 5 × 10ⁿ) giving about `lines` gridlines up to `peak`."""
    raw = max(peak / lines, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return int(factor * magnitude)
    return int(10 * magnitude)  # pragma: no cover - the loop always returns


def usage_chart(
    snapshots, *, first_week: datetime.date, weeks: int, target: int | None = None
) -> dict | None:
    """Bars of `snapshots` (oldest first, each with week_start and active_users) placed in
    `weeks` weekly slots from `first_week`, with the target as a horizontal line, scaled so both
    are visible. None when there is nothing to draw."""
    if not snapshots:
        return None
    peak = max([s.active_users for s in snapshots] + [target or 0])
    step = _nice_step(peak)
    top = max(step * math.ceil(peak / step), step)
    plot_width = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_height = HEIGHT - PAD_TOP - PAD_BOTTOM
    slot = plot_width / weeks
    bar_width = round(slot * BAR_SHARE, 1)

    def x(week: datetime.date) -> float:
        index = (week - first_week).days // 7
        return round(PAD_LEFT + index * slot + (slot - bar_width) / 2, 1)

    def y(value: float) -> float:
        return round(PAD_TOP + plot_height * (1 - value / top), 1)

    latest = snapshots[-1]
    bars = [
        {
            "x": x(s.week_start),
            "y": y(s.active_users),
            "height": round(y(0) - y(s.active_users), 1),
            "week": s.week_start,
            "value": s.active_users,
            "latest": s is latest,
        }
        for s in snapshots
    ]
    labels = []
    for index in range(0, weeks, X_LABEL_EVERY):
        week = first_week + datetime.timedelta(weeks=index)
        labels.append(
            {
                "x": round(PAD_LEFT + index * slot + slot / 2, 1),
                "week": week,
                "minor": (index // X_LABEL_EVERY) % 2 == 1,
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": PAD_LEFT,
        "right": WIDTH - PAD_RIGHT,
        "bottom": y(0),
        "bar_width": bar_width,
        "bars": bars,
        "gridlines": [{"y": y(value), "value": value} for value in range(0, top + 1, step)],
        "target_y": None if target is None else y(target),
        "x_labels": labels,
        "label_y": HEIGHT - 8,
        "first_week": first_week,
        "last_week": first_week + datetime.timedelta(weeks=weeks - 1),
    }
