from django.conf import settings
from django.db import models
from django.db.models import F, Q

from discovery.models import Hypothesis
from dpm.lib.models import TimeStampedModel, choices_constraint, range_constraint
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
    baseline_date = models.DateField(null=True, blank=True)
    target = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
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
            models.UniqueConstraint(fields=["product", "name"], name="metrics_kpi_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class MeasurementSource(models.TextChoices):
    MANUAL = "manual", "Manual"
    IMPORT = "import", "Import"
    API = "api", "API"


class Measurement(TimeStampedModel):
    Source = MeasurementSource

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField(max_digits=16, decimal_places=4)
    observed_at = models.DateTimeField()
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["kpi", "-observed_at"]
        constraints = [
            choices_constraint("source", MeasurementSource, "metrics_measurement_source_valid")
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
    service_level = models.ForeignKey(ServiceLevel, on_delete=models.CASCADE, related_name="checks")
    observed = models.DecimalField(max_digits=10, decimal_places=3)
    met = models.BooleanField()
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["service_level", "-checked_at"]
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
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
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
        ]

    def __str__(self) -> str:
        return self.name
