"""KPI progress and status (DESIGN.md §5), and what a KPI still lacks to be SMART.

Pure Python, no queries: the caller reads the KPI and its measurements and passes them in.

Status is judged in this order:
1. achieved — the latest measurement meets the target (even when it is old: a target once reached
   stays reached);
2. no_data — the KPI cannot be judged: no target, no measurement, no measurement within
   1.5 × cadence days of today, or (for a target not yet met) no baseline or dates to measure
   progress and time against; the explanation names which;
3. on_track / at_risk / off_track — progress against the share of time gone.

The status boundaries are compared in exact rational arithmetic (Fraction): with floats, a
progress of 0.6 and an elapsed share of 0.7 give 0.6 >= 0.7 - 0.1 == False, so a KPI exactly on
the boundary would land on either side depending on rounding.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction

from metrics.models import KPIDirection

ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = (
    "achieved",
    "on_track",
    "at_risk",
    "off_track",
    "no_data",
)
STATUS_LABELS = {
    ACHIEVED: "achieved",
    ON_TRACK: "on track",
    AT_RISK: "at risk",
    OFF_TRACK: "off track",
    NO_DATA: "no data",
}

# §5: a KPI is on track while progress trails the share of time gone by at most 0.1, at risk
# while it trails by at most 0.25.
ON_TRACK_SLACK = Fraction(1, 10)
AT_RISK_SLACK = Fraction(1, 4)
# §5: measurements older than 1.5 × the cadence say nothing about today.
STALE_AFTER_CADENCES = Fraction(3, 2)

DIRECTIONS = tuple(KPIDirection.values)
_HIGHER_IS_BETTER = {
    KPIDirection.INCREASE.value: True,
    KPIDirection.AT_LEAST.value: True,
    KPIDirection.DECREASE.value: False,
    KPIDirection.AT_MOST.value: False,
}
_MOVING = {KPIDirection.INCREASE.value, KPIDirection.DECREASE.value}


@dataclass(frozen=True)
class KPIState:
    current: Decimal | None
    progress: float | None  # 0–1
    status: str  # achieved, on_track, at_risk, off_track, no_data
    elapsed: float | None  # 0–1, share of the time from baseline date to target date gone
    explanation: str


def kpi_state(
    *,
    direction: str,
    baseline: Decimal | None,
    target: Decimal | None,
    baseline_date: date | None,
    target_date: date | None,
    cadence_days: int,
    measurements,
    today: date,
    name: str = "This KPI",
    unit: str = "",
) -> KPIState:
    """The KPI's current value, progress and status on `today`, with a one-sentence explanation.

    `measurements` is any iterable of (observed_at, value) pairs in any order; observed_at is a
    date or a datetime (its own calendar date counts, so pass datetimes in the local zone).
    """
    direction = str(direction)
    if direction not in DIRECTIONS:
        raise ValueError(f"Unknown KPI direction {direction!r}; expected one of {DIRECTIONS}.")
    if cadence_days is None or cadence_days < 1:
        raise ValueError(f"The measurement cadence must be at least 1 day, not {cadence_days!r}.")
    baseline = _decimal(baseline)
    target = _decimal(target)
    latest = _latest(measurements)
    current = _decimal(latest[1]) if latest else None
    elapsed = _elapsed(baseline_date, target_date, today)
    elapsed_float = float(elapsed) if elapsed is not None else None
    text = _Text(name, unit, direction, current, baseline, target)

    if target is None:
        if current is None:
            sentence = f"{name} has no target set and no measurement yet"
        else:
            sentence = f"{text.current_is()} but has no target set, so it cannot be tracked"
        return KPIState(current, None, NO_DATA, elapsed_float, text.end(sentence, NO_DATA))
    if latest is None:
        sentence = f"{name} has no measurement yet against {text.target_phrase()}"
        return KPIState(None, None, NO_DATA, elapsed_float, text.end(sentence, NO_DATA))

    met = current >= target if _HIGHER_IS_BETTER[direction] else current <= target
    progress = _progress(direction, current, baseline, target, met)
    progress_float = float(progress) if progress is not None else None

    def state(status: str, sentence: str) -> KPIState:
        return KPIState(current, progress_float, status, elapsed_float, text.end(sentence, status))

    if met:
        reached = "target reached" if direction in _MOVING else "met"
        return state(ACHIEVED, f"{text.against()}: {reached}")

    age = (today - _day(latest[0])).days
    if age > STALE_AFTER_CADENCES * cadence_days:
        return state(
            NO_DATA,
            f"{text.against()}, but it was last measured {age} days ago, more than 1.5 × its "
            f"{cadence_days}-day cadence",
        )
    if progress is None:
        return state(NO_DATA, f"{text.against()}, but with no baseline set progress is unknown")
    if elapsed is None:
        return state(
            NO_DATA,
            f"{text.against()}, but {_dates_problem(baseline_date, target_date)}, so progress "
            "cannot be compared with time",
        )

    if progress >= elapsed - ON_TRACK_SLACK:
        status = ON_TRACK
    elif progress >= elapsed - AT_RISK_SLACK:
        status = AT_RISK
    else:
        status = OFF_TRACK
    way = f"{_percent(progress)} % of the way" if direction in _MOVING else "not met"
    return state(status, f"{text.against()}: {way}, {_percent(elapsed)} % of the time gone")


def smart_gaps(
    *,
    name: str | None,
    unit: str | None,
    baseline: Decimal | None,
    baseline_date: date | None,
    target: Decimal | None,
    target_date: date | None,
    cadence_days: int | None,
    calculation: str | None,
    data_source: str | None,
) -> list[str]:
    """What the KPI lacks to be SMART, in plain words, each tagged with the letter it serves.

    Empty when nothing is missing. Relevance (does it serve the product's decision?) is a
    judgement, not a field, so it is not checked here.
    """
    gaps = []
    if _blank(name):
        gaps.append("a name (specific)")
    if _blank(calculation):
        gaps.append("how it is calculated (specific)")
    if _blank(unit):
        gaps.append("a unit (measurable)")
    if _blank(data_source):
        gaps.append("a data source (measurable)")
    if baseline is None:
        gaps.append("a baseline, the value today (achievable)")
    if baseline_date is None:
        gaps.append("the date of the baseline (achievable)")
    if target is None:
        gaps.append("a target (achievable)")
    if target_date is None:
        gaps.append("a target date (time-bound)")
    elif baseline_date is not None and target_date <= baseline_date:
        gaps.append("a target date after the baseline date (time-bound)")
    if not cadence_days or cadence_days < 1:
        gaps.append("how often it is measured (time-bound)")
    return gaps


def _blank(text: str | None) -> bool:
    return text is None or not str(text).strip()


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    # str() so a float such as 0.1 stays 0.1 rather than its binary expansion.
    return Decimal(str(value))


def _day(observed: date | datetime) -> date:
    return observed.date() if isinstance(observed, datetime) else observed


def _latest(measurements) -> tuple | None:
    def key(pair):
        observed = pair[0]
        moment = observed.time() if isinstance(observed, datetime) else time.min
        # Calendar date, then time of day: a bare date sorts before any time on that day, and
        # naive and aware datetimes (which refuse to compare) can be mixed.
        return (_day(observed), moment)

    return max(measurements, key=key, default=None)


def _elapsed(baseline_date: date | None, target_date: date | None, today: date):
    if baseline_date is None or target_date is None or target_date <= baseline_date:
        return None
    share = Fraction((today - baseline_date).days, (target_date - baseline_date).days)
    return min(max(share, Fraction(0)), Fraction(1))


def _dates_problem(baseline_date: date | None, target_date: date | None) -> str:
    if baseline_date is None and target_date is None:
        return "no baseline date or target date is set"
    if baseline_date is None:
        return "no baseline date is set"
    if target_date is None:
        return "no target date is set"
    return "the target date is not after the baseline date"


def _progress(direction: str, current: Decimal, baseline, target: Decimal, met: bool):
    if direction not in _MOVING:
        return Fraction(1) if met else Fraction(0)
    if met:
        return Fraction(1)
    if baseline is None:
        return None
    if target == baseline:
        # Nothing to move: the target is met or not, and it is not.
        return Fraction(0)
    share = Fraction(current - baseline) / Fraction(target - baseline)
    return min(max(share, Fraction(0)), Fraction(1))


def _percent(share: Fraction) -> int:
    """Whole percent, halves rounded up (86.5 % → 87 %)."""
    return int(share * 100 + Fraction(1, 2))


def _number(value: Decimal) -> str:
    """52.0000 → 52, 12.5000 → 12.5, 12000 → 12,000: as typed, without the stored zeros."""
    return format(value.normalize(), ",f")


class _Text:
    """The pieces of the explanation sentence, e.g. “Pack time is 52 min against a target of 45
    (from 95): 86 % of the way, 62 % of the time gone — on track.”"""

    def __init__(self, name, unit, direction, current, baseline, target):
        self.name = name
        self.unit = f" {unit.strip()}" if unit and unit.strip() else ""
        self.direction = direction
        self.current = current
        self.baseline = baseline
        self.target = target

    def current_is(self) -> str:
        return f"{self.name} is {_number(self.current)}{self.unit}"

    def target_phrase(self) -> str:
        target = _number(self.target)
        if self.direction == KPIDirection.AT_LEAST:
            return f"a target of at least {target}"
        if self.direction == KPIDirection.AT_MOST:
            return f"a target of at most {target}"
        if self.baseline is None:
            return f"a target of {target}"
        return f"a target of {target} (from {_number(self.baseline)})"

    def against(self) -> str:
        return f"{self.current_is()} against {self.target_phrase()}"

    @staticmethod
    def end(sentence: str, status: str) -> str:
        return f"{sentence} — {STATUS_LABELS[status]}."
