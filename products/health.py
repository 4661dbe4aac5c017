"""A product's health score and status (DESIGN.md §5), each component explained in words.

Pure Python, no queries: `products.recompute` reads the inputs for the whole portfolio at once and
passes them in, so the health page can show exactly the sentences that produced the stored score.

Components, each 0–100 or unknown (None): outcomes (mean KPI progress, achieved = 100), adoption
(latest active users / target users), reliability (share of service-level checks met in the last
30 days), readiness (share of required Definition-of-Done criteria met) and review (100 when
reviewed within 30 days, falling linearly to 0 at 180). The score is the weighted mean of the
known components; the coverage is the sum of their weights (0–100). The status is decided by the
worst known component (named beside the status: "At risk — outcomes 22"), but only when the
coverage is 50 or more: below that there is *not enough data* whatever the known components say
(a product known only by its review is not "healthy"), and with no known component it is unknown.

Components are rounded to one decimal (halves up) before the score and status are taken from
them, so the figures on the page add up by hand: a component shown as 69.9 is "caution" even when
the unrounded share was 69.94.
"""

from dataclasses import asdict, dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from metrics.progress import NO_DATA

HEALTHY, CAUTION, AT_RISK, UNKNOWN = "healthy", "caution", "at_risk", "unknown"
NOT_ENOUGH_DATA = "not_enough_data"

# §5: a status boundary is the lowest value that still belongs to the better status.
HEALTHY_FROM = 70
CAUTION_FROM = 40
# §5: the lowest coverage (sum of the known components' weights) that still gets a status.
COVERAGE_FROM = 50
REVIEW_FULL_MARKS_DAYS = 30
REVIEW_ZERO_DAYS = 180
RELIABILITY_WINDOW_DAYS = 30  # metrics.selectors.SL_WINDOW_DAYS: the same checks

WEIGHTS = {"outcomes": 30, "adoption": 25, "reliability": 20, "readiness": 15, "review": 10}
LABELS = {
    "outcomes": "Outcomes",
    "adoption": "Adoption",
    "reliability": "Reliability",
    "readiness": "Readiness",
    "review": "Review",
}
STATUS_LABELS = {
    HEALTHY: "Healthy",
    CAUTION: "Caution",
    AT_RISK: "At risk",
    NOT_ENOUGH_DATA: "Not enough data",
    UNKNOWN: "Unknown",
}
KPI_NAMES_SHOWN = 4
# Weight order (heaviest first): the order components are listed in, and the tie-break for the
# component named beside a status.
WEIGHT_ORDER = {key: rank for rank, key in enumerate(WEIGHTS)}


@dataclass(frozen=True)
class Component:
    key: str
    value: float | None  # 0–100, one decimal; None when unknown
    explanation: str  # why this value, or why it is unknown
    set_up: str = ""  # what would give it a value, when unknown

    @property
    def label(self) -> str:
        return LABELS[self.key]

    @property
    def weight(self) -> int:
        return WEIGHTS[self.key]

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Health:
    score: float | None
    status: str
    components: tuple[Component, ...]
    summary: str  # why the status, in one sentence
    coverage: int = 0  # the known components' weights, 0–100
    # The component that decided a healthy, caution or at-risk status; None when the coverage
    # decided it (not enough data, unknown).
    decided_by: Component | None = None

    @property
    def headline(self) -> str:
        """The status with what decided it: "At risk — outcomes 22"."""
        return headline_of(status=self.status, breakdown=self.as_breakdown())

    def as_breakdown(self) -> dict:
        """JSON for DataProduct.health_breakdown."""
        return {
            "score": self.score,
            "status": self.status,
            "coverage": self.coverage,
            "decided_by": self.decided_by.key if self.decided_by else None,
            "summary": self.summary,
            "components": [asdict(component) for component in self.components],
        }


def coverage_words(coverage: int) -> str:
    """Shown with every score, so a score from one component never passes for a full one."""
    return f"covers {coverage} of 100"


def headline_of(*, status: str, breakdown: dict) -> str:
    """A stored status with what decided it, read from the stored breakdown (no query):
    "Caution — adoption 42", "Not enough data — covers 35 of 100", "Unknown — no data yet".
    A breakdown stored before the decider was kept gives the status alone."""
    label = STATUS_LABELS.get(status, STATUS_LABELS[UNKNOWN])
    if status == UNKNOWN:
        return f"{label} — no data yet"
    if status == NOT_ENOUGH_DATA:
        return f"{label} — {coverage_words(breakdown.get('coverage', 0))}"
    key = breakdown.get("decided_by")
    values = {c.get("key"): c.get("value") for c in breakdown.get("components", [])}
    if key not in LABELS or values.get(key) is None:
        return label
    return f"{label} — {LABELS[key].lower()} {_figure(values[key])}"


def one_decimal(share: Fraction) -> float:
    """A 0–1 share as a 0–100 figure with one decimal, halves rounded up (42.25 → 42.3)."""
    tenths = (Decimal(share.numerator) * 1000 / Decimal(share.denominator)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return float(tenths / 10)


def outcomes(kpis) -> Component:
    """`kpis`: (name, KPIState) pairs. KPIs that cannot be judged (no data, §5) are left out."""
    judged = [(name, state) for name, state in kpis if state.status != NO_DATA]
    left_out = len(kpis) - len(judged)
    if not judged:
        if len(kpis) == 1:
            why = "its only KPI has no target and recent measurement"
        elif kpis:
            why = f"none of its {len(kpis)} KPIs has a target and a recent measurement"
        else:
            why = "the product has no KPI"
        return Component(
            "outcomes",
            None,
            why,
            "Give a KPI a baseline and a target on the Metrics page and record measurements.",
        )
    shares = [Fraction(state.progress).limit_denominator(10**6) for _, state in judged]
    value = one_decimal(sum(shares, Fraction(0)) / len(shares))
    parts = [
        f"{name} {'achieved' if state.status == 'achieved' else _percent(share)}"
        for (name, state), share in zip(judged, shares, strict=True)
    ][:KPI_NAMES_SHOWN]
    if len(judged) > KPI_NAMES_SHOWN:
        parts.append(f"{len(judged) - KPI_NAMES_SHOWN} more")
    kpi_word = "KPI" if len(judged) == 1 else "KPIs"
    why = f"mean progress of {len(judged)} {kpi_word} ({', '.join(parts)})"
    if left_out:
        why += f"; {left_out} without recent data left out"
    return Component("outcomes", value, why)


def adoption(
    *, active_users: int | None, week_start: date | None, target_users: int | None
) -> Component:
    if not target_users:
        return Component(
            "adoption",
            None,
            "no number of target users is set",
            "Set how many people should use the product on its edit page.",
        )
    if active_users is None or week_start is None:
        return Component(
            "adoption",
            None,
            "no weekly usage is recorded",
            "Record weekly active users on the Adoption page (or import them).",
        )
    value = one_decimal(min(Fraction(active_users, target_users), Fraction(1)))
    week = _day(week_start)
    why = f"{active_users:,} of {target_users:,} target users active in the week of {week}"
    if active_users > target_users:
        why += " (more than the target counts as 100)"
    return Component("adoption", value, why)


def reliability(*, met: int, total: int, service_levels: int) -> Component:
    if not total:
        if service_levels:
            why = f"no service-level check in the last {RELIABILITY_WINDOW_DAYS} days"
            set_up = "Import the latest checks of its service levels on the Metrics page."
        else:
            why = "the product has no service level"
            set_up = "Define service levels (freshness, availability …) on the Metrics page."
        return Component("reliability", None, why, set_up)
    value = one_decimal(Fraction(met, total))
    why = f"{met} of {total} service-level checks met in the last {RELIABILITY_WINDOW_DAYS} days"
    return Component("reliability", value, why)


def readiness(*, met: int, required: int) -> Component:
    if not required:
        return Component(
            "readiness",
            None,
            "no Definition of Done with required criteria",
            "Write the Definition of Done on the Metrics page.",
        )
    value = one_decimal(Fraction(met, required))
    return Component(
        "readiness", value, f"{met} of {required} required Definition-of-Done criteria met"
    )


def review(*, last_reviewed: date | None, today: date) -> Component:
    if last_reviewed is None:
        return Component(
            "review", None, "never reviewed", "The owner marks the product reviewed on its page."
        )
    days = max((today - last_reviewed).days, 0)
    if days <= REVIEW_FULL_MARKS_DAYS:
        share = Fraction(1)
    elif days >= REVIEW_ZERO_DAYS:
        share = Fraction(0)
    else:
        share = Fraction(REVIEW_ZERO_DAYS - days, REVIEW_ZERO_DAYS - REVIEW_FULL_MARKS_DAYS)
    ago = "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"
    why = f"last reviewed {ago}"
    if days > REVIEW_FULL_MARKS_DAYS:
        why += (
            f" (full marks up to {REVIEW_FULL_MARKS_DAYS} days, falling to 0 at {REVIEW_ZERO_DAYS})"
        )
    return Component("review", one_decimal(share), why)


def health(components) -> Health:
    """Score (weighted mean of the known components, one decimal), coverage (their weights) and
    status with a sentence saying why.

    The status: unknown without a known component; not enough data below COVERAGE_FROM;
    otherwise the worst component decides (`decided_by`). Of components tied for worst, the
    heavier one is named (the first in weight order): it moves the score most.
    """
    components = tuple(components)
    known = [c for c in components if c.known]
    if not known:
        return Health(None, UNKNOWN, components, "No component has data yet.")
    coverage = sum(c.weight for c in known)
    weighted = sum(Fraction(str(c.value)) * c.weight for c in known) / coverage
    score = one_decimal(weighted / 100)
    worst = min(known, key=lambda c: (c.value, WEIGHT_ORDER[c.key]))
    at_risk = [c for c in known if c.value < CAUTION_FROM]
    caution = [c for c in known if CAUTION_FROM <= c.value < HEALTHY_FROM]
    if coverage < COVERAGE_FROM:
        status = NOT_ENOUGH_DATA
        names = [c.label for c in sorted(known, key=lambda c: WEIGHT_ORDER[c.key])]
        has, they = ("has", "it") if len(names) == 1 else ("have", "they")
        summary = (
            f"Only {_joined(names)} {has} data: {they} cover{'s' if len(names) == 1 else ''} "
            f"{coverage} of 100, and a status needs {COVERAGE_FROM} or more."
        )
    elif at_risk:
        status, summary = AT_RISK, f"{_listed(at_risk)} below {CAUTION_FROM}."
    elif caution:
        status, summary = CAUTION, f"{_listed(caution)} below {HEALTHY_FROM}."
    else:
        status = HEALTHY
        summary = (
            f"Every known component is {HEALTHY_FROM} or more; "
            f"the lowest is {worst.label} ({_figure(worst.value)})."
        )
    unknown = len(components) - len(known)
    if unknown:
        summary += f" {unknown} of {len(components)} components not set up."
    decided_by = None if status == NOT_ENOUGH_DATA else worst
    return Health(score, status, components, summary, coverage, decided_by)


def _listed(components) -> str:
    names = [f"{c.label} ({_figure(c.value)})" for c in components]
    verb = "is" if len(names) == 1 else "are"
    return f"{_joined(names)} {verb}"


def _joined(names) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _figure(value: float) -> str:
    return f"{value:g}"


def _percent(share: Fraction) -> str:
    return f"{one_decimal(share):g} %"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
