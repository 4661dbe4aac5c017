"""Experiment readout (DESIGN.md §5): the statistics, and one sentence a stakeholder understands.

Pure Python, no queries, no SciPy: the normal distribution comes from math.erfc and Student's t
from the regularized incomplete beta function below. The tests check every figure against SciPy.

- Proportions: two-proportion z-test. The pooled standard error (both arms share one rate under
  “no difference”) gives z and the two-sided p; the unpooled one gives the 95 % confidence
  interval of the difference variant − control. Relative lift = difference / control rate.
- Means: Welch's t-test (no equal-variance assumption), Welch–Satterthwaite degrees of freedom,
  95 % interval with the t quantile.
- Sample-ratio check when a planned variant share is given: chi-square goodness of fit, 1 df. A
  split this far off the plan (p < 0.001) means the assignment is broken, whatever the metric says.

When no test applies — fewer than 2 units in an arm, or no variation at all (no conversions in
either arm, every unit converting, sd 0 in both arms) — the statistics are None, `significant` is
None and the sentence says why, instead of a z or t of 0/0.

Every readout is a JSON-serialisable dict (no NaN or infinity) that can be stored on the
Experiment as is.
"""

import math
import sys

# Two literals rather than ALPHA = 1 − CONFIDENCE, which is 0.050000000000000044: a p of
# exactly 0.05 would then count as significant.
ALPHA = 0.05
CONFIDENCE = 0.95
SRM_ALPHA = 0.001
MIN_N = 2  # per arm: one unit has no spread and gives no test
# Φ⁻¹(0.975): the normal quantile of a two-sided 95 % interval.
Z_95 = 1.959963984540054

_MINUS = "−"


def proportion_readout(
    *,
    control_n: int,
    control_conversions: int,
    variant_n: int,
    variant_conversions: int,
    planned_variant_share=None,
    metric_name: str = "conversion",
) -> dict:
    """Two-proportion z-test of variant against control, with a sample-ratio check."""
    for label, n, x in (
        ("control", control_n, control_conversions),
        ("variant", variant_n, variant_conversions),
    ):
        _check_count(f"{label} n", n)
        _check_count(f"{label} conversions", x)
        if x > n:
            raise ValueError(f"The {label} has {x} conversions out of only {n} units.")
    share = _check_share(planned_variant_share)

    rate_c = control_conversions / control_n if control_n else None
    rate_v = variant_conversions / variant_n if variant_n else None
    readout = {
        "metric_kind": "proportion",
        "metric_name": metric_name,
        "confidence": CONFIDENCE,
        "control": {"n": control_n, "conversions": control_conversions, "rate": rate_c},
        "variant": {"n": variant_n, "conversions": variant_conversions, "rate": rate_v},
        "difference": None,
        "relative_lift": None,
        "pooled_rate": None,
        "se_pooled": None,
        "se_unpooled": None,
        "ci_low": None,
        "ci_high": None,
        "z": None,
        "p_value": None,
        "significant": None,
        "srm": _srm(control_n, variant_n, share),
    }

    if min(control_n, variant_n) < MIN_N:
        sentence = _not_enough(metric_name, control_n, variant_n)
        return _finish(readout, sentence)

    diff = rate_v - rate_c
    pooled = (control_conversions + variant_conversions) / (control_n + variant_n)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / control_n + 1 / variant_n))
    se_unpooled = math.sqrt(rate_c * (1 - rate_c) / control_n + rate_v * (1 - rate_v) / variant_n)
    readout.update(
        difference=diff,
        relative_lift=diff / rate_c if rate_c else None,
        pooled_rate=pooled,
        se_pooled=se_pooled,
        se_unpooled=se_unpooled,
    )
    if se_pooled == 0:
        # Pooled rate 0 or 1: both arms identical with no variation, so z would be 0/0.
        what = "Neither arm had any" if pooled == 0 else "Every unit in both arms had a"
        sentence = (
            f"{what} {metric_name} ({control_conversions:,} of {control_n:,} in control, "
            f"{variant_conversions:,} of {variant_n:,} in variant), so there is nothing to compare "
            "yet."
        )
        return _finish(readout, sentence)

    z = diff / se_pooled
    p = math.erfc(abs(z) / math.sqrt(2))
    half = Z_95 * se_unpooled
    readout.update(z=z, p_value=p, ci_low=diff - half, ci_high=diff + half, significant=p < ALPHA)
    before, after = _percent_rates(rate_c, rate_v)
    sentence = _sentence(
        metric_name,
        diff,
        before,
        after,
        readout["relative_lift"],
        _interval(100 * (diff - half), 100 * (diff + half), 1) + " points",
        p,
    )
    return _finish(readout, sentence)


def mean_readout(
    *,
    control_n: int,
    control_mean: float,
    control_sd: float,
    variant_n: int,
    variant_mean: float,
    variant_sd: float,
    planned_variant_share=None,
    metric_name: str = "the mean",
) -> dict:
    """Welch's t-test of the variant mean against the control mean, with a sample-ratio check."""
    _check_count("control n", control_n)
    _check_count("variant n", variant_n)
    figures = {}
    for label, value in (
        ("control mean", control_mean),
        ("variant mean", variant_mean),
        ("control sd", control_sd),
        ("variant sd", variant_sd),
    ):
        figures[label] = _check_real(label, value)
    for label in ("control sd", "variant sd"):
        if figures[label] < 0:
            raise ValueError(f"The {label} must be 0 or more, not {figures[label]}.")
    share = _check_share(planned_variant_share)
    mean_c, mean_v = figures["control mean"], figures["variant mean"]
    sd_c, sd_v = figures["control sd"], figures["variant sd"]

    readout = {
        "metric_kind": "mean",
        "metric_name": metric_name,
        "confidence": CONFIDENCE,
        "control": {"n": control_n, "mean": mean_c, "sd": sd_c},
        "variant": {"n": variant_n, "mean": mean_v, "sd": sd_v},
        "difference": None,
        "relative_lift": None,
        "se": None,
        "ci_low": None,
        "ci_high": None,
        "t": None,
        "df": None,
        "p_value": None,
        "significant": None,
        "srm": _srm(control_n, variant_n, share),
    }
    if min(control_n, variant_n) < MIN_N:
        return _finish(readout, _not_enough(metric_name, control_n, variant_n))

    diff = mean_v - mean_c
    # sd / √n per arm and hypot, not sd² / n: sd² overflows a float from sd ≈ 1.3e154 on,
    # though the standard error itself is representable.
    spread_c, spread_v = sd_c / math.sqrt(control_n), sd_v / math.sqrt(variant_n)
    se = math.hypot(spread_c, spread_v)
    if not (math.isfinite(diff) and math.isfinite(se)):
        return _finish(readout, _too_large(metric_name))
    # Relative to the control's size, so the sign follows the difference even for negative means.
    lift = diff / abs(mean_c) if mean_c else None
    readout.update(
        difference=diff, relative_lift=lift if lift is None or math.isfinite(lift) else None
    )
    readout["se"] = se
    digits = _mean_digits(mean_c, mean_v)
    if se == 0:
        if diff == 0:
            sentence = (
                f"Variant matched control on {metric_name} ({_fixed(mean_c, digits)}) and neither "
                "arm varied at all (sd 0), so there is nothing to test."
            )
        else:
            sentence = (
                f"Variant {_verb(diff)} {metric_name} from {_fixed(mean_c, digits)} to "
                f"{_fixed(mean_v, digits)}, but with no spread in either arm (sd 0) no test can "
                "tell whether that is chance."
            )
        return _finish(readout, sentence)

    # Welch–Satterthwaite, (v_c + v_v)² / (v_c² / (n_c − 1) + v_v² / (n_v − 1)) with v = sd² / n,
    # divided through by (v_c + v_v)²: in each arm's share of the variance, which cannot overflow.
    share_c, share_v = (spread_c / se) ** 2, (spread_v / se) ** 2
    df = 1 / (share_c**2 / (control_n - 1) + share_v**2 / (variant_n - 1))
    t = diff / se
    half = t_quantile_two_sided(ALPHA, df) * se if math.isfinite(t) else math.inf
    if not (math.isfinite(diff - half) and math.isfinite(diff + half)):
        readout.update(difference=None, relative_lift=None, se=None)
        return _finish(readout, _too_large(metric_name))
    p = t_two_sided_p(t, df)
    readout.update(
        t=t, df=df, p_value=p, ci_low=diff - half, ci_high=diff + half, significant=p < ALPHA
    )
    low, high = diff - half, diff + half
    interval = _interval(low, high, max(digits, _digits(max(abs(low), abs(high)), 2)))
    sentence = _sentence(
        metric_name,
        diff,
        _fixed(mean_c, digits),
        _fixed(mean_v, digits),
        readout["relative_lift"],
        interval,
        p,
    )
    return _finish(readout, sentence)


# Student's t from the regularized incomplete beta function.


def t_two_sided_p(t: float, df: float) -> float:
    """P(|T| ≥ |t|) for Student's t with df degrees of freedom: I_x(df/2, ½), x = df/(df + t²)
    (Abramowitz & Stegun 26.7.1 with 26.5.27)."""
    if df <= 0:
        raise ValueError(f"Degrees of freedom must be positive, not {df}.")
    t2 = t * t
    if t2 == 0:
        return 1.0
    # x and 1 − x, and their logs, computed without subtracting from 1: x is close to 1 for
    # small t or large df, where 1 − x and log x would lose most of their digits.
    x, y = df / (df + t2), t2 / (df + t2)
    log_x, log_y = -math.log1p(t2 / df), math.log(y)
    return _betai(df / 2, 0.5, x, y, log_x, log_y)


def t_quantile_two_sided(alpha: float, df: float) -> float:
    """The q with P(|T| ≥ q) = alpha (t.ppf(1 − alpha/2, df)), found by bisection on the CDF."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha}.")
    low, high = 0.0, 2.0
    while t_two_sided_p(high, df) > alpha:
        low, high = high, high * 2
    # 200 halvings reach the spacing of floats long before they run out.
    for _ in range(200):
        mid = (low + high) / 2
        if mid in (low, high):
            break
        if t_two_sided_p(mid, df) > alpha:
            low = mid
        else:
            high = mid
    return (low + high) / 2


_BETACF_MAX_ITERATIONS = 10_000
_BETACF_EPS = sys.float_info.epsilon
_BETACF_TINY = 1e-300


def _betai(a: float, b: float, x: float, y: float, log_x: float, log_y: float) -> float:
    """Regularized incomplete beta I_x(a, b), y = 1 − x (Numerical Recipes, 3rd ed., §6.4
    `Beta::betai`): the continued fraction converges fast for x < (a + 1)/(a + b + 2), and
    I_x(a, b) = 1 − I_y(b, a) covers the rest."""
    if x <= 0:
        return 0.0
    if y <= 0:
        return 1.0
    front = math.exp(a * log_x + b * log_y - _log_beta(a, b))
    if x < (a + 1) / (a + b + 2):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, y) / b


def _log_beta(a: float, b: float) -> float:
    if b == 0.5 and a > 100:
        # ln Γ(a + ½) − ln Γ(a) from Γ(a + ½)/Γ(a) = √a (1 − 1/(8a) + 1/(128a²) + 5/(1024a³)
        # − 21/(32768a⁴) + …) (DLMF 5.11.13), whose next term is below 1e-12 for a > 100. For a
        # large df the two lgamma values are huge and nearly equal: their difference would lose
        # about log10(a) digits (1e-7 relative at df = 1e8).
        ratio = 0.5 * math.log(a) + math.log1p(
            -1 / (8 * a) + 1 / (128 * a**2) + 5 / (1024 * a**3) - 21 / (32768 * a**4)
        )
        return math.lgamma(0.5) - ratio
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _betacf(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b), evaluated by the modified Lentz method (Numerical
    Recipes, 3rd ed., §6.4 `Beta::betacf`; §5.2 for Lentz)."""
    qab, qap, qam = a + b, a + 1, a - 1
    c = 1.0
    d = _not_tiny(1 - qab * x / qap)
    d = 1 / d
    h = d
    for m in range(1, _BETACF_MAX_ITERATIONS + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))  # even step
        d = 1 / _not_tiny(1 + aa * d)
        c = _not_tiny(1 + aa / c)
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))  # odd step
        d = 1 / _not_tiny(1 + aa * d)
        c = _not_tiny(1 + aa / c)
        delta = d * c
        h *= delta
        if abs(delta - 1) <= _BETACF_EPS:
            return h
    raise ArithmeticError(f"Incomplete beta did not converge for a={a}, b={b}, x={x}.")


def _not_tiny(value: float) -> float:
    return value if abs(value) >= _BETACF_TINY else _BETACF_TINY


# Sample-ratio check.


def _srm(control_n: int, variant_n: int, share: float | None) -> dict | None:
    if share is None:
        return None
    total = control_n + variant_n
    srm = {
        "expected_share": share,
        "observed_share": variant_n / total if total else None,
        "chi_square": None,
        "p_value": None,
        "mismatch": False,
        "warning": None,
    }
    if not total:
        return srm
    expected_v, expected_c = total * share, total * (1 - share)
    chi_square = (variant_n - expected_v) ** 2 / expected_v + (
        control_n - expected_c
    ) ** 2 / expected_c
    # Chi-square with 1 df is the square of a standard normal: P(χ² ≥ x) = erfc(√(x/2)).
    p = math.erfc(math.sqrt(chi_square / 2))
    srm.update(chi_square=chi_square, p_value=p, mismatch=p < SRM_ALPHA)
    if srm["mismatch"]:
        srm["warning"] = (
            f"Warning: {_percent_rate(variant_n / total)} of units landed in the variant "
            f"against a planned {_percent_rate(share)} ({_p_text(p)}), so the split is broken "
            "and this result should not be trusted until the cause is found."
        )
    return srm


# Sentences.


def _sentence(metric_name, diff, before, after, lift, interval, p) -> str:
    if diff == 0:
        opening = f"Variant matched control on {metric_name} ({after})"
    else:
        relative = f" ({_signed_percent(lift)} relative)" if lift is not None else ""
        opening = f"Variant {_verb(diff)} {metric_name} from {before} to {after}{relative}"
    if diff == 0:
        verdict = f"no sign of a difference ({_p_text(p)})"
    elif p < ALPHA:
        verdict = f"unlikely to be chance ({_p_text(p)})"
    else:
        verdict = f"could well be chance ({_p_text(p)})"
    return f"{opening}; {CONFIDENCE * 100:.0f} % CI {interval}; {verdict}."


def _too_large(metric_name: str) -> str:
    return (
        f"The figures for {metric_name} are too large to test: check the means and standard "
        "deviations."
    )


def _not_enough(metric_name: str, control_n: int, variant_n: int) -> str:
    return (
        f"Not enough data to compare {metric_name} yet: control has {_units(control_n)} and "
        f"variant {_units(variant_n)}; each arm needs at least {MIN_N}."
    )


def _finish(readout: dict, sentence: str) -> dict:
    srm = readout["srm"]
    if srm and srm["warning"]:
        sentence = f"{sentence} {srm['warning']}"
    readout["sentence"] = sentence
    return readout


def _units(n: int) -> str:
    return f"{n:,} unit" if n == 1 else f"{n:,} units"


def _verb(diff: float) -> str:
    return "raised" if diff > 0 else "lowered"


def _p_text(p: float) -> str:
    if p < 0.001:
        return "p < 0.001"
    text = f"{p:.3f}" if p < 0.1 else f"{p:.2f}"
    if p < ALPHA <= float(text):
        # 0.0496 must not read as 0.050, on the wrong side of the line.
        return f"p < {ALPHA:.2f}"
    return f"p = {text}"


def _percent_rate(rate: float, decimals: int | None = None) -> str:
    """12.0 %; two decimals below 1 % so that small rates do not all read 0.0 %."""
    if decimals is None:
        decimals = 2 if 0 < rate < 0.01 else 1
    return f"{rate * 100:.{decimals}f} %"


def _percent_rates(*rates: float) -> list[str]:
    decimals = 2 if any(0 < rate < 0.01 for rate in rates) else 1
    return [_percent_rate(rate, decimals) for rate in rates]


def _signed_percent(share: float) -> str:
    value = share * 100
    decimals = 0 if abs(value) >= 10 else 1
    return _signed(value, decimals) + " %"


def _signed(value: float, decimals: int) -> str:
    text = f"{abs(value):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        return f"{0:.{decimals}f}"
    return ("+" if value > 0 else _MINUS) + text


def _interval(low: float, high: float, decimals: int) -> str:
    """“+0.4 to +2.6”. An end near zero gets up to two more decimals: +0.04 must not read 0.0,
    which would hide on which side of zero the interval lies."""

    def end(value: float) -> str:
        places = max(decimals, min(_digits(abs(value), 1), decimals + 2)) if value else decimals
        return _signed(value, places)

    return f"{end(low)} to {end(high)}"


def _mean_digits(*values: float) -> int:
    """Decimals that show the larger mean to 3 significant digits (12.4, 0.0123, 1,240)."""
    return _digits(max(abs(v) for v in values), 3)


def _digits(value: float, significant: int) -> int:
    if value == 0:
        return 2
    return min(max(0, significant - 1 - math.floor(math.log10(value))), 6)


def _fixed(value: float, decimals: int) -> str:
    text = f"{abs(value):,.{decimals}f}"
    return f"{_MINUS}{text}" if value < 0 and float(text.replace(",", "")) != 0 else text


# Input checks.


def _check_count(label: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"The {label} must be a whole number, not {value!r}.")
    if value < 0:
        raise ValueError(f"The {label} must be 0 or more, not {value}.")


def _check_real(label: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"The {label} must be a number, not {value!r}.") from None
    if not math.isfinite(number):
        raise ValueError(f"The {label} must be a finite number, not {value!r}.")
    return number


def _check_share(share) -> float | None:
    if share is None:
        return None
    number = _check_real("planned variant share", share)
    if not 0 < number < 1:
        raise ValueError(f"The planned variant share must be between 0 and 1, not {share}.")
    return number
