"""Health components, score and status against hand-computed values (DESIGN.md §5)."""

import datetime
from decimal import Decimal

import pytest

from metrics.progress import kpi_state
from products import health

TODAY = datetime.date(2026, 11, 23)


def _kpi(name, *, direction="increase", current, baseline=10, target=20, days_ago=1):
    """A KPI half way through its time (elapsed 0.5) measured `days_ago` days ago."""
    state = kpi_state(
        direction=direction,
        baseline=Decimal(baseline) if baseline is not None else None,
        target=Decimal(target),
        baseline_date=TODAY - datetime.timedelta(days=50),
        target_date=TODAY + datetime.timedelta(days=50),
        cadence_days=7,
        measurements=[(TODAY - datetime.timedelta(days=days_ago), Decimal(current))],
        today=TODAY,
        name=name,
    )
    return name, state


def _component(key, value):
    return health.Component(key, value, "hand-set")


# --- outcomes -------------------------------------------------------------------------------------


def test_outcomes_is_the_mean_progress_with_achieved_as_100():
    # 16 from 10 toward 20 = 0.6; an at-least target met = achieved = 1.0: (60 + 100) / 2 = 80.
    component = health.outcomes(
        [
            _kpi("Saves", current=16),
            _kpi("Coverage", direction="at_least", current=97, baseline=None, target=95),
        ]
    )
    assert component.value == 80.0
    assert component.explanation == "mean progress of 2 KPIs (Saves 60 %, Coverage achieved)"


def test_outcomes_leaves_out_kpis_without_recent_data():
    # Measured 30 days ago with a 7-day cadence: more than 1.5 × cadence, so no data.
    stale = _kpi("Stale", current=19, days_ago=30)
    assert stale[1].status == "no_data"
    component = health.outcomes([_kpi("Saves", current=13), stale])
    assert component.value == 30.0  # only Saves: (13 - 10) / (20 - 10)
    assert "1 without recent data left out" in component.explanation


def test_outcomes_is_unknown_without_a_judged_kpi():
    assert health.outcomes([]).value is None
    assert health.outcomes([]).set_up.startswith("Give a KPI a baseline and a target")
    stale = health.outcomes([_kpi("Stale", current=19, days_ago=30)])
    assert stale.value is None
    assert stale.explanation == "its only KPI has no target and recent measurement"


def test_outcomes_rounds_to_one_decimal_halves_up():
    # 1/3 progress and 0 progress: mean 1/6 = 16.666… → 16.7.
    component = health.outcomes([_kpi("A", current=Decimal("13.3333333")), _kpi("B", current=10)])
    assert component.value == 16.7


# --- adoption -------------------------------------------------------------------------------------


def test_adoption_is_active_users_over_target_users():
    component = health.adoption(
        active_users=84, week_start=datetime.date(2026, 11, 16), target_users=200
    )
    assert component.value == 42.0
    assert component.explanation == "84 of 200 target users active in the week of 16 Nov 2026"


def test_adoption_caps_at_100():
    component = health.adoption(
        active_users=250, week_start=datetime.date(2026, 11, 16), target_users=200
    )
    assert component.value == 100.0
    assert "more than the target counts as 100" in component.explanation


@pytest.mark.parametrize(
    ("active", "week", "target", "set_up"),
    [
        (84, datetime.date(2026, 11, 16), None, "Set how many people"),
        (84, datetime.date(2026, 11, 16), 0, "Set how many people"),
        (None, None, 200, "Record weekly active users"),
    ],
)
def test_adoption_is_unknown_without_target_or_usage(active, week, target, set_up):
    component = health.adoption(active_users=active, week_start=week, target_users=target)
    assert component.value is None
    assert component.set_up.startswith(set_up)


# --- reliability, readiness -----------------------------------------------------------------------


def test_reliability_is_the_share_of_checks_met():
    component = health.reliability(met=17, total=20, service_levels=2)
    assert component.value == 85.0
    assert component.explanation == "17 of 20 service-level checks met in the last 30 days"


def test_reliability_is_unknown_without_recent_checks():
    no_checks = health.reliability(met=0, total=0, service_levels=2)
    assert no_checks.value is None
    assert no_checks.set_up.startswith("Import the latest checks")
    no_levels = health.reliability(met=0, total=0, service_levels=0)
    assert no_levels.set_up.startswith("Define service levels")


def test_readiness_is_the_share_of_required_criteria_met():
    assert health.readiness(met=3, required=4).value == 75.0
    assert health.readiness(met=2, required=3).value == 66.7
    assert health.readiness(met=0, required=0).value is None


# --- review ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_ago", "value"),
    [
        (0, 100.0),
        (30, 100.0),  # full marks up to 30 days
        (31, 99.3),  # 100 × 149 / 150
        (60, 80.0),  # 100 × 120 / 150
        (105, 50.0),
        (179, 0.7),
        (180, 0.0),
        (400, 0.0),
    ],
)
def test_review_falls_linearly_from_30_to_180_days(days_ago, value):
    component = health.review(last_reviewed=TODAY - datetime.timedelta(days=days_ago), today=TODAY)
    assert component.value == value


def test_review_is_unknown_when_never_reviewed():
    component = health.review(last_reviewed=None, today=TODAY)
    assert component.value is None
    assert component.explanation == "never reviewed"


# --- score and status -----------------------------------------------------------------------------


def test_the_score_is_the_weighted_mean_of_all_components():
    # (30×80 + 25×42 + 20×85 + 15×75 + 10×80) / 100 = 7075 / 100 = 70.75 → 70.8
    result = health.health(
        [
            _component("outcomes", 80.0),
            _component("adoption", 42.0),
            _component("reliability", 85.0),
            _component("readiness", 75.0),
            _component("review", 80.0),
        ]
    )
    assert result.score == 70.8
    assert result.status == health.CAUTION
    assert result.summary == "Adoption (42) is below 70."


def test_unknown_components_are_left_out_of_the_weights():
    # outcomes and review unknown: (25×42 + 20×85 + 15×75) / 60 = 3875 / 60 = 64.58… → 64.6
    result = health.health(
        [
            _component("outcomes", None),
            _component("adoption", 42.0),
            _component("reliability", 85.0),
            _component("readiness", 75.0),
            _component("review", None),
        ]
    )
    assert result.score == 64.6
    assert result.summary == "Adoption (42) is below 70. 2 of 5 components not set up."


def test_no_known_component_is_unknown():
    result = health.health([_component(key, None) for key in health.WEIGHTS])
    assert (result.score, result.status) == (None, health.UNKNOWN)


@pytest.mark.parametrize(
    ("worst", "status"),
    [
        (100.0, health.HEALTHY),
        (70.0, health.HEALTHY),  # all ≥ 70
        (69.9, health.CAUTION),
        (40.0, health.CAUTION),  # any 40–69
        (39.9, health.AT_RISK),  # any < 40
        (0.0, health.AT_RISK),
    ],
)
def test_the_worst_component_decides_the_status(worst, status):
    result = health.health(
        [_component("outcomes", 95.0), _component("adoption", worst), _component("review", 100.0)]
    )
    assert result.status == status


def test_at_risk_wins_over_caution_and_names_every_component_below():
    result = health.health(
        [
            _component("outcomes", 33.3),
            _component("adoption", 55.0),
            _component("review", 0.0),
        ]
    )
    assert result.status == health.AT_RISK
    assert result.summary == "Outcomes (33.3) and Review (0) are below 40."


def test_the_breakdown_keeps_every_component_for_the_page():
    result = health.health([_component("adoption", 42.0), _component("review", None)])
    breakdown = result.as_breakdown()
    assert breakdown["score"] == 42.0
    assert [c["key"] for c in breakdown["components"]] == ["adoption", "review"]
    assert breakdown["components"][1]["value"] is None


# --- coverage, not enough data, the deciding component (issue 12) --------------------------------


@pytest.mark.parametrize(
    ("known", "coverage"),
    [
        ({"review": 100.0}, 10),
        ({"outcomes": 90.0, "review": 100.0}, 40),  # 30 + 10
        ({"adoption": 80.0, "readiness": 75.0, "review": 100.0}, 50),  # 25 + 15 + 10
        ({"outcomes": 22.0, "reliability": 95.0}, 50),  # 30 + 20
        (dict.fromkeys(health.WEIGHTS, 80.0), 100),
        ({}, 0),
    ],
)
def test_the_coverage_is_the_sum_of_the_known_weights(known, coverage):
    result = health.health([_component(key, known.get(key)) for key in health.WEIGHTS])
    assert result.coverage == coverage


@pytest.mark.parametrize(
    "known",
    [
        {"review": 100.0},  # a product known only by its review is not healthy
        {"outcomes": 90.0, "review": 100.0},  # 40: every known component ≥ 70, still too little
        {"adoption": 12.0, "review": 100.0},  # 35: not at risk either, not enough to say
    ],
)
def test_below_half_the_weights_there_is_not_enough_data_whatever_the_components_say(known):
    result = health.health([_component(key, known.get(key)) for key in health.WEIGHTS])
    assert result.status == health.NOT_ENOUGH_DATA
    assert result.decided_by is None
    assert health.STATUS_LABELS[result.status] == "Not enough data"
    # The score is still the weighted mean of what is known, shown with its coverage.
    assert result.score is not None


def test_a_product_known_only_by_its_review_reads_not_enough_data():
    result = health.health(
        [_component(key, 100.0 if key == "review" else None) for key in health.WEIGHTS]
    )
    assert (result.score, result.coverage, result.status) == (100.0, 10, health.NOT_ENOUGH_DATA)
    assert result.headline == "Not enough data — covers 10 of 100"
    assert result.summary == (
        "Only Review has data: it covers 10 of 100, and a status needs 50 or more. "
        "4 of 5 components not set up."
    )


def test_not_enough_data_names_every_known_component():
    result = health.health(
        [_component("outcomes", 90.0), _component("adoption", None), _component("review", 100.0)]
    )
    assert result.summary == (
        "Only Outcomes and Review have data: they cover 40 of 100, and a status needs 50 or "
        "more. 1 of 3 components not set up."
    )


def test_exactly_half_the_weights_gives_a_status():
    # adoption 80, readiness 75, review 100: 25 + 15 + 10 = 50, all ≥ 70; the lowest decides.
    result = health.health(
        [
            _component("outcomes", None),
            _component("adoption", 80.0),
            _component("reliability", None),
            _component("readiness", 75.0),
            _component("review", 100.0),
        ]
    )
    assert (result.coverage, result.status) == (50, health.HEALTHY)
    assert result.decided_by.key == "readiness"
    assert result.headline == "Healthy — readiness 75"
    assert result.summary == (
        "Every known component is 70 or more; the lowest is Readiness (75). "
        "2 of 5 components not set up."
    )


def test_no_known_component_has_no_coverage_and_no_decider():
    result = health.health([_component(key, None) for key in health.WEIGHTS])
    assert (result.coverage, result.decided_by) == (0, None)
    assert result.headline == "Unknown — no data yet"


@pytest.mark.parametrize(
    ("values", "decider", "headline"),
    [
        # The worst component decides, whatever its weight.
        ((80, 42, 85, 75, 80), "adoption", "Caution — adoption 42"),
        ((22, 42, 85, 75, 80), "outcomes", "At risk — outcomes 22"),
        ((95, 90, 85, 99.9, 33.3), "review", "At risk — review 33.3"),
        ((95, 90, 85, 72.5, 100), "readiness", "Healthy — readiness 72.5"),
        # Ties go to the heavier component (first in weight order): it moves the score most.
        ((90, 30, 85, 75, 30), "adoption", "At risk — adoption 30"),
        ((55, 90, 55, 55, 55), "outcomes", "Caution — outcomes 55"),
        ((70, 70, 70, 70, 70), "outcomes", "Healthy — outcomes 70"),
    ],
)
def test_the_worst_component_is_named_beside_the_status(values, decider, headline):
    result = health.health(
        [_component(key, float(v)) for key, v in zip(health.WEIGHTS, values, strict=True)]
    )
    assert result.decided_by.key == decider
    assert result.headline == headline


def test_the_decider_is_the_worst_whatever_order_the_components_come_in():
    result = health.health(
        [_component("review", 30.0), _component("adoption", 30.0), _component("outcomes", 90.0)]
    )
    assert result.decided_by.key == "adoption"


def test_the_breakdown_keeps_the_coverage_and_the_decider():
    result = health.health(
        [_component("outcomes", 22.0), _component("reliability", 90.0), _component("review", None)]
    )
    breakdown = result.as_breakdown()
    assert breakdown["coverage"] == 50
    assert breakdown["decided_by"] == "outcomes"
    assert health.headline_of(status=result.status, breakdown=breakdown) == (
        "At risk — outcomes 22"
    )


@pytest.mark.parametrize(
    ("status", "breakdown", "headline"),
    [
        (
            "caution",
            {"decided_by": "adoption", "components": [{"key": "adoption", "value": 42.0}]},
            "Caution — adoption 42",
        ),
        (
            "not_enough_data",
            {"coverage": 35, "decided_by": None, "components": []},
            "Not enough data — covers 35 of 100",
        ),
        ("unknown", {}, "Unknown — no data yet"),
        # Stored before the decider was kept: the status alone, until the next recompute.
        ("healthy", {"components": [{"key": "review", "value": 100.0}]}, "Healthy"),
    ],
)
def test_the_headline_is_read_back_from_the_stored_breakdown(status, breakdown, headline):
    assert health.headline_of(status=status, breakdown=breakdown) == headline


def test_coverage_words():
    assert health.coverage_words(45) == "covers 45 of 100"


def test_the_status_labels_are_the_stored_choices():
    from products.models import DataProduct

    assert dict(DataProduct.HealthStatus.choices) == health.STATUS_LABELS
