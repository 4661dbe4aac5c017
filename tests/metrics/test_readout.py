"""Experiment readout (DESIGN.md §5) against SciPy, an independent implementation.

The module under test uses only `math`; every statistic here is recomputed with scipy.stats
(norm, t, ttest_ind_from_stats, chisquare) and must agree to 1e-6 relative. Sentences are checked
for direction, figures and verdict. Pure Python: no database.
"""

import json
import math
from decimal import Decimal

import pytest
from scipy import stats

from metrics.readout import (
    Z_95,
    mean_readout,
    proportion_readout,
    t_quantile_two_sided,
    t_two_sided_p,
)

REL = 1e-6


def close(expected):
    return pytest.approx(expected, rel=REL, abs=1e-12)


def scipy_proportions(control_n, control_conversions, variant_n, variant_conversions):
    """z and p with the pooled standard error, the 95 % CI with the unpooled one."""
    p_c, p_v = control_conversions / control_n, variant_conversions / variant_n
    pooled = (control_conversions + variant_conversions) / (control_n + variant_n)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / control_n + 1 / variant_n))
    se_unpooled = math.sqrt(p_c * (1 - p_c) / control_n + p_v * (1 - p_v) / variant_n)
    z = (p_v - p_c) / se_pooled
    q = stats.norm.ppf(0.975)
    return {
        "difference": p_v - p_c,
        "z": z,
        "p_value": 2 * stats.norm.sf(abs(z)),
        "ci_low": p_v - p_c - q * se_unpooled,
        "ci_high": p_v - p_c + q * se_unpooled,
    }


def scipy_welch(control, variant):
    """t and p from ttest_ind_from_stats(equal_var=False), the CI from t.ppf at Welch's df."""
    (n_c, mean_c, sd_c), (n_v, mean_v, sd_v) = control, variant
    result = stats.ttest_ind_from_stats(mean_v, sd_v, n_v, mean_c, sd_c, n_c, equal_var=False)
    var_c, var_v = sd_c**2 / n_c, sd_v**2 / n_v
    df = (var_c + var_v) ** 2 / (var_c**2 / (n_c - 1) + var_v**2 / (n_v - 1))
    half = stats.t.ppf(0.975, df) * math.sqrt(var_c + var_v)
    return {
        "difference": mean_v - mean_c,
        "t": float(result.statistic),
        "df": df,
        "p_value": float(result.pvalue),
        "ci_low": mean_v - mean_c - half,
        "ci_high": mean_v - mean_c + half,
    }


def proportions(control_n, control_conversions, variant_n, variant_conversions, **extra):
    return proportion_readout(
        control_n=control_n,
        control_conversions=control_conversions,
        variant_n=variant_n,
        variant_conversions=variant_conversions,
        **extra,
    )


def means(control, variant, **extra):
    (n_c, mean_c, sd_c), (n_v, mean_v, sd_v) = control, variant
    return mean_readout(
        control_n=n_c,
        control_mean=mean_c,
        control_sd=sd_c,
        variant_n=n_v,
        variant_mean=mean_v,
        variant_sd=sd_v,
        **extra,
    )


def assert_json_round_trip(readout: dict) -> None:
    assert json.loads(json.dumps(readout, allow_nan=False)) == readout


# Student's t and the normal quantile


def test_it_knows_the_normal_quantile():
    assert close(stats.norm.ppf(0.975)) == Z_95


@pytest.mark.parametrize(
    "df", [1, 1.15, 2, 3.7, 10, 29.5, 100, 199.9, 200.1, 1_000, 123_456.7, 1e7, 1e9]
)
@pytest.mark.parametrize("t", [0, 1e-4, 0.3, 1, 1.96, 2.5, 4, 8, 25])
def test_it_matches_scipy_on_the_t_tail(t, df):
    assert t_two_sided_p(t, df) == close(2 * stats.t.sf(t, df))
    assert t_two_sided_p(-t, df) == close(2 * stats.t.sf(t, df))


def test_it_matches_the_closed_forms_of_the_t_tail():
    # df = 1 is Cauchy: P(|T| ≥ t) = 1 − 2·atan(t)/π; at t = 1: 1 − 2·(π/4)/π = 0.5.
    assert t_two_sided_p(1, 1) == close(0.5)
    # df = 2: P(|T| ≥ t) = 1 − t/√(2 + t²); at t = √2: 1 − √2/2.
    assert t_two_sided_p(math.sqrt(2), 2) == close(1 - math.sqrt(2) / 2)


@pytest.mark.parametrize("df", [1, 1.15, 2, 4.5, 30, 398.2, 10_000, 1e8])
@pytest.mark.parametrize("alpha", [0.05, 0.01, 0.5])
def test_it_inverts_the_t_tail_like_scipy(alpha, df):
    assert t_quantile_two_sided(alpha, df) == close(stats.t.ppf(1 - alpha / 2, df))


def test_it_rejects_impossible_t_arguments():
    with pytest.raises(ValueError, match="Degrees of freedom"):
        t_two_sided_p(1.0, 0)
    with pytest.raises(ValueError, match="alpha"):
        t_quantile_two_sided(1.5, 10)


# Proportions


@pytest.mark.parametrize(
    "figures",
    [
        pytest.param((4000, 480, 4000, 540), id="§5-like: 12.0 % vs 13.5 %"),
        pytest.param((4000, 480, 4000, 470), id="slightly lower"),
        pytest.param((3, 1, 2, 2), id="tiny"),
        pytest.param((2, 0, 2, 1), id="smallest testable"),
        pytest.param((200, 0, 200, 5), id="zero conversions in control"),
        pytest.param((200, 7, 200, 0), id="zero conversions in variant"),
        pytest.param((100_000, 500, 200, 3), id="very unbalanced n"),
        pytest.param((1_000_000, 100_000, 1_000_000, 103_000), id="a million per arm"),
        pytest.param((5000, 100, 5000, 400), id="p far below 0.001"),
        pytest.param((100, 0, 100, 100), id="none against all"),
    ],
)
def test_it_matches_scipy_on_proportions(figures):
    readout = proportions(*figures)
    expected = scipy_proportions(*figures)

    for key, value in expected.items():
        assert readout[key] == close(value), key
    assert readout["significant"] is bool(expected["p_value"] < 0.05)
    assert_json_round_trip(readout)


def test_it_reads_the_worked_example():
    readout = proportions(4000, 480, 4000, 540)

    # 480 / 4000 = 0.12, 540 / 4000 = 0.135; Δ = 0.015; lift 0.015 / 0.12 = 0.125.
    assert (readout["control"]["rate"], readout["variant"]["rate"]) == (0.12, 0.135)
    assert readout["difference"] == close(0.015)
    assert readout["relative_lift"] == close(0.125)
    # Pooled 1020 / 8000 = 0.1275; SE √(0.1275 · 0.8725 · 2/4000) = 0.0074580; z = 2.0113.
    assert readout["pooled_rate"] == 0.1275
    assert readout["z"] == pytest.approx(2.0113, abs=1e-4)
    assert readout["p_value"] == pytest.approx(0.0443, abs=1e-4)
    assert readout["srm"] is None
    assert readout["sentence"] == (
        "Variant raised conversion from 12.0 % to 13.5 % (+13 % relative); "
        "95 % CI +0.04 to +3.0 points; unlikely to be chance (p = 0.044)."
    )


def test_it_keeps_a_p_just_below_the_line_on_its_side():
    readout = proportions(1000, 120, 1000, 150)

    # p = 0.04964 would round to 0.050 with three decimals and read as not significant.
    assert readout["p_value"] == close(scipy_proportions(1000, 120, 1000, 150)["p_value"])
    assert readout["significant"] is True
    assert readout["sentence"] == (
        "Variant raised conversion from 12.0 % to 15.0 % (+25 % relative); "
        "95 % CI +0.008 to +6.0 points; unlikely to be chance (p < 0.05)."
    )


def test_it_says_when_a_drop_could_well_be_chance():
    readout = proportions(4000, 480, 4000, 470, metric_name="sign-up")

    # 470 / 4000 = 11.75 % → 11.8 %; lift −10 / 480 = −2.08 % → −2.1 %.
    assert readout["sentence"].startswith(
        "Variant lowered sign-up from 12.0 % to 11.8 % (−2.1 % relative); 95 % CI −1.7 to +1.2"
    )
    assert readout["sentence"].endswith("could well be chance (p = 0.73).")
    assert readout["significant"] is False


def test_it_reports_equal_arms_as_no_difference():
    readout = proportions(4000, 480, 4000, 480)

    assert (readout["difference"], readout["z"], readout["p_value"]) == (0.0, 0.0, 1.0)
    assert readout["relative_lift"] == 0.0
    assert readout["significant"] is False
    assert readout["ci_low"] == close(-readout["ci_high"])
    assert readout["sentence"] == (
        "Variant matched control on conversion (12.0 %); 95 % CI −1.4 to +1.4 points; "
        "no sign of a difference (p = 1.00)."
    )


def test_it_leaves_relative_lift_out_when_control_never_converted():
    readout = proportions(200, 0, 200, 5)

    assert readout["relative_lift"] is None
    assert readout["sentence"].startswith("Variant raised conversion from 0.0 % to 2.5 %; ")


def test_it_shows_small_rates_with_two_decimals():
    readout = proportions(100_000, 500, 200, 3)

    assert "from 0.50 % to 1.50 % (+200 % relative)" in readout["sentence"]


@pytest.mark.parametrize(
    ("figures", "opening"),
    [
        pytest.param((4000, 0, 4000, 0), "Neither arm had any conversion", id="no conversions"),
        pytest.param((50, 50, 70, 70), "Every unit in both arms had a conversion", id="all"),
    ],
)
def test_it_has_nothing_to_test_without_variation(figures, opening):
    readout = proportions(*figures)

    assert readout["difference"] == 0.0
    assert readout["se_pooled"] == 0.0
    assert [readout[key] for key in ("z", "p_value", "ci_low", "ci_high", "significant")] == [
        None
    ] * 5
    assert readout["sentence"].startswith(opening)
    assert readout["sentence"].endswith("so there is nothing to compare yet.")
    assert_json_round_trip(readout)


@pytest.mark.parametrize(
    "figures",
    [
        pytest.param((0, 0, 0, 0), id="nobody yet"),
        pytest.param((1, 1, 500, 40), id="one unit in control"),
        pytest.param((500, 40, 1, 0), id="one unit in variant"),
        pytest.param((0, 0, 10, 2), id="empty control"),
    ],
)
def test_it_needs_two_units_per_arm(figures):
    readout = proportions(*figures)

    assert [readout[key] for key in ("difference", "z", "p_value", "ci_low", "significant")] == [
        None
    ] * 5
    assert readout["sentence"].startswith("Not enough data to compare conversion yet: control has")
    assert_json_round_trip(readout)


def test_it_names_the_arms_that_lack_data():
    readout = proportions(1, 0, 0, 0)

    assert readout["sentence"] == (
        "Not enough data to compare conversion yet: control has 1 unit and variant 0 units; "
        "each arm needs at least 2."
    )
    assert (readout["control"]["rate"], readout["variant"]["rate"]) == (0.0, None)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"control_conversions": 11}, "control has 11 conversions out of only 10"),
        pytest.param({"variant_conversions": 21}, "variant has 21 conversions out of only 20"),
        pytest.param({"control_n": -1}, "control n must be 0 or more"),
        pytest.param({"variant_conversions": -2}, "variant conversions must be 0 or more"),
        pytest.param({"variant_n": 20.5}, "variant n must be a whole number"),
        pytest.param({"planned_variant_share": 1}, "share must be between 0 and 1"),
        pytest.param({"planned_variant_share": 0}, "share must be between 0 and 1"),
    ],
)
def test_it_rejects_impossible_proportions(kwargs, message):
    figures = {
        "control_n": 10,
        "control_conversions": 3,
        "variant_n": 20,
        "variant_conversions": 4,
        **kwargs,
    }

    with pytest.raises(ValueError, match=message):
        proportion_readout(**figures)


# Means


@pytest.mark.parametrize(
    ("control", "variant"),
    [
        pytest.param((200, 12.4, 4.0), (210, 10.1, 3.5), id="time to decision down"),
        pytest.param((2, 5.0, 1.0), (3, 7.0, 2.5), id="tiny: fractional df"),
        pytest.param((2, 1240.0, 30.0), (3, 1250.0, 10.0), id="tiny, large values"),
        pytest.param((10_000, 50.0, 12.0), (5, 58.0, 9.0), id="very unbalanced n"),
        pytest.param((40, 3.0, 0.0), (40, 3.4, 1.1), id="sd 0 in control only"),
        pytest.param((80, 10.0, 2.0), (80, 10.0, 2.0), id="identical arms"),
        pytest.param((5_000_000, 100.0, 30.0), (5_000_000, 100.05, 30.0), id="huge df"),
        pytest.param((500, -10.0, 4.0), (500, -9.0, 4.0), id="negative means"),
        pytest.param((1000, 0.5, 0.1), (1000, 0.6, 0.1), id="p far below 0.001"),
    ],
)
def test_it_matches_scipy_on_means(control, variant):
    readout = means(control, variant)
    expected = scipy_welch(control, variant)

    for key, value in expected.items():
        assert readout[key] == close(value), key
    assert readout["significant"] is bool(expected["p_value"] < 0.05)
    assert_json_round_trip(readout)


def test_it_reads_a_lowered_mean():
    readout = means((200, 12.4, 4.0), (210, 10.1, 3.5), metric_name="time to decision")

    # Δ = 10.1 − 12.4 = −2.3; lift −2.3 / 12.4 = −18.5 % → −19 %.
    assert readout["difference"] == close(-2.3)
    assert readout["relative_lift"] == close(-2.3 / 12.4)
    assert readout["sentence"] == (
        "Variant lowered time to decision from 12.4 to 10.1 (−19 % relative); "
        "95 % CI −3.0 to −1.6; unlikely to be chance (p < 0.001)."
    )


def test_it_reads_a_raised_mean_that_could_be_chance():
    readout = means((2, 1240.0, 30.0), (3, 1250.0, 10.0), metric_name="basket value")

    # Δ = +10; lift 10 / 1240 = 0.81 % → +0.8 %.
    assert readout["sentence"].startswith(
        "Variant raised basket value from 1,240 to 1,250 (+0.8 % relative); 95 % CI −"
    )
    assert readout["sentence"].endswith("could well be chance (p = 0.72).")


def test_it_keeps_the_lift_sign_with_the_difference_for_negative_means():
    readout = means((500, -10.0, 4.0), (500, -9.0, 4.0), metric_name="margin")

    # Δ = −9 − (−10) = +1, a rise; relative to |−10|: +10 %.
    assert readout["relative_lift"] == close(0.1)
    assert readout["sentence"].startswith("Variant raised margin from −10.0 to −9.0 (+10 % ")


@pytest.mark.parametrize(
    ("variant_mean", "sentence"),
    [
        pytest.param(
            3.0,
            "Variant matched control on the mean (3.00) and neither arm varied at all (sd 0), "
            "so there is nothing to test.",
            id="same value everywhere",
        ),
        pytest.param(
            4.0,
            "Variant raised the mean from 3.00 to 4.00, but with no spread in either arm (sd 0) "
            "no test can tell whether that is chance.",
            id="two constants",
        ),
    ],
)
def test_it_has_nothing_to_test_when_both_sds_are_zero(variant_mean, sentence):
    readout = means((5, 3.0, 0.0), (5, variant_mean, 0.0))

    assert readout["difference"] == variant_mean - 3.0
    assert readout["se"] == 0.0
    assert [readout[key] for key in ("t", "df", "p_value", "ci_low", "significant")] == [None] * 5
    assert readout["sentence"] == sentence
    assert_json_round_trip(readout)


def test_it_reports_identical_means_as_no_difference():
    readout = means((80, 10.0, 2.0), (80, 10.0, 2.0))

    assert (readout["t"], readout["p_value"], readout["significant"]) == (0.0, 1.0, False)
    assert "no sign of a difference (p = 1.00)" in readout["sentence"]


@pytest.mark.parametrize(
    ("control_n", "variant_n"),
    [pytest.param(1, 50, id="one in control"), pytest.param(50, 0, id="none in variant")],
)
def test_it_needs_two_units_per_arm_for_means(control_n, variant_n):
    readout = means((control_n, 3.0, 1.0), (variant_n, 3.5, 1.0), metric_name="rating")

    assert [readout[key] for key in ("difference", "t", "df", "p_value", "ci_low")] == [None] * 5
    assert readout["sentence"].startswith("Not enough data to compare rating yet")


@pytest.mark.parametrize(
    ("control", "variant", "message"),
    [
        pytest.param((10, 3.0, -0.1), (10, 3.0, 1.0), "control sd must be 0 or more"),
        pytest.param((10, 3.0, 1.0), (10, 3.0, -1.0), "variant sd must be 0 or more"),
        pytest.param((-3, 3.0, 1.0), (10, 3.0, 1.0), "control n must be 0 or more"),
        pytest.param((10, math.nan, 1.0), (10, 3.0, 1.0), "control mean must be a finite"),
        pytest.param((10, 3.0, 1.0), (10, "x", 1.0), "variant mean must be a number"),
    ],
)
def test_it_rejects_impossible_means(control, variant, message):
    with pytest.raises(ValueError, match=message):
        means(control, variant)


# Sample-ratio check


@pytest.mark.parametrize(
    ("control_n", "variant_n", "share"),
    [
        pytest.param(5000, 4000, 0.5, id="5000 vs 4000 on 50/50"),
        pytest.param(4000, 4000, 0.5, id="even"),
        pytest.param(4050, 3950, 0.5, id="slightly off"),
        pytest.param(7000, 3000, 0.3, id="70/30 as planned"),
        pytest.param(6800, 3200, 0.3, id="70/30 drifting"),
    ],
)
def test_it_matches_scipy_on_the_sample_ratio(control_n, variant_n, share):
    srm = proportions(control_n, 100, variant_n, 100, planned_variant_share=share)["srm"]
    total = control_n + variant_n
    expected = stats.chisquare([control_n, variant_n], f_exp=[total * (1 - share), total * share])

    assert srm["expected_share"] == share
    assert srm["observed_share"] == variant_n / total
    assert srm["chi_square"] == close(expected.statistic)
    assert srm["p_value"] == close(expected.pvalue)
    assert srm["mismatch"] is bool(expected.pvalue < 0.001)


def test_it_warns_of_a_broken_split():
    readout = proportions(5000, 600, 4000, 540, planned_variant_share=Decimal("0.500"))

    # χ² = 500²/4500 + 500²/4500 = 111.1; p ≈ 5.5e-26.
    assert readout["srm"]["chi_square"] == close(2 * 500**2 / 4500)
    assert readout["srm"]["mismatch"] is True
    assert readout["sentence"].endswith(
        "Warning: 44.4 % of units landed in the variant against a planned 50.0 % (p < 0.001), "
        "so the split is broken and this result should not be trusted until the cause is found."
    )
    assert readout["sentence"].startswith("Variant raised conversion from 12.0 % to 13.5 %")
    assert_json_round_trip(readout)


def test_it_checks_the_split_of_a_mean_experiment_too():
    readout = means((5000, 10.0, 2.0), (4000, 10.1, 2.0), planned_variant_share=0.5)

    assert readout["srm"]["mismatch"] is True
    assert "Warning: 44.4 % of units landed in the variant" in readout["sentence"]


def test_it_keeps_quiet_about_a_split_as_planned():
    readout = proportions(4000, 480, 4000, 540, planned_variant_share=0.5)

    assert readout["srm"]["p_value"] == 1.0
    assert readout["srm"]["mismatch"] is False
    assert "Warning" not in readout["sentence"]


def test_it_cannot_check_the_split_of_an_empty_experiment():
    srm = proportions(0, 0, 0, 0, planned_variant_share=0.5)["srm"]

    assert srm == {
        "expected_share": 0.5,
        "observed_share": None,
        "chi_square": None,
        "p_value": None,
        "mismatch": False,
        "warning": None,
    }
