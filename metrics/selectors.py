"""Reads of a product's metrics: the stage gates' checks, KPIs with their progress."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from metrics.models import KPI, DefinitionOfDone, Experiment, Measurement
from metrics.progress import kpi_state, smart_gaps
from products.models import DataProduct


def gate_facts(product) -> dict[str, bool]:
    """What the build and launch gates read, in one query: whether the product has a Definition
    of Done, a KPI with both a baseline and a target, and a concluded experiment decided "roll
    out". A page that shows every gate asks once."""
    return (
        DataProduct.objects.filter(pk=product.pk)
        .values(
            has_dod=Exists(DefinitionOfDone.objects.filter(product=OuterRef("pk"))),
            measurable_kpi=Exists(
                KPI.objects.filter(
                    product=OuterRef("pk"), baseline__isnull=False, target__isnull=False
                )
            ),
            rolled_out=Exists(
                Experiment.objects.filter(
                    product=OuterRef("pk"),
                    status=Experiment.Status.CONCLUDED,
                    decision=Experiment.Decision.ROLL_OUT,
                )
            ),
        )
        .get()
    )


def build_gate_problems(product, facts: dict | None = None) -> list[str]:
    """What the product still needs to enter *build*: a Definition of Done and at least one KPI
    with both a baseline and a target (DESIGN.md §4). Empty when the gate is open."""
    facts = facts or gate_facts(product)
    problems = []
    if not facts["has_dod"]:
        problems.append("a Definition of Done")
    if not facts["measurable_kpi"]:
        problems.append("a KPI with both a baseline and a target")
    return problems


def launch_gate_problems(product, facts: dict | None = None) -> list[str]:
    """What the product still needs to enter *launched*: a concluded pilot or experiment whose
    decision was to roll out. Empty when the gate is open."""
    facts = facts or gate_facts(product)
    if facts["rolled_out"]:
        return []
    return ["a concluded pilot or experiment decided “roll out”"]


KPI_STATUS_LABELS = {
    "achieved": "Achieved",
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "no_data": "No recent data",
}


def kpis_with_state(product, *, today, kpi_id: int | None = None) -> list:
    """The product's KPIs (or the one `kpi_id`), each with its measurements (oldest first), its
    state (current value, progress, status, explanation, DESIGN.md §5) and what it lacks to be
    SMART. Two queries whatever the number of KPIs and measurements."""
    kpis = KPI.objects.filter(product=product).order_by("category", "name")
    measurements = Measurement.objects.filter(kpi__product=product)
    if kpi_id is not None:
        kpis, measurements = kpis.filter(pk=kpi_id), measurements.filter(kpi_id=kpi_id)
    kpis = list(kpis)
    series: dict[int, list] = {kpi.pk: [] for kpi in kpis}
    for owner, observed_at, value in measurements.order_by("observed_at", "pk").values_list(
        "kpi_id", "observed_at", "value"
    ):
        series[owner].append((observed_at, value))
    for kpi in kpis:
        kpi.series = series[kpi.pk]
        kpi.state = kpi_state(
            direction=kpi.direction,
            baseline=kpi.baseline,
            target=kpi.target,
            baseline_date=kpi.baseline_date,
            target_date=kpi.target_date,
            cadence_days=kpi.cadence_days,
            measurements=kpi.series,
            today=today,
            name=kpi.name,
            unit=kpi.unit,
        )
        kpi.status_label = KPI_STATUS_LABELS[kpi.state.status]
        kpi.smart_gaps = smart_gaps(
            name=kpi.name,
            unit=kpi.unit,
            baseline=kpi.baseline,
            baseline_date=kpi.baseline_date,
            target=kpi.target,
            target_date=kpi.target_date,
            cadence_days=kpi.cadence_days,
            calculation=kpi.calculation,
            data_source=kpi.data_source,
        )
    return kpis


# Service-level attainment counts the checks of the last 30 days (today and the 29 before it).
SL_WINDOW_DAYS = 30


def service_level_window_start(now: datetime.datetime | None = None) -> datetime.datetime:
    """Midnight at the start of the attainment window in the site's time zone, so the metrics
    page's day strip, its attainment and the health score's reliability count the same checks."""
    first_day = timezone.localdate(now) - datetime.timedelta(days=SL_WINDOW_DAYS - 1)
    return timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))
