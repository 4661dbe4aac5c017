"""Roadmap item scores (DESIGN.md §5): every framework against hand-computed figures.

Pure Python: no database. Expected values are literals worked out by hand in the comments, never
computed with the module under test.
"""

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest

from roadmaps.scoring import (
    QUADRANT_LABELS,
    ItemInputs,
    Score,
    ScoringConfig,
    confidence,
    cost_points,
    derived_confidence,
    effort_points,
    quadrant,
    score_item,
)

DEFAULT = ScoringConfig.default()


def worked_example(**changes) -> ItemInputs:
    """§5: impact 4, validated + testing hypotheses (0.85), effort M (3), cost 60,000 (3)."""
    fields = {
        "impact": 4,
        "effort": "M",
        "reach": 500,
        "build_cost": Decimal("50000.00"),
        "run_cost_yearly": Decimal("10000.00"),
        "hypothesis_statuses": ("validated", "testing"),
    }
    return ItemInputs(**{**fields, **changes})


def score(inputs: ItemInputs, framework: str = "iec", **config) -> Score:
    return score_item(inputs, ScoringConfig(framework=framework, **config))


# Confidence


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        pytest.param(("validated", "testing"), 0.85, id="(1.0 + 0.7) / 2"),
        pytest.param((), 0.5, id="none linked: 0.5"),
        pytest.param(("invalidated", "invalidated"), 0.1, id="(0.1 + 0.1) / 2"),
        pytest.param(("proposed", "parked"), 0.5, id="(0.5 + 0.5) / 2"),
        pytest.param(("validated",), 1.0, id="one validated"),
        pytest.param(("validated", "testing", "invalidated", "proposed"), 0.575, id="2.3 / 4"),
    ],
)
def test_it_derives_confidence_from_linked_hypotheses(statuses, expected):
    assert derived_confidence(statuses) == pytest.approx(expected)


def test_it_explains_derived_confidence_with_counts_per_status():
    value, entry = confidence(worked_example())
    assert value == 0.85
    assert entry["source"] == "hypotheses"
    assert entry["hypotheses"] == {"validated": 1, "testing": 1}


def test_it_says_when_confidence_is_the_default():
    value, entry = confidence(worked_example(hypothesis_statuses=()))
    assert (value, entry["source"]) == (0.5, "default")


def test_an_override_wins_over_hypotheses_and_keeps_its_reason():
    inputs = worked_example(
        confidence_override=Decimal("0.30"), confidence_reason="Only one interview so far"
    )
    value, entry = confidence(inputs)
    assert value == 0.3
    assert entry["source"] == "override"
    assert entry["reason"] == "Only one interview so far"


# IEC (the default framework)


def test_it_scores_the_worked_example_of_the_design():
    # 100 × 4 × 0.85 / (3 + 3) = 340 / 6 = 56.666… → 56.7
    result = score_item(worked_example(), DEFAULT)
    assert result.value == 56.7
    assert result.breakdown["framework"] == "iec"
    assert result.breakdown["intermediates"]["effort_points"] == 3
    assert result.breakdown["intermediates"]["cost_points"] == 3
    assert result.breakdown["explanation"][0] == (
        "Impact 4 × confidence 0.85 (mean of 1 validated and 1 testing hypothesis) × 100"
        " ÷ (effort M = 3 points + cost 60,000 = 3 points) = 56.7"
    )


def test_it_scores_an_item_without_hypotheses_or_cost():
    # 100 × 4 × 0.5 / (M 3 + no cost 1) = 200 / 4 = 50.0
    inputs = worked_example(hypothesis_statuses=(), build_cost=None, run_cost_yearly=None)
    result = score(inputs)
    assert result.value == 50.0
    assert result.breakdown["inputs"]["confidence"]["source"] == "default"
    assert result.breakdown["intermediates"]["cost_points"] == 1
    assert "No build or run cost is entered" in " ".join(result.breakdown["explanation"])


def test_all_invalidated_hypotheses_sink_the_score():
    # 100 × 4 × 0.1 / 6 = 40 / 6 = 6.666… → 6.7
    assert score(worked_example(hypothesis_statuses=("invalidated", "invalidated"))).value == 6.7


def test_an_override_drives_the_score_and_the_breakdown_says_why():
    inputs = worked_example(
        confidence_override=Decimal("0.30"), confidence_reason="Only one interview so far"
    )
    # 100 × 4 × 0.3 / 6 = 120 / 6 = 20.0
    result = score(inputs)
    assert result.value == 20.0
    assert result.breakdown["inputs"]["confidence"]["source"] == "override"
    assert "Only one interview so far" in " ".join(result.breakdown["explanation"])


def test_an_override_of_zero_is_allowed_and_scores_zero():
    # 100 × 4 × 0 / 6 = 0
    result = score(worked_example(confidence_override=Decimal("0"), confidence_reason="Disproved"))
    assert result.value == 0.0
    assert result.breakdown["inputs"]["confidence"]["value"] == 0.0


def test_xxl_effort_counts_thirteen_points_and_rounds_half_up():
    # 100 × 4 × 0.85 / (13 + 3) = 340 / 16 = 21.25 → 21.3 (round() would give 21.2)
    result = score(worked_example(effort="XXL"))
    assert result.breakdown["intermediates"]["effort_points"] == 13
    assert result.value == 21.3


def test_a_float_half_rounds_up_not_to_even():
    # override 0.15 (a float: 0.1499999… in binary); S = 2 points; 20,000 → 2 points:
    # 100 × 3 × 0.15 / 4 = 45 / 4 = 11.25 → 11.3 (float arithmetic and round() give 11.2)
    inputs = ItemInputs(impact=3, effort="S", build_cost=20_000, confidence_override=0.15)
    assert score(inputs).value == 11.3


@pytest.mark.parametrize(
    ("effort", "points"), [("XS", 1), ("S", 2), ("M", 3), ("L", 5), ("XL", 8), ("XXL", 13)]
)
def test_it_counts_effort_points_from_the_t_shirt(effort, points):
    assert effort_points(effort, DEFAULT) == points


@pytest.mark.parametrize(
    ("total", "points"),
    [
        (None, 1),
        (Decimal("0"), 1),
        (Decimal("9999.99"), 1),
        (Decimal("10000"), 2),
        (Decimal("49999"), 2),
        (Decimal("50000"), 3),
        (Decimal("149999"), 3),
        (Decimal("150000"), 5),
        (Decimal("499999"), 5),
        (Decimal("500000"), 8),
        (Decimal("2500000"), 8),
        (9999.99, 1),
        (10_000, 2),
    ],
)
def test_it_counts_cost_points_by_band(total, points):
    assert cost_points(total, DEFAULT) == points


@pytest.mark.parametrize(
    ("build", "run", "points"),
    [
        pytest.param(Decimal("40000"), Decimal("9999.99"), 2, id="49,999.99 → 2"),
        pytest.param(Decimal("40000"), Decimal("10000"), 3, id="50,000 → 3"),
        pytest.param(None, Decimal("9999.99"), 1, id="run only 9,999.99 → 1"),
        pytest.param(Decimal("10000"), None, 2, id="build only 10,000 → 2"),
        pytest.param(None, None, 1, id="none entered → 1"),
    ],
)
def test_cost_is_build_plus_yearly_run(build, run, points):
    inputs = worked_example(build_cost=build, run_cost_yearly=run)
    assert score(inputs).breakdown["intermediates"]["cost_points"] == points


# RICE


def test_it_scores_rice():
    # reach 500 × impact 4 → 2 × confidence 0.85 / M → 1 person-month = 850.0
    result = score(worked_example(), "rice")
    assert result.value == 850.0
    assert result.breakdown["intermediates"] == {"impact_rice": 2.0, "person_months": 1.0}


def test_it_scores_rice_with_another_mapping():
    # reach 120 × impact 3 → 1 × confidence 0.5 (none linked) / XL → 4 person-months = 15.0
    inputs = ItemInputs(impact=3, effort="XL", reach=120)
    assert score(inputs, "rice").value == 15.0


def test_rice_without_reach_scores_zero_and_says_reach_is_missing():
    result = score(worked_example(reach=None), "rice")
    assert result.value == 0.0
    assert result.breakdown["inputs"]["reach"]["source"] == "missing"
    assert "Reach is not set" in result.breakdown["explanation"][0]


# ICE


def test_it_scores_ice():
    # impact 4 × 2 = 8; confidence 0.85 × 10 = 8.5; ease M = 6: 8 × 8.5 × 6 = 408.0
    result = score(worked_example(), "ice")
    assert result.value == 408.0
    assert result.breakdown["intermediates"] == {"impact_10": 8, "confidence_10": 8.5, "ease": 6}


def test_it_scores_ice_for_a_small_item():
    # impact 2 × 2 = 4; override 0.3 × 10 = 3; ease XS = 10: 4 × 3 × 10 = 120.0
    inputs = ItemInputs(impact=2, effort="XS", confidence_override=Decimal("0.3"))
    assert score(inputs, "ice").value == 120.0


# WSJF


def test_wsjf_counts_unset_criticality_and_risk_as_one_and_says_so():
    # (impact 4 + 1 + 1) / M 3 = 6 / 3 = 2.0
    result = score(worked_example(), "wsjf")
    assert result.value == 2.0
    assert result.breakdown["inputs"]["time_criticality"] == {
        "value": 1,
        "source": "default",
        "note": "not set; counts as 1",
    }
    explanation = " ".join(result.breakdown["explanation"])
    assert "Time criticality is not set, so it counts as 1." in explanation
    assert "Risk reduction is not set, so it counts as 1." in explanation


def test_it_scores_wsjf_with_criticality_and_risk():
    # (impact 4 + 5 + 3) / M 3 = 12 / 3 = 4.0
    result = score(worked_example(time_criticality=5, risk_reduction=3), "wsjf")
    assert result.value == 4.0
    assert result.breakdown["inputs"]["time_criticality"]["source"] == "item"


def test_wsjf_rounds_to_one_decimal():
    # (impact 3 + 2 + 2) / XXL 13 = 7 / 13 = 0.538… → 0.5
    inputs = ItemInputs(impact=3, effort="XXL", time_criticality=2, risk_reduction=2)
    assert score(inputs, "wsjf").value == 0.5


# Weighted


def test_it_scores_weighted_with_default_weights():
    # impact     (4 − 1) / 4 = 0.75                        × 3 = 2.25
    # confidence 0.85                                      × 2 = 1.70
    # reach      min(500 / 1000, 1) = 0.5                  × 1 = 0.50
    # effort     M: 1 − (3 − 1) / (13 − 1) = 0.8333…       × 2 = 1.6667
    # cost       3 points: 1 − (3 − 1) / (8 − 1) = 0.7142… × 2 = 1.4286
    # Σ = 7.5452… / Σw 10 × 100 = 75.45… → 75.5
    result = score(worked_example(), "weighted")
    assert result.value == 75.5
    criteria = result.breakdown["intermediates"]["criteria"]
    assert criteria["effort"] == {"weight": 2.0, "normalised": 0.8333}
    assert criteria["cost"] == {"weight": 2.0, "normalised": 0.7143}


def test_weighted_counts_missing_reach_as_zero_and_says_so():
    # impact (5 − 1) / 4 = 1 × 3 = 3; confidence 0.5 × 2 = 1; reach 0 × 1 = 0;
    # effort XS: 1 − 0 / 12 = 1 × 2 = 2; cost none → 1 point: 1 − 0 / 7 = 1 × 2 = 2
    # Σ = 8 / 10 × 100 = 80.0
    result = score(ItemInputs(impact=5, effort="XS"), "weighted")
    assert result.value == 80.0
    assert result.breakdown["inputs"]["reach"]["source"] == "missing"
    assert "Reach is not set, so it counts as 0." in result.breakdown["explanation"]


def test_weighted_caps_reach():
    # as above but reach 5,000: min(5000 / 1000, 1) = 1 × 1 = 1 → Σ = 9 / 10 × 100 = 90.0
    assert score(ItemInputs(impact=5, effort="XS", reach=5000), "weighted").value == 90.0


def test_it_scores_weighted_with_custom_weights():
    # only impact and cost count: (1 × 0.75 + 1 × (1 − 2/7 = 0.7142…)) / 2 × 100
    # = 1.4642… / 2 × 100 = 73.21… → 73.2
    weights = {"impact": 1, "confidence": 0, "reach": 0, "effort": 0, "cost": 1}
    assert score(worked_example(), "weighted", weights=weights).value == 73.2


def test_a_reach_cap_in_the_model_weights_changes_the_weighted_score():
    # reach 500 / cap 500 = 1 × 1 = 1 instead of 0.5: Σ = 7.5452… + 0.5 = 8.0452… → 80.5
    model = SimpleNamespace(
        framework="weighted",
        tshirt_points={},
        cost_bands=[],
        cost_top_points=8,
        weights={"reach_cap": 500},
    )
    assert score_item(worked_example(), ScoringConfig.from_model(model)).value == 80.5


# Custom configuration


def test_custom_t_shirt_points_change_the_score():
    # M = 5 points: 100 × 4 × 0.85 / (5 + 3) = 340 / 8 = 42.5
    points = {"XS": 1, "S": 2, "M": 5, "L": 8, "XL": 13, "XXL": 21}
    assert score(worked_example(), tshirt_points=points).value == 42.5


def test_custom_cost_bands_change_the_score():
    # 60,000 < 100,000 → 1 point: 100 × 4 × 0.85 / (3 + 1) = 340 / 4 = 85.0
    config = ScoringConfig(cost_bands=[(100_000, 1), (1_000_000, 2)], cost_top_points=3)
    assert score_item(worked_example(), config).value == 85.0
    assert cost_points(Decimal("1000000"), config) == 3


def test_from_model_reads_a_scoring_model():
    model = SimpleNamespace(
        framework="wsjf",
        tshirt_points={"M": 5},
        cost_bands=[[100_000, 1], [20_000, 4]],
        cost_top_points=9,
        weights={"impact": 5},
    )
    config = ScoringConfig.from_model(model)
    assert config.framework == "wsjf"
    # sizes not given keep their default points
    assert config.tshirt_points == {"XS": 1, "S": 2, "M": 5, "L": 5, "XL": 8, "XXL": 13}
    # bands sorted by their upper bound
    assert config.cost_bands == [(20_000.0, 4), (100_000.0, 1)]
    assert config.cost_top_points == 9
    assert config.weights == {
        "impact": 5.0,
        "confidence": 2.0,
        "reach": 1.0,
        "effort": 2.0,
        "cost": 2.0,
    }
    assert config.reach_cap == 1000.0
    # (impact 4 + 1 + 1) / M 5 = 1.2
    assert score_item(worked_example(), config).value == 1.2


def test_from_model_with_empty_settings_is_the_default():
    model = SimpleNamespace(
        framework="iec", tshirt_points={}, cost_bands=[], cost_top_points=8, weights={}
    )
    assert ScoringConfig.from_model(model) == ScoringConfig.default()
    assert ScoringConfig.from_model(None) == ScoringConfig.default()
    assert ScoringConfig.default().framework == "iec"


def test_inputs_are_read_from_an_item_without_queries():
    item = SimpleNamespace(
        impact=4,
        effort="M",
        reach=None,
        build_cost=Decimal("50000.00"),
        run_cost_yearly=Decimal("10000.00"),
        confidence_override=None,
        confidence_reason="",
        time_criticality=None,
        risk_reduction=None,
    )
    inputs = ItemInputs.from_item(item, ["validated", "testing"])
    assert inputs.hypothesis_statuses == ("validated", "testing")
    assert score_item(inputs, DEFAULT).value == 56.7


# Quadrants


@pytest.mark.parametrize(
    ("impact", "effort", "expected"),
    [
        (5, "XS", "quick_win"),
        (3, "M", "quick_win"),
        (3, "L", "big_bet"),
        (5, "XXL", "big_bet"),
        (2, "M", "fill_in"),
        (1, "XS", "fill_in"),
        (2, "L", "money_pit"),
        (1, "XXL", "money_pit"),
    ],
)
def test_it_places_items_in_the_impact_effort_matrix(impact, effort, expected):
    assert quadrant(impact, effort) == expected


def test_every_quadrant_has_a_label():
    assert QUADRANT_LABELS == {
        "quick_win": "Quick win",
        "big_bet": "Big bet",
        "fill_in": "Fill-in",
        "money_pit": "Money pit",
    }


# Breakdowns


@pytest.mark.parametrize(
    ("framework", "names_the_impact"),
    [
        ("iec", "Impact 4 ×"),
        ("rice", "impact 2 (4 on 1–5)"),
        ("ice", "Impact 8 (4 × 2)"),
        ("wsjf", "(Value 4 +"),
        ("weighted", "Impact 4 on 1–5"),
    ],
)
def test_every_breakdown_survives_json_and_names_its_inputs(framework, names_the_impact):
    result = score(worked_example(), framework)
    # The recompute compares a fresh breakdown with the stored JSON: a round trip changes nothing.
    assert json.loads(json.dumps(result.breakdown)) == result.breakdown
    breakdown = result.breakdown
    assert breakdown["framework"] == framework
    assert breakdown["formula"]
    assert breakdown["score"] == result.value
    assert breakdown["inputs"]["impact"] == {"value": 4, "source": "item"}
    assert breakdown["inputs"]["effort"] == {"value": "M", "source": "item"}
    explanation = " ".join(breakdown["explanation"])
    assert names_the_impact in explanation
    assert "M" in explanation
    # the frameworks that use them name the confidence (0.85) and the reach (500)
    assert framework == "wsjf" or "0.85" in explanation
    assert framework not in ("rice", "weighted") or "Reach 500" in explanation
    assert breakdown["explanation"][0].endswith(f"= {result.value:,.1f}")


def test_the_iec_explanation_names_the_cost_parts_and_band():
    explanation = score(worked_example()).breakdown["explanation"]
    assert (
        "Cost 60,000 (build 50,000 and yearly run 10,000) is from 50,000 to under 150,000:"
        " 3 points." in explanation
    )


# Refusals


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"impact": 0}, "Impact must be a whole number from 1 to 5, got 0"),
        ({"impact": 6}, "Impact must be a whole number from 1 to 5, got 6"),
        ({"impact": None}, "Impact must be a whole number from 1 to 5, got None"),
        ({"effort": "XXXL"}, "Effort must be one of XS, S, M, L, XL, XXL, got 'XXXL'"),
        ({"confidence_override": Decimal("1.5")}, "confidence override must be from 0 to 1"),
        ({"time_criticality": 6}, "Time criticality must be a whole number from 1 to 5"),
        ({"hypothesis_statuses": ("maybe",)}, "Unknown hypothesis status: maybe"),
        ({"build_cost": Decimal("-1")}, "build_cost must be 0 or more"),
    ],
)
def test_it_refuses_inputs_outside_their_ranges(changes, message):
    with pytest.raises(ValueError, match=message):
        worked_example(**changes)


def test_it_refuses_an_unknown_effort_or_impact_in_helpers():
    with pytest.raises(ValueError, match="Effort must be one of"):
        effort_points("XXXL", DEFAULT)
    with pytest.raises(ValueError, match="Effort must be one of"):
        quadrant(3, "XXXL")
    with pytest.raises(ValueError, match="Impact must be"):
        quadrant(0, "M")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"framework": "moscow"}, "Unknown scoring framework 'moscow'"),
        ({"tshirt_points": {"M": 3}}, "missing: XS, S, L, XL, XXL"),
        ({"cost_bands": [(10_000, 0)]}, "cost band's points must be a whole number 1 or more"),
        ({"weights": {"impact": 1}}, "missing: confidence, reach, effort, cost"),
        (
            {"weights": {"impact": 0, "confidence": 0, "reach": 0, "effort": 0, "cost": 0}},
            "not all 0",
        ),
        ({"reach_cap": 0}, "reach cap must be above 0"),
    ],
)
def test_it_refuses_a_config_that_cannot_score(config, message):
    with pytest.raises(ValueError, match=message):
        ScoringConfig(**config)
