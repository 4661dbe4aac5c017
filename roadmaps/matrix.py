"""Layout of the impact/effort matrix (DESIGN.md §5) as SVG coordinates: pure, no queries."""

from roadmaps.models import RoadmapItem
from roadmaps.scoring import QUADRANT_LABELS, cost_points, quadrant

WIDTH, HEIGHT, PAD = 720, 460, 56
SIZES = [value for value, _ in RoadmapItem.Effort.choices]  # XS … XXL, left to right


def _x(size_index: float) -> float:
    return PAD + (WIDTH - 2 * PAD) * (size_index + 0.5) / len(SIZES)


def _y(impact: float) -> float:
    return HEIGHT - PAD - (HEIGHT - 2 * PAD) * (impact - 0.5) / 5


def layout(items, config) -> dict:
    """Points for `items` (impact up, effort right, radius by cost points) and the frame with
    the four quadrants: quick win, big bet, fill-in, money pit."""
    split_x = (_x(SIZES.index("M")) + _x(SIZES.index("L"))) / 2
    split_y = (_y(2) + _y(3)) / 2
    points = []
    for n, item in enumerate(items):
        total = None
        if item.build_cost is not None or item.run_cost_yearly is not None:
            total = (item.build_cost or 0) + (item.run_cost_yearly or 0)
        spread = ((n * 7) % 9 - 4) * 4  # items sharing a cell stay apart
        points.append(
            {
                "item": item,
                "number": n + 1,
                "x": round(_x(SIZES.index(item.effort)) + spread, 1),
                "y": round(_y(item.impact) + spread / 2, 1),
                "r": 5 + 2 * cost_points(total, config),
                "quadrant": QUADRANT_LABELS[quadrant(item.impact, item.effort)],
            }
        )
    right, bottom = WIDTH - PAD, HEIGHT - PAD
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "pad": PAD,
        "right": right,
        "bottom": bottom,
        "split_x": round(split_x, 1),
        "split_y": round(split_y, 1),
        "quadrants": [
            {"label": "Quick win", "x": PAD + 8, "y": PAD + 18, "anchor": "start"},
            {"label": "Big bet", "x": right - 8, "y": PAD + 18, "anchor": "end"},
            {"label": "Fill-in", "x": PAD + 8, "y": bottom - 10, "anchor": "start"},
            {"label": "Money pit", "x": right - 8, "y": bottom - 10, "anchor": "end"},
        ],
        "quick_win": {"w": round(split_x - PAD, 1), "h": round(split_y - PAD, 1)},
        "money_pit": {
            "x": round(split_x, 1),
            "y": round(split_y, 1),
            "w": round(right - split_x, 1),
            "h": round(bottom - split_y, 1),
        },
        "x_ticks": [{"x": round(_x(i), 1), "label": size} for i, size in enumerate(SIZES)],
        "y_ticks": [{"y": round(_y(v), 1), "label": v} for v in range(1, 6)],
        "points": points,
    }
