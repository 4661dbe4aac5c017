from django.conf import settings
from django.db import models

from discovery.models import Insight
from dpm.lib.models import (
    TimeStampedModel,
    choices_constraint,
    date_range_constraint,
    range_constraint,
)
from dpm.lib.validators import OBSERVATION_VALIDATORS
from products.models import DataProduct


class UsageSnapshotSource(models.TextChoices):
    MANUAL = "manual", "Manual"
    IMPORT = "import", "Import"
    API = "api", "API"


class UsageSnapshot(TimeStampedModel):
    """A week of use, as a BI tool's or warehouse's usage logs report it."""

    Source = UsageSnapshotSource

    # PROTECT: a product's recorded use is history; deleting the product does not erase it.
    product = models.ForeignKey(DataProduct, on_delete=models.PROTECT, related_name="usage")
    week_start = models.DateField(
        help_text="The Monday of the week.", validators=OBSERVATION_VALIDATORS
    )
    active_users = models.PositiveIntegerField()
    sessions = models.PositiveIntegerField(null=True, blank=True)
    median_task_seconds = models.PositiveIntegerField(null=True, blank=True)
    decisions_supported = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        ordering = ["product", "-week_start"]
        constraints = [
            choices_constraint(
                "source", UsageSnapshotSource, "adoption_usagesnapshot_source_valid"
            ),
            models.UniqueConstraint(
                fields=["product", "week_start"], name="adoption_usagesnapshot_one_per_week"
            ),
            # A week near year 1 broke the date arithmetic of the health page (issue 12).
            date_range_constraint("week_start", "adoption_usagesnapshot_week_start_range"),
        ]

    def __str__(self) -> str:
        return f"{self.product}, week of {self.week_start}: {self.active_users} active"


class AdoptionBarrierKind(models.TextChoices):
    DISCOVERABILITY = "discoverability", "Discoverability"
    ACCESS = "access", "Access"
    INTERPRETABILITY = "interpretability", "Interpretability"
    TRUST = "trust", "Trust"
    DATA_QUALITY = "data_quality", "Data quality"
    DECISION_FIT = "decision_fit", "Decision fit"
    WORKFLOW_FIT = "workflow_fit", "Workflow fit"
    SKILLS = "skills", "Skills"
    PERFORMANCE = "performance", "Performance"


class AdoptionBarrierStatus(models.TextChoices):
    OPEN = "open", "Open"
    MITIGATING = "mitigating", "Mitigating"
    RESOLVED = "resolved", "Resolved"


class AdoptionBarrier(TimeStampedModel):
    Kind = AdoptionBarrierKind
    Status = AdoptionBarrierStatus

    product = models.ForeignKey(
        DataProduct, on_delete=models.CASCADE, related_name="adoption_barriers"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.TextField()
    severity = models.PositiveSmallIntegerField(default=3, help_text="1 (minor) to 5 (blocking).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    action = models.TextField(blank=True, help_text="What we are doing about it.")
    insights = models.ManyToManyField(Insight, blank=True, related_name="adoption_barriers")

    class Meta:
        ordering = ["status", "-severity", "pk"]
        constraints = [
            choices_constraint("kind", AdoptionBarrierKind, "adoption_adoptionbarrier_kind_valid"),
            choices_constraint(
                "status", AdoptionBarrierStatus, "adoption_adoptionbarrier_status_valid"
            ),
            range_constraint("severity", 1, 5, "adoption_adoptionbarrier_severity_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:60]}"


class EnablementAssetKind(models.TextChoices):
    PRD = "prd", "PRD"
    DOCS = "docs", "Documentation"
    KNOWLEDGE_BASE = "knowledge_base", "Knowledge base"
    TRAINING = "training", "Training"
    CHANNEL = "channel", "Channel"
    OFFICE_HOURS = "office_hours", "Office hours"


class EnablementAsset(TimeStampedModel):
    Kind = EnablementAssetKind

    product = models.ForeignKey(
        DataProduct, on_delete=models.CASCADE, related_name="enablement_assets"
    )
    kind = models.CharField(max_length=14, choices=Kind.choices)
    title = models.CharField(max_length=200)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["product", "kind", "title"]
        constraints = [
            choices_constraint("kind", EnablementAssetKind, "adoption_enablementasset_kind_valid")
        ]

    def __str__(self) -> str:
        return self.title


class Feedback(TimeStampedModel):
    # PROTECT: what users said is history, as their usage is.
    product = models.ForeignKey(DataProduct, on_delete=models.PROTECT, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=120, blank=True)
    rating = models.PositiveSmallIntegerField(help_text="1 (poor) to 5 (excellent).")
    text = models.TextField(blank=True)
    given_at = models.DateTimeField(validators=OBSERVATION_VALIDATORS)

    class Meta:
        ordering = ["product", "-given_at"]
        verbose_name_plural = "feedback"
        constraints = [
            range_constraint("rating", 1, 5, "adoption_feedback_rating_range"),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(author_name=""),
                name="adoption_feedback_has_author",
            ),
            date_range_constraint(
                "given_at", "adoption_feedback_given_at_range", datetime_field=True
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5: {self.text[:60]}"
