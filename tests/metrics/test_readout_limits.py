"""The readout guards its range: figures whose statistics overflow a float give a readout that
says so, never an OverflowError (a 500) or an infinity stored as JSON; large figures that a
float can hold still get their test."""

import json
import math

import pytest

from metrics.readout import mean_readout

ARMS = {"control_n": 40, "control_mean": 10.0, "variant_n": 40, "variant_mean": 12.0}
STATISTICS = ("difference", "relative_lift", "se", "ci_low", "ci_high", "t", "df", "p_value")


@pytest.mark.parametrize(
    "figures",
    [
        # the difference 1e308 − (−1e308) is beyond a float
        {"control_mean": -1e308, "variant_mean": 1e308, "control_sd": 1, "variant_sd": 1},
        # se ≈ 1.7e308 is a float, but the interval's half-width t₀.₉₇₅ × se is not
        {"control_n": 2, "variant_n": 2, "control_sd": 1.7e308, "variant_sd": 1.7e308},
    ],
    ids=["difference", "interval"],
)
def test_figures_too_large_to_test_say_so(figures):
    readout = mean_readout(**{**ARMS, **figures})

    assert [readout[name] for name in STATISTICS] == [None] * len(STATISTICS)
    assert readout["significant"] is None
    assert readout["sentence"] == (
        "The figures for the mean are too large to test: check the means and standard deviations."
    )
    json.dumps(readout, allow_nan=False)  # storable as is


def test_an_sd_whose_square_overflows_still_gets_its_test():
    # sd 1e200: sd² = 1e400 overflowed (OverflowError). By hand: se = √(1e400/40 + 4/40)
    # = 1e200/√40 = 1.5811388e199; t = 2 / se; the control's variance is the whole of the
    # sum, so Welch's df = (n_c − 1) = 39; p = 1 to 15 places.
    readout = mean_readout(**{**ARMS, "control_sd": 1e200, "variant_sd": 2.0})

    assert readout["se"] == pytest.approx(1e200 / math.sqrt(40))
    assert readout["t"] == pytest.approx(2 / (1e200 / math.sqrt(40)))
    assert readout["df"] == pytest.approx(39.0)
    assert readout["p_value"] == pytest.approx(1.0)
    assert readout["significant"] is False
    json.dumps(readout, allow_nan=False)


def test_equal_huge_sds_give_the_df_of_equal_arms():
    # (var_c + var_v)² overflowed for sd 1e100 (1e400); with equal variances and n the
    # Welch df is 2(n − 1) = 78, and se = √2 × 1e100 / √40 = 2.2360680e99.
    readout = mean_readout(**{**ARMS, "control_sd": 1e100, "variant_sd": 1e100})

    assert readout["df"] == pytest.approx(78.0)
    assert readout["se"] == pytest.approx(2.2360680e99)


def test_a_relative_lift_beyond_a_float_is_left_out():
    # 2 / 1e-310 is beyond a float: the lift is unknown, the test stands.
    readout = mean_readout(**{**ARMS, "control_mean": 1e-310, "variant_mean": 2.0,
                              "control_sd": 1.0, "variant_sd": 1.0})  # fmt: skip

    assert readout["relative_lift"] is None
    assert readout["t"] == pytest.approx(2 / math.sqrt(2 / 40))
    json.dumps(readout, allow_nan=False)


def test_a_t_beyond_a_float_says_so():
    # 1e308 / (a spread of 1e-320) is beyond a float.
    readout = mean_readout(**{**ARMS, "control_mean": 0.0, "variant_mean": 1e308,
                              "control_sd": 1e-320, "variant_sd": 1e-320})  # fmt: skip

    assert readout["t"] is None
    assert "too large to test" in readout["sentence"]
    json.dumps(readout, allow_nan=False)
