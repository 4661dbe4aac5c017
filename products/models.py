from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from dpm.lib.models import TimeStampedModel, choices_constraint, range_constraint
from products import roles


class Domain(TimeStampedModel):
    """A business area (Finance, Marketing, ...) that groups products and has an owner."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_domains",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DataProductQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DataProductQuerySet":
        """Products the user may read: the whole portfolio for PMs, leads and stakeholders
        (and superusers); only their own products for anybody else."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or roles.user_roles(user):
            return self.all()
        return self.filter(on_product_q(user))

    def editable_by(self, user) -> "DataProductQuerySet":
        """Products whose fields the user may change: owner, tech lead and team members, unless
        they only hold the read-only Stakeholder role."""
        if not user.is_authenticated or roles.is_read_only(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(on_team_q(user))


def on_team_q(user) -> Q:
    team = DataProduct.team_members.through.objects.filter(
        dataproduct_id=OuterRef("pk"), user_id=user.pk
    )
    return Q(owner_id=user.pk) | Q(tech_lead_id=user.pk) | Q(Exists(team))


def on_product_q(user) -> Q:
    listed = DataProduct.stakeholders.through.objects.filter(
        dataproduct_id=OuterRef("pk"), user_id=user.pk
    )
    return on_team_q(user) | Q(Exists(listed))


class DataProductKind(models.TextChoices):
    DASHBOARD = "dashboard", "Dashboard"
    REPORT = "report", "Report"
    METRIC_LAYER = "metric_layer", "Metric layer"
    DATASET = "dataset", "Dataset"
    EVENT_STREAM = "event_stream", "Event stream"
    ML_MODEL = "ml_model", "ML model"
    DATA_API = "data_api", "Data API"
    MLOPS_PLATFORM = "mlops_platform", "MLOps platform"
    OTHER = "other", "Other"


class DataProductStage(models.TextChoices):
    IDEA = "idea", "Idea"
    DISCOVERY = "discovery", "Discovery"
    DEFINITION = "definition", "Definition"
    BUILD = "build", "Build"
    PILOT = "pilot", "Pilot"
    LAUNCHED = "launched", "Launched"
    RETIRED = "retired", "Retired"


class DataProductPriority(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class DataProductHealthStatus(models.TextChoices):
    HEALTHY = "healthy", "Healthy"
    CAUTION = "caution", "Caution"
    AT_RISK = "at_risk", "At risk"
    # Known components weigh less than half: too little to call it healthy or not (§5).
    NOT_ENOUGH_DATA = "not_enough_data", "Not enough data"
    UNKNOWN = "unknown", "Unknown"


class DataProduct(TimeStampedModel):
    Kind = DataProductKind
    Stage = DataProductStage
    Priority = DataProductPriority
    HealthStatus = DataProductHealthStatus

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    domain = models.ForeignKey(
        Domain, null=True, blank=True, on_delete=models.PROTECT, related_name="products"
    )
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.IDEA)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_products",
        help_text="The product manager: owns the why and the what.",
    )
    tech_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tech_led_products",
        help_text="Leads the how.",
    )
    team_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="team_products"
    )
    stakeholders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="stakeholder_products"
    )
    purpose = models.TextField(blank=True, help_text="The user problem this product solves.")
    decision = models.TextField(
        blank=True, help_text="The decision or workflow the product serves."
    )
    decision_meeting = models.CharField(
        max_length=200, blank=True, help_text="The meeting or moment where that decision is made."
    )
    target_users = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many people should use it."
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)

    # Computed by the recompute service; never edited by hand.
    health_score = models.FloatField(null=True, blank=True, editable=False)
    health_status = models.CharField(
        max_length=16, choices=HealthStatus.choices, default=HealthStatus.UNKNOWN, editable=False
    )
    # The known components' weights (0–100), shown with the score: "covers 45 of 100".
    health_coverage = models.PositiveSmallIntegerField(default=0, editable=False)
    opportunity_score = models.FloatField(null=True, blank=True, editable=False)
    scores_computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Each health component's value and the sentence that explains it, and the component that
    # decided the status, as of scores_computed_at, so every page shows exactly what produced the
    # stored score and status (products/health.py).
    health_breakdown = models.JSONField(default=dict, blank=True, editable=False)

    objects = DataProductQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            choices_constraint("kind", DataProductKind, "products_dataproduct_kind_valid"),
            choices_constraint("stage", DataProductStage, "products_dataproduct_stage_valid"),
            choices_constraint(
                "priority", DataProductPriority, "products_dataproduct_priority_valid"
            ),
            choices_constraint(
                "health_status", DataProductHealthStatus, "products_dataproduct_health_status_valid"
            ),
            range_constraint(
                "health_score", 0, 100, "products_dataproduct_health_score_range", nullable=True
            ),
            range_constraint(
                "health_coverage", 0, 100, "products_dataproduct_health_coverage_range"
            ),
        ]
        indexes = [
            # The portfolio overview ranks by opportunity (issue 6).
            models.Index(fields=["-opportunity_score"], name="products_dp_opportunity_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("products:detail", args=[self.slug])

    @property
    def health_headline(self) -> str:
        """The stored status with the component that decided it: "At risk — outcomes 22"."""
        from products import health  # it imports metrics, whose models import this module

        return health.headline_of(status=self.health_status, breakdown=self.health_breakdown)

    @property
    def health_coverage_words(self) -> str:
        """ "covers 45 of 100": shown with the score wherever it is shown."""
        from products import health

        return health.coverage_words(self.health_coverage)


class StageChange(TimeStampedModel):
    """Every move between stages: who, when, from, to, why, and whether a lead overrode a gate."""

    # History: deleting the product does not take it along by accident (issue 12).
    product = models.ForeignKey(DataProduct, on_delete=models.PROTECT, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=DataProduct.Stage.choices)
    to_stage = models.CharField(max_length=12, choices=DataProduct.Stage.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    override_reason = models.TextField(
        blank=True, help_text="Set when a lead moved the product past a gate that refused."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            choices_constraint("from_stage", DataProduct.Stage, "products_stagechange_from_valid"),
            choices_constraint("to_stage", DataProduct.Stage, "products_stagechange_to_valid"),
            models.CheckConstraint(
                condition=~Q(from_stage=models.F("to_stage")),
                name="products_stagechange_moves",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.from_stage} → {self.to_stage}"

    @property
    def overridden(self) -> bool:
        return bool(self.override_reason)


class ProductReview(TimeStampedModel):
    """An owner's (or lead's) look over the product: it resets the review clock (last reviewed
    at) that the health score and the staleness sweep read."""

    # History: deleting the product does not take it along by accident (issue 12).
    product = models.ForeignKey(DataProduct, on_delete=models.PROTECT, related_name="reviews")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.product} reviewed on {self.created_at:%Y-%m-%d}"


class AlertQuerySet(models.QuerySet):
    def open(self) -> "AlertQuerySet":
        return self.filter(resolved_at__isnull=True)

    def visible_to(self, user) -> "AlertQuerySet":
        return self.filter(product__in=DataProduct.objects.visible_to(user))


class AlertKind(models.TextChoices):
    PRODUCT_NOT_REVIEWED = "product_not_reviewed", "Product not reviewed"
    KPI_NOT_MEASURED = "kpi_not_measured", "KPI not measured"
    HYPOTHESIS_STALE = "hypothesis_stale", "Hypothesis stuck in testing"
    DISCOVERY_STALE = "discovery_stale", "Discovery without interviews"
    ITEM_STALE = "item_stale", "Roadmap item stuck in progress"
    PILOT_UNDECIDED = "pilot_undecided", "Pilot ended without a decision"
    ADOPTION_DROP = "adoption_drop", "Adoption dropped"


class AlertSeverity(models.TextChoices):
    WARNING = "warning", "Warning"
    ERROR = "error", "Error"


class Alert(TimeStampedModel):
    """A staleness alert. Opened, updated and resolved by the staleness sweep (DESIGN.md §6)."""

    Kind = AlertKind
    Severity = AlertSeverity

    product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    severity = models.CharField(max_length=10, choices=Severity.choices)
    message = models.TextField()
    opened_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="acknowledged_alerts",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledge_note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    owner_notified_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            choices_constraint("kind", AlertKind, "products_alert_kind_valid"),
            choices_constraint("severity", AlertSeverity, "products_alert_severity_valid"),
            # At most one open alert per stale object and rule, even when two sweeps overlap.
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"],
                condition=Q(resolved_at__isnull=True),
                name="products_alert_one_open_per_subject",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("opened_at")),
                name="products_alert_resolved_after_opened",
            ),
        ]
        indexes = [
            # The alerts page and the navigation count read open alerts per product.
            models.Index(
                fields=["product", "severity"],
                condition=Q(resolved_at__isnull=True),
                name="products_alert_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.message}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def stale_link(self, product_slug: str) -> "StaleLink":
        """Where to look into what the alert is about: the stale KPI, hypothesis, roadmap item or
        experiment, or the product page that shows the stale part of the product. The product's
        slug is passed in, so that a page of alerts builds its links without reading a relation."""
        label, url_name, anchor = STALE_LINKS.get(self.kind, ("Open the product", "", ""))
        if url_name in SUBJECT_PAGES:
            url = reverse(url_name, args=[product_slug, self.subject_id])
        else:
            url = reverse(url_name or "products:detail", args=[product_slug])
        return StaleLink(label, url + anchor)


class StaleLink(NamedTuple):
    label: str
    url: str


# Per alert kind: the link's words, the page (URL name) and a section of it.
STALE_LINKS = {
    AlertKind.PRODUCT_NOT_REVIEWED: ("Review the product", "products:detail", "#review-panel"),
    AlertKind.KPI_NOT_MEASURED: ("Open the KPI", "metrics:kpi", ""),
    AlertKind.HYPOTHESIS_STALE: ("Open the hypothesis", "discovery:hypothesis", ""),
    AlertKind.DISCOVERY_STALE: ("Open discovery", "discovery:workspace", ""),
    AlertKind.ITEM_STALE: ("Open the roadmap item", "roadmaps:item", ""),
    AlertKind.PILOT_UNDECIDED: ("Open the experiment", "metrics:experiment", ""),
    AlertKind.ADOPTION_DROP: ("Open the usage", "adoption:page", "#usage"),
}
# The pages of one object (their address names the product and the object's id); the others
# are pages of the product, where the alert's subject is the product itself.
SUBJECT_PAGES = frozenset(
    {"metrics:kpi", "discovery:hypothesis", "roadmaps:item", "metrics:experiment"}
)


class ScoreSnapshot(TimeStampedModel):
    """One row per product per recompute day, so pages can draw trends."""

    # History: deleting the product does not take it along by accident (issue 12).
    product = models.ForeignKey(DataProduct, on_delete=models.PROTECT, related_name="score_history")
    day = models.DateField()
    health_score = models.FloatField(null=True, blank=True)
    health_status = models.CharField(
        max_length=16,
        choices=DataProduct.HealthStatus.choices,
        default=DataProduct.HealthStatus.UNKNOWN,
    )
    # As DataProduct.health_coverage; NULL on rows recorded before coverage was kept.
    health_coverage = models.PositiveSmallIntegerField(null=True, blank=True)
    opportunity_score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["product", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["product", "day"], name="products_scoresnapshot_daily"),
            choices_constraint(
                "health_status", DataProduct.HealthStatus, "products_scoresnapshot_status_valid"
            ),
            range_constraint(
                "health_score", 0, 100, "products_scoresnapshot_health_range", nullable=True
            ),
            range_constraint(
                "health_coverage", 0, 100, "products_scoresnapshot_coverage_range", nullable=True
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} on {self.day}"


class TaskRun(TimeStampedModel):
    """When each periodic task last succeeded, so operators (and /healthz) notice a stuck worker
    or beat. One row per task name, updated in place."""

    name = models.CharField(max_length=100, unique=True)
    last_success_at = models.DateTimeField()
    last_duration_ms = models.PositiveIntegerField(default=0)
    last_result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}: last success {self.last_success_at:%Y-%m-%d %H:%M}"
