"""Roadmap item scores (DESIGN.md §5): every framework returns the score and how it was reached.

Pure Python, no queries: the caller reads the item and its linked hypotheses' statuses and passes
them in, so a whole portfolio is scored from a few set-based reads.

Arithmetic is done in Decimal and every score is rounded half-up to one decimal, whatever the
framework. Floats would not do: Python's round() rounds half to even (round(21.25, 1) == 21.2)
and most decimal fractions are not exact in binary, so a score on a .x5 boundary would land on
either side depending on how it was computed. Inputs given as floats are read through str()
(0.1 stays 0.1, not 0.1000000000000000055…).

Every breakdown is JSON-serialisable (plain dicts, lists, str, int, float, None) and survives a
JSON round trip unchanged, so a recompute can compare it with the stored one. Each entry of
`inputs` is {"value": what the formula used, "source": where it came from, ...}; the recompute
service names the inputs whose "value" moved, so derived figures live in `intermediates`.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from discovery.models import HypothesisStatus
from roadmaps.models import (
    DEFAULT_COST_BANDS,
    DEFAULT_COST_TOP_POINTS,
    DEFAULT_TSHIRT_POINTS,
    RoadmapItemEffort,
    ScoringModelFramework,
)

EFFORTS = tuple(RoadmapItemEffort.values)  # XS … XXL, smallest first
FRAMEWORKS = tuple(ScoringModelFramework.values)

# §5: what a linked hypothesis in each status says about confidence.
HYPOTHESIS_CONFIDENCE = {
    HypothesisStatus.VALIDATED.value: Decimal("1.0"),
    HypothesisStatus.TESTING.value: Decimal("0.7"),
    HypothesisStatus.PROPOSED.value: Decimal("0.5"),
    HypothesisStatus.PARKED.value: Decimal("0.5"),
    HypothesisStatus.INVALIDATED.value: Decimal("0.1"),
}
NO_HYPOTHESIS_CONFIDENCE = Decimal("0.5")

# RICE (§5): impact 1–5 on Intercom's massive-to-minimal scale, effort in person-months.
RICE_IMPACT = {
    1: Decimal("0.25"),
    2: Decimal("0.5"),
    3: Decimal("1"),
    4: Decimal("2"),
    5: Decimal("3"),
}
RICE_PERSON_MONTHS = {
    "XS": Decimal("0.25"),
    "S": Decimal("0.5"),
    "M": Decimal("1"),
    "L": Decimal("2"),
    "XL": Decimal("4"),
    "XXL": Decimal("8"),
}
# ICE: ease on 1–10, the smaller the effort the easier.
ICE_EASE = {"XS": 10, "S": 8, "M": 6, "L": 4, "XL": 2, "XXL": 1}
# WSJF: an unset time criticality or risk reduction counts as the lowest value.
WSJF_UNSET = 1

WEIGHTED_CRITERIA = ("impact", "confidence", "reach", "effort", "cost")
DEFAULT_WEIGHTS = {"impact": 3.0, "confidence": 2.0, "reach": 1.0, "effort": 2.0, "cost": 2.0}
DEFAULT_REACH_CAP = 1000.0

# No cost entered scores like the cheapest band (§5).
NO_COST_POINTS = 1

QUICK_WIN, BIG_BET, FILL_IN, MONEY_PIT = "quick_win", "big_bet", "fill_in", "money_pit"
QUADRANT_LABELS = {
    QUICK_WIN: "Quick win",
    BIG_BET: "Big bet",
    FILL_IN: "Fill-in",
    MONEY_PIT: "Money pit",
}

FORMULAS = {
    "iec": "100 × impact × confidence ÷ (effort points + cost points)",
    "rice": "reach × impact (0.25–3) × confidence ÷ effort in person-months",
    "ice": "impact (1–10) × confidence (1–10) × ease (1–10)",
    "wsjf": "(value + time criticality + risk reduction) ÷ job size (effort points)",
    "weighted": "Σ weight × criterion (0–1, costs as 1 − n) ÷ Σ weights × 100",
}

ONE_DECIMAL = Decimal("0.1")
FOUR_DECIMALS = Decimal("0.0001")


@dataclass(frozen=True)
class ScoringConfig:
    """The active scoring model's settings, checked and complete (every T-shirt size has points,
    every weighted criterion a weight)."""

    framework: str = ScoringModelFramework.IEC.value
    tshirt_points: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_TSHIRT_POINTS))
    # (upper bound, exclusive; points), ascending; at or above the last bound: cost_top_points.
    cost_bands: list[tuple[float, int]] = field(
        default_factory=lambda: [(float(bound), points) for bound, points in DEFAULT_COST_BANDS]
    )
    cost_top_points: int = DEFAULT_COST_TOP_POINTS
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    reach_cap: float = DEFAULT_REACH_CAP

    def __post_init__(self) -> None:
        framework = str(self.framework)
        if framework not in FRAMEWORKS:
            raise ValueError(
                f"Unknown scoring framework {framework!r}; expected one of {', '.join(FRAMEWORKS)}."
            )
        object.__setattr__(self, "framework", framework)

        unknown = sorted(set(self.tshirt_points) - set(EFFORTS))
        missing = [size for size in EFFORTS if size not in self.tshirt_points]
        if unknown or missing:
            raise ValueError(
                f"T-shirt points need exactly the sizes {', '.join(EFFORTS)}"
                + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                + (f"; missing: {', '.join(missing)}" if missing else "")
                + "."
            )
        for size in EFFORTS:
            _require_positive_int(self.tshirt_points[size], f"T-shirt points for {size}")
        object.__setattr__(
            self, "tshirt_points", {size: int(self.tshirt_points[size]) for size in EFFORTS}
        )

        bands = []
        for band in self.cost_bands:
            if len(band) != 2:
                raise ValueError(f"A cost band is (upper bound, points), got {band!r}.")
            bound, points = band
            if _decimal(bound, "A cost band's upper bound") <= 0:
                raise ValueError(f"A cost band's upper bound must be above 0, got {bound!r}.")
            _require_positive_int(points, "A cost band's points")
            bands.append((float(bound), int(points)))
        bands.sort()
        if len({bound for bound, _ in bands}) != len(bands):
            raise ValueError("Two cost bands have the same upper bound.")
        object.__setattr__(self, "cost_bands", bands)
        _require_positive_int(self.cost_top_points, "The top cost band's points")

        unknown = sorted(set(self.weights) - set(WEIGHTED_CRITERIA))
        missing = [name for name in WEIGHTED_CRITERIA if name not in self.weights]
        if unknown or missing:
            raise ValueError(
                f"Weights need exactly the criteria {', '.join(WEIGHTED_CRITERIA)}"
                + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                + (f"; missing: {', '.join(missing)}" if missing else "")
                + "."
            )
        weights = {name: float(self.weights[name]) for name in WEIGHTED_CRITERIA}
        if any(weight < 0 for weight in weights.values()) or not sum(weights.values()) > 0:
            raise ValueError(f"Weights must be 0 or more and not all 0, got {weights}.")
        object.__setattr__(self, "weights", weights)
        if not _decimal(self.reach_cap, "The reach cap") > 0:
            raise ValueError(f"The reach cap must be above 0, got {self.reach_cap!r}.")

    @classmethod
    def default(cls) -> "ScoringConfig":
        """DESIGN.md §5's defaults: iec, the default T-shirt points and cost bands."""
        return cls()

    @classmethod
    def from_model(cls, scoring_model: Any | None) -> "ScoringConfig":
        """The settings of a ScoringModel (or anything with its attributes); None → defaults.

        An empty tshirt_points, cost_bands or weights means the defaults. T-shirt points and
        weights given only in part are completed from the defaults (a criterion is left out by
        weighting it 0); cost bands given replace the default bands whole. `weights` may carry
        "reach_cap", the reach at which the weighted framework's reach criterion is full.
        """
        if scoring_model is None:
            return cls.default()
        weights = dict(scoring_model.weights or {})
        reach_cap = weights.pop("reach_cap", DEFAULT_REACH_CAP)
        cost_bands = scoring_model.cost_bands or DEFAULT_COST_BANDS
        return cls(
            framework=scoring_model.framework,
            tshirt_points={**DEFAULT_TSHIRT_POINTS, **(scoring_model.tshirt_points or {})},
            cost_bands=[tuple(band) for band in cost_bands],
            cost_top_points=scoring_model.cost_top_points or DEFAULT_COST_TOP_POINTS,
            weights={**DEFAULT_WEIGHTS, **weights},
            reach_cap=reach_cap,
        )


@dataclass(frozen=True)
class ItemInputs:
    """What a roadmap item's score depends on. Refuses values outside the ranges the database
    enforces, so a score is never computed from nonsense."""

    impact: int
    effort: str
    reach: int | None = None
    build_cost: Decimal | float | None = None
    run_cost_yearly: Decimal | float | None = None
    confidence_override: Decimal | float | None = None
    confidence_reason: str = ""
    hypothesis_statuses: tuple[str, ...] = ()
    time_criticality: int | None = None
    risk_reduction: int | None = None

    def __post_init__(self) -> None:
        _require_int_in(self.impact, 1, 5, "Impact")
        if self.effort not in EFFORTS:
            raise ValueError(f"Effort must be one of {', '.join(EFFORTS)}, got {self.effort!r}.")
        object.__setattr__(self, "effort", str(self.effort))
        if self.reach is not None:
            _require_int_in(self.reach, 0, None, "Reach")
        for name in ("build_cost", "run_cost_yearly"):
            value = getattr(self, name)
            if value is not None and _decimal(value, name) < 0:
                raise ValueError(f"{name} must be 0 or more, got {value!r}.")
        if self.confidence_override is not None and not (
            0 <= _decimal(self.confidence_override, "The confidence override") <= 1
        ):
            raise ValueError(
                f"The confidence override must be from 0 to 1, got {self.confidence_override!r}."
            )
        for name in ("time_criticality", "risk_reduction"):
            if getattr(self, name) is not None:
                _require_int_in(getattr(self, name), 1, 5, name.replace("_", " ").capitalize())
        statuses = tuple(str(status) for status in self.hypothesis_statuses)
        unknown = sorted(set(statuses) - set(HYPOTHESIS_CONFIDENCE))
        if unknown:
            raise ValueError(f"Unknown hypothesis status: {', '.join(unknown)}.")
        object.__setattr__(self, "hypothesis_statuses", statuses)
        object.__setattr__(self, "confidence_reason", self.confidence_reason or "")

    @classmethod
    def from_item(cls, item: Any, hypothesis_statuses) -> "ItemInputs":
        """A RoadmapItem's score inputs. Reads only the item's own fields (no queries): the
        statuses of its linked hypotheses are passed in."""
        return cls(
            impact=item.impact,
            effort=item.effort,
            reach=item.reach,
            build_cost=item.build_cost,
            run_cost_yearly=item.run_cost_yearly,
            confidence_override=item.confidence_override,
            confidence_reason=item.confidence_reason or "",
            hypothesis_statuses=tuple(hypothesis_statuses),
            time_criticality=item.time_criticality,
            risk_reduction=item.risk_reduction,
        )


@dataclass(frozen=True)
class Score:
    value: float
    breakdown: dict


def derived_confidence(statuses) -> float:
    """§5: the mean of the linked hypotheses' status weights; no linked hypothesis → 0.5."""
    return float(_derived_confidence(tuple(statuses)))


def confidence(inputs: ItemInputs) -> tuple[float, dict]:
    """The item's confidence and its breakdown entry: the override when set, else derived."""
    value, entry = _confidence(inputs)
    return float(value), entry


def effort_points(effort: str, config: ScoringConfig) -> int:
    """The T-shirt size's points under the config (§5 defaults: XS 1 … XXL 13)."""
    if effort not in config.tshirt_points:
        raise ValueError(f"Effort must be one of {', '.join(EFFORTS)}, got {effort!r}.")
    return config.tshirt_points[effort]


def cost_points(total_cost, config: ScoringConfig) -> int:
    """Points of build + yearly run cost by the config's bands; None (no cost entered) → 1."""
    if total_cost is None:
        return NO_COST_POINTS
    total = _decimal(total_cost, "The total cost")
    for bound, points in config.cost_bands:
        if total < _decimal(bound, "A cost band's upper bound"):
            return points
    return config.cost_top_points


def quadrant(impact: int, effort: str) -> str:
    """§5's impact/effort matrix: quick_win, big_bet, fill_in or money_pit."""
    _require_int_in(impact, 1, 5, "Impact")
    if effort not in EFFORTS:
        raise ValueError(f"Effort must be one of {', '.join(EFFORTS)}, got {effort!r}.")
    small = EFFORTS.index(effort) <= EFFORTS.index(RoadmapItemEffort.M)
    if impact >= 3:
        return QUICK_WIN if small else BIG_BET
    return FILL_IN if small else MONEY_PIT


def score_item(inputs: ItemInputs, config: ScoringConfig) -> Score:
    """The item's score under the config's framework, with its breakdown."""
    with localcontext() as context:
        context.prec = 28
        return _FRAMEWORKS[config.framework](inputs, config)


def _iec(inputs: ItemInputs, config: ScoringConfig) -> Score:
    conf, conf_entry = _confidence(inputs)
    effort = effort_points(inputs.effort, config)
    total = _total_cost(inputs)
    cost = cost_points(total, config)
    value = _round(100 * inputs.impact * conf / (effort + cost))
    cost_text = f"cost {_num(total)}" if total is not None else "no cost entered"
    explanation = [
        f"Impact {inputs.impact} × confidence {_num(conf, 2)} ({conf_entry['note']}) × 100"
        f" ÷ (effort {inputs.effort} = {_points(effort)} + {cost_text} = {_points(cost)})"
        f" = {_score_text(value)}",
        _cost_sentence(inputs, total, cost, config),
        *_confidence_sentences(conf_entry),
    ]
    return _score(
        "iec",
        value,
        inputs={
            "impact": _entry(inputs.impact),
            "effort": _entry(inputs.effort),
            **_cost_entries(inputs),
            "confidence": conf_entry,
        },
        intermediates={
            "effort_points": effort,
            "total_cost": _json_number(total),
            "cost_points": cost,
            "denominator": effort + cost,
        },
        explanation=explanation,
    )


def _rice(inputs: ItemInputs, config: ScoringConfig) -> Score:
    conf, conf_entry = _confidence(inputs)
    impact = RICE_IMPACT[inputs.impact]
    months = RICE_PERSON_MONTHS[inputs.effort]
    scale = (
        "RICE counts impact 1–5 as 0.25, 0.5, 1, 2, 3 and effort XS, S, M, L, XL, XXL as "
        "0.25, 0.5, 1, 2, 4, 8 person-months."
    )
    if inputs.reach is None:
        value = Decimal(0)
        explanation = [
            "Reach is not set, so the RICE score is 0: enter the users reached per quarter to "
            "rank this item.",
            scale,
        ]
        reach_entry = _entry(None, "missing", note="not set; the score is 0 until it is")
    else:
        value = _round(inputs.reach * impact * conf / months)
        explanation = [
            f"Reach {_num(inputs.reach)} × impact {_num(impact)} ({inputs.impact} on 1–5)"
            f" × confidence {_num(conf, 2)} ({conf_entry['note']})"
            f" ÷ {_num(months)} person-month{'' if months == 1 else 's'} (effort {inputs.effort})"
            f" = {_score_text(value)}",
            scale,
            *_confidence_sentences(conf_entry),
        ]
        reach_entry = _entry(inputs.reach, note="users per quarter")
    return _score(
        "rice",
        value,
        inputs={
            "reach": reach_entry,
            "impact": _entry(inputs.impact),
            "effort": _entry(inputs.effort),
            "confidence": conf_entry,
        },
        intermediates={"impact_rice": float(impact), "person_months": float(months)},
        explanation=explanation,
    )


def _ice(inputs: ItemInputs, config: ScoringConfig) -> Score:
    conf, conf_entry = _confidence(inputs)
    impact_10 = inputs.impact * 2
    confidence_10 = conf * 10
    ease = ICE_EASE[inputs.effort]
    value = _round(impact_10 * confidence_10 * ease)
    explanation = [
        f"Impact {impact_10} ({inputs.impact} × 2) × confidence {_num(confidence_10, 1)}"
        f" ({_num(conf, 2)} × 10; {conf_entry['note']})"
        f" × ease {ease} (effort {inputs.effort}) = {_score_text(value)}",
        "ICE puts each factor on 1–10: impact doubled, confidence times 10, and ease from the "
        "effort: XS 10, S 8, M 6, L 4, XL 2, XXL 1.",
        *_confidence_sentences(conf_entry),
    ]
    return _score(
        "ice",
        value,
        inputs={
            "impact": _entry(inputs.impact),
            "effort": _entry(inputs.effort),
            "confidence": conf_entry,
        },
        intermediates={
            "impact_10": impact_10,
            "confidence_10": _json_number(confidence_10, FOUR_DECIMALS),
            "ease": ease,
        },
        explanation=explanation,
    )


def _wsjf(inputs: ItemInputs, config: ScoringConfig) -> Score:
    job_size = effort_points(inputs.effort, config)
    entries, notes, used = {}, [], {}
    for name in ("time_criticality", "risk_reduction"):
        given = getattr(inputs, name)
        label = name.replace("_", " ")
        if given is None:
            used[name] = WSJF_UNSET
            entries[name] = _entry(WSJF_UNSET, "default", note=f"not set; counts as {WSJF_UNSET}")
            notes.append(f"{label.capitalize()} is not set, so it counts as {WSJF_UNSET}.")
        else:
            used[name] = given
            entries[name] = _entry(given)
    cost_of_delay = inputs.impact + used["time_criticality"] + used["risk_reduction"]
    value = _round(Decimal(cost_of_delay) / job_size)
    explanation = [
        f"(Value {inputs.impact} + time criticality {used['time_criticality']}"
        f" + risk reduction {used['risk_reduction']}) ÷ job size {job_size}"
        f" (effort {inputs.effort}) = {_score_text(value)}",
        "Value is the impact (1–5) and job size the effort's points.",
        *notes,
    ]
    return _score(
        "wsjf",
        value,
        inputs={"impact": _entry(inputs.impact), **entries, "effort": _entry(inputs.effort)},
        intermediates={"cost_of_delay": cost_of_delay, "job_size": job_size},
        explanation=explanation,
    )


def _weighted(inputs: ItemInputs, config: ScoringConfig) -> Score:
    conf, conf_entry = _confidence(inputs)
    effort = effort_points(inputs.effort, config)
    total = _total_cost(inputs)
    cost = cost_points(total, config)
    reach_cap = _decimal(config.reach_cap, "The reach cap")

    low, high = min(config.tshirt_points.values()), max(config.tshirt_points.values())
    effort_n = Decimal(1) - Decimal(effort - low) / (high - low) if high > low else Decimal(1)
    top = config.cost_top_points
    # Clamped: custom bands may score below the no-cost point or above the top band.
    cost_n = (
        min(max(Decimal(1) - Decimal(cost - NO_COST_POINTS) / (top - NO_COST_POINTS), 0), 1)
        if top > NO_COST_POINTS
        else Decimal(1)
    )
    reach_n = Decimal(0) if inputs.reach is None else min(inputs.reach / reach_cap, Decimal(1))
    normalised = {
        "impact": Decimal(inputs.impact - 1) / 4,
        "confidence": conf,
        "reach": reach_n,
        "effort": effort_n,
        "cost": cost_n,
    }
    weights = {name: _decimal(config.weights[name], name) for name in WEIGHTED_CRITERIA}
    weight_total = sum(weights.values())
    value = _round(
        sum(weights[name] * normalised[name] for name in WEIGHTED_CRITERIA) / weight_total * 100
    )

    reach_text = (
        "Reach is not set, so it counts as 0."
        if inputs.reach is None
        else f"Reach {_num(inputs.reach)} of the cap {_num(reach_cap)} gives"
        f" {_num(reach_n, 2)} (full at the cap)."
    )
    terms = " + ".join(
        f"{_num(weights[name])} × {name} {_num(normalised[name], 2)}" for name in WEIGHTED_CRITERIA
    )
    explanation = [
        f"({terms}) ÷ {_num(weight_total)} × 100 = {_score_text(value)}",
        f"Impact {inputs.impact} on 1–5 gives {_num(normalised['impact'], 2)}.",
        f"Confidence {_num(conf, 2)} ({conf_entry['note']}).",
        reach_text,
        f"Effort {inputs.effort} = {_points(effort)} on a {low}–{high} scale, counted as a cost:"
        f" {_num(effort_n, 2)}.",
        _cost_sentence(inputs, total, cost, config)
        + f" Counted as a cost on 1–{top} points: {_num(cost_n, 2)}.",
        *_confidence_sentences(conf_entry),
    ]
    return _score(
        "weighted",
        value,
        inputs={
            "impact": _entry(inputs.impact),
            "confidence": conf_entry,
            "reach": (
                _entry(None, "missing", note="not set; counts as 0")
                if inputs.reach is None
                else _entry(inputs.reach, note="users per quarter")
            ),
            "effort": _entry(inputs.effort),
            **_cost_entries(inputs),
        },
        intermediates={
            "criteria": {
                name: {
                    "weight": float(weights[name]),
                    "normalised": _json_number(normalised[name], FOUR_DECIMALS),
                }
                for name in WEIGHTED_CRITERIA
            },
            "weight_total": float(weight_total),
            "reach_cap": float(reach_cap),
            "effort_points": effort,
            "total_cost": _json_number(total),
            "cost_points": cost,
        },
        explanation=explanation,
    )


_FRAMEWORKS = {"iec": _iec, "rice": _rice, "ice": _ice, "wsjf": _wsjf, "weighted": _weighted}


def _derived_confidence(statuses: tuple[str, ...]) -> Decimal:
    if not statuses:
        return NO_HYPOTHESIS_CONFIDENCE
    try:
        weights = [HYPOTHESIS_CONFIDENCE[str(status)] for status in statuses]
    except KeyError as error:
        raise ValueError(f"Unknown hypothesis status: {error.args[0]}.") from None
    return sum(weights) / len(weights)


def _confidence(inputs: ItemInputs) -> tuple[Decimal, dict]:
    if inputs.confidence_override is not None:
        value = _decimal(inputs.confidence_override, "The confidence override")
        reason = inputs.confidence_reason.strip()
        return value, {
            "value": float(value),
            "source": "override",
            "reason": reason,
            "note": f"set by hand: {reason}" if reason else "set by hand, no reason given",
        }
    if not inputs.hypothesis_statuses:
        return NO_HYPOTHESIS_CONFIDENCE, {
            "value": float(NO_HYPOTHESIS_CONFIDENCE),
            "source": "default",
            "note": f"no linked hypothesis, so the default {_num(NO_HYPOTHESIS_CONFIDENCE)}",
        }
    value = _derived_confidence(inputs.hypothesis_statuses)
    counts = {
        status: inputs.hypothesis_statuses.count(status)
        for status in HYPOTHESIS_CONFIDENCE
        if status in inputs.hypothesis_statuses
    }
    total = len(inputs.hypothesis_statuses)
    listed = _and([f"{count} {status}" for status, count in counts.items()])
    # "1 validated and 1 testing hypothesis", "1 validated and 2 testing hypotheses"
    noun = "hypothesis" if list(counts.values())[-1] == 1 else "hypotheses"
    return value, {
        "value": float(value),
        "source": "hypotheses",
        "hypotheses": counts,
        "note": f"{'from' if total == 1 else 'mean of'} {listed} {noun}",
    }


def _confidence_sentences(entry: dict) -> list[str]:
    if entry["source"] == "hypotheses":
        weights = ", ".join(
            f"{status} {HYPOTHESIS_CONFIDENCE[status]}" for status in HYPOTHESIS_CONFIDENCE
        )
        return [f"Each linked hypothesis counts by its status: {weights}."]
    if entry["source"] == "override":
        reason = (entry["reason"] or "no reason given").rstrip(". ")
        return [f"Confidence {_num(Decimal(str(entry['value'])))} was set by hand: {reason}."]
    return []


def _total_cost(inputs: ItemInputs) -> Decimal | None:
    if inputs.build_cost is None and inputs.run_cost_yearly is None:
        return None
    return sum(
        (
            _decimal(amount, "A cost")
            for amount in (inputs.build_cost, inputs.run_cost_yearly)
            if amount is not None
        ),
        Decimal(0),
    )


def _cost_entries(inputs: ItemInputs) -> dict:
    return {
        name: _entry(_json_number(amount)) if amount is not None else _entry(None, "missing")
        for name, amount in (
            ("build_cost", inputs.build_cost),
            ("run_cost_yearly", inputs.run_cost_yearly),
        )
    }


def _cost_sentence(
    inputs: ItemInputs, total: Decimal | None, points: int, config: ScoringConfig
) -> str:
    if total is None:
        return f"No build or run cost is entered, so cost counts as {_points(points)}."
    parts = _and(
        [
            f"{label} {_num(_decimal(amount, label))}"
            for label, amount in (
                ("build", inputs.build_cost),
                ("yearly run", inputs.run_cost_yearly),
            )
            if amount is not None
        ]
    )
    return f"Cost {_num(total)} ({parts}) is {_band(total, config)}: {_points(points)}."


def _band(total: Decimal, config: ScoringConfig) -> str:
    lower = None
    for bound, _ in config.cost_bands:
        upper = _decimal(bound, "A cost band's upper bound")
        if total < upper:
            if lower is None:
                return f"under {_num(upper)}"
            return f"from {_num(lower)} to under {_num(upper)}"
        lower = upper
    return f"{_num(lower)} or more" if lower is not None else "in the only band"


def _score(
    framework: str, value: Decimal, *, inputs: dict, intermediates: dict, explanation: list[str]
) -> Score:
    return Score(
        value=float(value),
        breakdown={
            "framework": framework,
            "formula": FORMULAS[framework],
            "score": float(value),
            "inputs": inputs,
            "intermediates": intermediates,
            "explanation": explanation,
        },
    )


def _entry(value, source: str = "item", **extra) -> dict:
    return {"value": value, "source": source, **extra}


def _round(value: Decimal) -> Decimal:
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _json_number(value, places: Decimal | None = None) -> float | None:
    if value is None:
        return None
    value = _decimal(value, "A number")
    return float(value.quantize(places, rounding=ROUND_HALF_UP) if places else value)


def _decimal(value, name: str) -> Decimal:
    """A number as Decimal; floats through str() so 0.1 stays 0.1."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise ValueError(f"{name} must be a number, got {value!r}.")
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(value)


def _require_int_in(value, low: int, high: int | None, name: str) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        expected = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise ValueError(f"{name} must be a whole number {expected}, got {value!r}.")


def _require_positive_int(value, name: str) -> None:
    _require_int_in(value, 1, None, name)


def _num(value, places: int | None = None) -> str:
    """A figure for a sentence: thousands separated, rounded half-up to `places` if given, no
    trailing zeros (50,000.00 → "50,000", 0.850 → "0.85")."""
    number = _decimal(value, "A number")
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format(number.normalize(), ",f")


def _score_text(value: Decimal) -> str:
    """A rounded score as shown: always its one decimal ("2.0", "1,020.0")."""
    return format(value, ",f")


def _points(points: int) -> str:
    return f"{points} point{'' if points == 1 else 's'}"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
