from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from discovery.models import Hypothesis
from dpm.lib.models import (
    TimeStampedModel,
    WholeSecondDateTimeField,
    choices_constraint,
    date_range_constraint,
    one_line_constraint,
    range_constraint,
)
from dpm.lib.validators import OBSERVATION_VALIDATORS, validate_date_range, validate_one_line
from products.models import DataProduct


class DefinitionOfDone(TimeStampedModel):
    product = models.OneToOneField(
        DataProduct, on_delete=models.CASCADE, related_name="definition_of_done"
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "definition of done"
        verbose_name_plural = "definitions of done"

    def __str__(self) -> str:
        return f"Definition of Done: {self.product}"


class DoneCriterionGroup(models.TextChoices):
    OUTCOME = "outcome", "Outcome"
    FAIL_FAST = "fail_fast", "Fail-fast"
    FEASIBILITY = "feasibility", "Feasibility"
    QUALITY = "quality", "Quality"
    DOCUMENTATION = "documentation", "Documentation"
    COMPLIANCE = "compliance", "Compliance (incl. PII)"


class DoneCriterion(TimeStampedModel):
    Group = DoneCriterionGroup

    definition = models.ForeignKey(
        DefinitionOfDone, on_delete=models.CASCADE, related_name="criteria"
    )
    group = models.CharField(max_length=14, choices=Group.choices)
    text = models.TextField()
    required = models.BooleanField(default=True)
    met = models.BooleanField(default=False)
    evidence_url = models.URLField(blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["definition", "group", "position", "pk"]
        verbose_name_plural = "done criteria"
        constraints = [
            choices_constraint("group", DoneCriterionGroup, "metrics_donecriterion_group_valid")
        ]

    def __str__(self) -> str:
        return self.text[:80]


class KPICategory(models.TextChoices):
    OUTCOME = "outcome", "Outcome"
    ADOPTION = "adoption", "Adoption"
    OPERATIONAL = "operational", "Operational"
    FINANCIAL = "financial", "Financial"
    QUALITY = "quality", "Quality"


class KPIDirection(models.TextChoices):
    INCREASE = "increase", "Increase to target"
    DECREASE = "decrease", "Decrease to target"
    AT_LEAST = "at_least", "Stay at or above"
    AT_MOST = "at_most", "Stay at or below"


class KPI(TimeStampedModel):
    Category = KPICategory
    Direction = KPIDirection

    product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=150)
    category = models.CharField(max_length=12, choices=Category.choices)
    unit = models.CharField(max_length=30, blank=True, help_text="%, hours, €, users …")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    baseline = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True, validators=[validate_date_range])
    target = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True, validators=[validate_date_range])
    cadence_days = models.PositiveSmallIntegerField(
        default=7, help_text="How often it should be measured."
    )
    calculation = models.TextField(blank=True, help_text="How the value is computed.")
    data_source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["product", "name"]
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"
        constraints = [
            choices_constraint("category", KPICategory, "metrics_kpi_category_valid"),
            choices_constraint("direction", KPIDirection, "metrics_kpi_direction_valid"),
            range_constraint("cadence_days", 1, 366, "metrics_kpi_cadence_range"),
            models.CheckConstraint(
                condition=Q(target_date__isnull=True)
                | Q(baseline_date__isnull=True)
                | Q(target_date__gt=F("baseline_date")),
                name="metrics_kpi_target_after_baseline",
            ),
            # kpi_direction_problem's rule: otherwise the baseline already meets the target and
            # every value counts as achieved.
            models.CheckConstraint(
                condition=Q(baseline__isnull=True)
                | Q(target__isnull=True)
                | Q(direction__in=[KPIDirection.AT_LEAST, KPIDirection.AT_MOST])
                | Q(direction=KPIDirection.INCREASE, target__gt=F("baseline"))
                | Q(direction=KPIDirection.DECREASE, target__lt=F("baseline")),
                name="metrics_kpi_target_beyond_baseline",
            ),
            date_range_constraint(
                "baseline_date", "metrics_kpi_baseline_date_range", nullable=True
            ),
            date_range_constraint("target_date", "metrics_kpi_target_date_range", nullable=True),
            models.UniqueConstraint(fields=["product", "name"], name="metrics_kpi_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        problem = kpi_direction_problem(self.direction, self.baseline, self.target)
        if problem:
            raise ValidationError({"target": problem})


def kpi_direction_problem(direction: str, baseline, target) -> str | None:
    """Why a KPI's target contradicts its direction, or None.

    A KPI to increase (decrease) moves from its baseline towards its target, so the target lies
    above (below) the baseline; at or below it, the baseline already meets the target and any
    value counts as achieved (metrics/progress.py). A threshold to hold (at least / at most) has
    no direction of travel: a baseline on either side is "keep it there" or "get there".
    """
    if baseline is None or target is None:
        return None
    try:
        baseline, target = Decimal(str(baseline)), Decimal(str(target))
    except InvalidOperation:  # not a number: the field's own error says so
        return None
    if direction == KPIDirection.INCREASE and not target > baseline:
        verb, side, measured = "increase", "above", "achieved from the start"
    elif direction == KPIDirection.DECREASE and not target < baseline:
        verb, side, measured = "decrease", "below", "achieved from the start"
    else:
        return None
    return (
        f"A KPI to {verb} needs a target {side} its baseline ({_plain(baseline)}): with "
        f"{_plain(target)} it would count as {measured}. Check the direction, the baseline and "
        "the target."
    )


def _plain(number) -> str:
    """60.0000 → 60, 12.5000 → 12.5."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class MeasurementSource(models.TextChoices):
    MANUAL = "manual", "Manual"
    IMPORT = "import", "Import"
    API = "api", "API"


class Measurement(TimeStampedModel):
    Source = MeasurementSource

    # PROTECT: a KPI's history goes only with an explicit delete of its measurements first.
    kpi = models.ForeignKey(KPI, on_delete=models.PROTECT, related_name="measurements")
    value = models.DecimalField(max_digits=16, decimal_places=4)
    observed_at = WholeSecondDateTimeField(validators=OBSERVATION_VALIDATORS)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(max_length=300, blank=True, validators=[validate_one_line])

    class Meta:
        ordering = ["kpi", "-observed_at"]
        constraints = [
            choices_constraint("source", MeasurementSource, "metrics_measurement_source_valid"),
            date_range_constraint(
                "observed_at", "metrics_measurement_observed_at_range", datetime_field=True
            ),
            one_line_constraint("note", "metrics_measurement_note_one_line"),
            # A measurement is its KPI and observed time: a re-import or a retried batch
            # updates it (measurements_upsert) instead of counting it twice.
            models.UniqueConstraint(
                fields=["kpi", "observed_at"], name="metrics_measurement_one_per_time"
            ),
        ]
        indexes = [
            # Latest measurement per KPI (progress, staleness).
            models.Index(fields=["kpi", "-observed_at"], name="metrics_measurement_latest_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.value} at {self.observed_at:%Y-%m-%d}"


class ServiceLevelIndicator(models.TextChoices):
    FRESHNESS = "freshness", "Freshness"
    AVAILABILITY = "availability", "Availability"
    PIPELINE_SUCCESS = "pipeline_success", "Pipeline success"
    QUALITY_PASS_RATE = "quality_pass_rate", "Quality pass rate"


class ServiceLevel(TimeStampedModel):
    Indicator = ServiceLevelIndicator

    product = models.ForeignKey(
        DataProduct, on_delete=models.CASCADE, related_name="service_levels"
    )
    indicator = models.CharField(max_length=18, choices=Indicator.choices)
    objective = models.DecimalField(max_digits=10, decimal_places=3)
    unit = models.CharField(max_length=20, help_text="hours for freshness, % for the rates")
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["product", "indicator"]
        constraints = [
            choices_constraint(
                "indicator", ServiceLevelIndicator, "metrics_servicelevel_indicator_valid"
            ),
            range_constraint("objective", 0, None, "metrics_servicelevel_objective_range"),
            # Freshness is a lag in hours; the other indicators are percentages.
            models.CheckConstraint(
                condition=Q(indicator=ServiceLevelIndicator.FRESHNESS) | Q(objective__lte=100),
                name="metrics_servicelevel_rate_at_most_100",
            ),
            models.UniqueConstraint(
                fields=["product", "indicator"], name="metrics_servicelevel_unique_indicator"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.objective} {self.unit}"

    @property
    def lower_is_better(self) -> bool:
        """Freshness is a lag (at most N hours); the rates are shares (at least N %)."""
        return self.indicator == self.Indicator.FRESHNESS


class ServiceLevelCheck(TimeStampedModel):
    # PROTECT: a service level's record of checks goes only when deleted first, on purpose.
    service_level = models.ForeignKey(ServiceLevel, on_delete=models.PROTECT, related_name="checks")
    observed = models.DecimalField(max_digits=10, decimal_places=3)
    met = models.BooleanField()
    checked_at = WholeSecondDateTimeField(validators=OBSERVATION_VALIDATORS)

    class Meta:
        ordering = ["service_level", "-checked_at"]
        constraints = [
            date_range_constraint(
                "checked_at", "metrics_servicelevelcheck_checked_at_range", datetime_field=True
            ),
            models.UniqueConstraint(
                fields=["service_level", "checked_at"],
                name="metrics_servicelevelcheck_one_per_time",
            ),
        ]
        indexes = [
            models.Index(fields=["service_level", "-checked_at"], name="metrics_slcheck_recent_idx")
        ]

    def __str__(self) -> str:
        return f"{self.service_level}: {self.observed} ({'met' if self.met else 'missed'})"


class ExperimentKind(models.TextChoices):
    PILOT = "pilot", "Pilot"
    AB_TEST = "ab_test", "A/B test"
    BASELINE_COMPARISON = "baseline_comparison", "Baseline comparison"


class ExperimentMetricKind(models.TextChoices):
    PROPORTION = "proportion", "Proportion (conversions of n)"
    MEAN = "mean", "Mean (n, mean, sd)"


class ExperimentStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    RUNNING = "running", "Running"
    CONCLUDED = "concluded", "Concluded"


class ExperimentDecision(models.TextChoices):
    ROLL_OUT = "roll_out", "Roll out"
    ITERATE = "iterate", "Iterate"
    STOP = "stop", "Stop"


class Experiment(TimeStampedModel):
    Kind = ExperimentKind
    MetricKind = ExperimentMetricKind
    Status = ExperimentStatus
    Decision = ExperimentDecision

    product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="experiments")
    hypothesis = models.ForeignKey(
        Hypothesis, null=True, blank=True, on_delete=models.SET_NULL, related_name="experiments"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    starts_on = models.DateField(null=True, blank=True, validators=[validate_date_range])
    ends_on = models.DateField(null=True, blank=True, validators=[validate_date_range])
    metric_name = models.CharField(max_length=150, blank=True)
    metric_kind = models.CharField(
        max_length=10, choices=MetricKind.choices, default=MetricKind.PROPORTION
    )
    planned_variant_share = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Planned share of units in the variant (0.5 for an even split).",
    )
    control_n = models.PositiveIntegerField(null=True, blank=True)
    control_conversions = models.PositiveIntegerField(null=True, blank=True)
    control_mean = models.FloatField(null=True, blank=True)
    control_sd = models.FloatField(null=True, blank=True)
    variant_n = models.PositiveIntegerField(null=True, blank=True)
    variant_conversions = models.PositiveIntegerField(null=True, blank=True)
    variant_mean = models.FloatField(null=True, blank=True)
    variant_sd = models.FloatField(null=True, blank=True)
    readout = models.JSONField(default=dict, blank=True, editable=False)
    guardrails_note = models.TextField(blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decision_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            choices_constraint("kind", ExperimentKind, "metrics_experiment_kind_valid"),
            choices_constraint(
                "metric_kind", ExperimentMetricKind, "metrics_experiment_metric_kind_valid"
            ),
            choices_constraint("status", ExperimentStatus, "metrics_experiment_status_valid"),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decision__in=ExperimentDecision.values),
                name="metrics_experiment_decision_valid",
            ),
            # A decision closes an experiment: it is taken on a concluded one.
            models.CheckConstraint(
                condition=Q(decision="") | Q(status=ExperimentStatus.CONCLUDED),
                name="metrics_experiment_decided_when_concluded",
            ),
            models.CheckConstraint(
                condition=Q(control_conversions__isnull=True)
                | Q(control_n__isnull=False, control_conversions__lte=F("control_n")),
                name="metrics_experiment_control_conversions_le_n",
            ),
            models.CheckConstraint(
                condition=Q(variant_conversions__isnull=True)
                | Q(variant_n__isnull=False, variant_conversions__lte=F("variant_n")),
                name="metrics_experiment_variant_conversions_le_n",
            ),
            range_constraint(
                "control_sd", 0, None, "metrics_experiment_control_sd_range", nullable=True
            ),
            range_constraint(
                "variant_sd", 0, None, "metrics_experiment_variant_sd_range", nullable=True
            ),
            models.CheckConstraint(
                condition=Q(planned_variant_share__isnull=True)
                | Q(planned_variant_share__gt=0, planned_variant_share__lt=1),
                name="metrics_experiment_split_range",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="metrics_experiment_ends_after_start",
            ),
            date_range_constraint("starts_on", "metrics_experiment_starts_on_range", nullable=True),
            date_range_constraint("ends_on", "metrics_experiment_ends_on_range", nullable=True),
        ]

    def __str__(self) -> str:
        return self.name
