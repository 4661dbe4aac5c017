"""KPI progress and status (DESIGN.md §5) and SMART gaps, against hand-computed values.

Pure Python: no database. Expected values are literals worked out by hand in the comments.
The KPI runs from BASELINE_DAY to TARGET_DAY, 100 days later, so day k of it is k % of the time.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from metrics.progress import KPIState, kpi_state, smart_gaps

BASELINE_DAY = date(2025, 1, 1)
TARGET_DAY = date(2025, 4, 11)  # Jan 31 + Feb 28 + Mar 31 + 10 = 100 days later


def day(k: int) -> date:
    return BASELINE_DAY + timedelta(days=k)


def state(
    current,
    *,
    today=70,
    direction="increase",
    baseline="0",
    target="100",
    measured=None,
    cadence_days=7,
    **changes,
) -> KPIState:
    """The KPI on day `today`, measured `current` on day `measured` (default: the same day)."""
    fields = {
        "direction": direction,
        "baseline": Decimal(baseline) if baseline is not None else None,
        "target": Decimal(target) if target is not None else None,
        "baseline_date": BASELINE_DAY,
        "target_date": TARGET_DAY,
        "cadence_days": cadence_days,
        "measurements": [(day(today if measured is None else measured), Decimal(current))],
        "today": day(today),
    }
    return kpi_state(**{**fields, **changes})


def test_it_reads_the_worked_example():
    result = kpi_state(
        direction="decrease",
        baseline=Decimal("95.0000"),
        target=Decimal("45.0000"),
        baseline_date=BASELINE_DAY,
        target_date=TARGET_DAY,
        cadence_days=7,
        measurements=[(datetime(2025, 3, 3, 9, 30, tzinfo=UTC), Decimal("52.0000"))],
        today=day(62),
        name="Pack time",
        unit="min",
    )

    # (95 − 52) / (95 − 45) = 43 / 50 = 0.86; 62 / 100 days = 0.62; 0.86 ≥ 0.62 − 0.1.
    assert result == KPIState(
        current=Decimal("52.0000"),
        progress=0.86,
        status="on_track",
        elapsed=0.62,
        explanation=(
            "Pack time is 52 min against a target of 45 (from 95): 86 % of the way, "
            "62 % of the time gone — on track."
        ),
    )


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "current", "progress"),
    [
        pytest.param("increase", "0", "100", "60", 0.6, id="increase: (60 − 0) / (100 − 0)"),
        pytest.param("increase", "20", "70", "45", 0.5, id="increase: (45 − 20) / (70 − 20)"),
        pytest.param("decrease", "100", "0", "40", 0.6, id="decrease: (40 − 100) / (0 − 100)"),
        pytest.param("decrease", "95", "45", "52", 0.86, id="decrease: (52 − 95) / (45 − 95)"),
        pytest.param("increase", "0", "100", "-5", 0.0, id="below baseline clamps to 0"),
        pytest.param("decrease", "95", "45", "120", 0.0, id="worse than baseline clamps to 0"),
        pytest.param("increase", "0", "100", "130", 1.0, id="beyond target clamps to 1"),
        pytest.param("decrease", "95", "45", "30", 1.0, id="below a decrease target: 1"),
    ],
)
def test_it_computes_progress_for_moving_targets(direction, baseline, target, current, progress):
    assert state(current, direction=direction, baseline=baseline, target=target).progress == (
        progress
    )


@pytest.mark.parametrize(
    ("current", "status"),
    [
        # Day 70: t = 0.70, on track from 0.70 − 0.1 = 0.60, at risk from 0.70 − 0.25 = 0.45.
        pytest.param("60", "on_track", id="0.60 = t − 0.1: on track"),
        pytest.param("59.99", "at_risk", id="0.5999 < t − 0.1: at risk"),
        pytest.param("45", "at_risk", id="0.45 = t − 0.25: at risk"),
        pytest.param("44.99", "off_track", id="0.4499 < t − 0.25: off track"),
        pytest.param("99.99", "on_track", id="just short of the target: on track"),
    ],
)
def test_it_puts_the_boundaries_on_the_kind_side(current, status):
    assert state(current, today=70).status == status


@pytest.mark.parametrize(
    ("current", "status"),
    [
        # Decrease from 100 to 0 on day 30: t = 0.3; progress = (100 − current) / 100.
        pytest.param("80", "on_track", id="0.20 = 0.3 − 0.1: on track"),
        pytest.param("80.01", "at_risk", id="0.1999: at risk"),
        pytest.param("95", "at_risk", id="0.05 = 0.3 − 0.25: at risk"),
        pytest.param("95.01", "off_track", id="0.0499: off track"),
    ],
)
def test_it_puts_decrease_boundaries_on_the_kind_side(current, status):
    assert state(current, today=30, direction="decrease", baseline="100", target="0").status == (
        status
    )


@pytest.mark.parametrize(
    ("direction", "current"),
    [
        pytest.param("increase", "100", id="increase: 100 ≥ 100"),
        pytest.param("increase", "100.5", id="increase: beaten"),
        pytest.param("decrease", "45", id="decrease: 45 ≤ 45"),
        pytest.param("decrease", "44", id="decrease: beaten"),
    ],
)
def test_it_calls_a_met_target_achieved(direction, current):
    baseline, target = ("0", "100") if direction == "increase" else ("95", "45")

    result = state(current, today=10, direction=direction, baseline=baseline, target=target)

    assert (result.status, result.progress) == ("achieved", 1.0)
    assert result.explanation.endswith("target reached — achieved.")


def test_it_counts_time_from_the_baseline_date():
    assert state("10", today=25).elapsed == 0.25  # 25 / 100 days
    assert state("10", today=-5).elapsed == 0.0  # before the baseline date: clamped to 0
    assert state("10", today=130).elapsed == 1.0  # after the target date: clamped to 1


def test_it_judges_against_all_the_time_once_the_target_date_passed():
    # Day 130: t clamps to 1; progress 0.80 < 1 − 0.1 but ≥ 1 − 0.25.
    assert state("80", today=130).status == "at_risk"
    # progress 0.74 < 0.75: off track.
    assert state("74", today=130).status == "off_track"


def test_it_calls_no_progress_on_track_before_the_clock_starts():
    # Day −5: t = 0; progress 0 ≥ 0 − 0.1.
    assert state("0", today=-5).status == "on_track"


@pytest.mark.parametrize(
    ("cadence_days", "age", "status"),
    [
        pytest.param(14, 21, "on_track", id="14-day cadence: 21 days = 1.5 × 14, still fresh"),
        pytest.param(14, 22, "no_data", id="14-day cadence: 22 days > 21, stale"),
        pytest.param(7, 10, "on_track", id="7-day cadence: 10 days ≤ 10.5"),
        pytest.param(7, 11, "no_data", id="7-day cadence: 11 days > 10.5"),
    ],
)
def test_it_calls_an_old_measurement_no_data(cadence_days, age, status):
    # Day 70, measured 70 on day 70 − age: progress 0.70 ≥ 0.70 − 0.1 when fresh.
    result = state("70", today=70, measured=70 - age, cadence_days=cadence_days)

    assert result.status == status
    assert result.progress == 0.7
    if status == "no_data":
        assert f"last measured {age} days ago" in result.explanation


def test_it_keeps_an_achieved_target_achieved_when_measurements_stop():
    # Met on day 10, nothing since: a reached target stays reached (status checked first).
    assert state("100", today=90, measured=10).status == "achieved"


@pytest.mark.parametrize(
    ("direction", "current", "status", "progress"),
    [
        pytest.param("at_least", "99.5", "achieved", 1.0, id="at least 99: 99.5 met"),
        pytest.param("at_least", "99", "achieved", 1.0, id="at least 99: 99 met"),
        pytest.param("at_least", "98.9", "at_risk", 0.0, id="at least 99: 98.9 not met"),
        pytest.param("at_most", "99", "achieved", 1.0, id="at most 99: 99 met"),
        pytest.param("at_most", "12", "achieved", 1.0, id="at most 99: 12 met"),
        pytest.param("at_most", "99.1", "at_risk", 0.0, id="at most 99: 99.1 not met"),
    ],
)
def test_it_judges_floors_and_ceilings_met_or_not(direction, current, status, progress):
    # Day 20: t = 0.2; not met is progress 0 < 0.2 − 0.1 but ≥ 0.2 − 0.25.
    result = state(current, today=20, direction=direction, baseline="97", target="99")

    assert (result.status, result.progress) == (status, progress)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        pytest.param(10, "on_track", id="t = 0.10: 0 ≥ 0.10 − 0.1"),
        pytest.param(11, "at_risk", id="t = 0.11: 0 < 0.01"),
        pytest.param(25, "at_risk", id="t = 0.25: 0 ≥ 0.25 − 0.25"),
        pytest.param(26, "off_track", id="t = 0.26: 0 < 0.01"),
    ],
)
def test_it_tracks_an_unmet_floor_against_time(today, status):
    result = state("98", today=today, direction="at_least", baseline=None, target="99")

    assert result.status == status
    assert result.explanation.startswith("This KPI is 98 against a target of at least 99: not met")


def test_it_explains_an_unmet_ceiling():
    result = kpi_state(
        direction="at_most",
        baseline=None,
        target=Decimal("2"),
        baseline_date=BASELINE_DAY,
        target_date=TARGET_DAY,
        cadence_days=7,
        measurements=[(day(40), Decimal("3"))],
        today=day(40),
        name="Open incidents",
    )

    # t = 0.40; not met: 0 < 0.40 − 0.25.
    assert result.explanation == (
        "Open incidents is 3 against a target of at most 2: not met, 40 % of the time gone "
        "— off track."
    )


def test_it_handles_a_target_equal_to_the_baseline():
    met = state("50", direction="increase", baseline="50", target="50")
    missed = state("49", today=5, direction="increase", baseline="50", target="50")

    assert (met.status, met.progress) == ("achieved", 1.0)
    # Nothing to move: not met is progress 0; t = 0.05 so 0 ≥ 0.05 − 0.1.
    assert (missed.status, missed.progress) == ("on_track", 0.0)


def test_it_takes_the_latest_measurement_in_any_order():
    result = kpi_state(
        direction="increase",
        baseline=Decimal("0"),
        target=Decimal("100"),
        baseline_date=BASELINE_DAY,
        target_date=TARGET_DAY,
        cadence_days=7,
        measurements=[
            (datetime(2025, 3, 1, 8, 0, tzinfo=UTC), Decimal("40")),
            (datetime(2025, 3, 10, 17, 0, tzinfo=UTC), Decimal("65")),
            (date(2025, 3, 10), Decimal("61")),
            (datetime(2025, 3, 10, 9, 0, tzinfo=UTC), Decimal("62")),
            (datetime(2025, 2, 1, 8, 0, tzinfo=UTC), Decimal("20")),
        ],
        today=date(2025, 3, 12),
    )

    assert result.current == Decimal("65")


def test_it_accepts_plain_numbers():
    result = kpi_state(
        direction="increase",
        baseline=0,
        target=100,
        baseline_date=BASELINE_DAY,
        target_date=TARGET_DAY,
        cadence_days=7,
        measurements=[(day(70), 60.0)],
        today=day(70),
    )

    assert result.current == Decimal("60")
    assert result.progress == 0.6


def test_it_says_there_is_no_measurement_yet():
    result = state("1", measurements=[], name="Pack time")

    assert result == KPIState(
        current=None,
        progress=None,
        status="no_data",
        elapsed=0.7,
        explanation="Pack time has no measurement yet against a target of 100 (from 0) — no data.",
    )


def test_it_cannot_track_a_kpi_without_a_target():
    result = state("52", target=None, name="Pack time", unit="min")

    assert (result.current, result.progress, result.status) == (Decimal("52"), None, "no_data")
    assert result.explanation == (
        "Pack time is 52 min but has no target set, so it cannot be tracked — no data."
    )
    assert (
        "no target set and no measurement yet"
        in state("1", target=None, measurements=[]).explanation
    )


def test_it_needs_a_baseline_to_measure_progress():
    result = state("60", baseline=None)

    assert (result.progress, result.status) == (None, "no_data")
    assert "no baseline set" in result.explanation
    # Without a baseline a met target is still achieved.
    assert state("100", baseline=None).status == "achieved"


@pytest.mark.parametrize(
    ("dates", "problem"),
    [
        pytest.param({"baseline_date": None}, "no baseline date is set", id="no baseline date"),
        pytest.param({"target_date": None}, "no target date is set", id="no target date"),
        pytest.param(
            {"baseline_date": None, "target_date": None},
            "no baseline date or target date is set",
            id="neither date",
        ),
        pytest.param(
            {"target_date": BASELINE_DAY},
            "the target date is not after the baseline date",
            id="target date = baseline date",
        ),
    ],
)
def test_it_needs_both_dates_to_compare_with_time(dates, problem):
    result = state("60", **dates)

    assert (result.progress, result.elapsed, result.status) == (0.6, None, "no_data")
    assert problem in result.explanation


def test_it_rejects_an_unknown_direction():
    with pytest.raises(ValueError, match="Unknown KPI direction 'sideways'"):
        state("1", direction="sideways")


def test_it_rejects_a_cadence_below_a_day():
    with pytest.raises(ValueError, match="at least 1 day"):
        state("1", cadence_days=0)


def test_it_rounds_percentages_half_up():
    # Decrease 95 → 45 at 51.75: (95 − 51.75) / 50 = 0.865 → 87 %; day 62 → 62 %.
    result = state("51.75", today=62, direction="decrease", baseline="95", target="45")

    assert "87 % of the way, 62 % of the time gone" in result.explanation


# SMART gaps

COMPLETE = {
    "name": "Pack time",
    "unit": "min",
    "baseline": Decimal("95"),
    "baseline_date": BASELINE_DAY,
    "target": Decimal("45"),
    "target_date": TARGET_DAY,
    "cadence_days": 7,
    "calculation": "Median minutes from order to packed, per week.",
    "data_source": "Warehouse events",
}


def test_it_finds_no_gap_in_a_smart_kpi():
    assert smart_gaps(**COMPLETE) == []


def test_it_names_every_gap():
    empty = {
        "name": " ",
        "unit": "",
        "baseline": None,
        "baseline_date": None,
        "target": None,
        "target_date": None,
        "cadence_days": None,
        "calculation": "",
        "data_source": None,
    }

    assert smart_gaps(**empty) == [
        "a name (specific)",
        "how it is calculated (specific)",
        "a unit (measurable)",
        "a data source (measurable)",
        "a baseline, the value today (achievable)",
        "the date of the baseline (achievable)",
        "a target (achievable)",
        "a target date (time-bound)",
        "how often it is measured (time-bound)",
    ]


@pytest.mark.parametrize(
    ("change", "gap"),
    [
        pytest.param({"calculation": ""}, "how it is calculated (specific)", id="calculation"),
        pytest.param({"data_source": "  "}, "a data source (measurable)", id="data source"),
        pytest.param({"target": None}, "a target (achievable)", id="target"),
        pytest.param({"target_date": None}, "a target date (time-bound)", id="target date"),
        pytest.param(
            {"target_date": BASELINE_DAY - timedelta(days=1)},
            "a target date after the baseline date (time-bound)",
            id="target date before baseline date",
        ),
    ],
)
def test_it_names_a_single_gap(change, gap):
    assert smart_gaps(**{**COMPLETE, **change}) == [gap]
