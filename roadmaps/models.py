from django.conf import settings
from django.db import models
from django.db.models import Q

from discovery.models import Hypothesis, WhyChain
from dpm.lib.models import TimeStampedModel, choices_constraint, range_constraint
from products.models import DataProduct

# DESIGN.md §5 defaults; a scoring model may override them.
DEFAULT_TSHIRT_POINTS = {"XS": 1, "S": 2, "M": 3, "L": 5, "XL": 8, "XXL": 13}
# Upper bounds (exclusive) of build + yearly run cost, and the points of each band; above the last
# bound an item scores DEFAULT_COST_TOP_POINTS.
DEFAULT_COST_BANDS = [[10_000, 1], [50_000, 2], [150_000, 3], [500_000, 5]]
DEFAULT_COST_TOP_POINTS = 8


class ScoringModelFramework(models.TextChoices):
    IEC = "iec", "Impact × confidence ÷ (effort + cost)"
    RICE = "rice", "RICE"
    ICE = "ice", "ICE"
    WSJF = "wsjf", "WSJF"
    WEIGHTED = "weighted", "Weighted criteria"


class ScoringModel(TimeStampedModel):
    """How roadmap items are scored. Exactly one is active for the portfolio at a time."""

    Framework = ScoringModelFramework

    name = models.CharField(max_length=100)
    framework = models.CharField(max_length=10, choices=Framework.choices, default=Framework.IEC)
    is_active = models.BooleanField(default=False)
    weights = models.JSONField(
        default=dict, blank=True, help_text="Criterion weights for the weighted framework."
    )
    tshirt_points = models.JSONField(default=dict, blank=True)
    cost_bands = models.JSONField(default=list, blank=True)
    cost_top_points = models.PositiveSmallIntegerField(default=DEFAULT_COST_TOP_POINTS)
    # Raised by every save. A recompute writes only while the model is still the version it
    # read, and a full recompute that applied a version records it here with when it finished,
    # so the settings page can say whether every score follows the saved model yet.
    version = models.PositiveIntegerField(default=1, editable=False)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    rescored_version = models.PositiveIntegerField(default=0, editable=False)
    rescored_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-is_active", "name"]
        constraints = [
            choices_constraint(
                "framework", ScoringModelFramework, "roadmaps_scoringmodel_framework_valid"
            ),
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="roadmaps_scoringmodel_one_active",
            ),
            range_constraint("cost_top_points", 1, None, "roadmaps_scoringmodel_cost_top_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_framework_display()})"

    @property
    def rescoring(self) -> bool:
        """Saved, but the full recompute that applies this version has not finished yet."""
        return self.rescored_version < self.version


class RoadmapItemSolutionType(models.TextChoices):
    MANUAL_FIX = "manual_fix", "Manual fix"
    PROCESS_CHANGE = "process_change", "Process change"
    DOCUMENTATION = "documentation", "Documentation"
    DATA_FIX = "data_fix", "Data fix"
    REPORT_DASHBOARD = "report_dashboard", "Report or dashboard"
    METRIC_DEFINITION = "metric_definition", "Metric definition"
    DATASET_PIPELINE = "dataset_pipeline", "Dataset or pipeline"
    EVENT_STREAM = "event_stream", "Event stream"
    ML_MODEL = "ml_model", "ML model"
    DATA_API = "data_api", "Data API"
    PLATFORM_CAPABILITY = "platform_capability", "Platform capability"
    MVP = "mvp", "MVP"


class RoadmapItemHorizon(models.TextChoices):
    NOW = "now", "Now"
    NEXT = "next", "Next"
    LATER = "later", "Later"


class RoadmapItemStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SHIPPED = "shipped", "Shipped"
    DROPPED = "dropped", "Dropped"


class RoadmapItemEffort(models.TextChoices):
    XS = "XS", "XS"
    S = "S", "S"
    M = "M", "M"
    L = "L", "L"
    XL = "XL", "XL"
    XXL = "XXL", "XXL"


class RoadmapItem(TimeStampedModel):
    SolutionType = RoadmapItemSolutionType
    Horizon = RoadmapItemHorizon
    Status = RoadmapItemStatus
    Effort = RoadmapItemEffort

    OPEN_STATUSES = (Status.PROPOSED, Status.PLANNED, Status.IN_PROGRESS)
    # What a lead may change on any product's item (DESIGN.md §7: prioritization and the inputs
    # of the score); the product's team edits everything.
    PRIORITIZATION_FIELDS = (
        "horizon",
        "status",
        "position",
        "impact",
        "reach",
        "effort",
        "time_criticality",
        "risk_reduction",
        "build_cost",
        "run_cost_yearly",
        "confidence_override",
        "confidence_reason",
    )

    product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="roadmap_items")
    title = models.CharField(max_length=200)
    problem = models.TextField(blank=True)
    proposed_solution = models.TextField(blank=True)
    solution_type = models.CharField(max_length=20, choices=SolutionType.choices)
    decision_note = models.TextField(
        blank=True, help_text="Why this solution and not another (a manual fix? an MVP?)."
    )
    horizon = models.CharField(max_length=6, choices=Horizon.choices, default=Horizon.LATER)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    # Kept apart from updated_at, which every score recompute bumps: "in progress and unchanged
    # for 30 days" (DESIGN.md §6) is about the status, not the score.
    status_changed_at = models.DateTimeField(null=True, blank=True)
    impact = models.PositiveSmallIntegerField(help_text="1 (minor) to 5 (transformative).")
    reach = models.PositiveIntegerField(null=True, blank=True, help_text="Users per quarter.")
    effort = models.CharField(max_length=3, choices=Effort.choices)
    time_criticality = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1–5, for WSJF."
    )
    risk_reduction = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1–5, for WSJF."
    )
    build_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    run_cost_yearly = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    confidence_override = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    confidence_reason = models.TextField(blank=True)
    hypotheses = models.ManyToManyField(Hypothesis, blank=True, related_name="roadmap_items")
    why_chain = models.ForeignKey(
        WhyChain, null=True, blank=True, on_delete=models.SET_NULL, related_name="roadmap_items"
    )
    position = models.PositiveIntegerField(default=0)

    # Computed by the scoring service.
    score = models.FloatField(null=True, blank=True, editable=False)
    score_breakdown = models.JSONField(default=dict, blank=True, editable=False)
    scored_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["horizon", "-score", "position", "pk"]
        constraints = [
            choices_constraint(
                "solution_type", RoadmapItemSolutionType, "roadmaps_roadmapitem_solution_type_valid"
            ),
            choices_constraint("horizon", RoadmapItemHorizon, "roadmaps_roadmapitem_horizon_valid"),
            choices_constraint("status", RoadmapItemStatus, "roadmaps_roadmapitem_status_valid"),
            choices_constraint("effort", RoadmapItemEffort, "roadmaps_roadmapitem_effort_valid"),
            range_constraint("impact", 1, 5, "roadmaps_roadmapitem_impact_range"),
            range_constraint(
                "time_criticality",
                1,
                5,
                "roadmaps_roadmapitem_time_criticality_range",
                nullable=True,
            ),
            range_constraint(
                "risk_reduction", 1, 5, "roadmaps_roadmapitem_risk_reduction_range", nullable=True
            ),
            range_constraint(
                "build_cost", 0, None, "roadmaps_roadmapitem_build_cost_range", nullable=True
            ),
            range_constraint(
                "run_cost_yearly", 0, None, "roadmaps_roadmapitem_run_cost_range", nullable=True
            ),
            range_constraint(
                "confidence_override", 0, 1, "roadmaps_roadmapitem_confidence_range", nullable=True
            ),
        ]
        indexes = [
            # The board reads open items per horizon ranked by score.
            models.Index(fields=["horizon", "-score"], name="roadmaps_item_board_idx"),
            models.Index(fields=["product", "status"], name="roadmaps_item_product_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ScoreChange(TimeStampedModel):
    """An item's score after a change, with the inputs that produced it, so 'why did this drop?'
    has an answer."""

    # History: deleting the item does not take it along by accident (issue 12).
    item = models.ForeignKey(RoadmapItem, on_delete=models.PROTECT, related_name="score_changes")
    score = models.FloatField()
    previous_score = models.FloatField(null=True, blank=True)
    inputs = models.JSONField(default=dict)
    changed_inputs = models.JSONField(default=list, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["item", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.item}: {self.previous_score} → {self.score}"
