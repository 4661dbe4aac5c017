from django.conf import settings
from django.db import models
from django.db.models import Q

from dpm.lib.models import TimeStampedModel, choices_constraint, range_constraint
from products.models import DataProduct


class Persona(TimeStampedModel):
    """A kind of user of a product: who they are, which decisions they make, with which tools."""

    product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="personas")
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=120, blank=True)
    decisions = models.TextField(blank=True, help_text="The decisions this persona makes.")
    tools = models.CharField(max_length=200, blank=True, help_text="The tools they use today.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "name"], name="discovery_persona_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class InterviewChannel(models.TextChoices):
    VIDEO = "video", "Video call"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    CHAT = "chat", "Chat"
    SURVEY = "survey", "Survey"
    SHADOWING = "shadowing", "Shadowing"


class InterviewQuerySet(models.QuerySet):
    def readable_with(self, access) -> "InterviewQuerySet":
        """The product's interviews whose raw notes this access (products.access) may read:
        none for stakeholders, and PII-flagged ones only for the product team."""
        interviews = self.filter(product=access.product)
        if not access.can_read_notes:
            return interviews.none()
        if not access.can_read_pii:
            interviews = interviews.filter(contains_pii=False)
        return interviews


class Interview(TimeStampedModel):
    Channel = InterviewChannel

    product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="interviews")
    persona = models.ForeignKey(
        Persona, null=True, blank=True, on_delete=models.SET_NULL, related_name="interviews"
    )
    interviewee_name = models.CharField(max_length=120)
    interviewee_role = models.CharField(max_length=120, blank=True)
    interviewee_team = models.CharField(max_length=120, blank=True)
    held_on = models.DateField()
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interviews_conducted",
    )
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.VIDEO)
    notes = models.TextField(blank=True, help_text="Markdown; sanitized when shown.")
    summary = models.TextField(blank=True)
    contains_pii = models.BooleanField(
        default=False, help_text="Hidden from everyone outside the product team."
    )
    # Optimistic locking: a save names the version it edited; a stale version is a conflict.
    version = models.PositiveIntegerField(default=1)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            choices_constraint("channel", InterviewChannel, "discovery_interview_channel_valid"),
            range_constraint("version", 1, None, "discovery_interview_version_positive"),
        ]
        indexes = [
            # The discovery workspace lists a product's interviews newest first.
            models.Index(fields=["product", "-held_on"], name="discovery_interview_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.interviewee_name} ({self.held_on})"


class Tag(TimeStampedModel):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InsightKind(models.TextChoices):
    PAIN = "pain", "Pain"
    NEED = "need", "Need"
    QUOTE = "quote", "Quote"
    WORKAROUND = "workaround", "Workaround"
    DECISION = "decision", "Decision"
    IDEA = "idea", "Idea"


class InsightQuerySet(models.QuerySet):
    def readable_with(self, access) -> "InsightQuerySet":
        """The product's insights this access may read: everyone who sees the product reads
        insights (stakeholders included), but those from PII interviews stay with the team."""
        insights = self.filter(interview__product=access.product)
        if not access.can_read_pii:
            insights = insights.filter(interview__contains_pii=False)
        return insights


class Insight(TimeStampedModel):
    Kind = InsightKind

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="insights")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField()
    tags = models.ManyToManyField(Tag, blank=True, related_name="insights")
    severity = models.PositiveSmallIntegerField(default=3, help_text="1 (minor) to 5 (blocking).")

    objects = InsightQuerySet.as_manager()

    class Meta:
        ordering = ["-severity", "-created_at"]
        constraints = [
            choices_constraint("kind", InsightKind, "discovery_insight_kind_valid"),
            range_constraint("severity", 1, 5, "discovery_insight_severity_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class HypothesisType(models.TextChoices):
    DESIRABILITY = "desirability", "Desirability"
    VIABILITY = "viability", "Viability"
    FEASIBILITY = "feasibility", "Feasibility"
    USABILITY = "usability", "Usability"


class HypothesisStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    TESTING = "testing", "Testing"
    VALIDATED = "validated", "Validated"
    INVALIDATED = "invalidated", "Invalidated"
    PARKED = "parked", "Parked"


class Hypothesis(TimeStampedModel):
    """'We believe [persona] [has problem / will do X] because [insight];
    we'll know we're right when [signal].'"""

    Type = HypothesisType
    Status = HypothesisStatus

    product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="hypotheses")
    persona = models.ForeignKey(
        Persona, null=True, blank=True, on_delete=models.SET_NULL, related_name="hypotheses"
    )
    who = models.CharField(max_length=200, help_text="We believe … (the persona or user group)")
    belief = models.TextField(help_text="… has this problem / will do this …")
    because = models.TextField(help_text="… because (the insight behind it) …")
    signal = models.TextField(help_text="… we'll know we're right when (the signal).")
    type = models.CharField(max_length=12, choices=Type.choices, default=Type.DESIRABILITY)
    importance = models.PositiveSmallIntegerField(default=3, help_text="1 (nice) to 5 (critical).")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-importance", "pk"]
        verbose_name_plural = "hypotheses"
        constraints = [
            choices_constraint("type", HypothesisType, "discovery_hypothesis_type_valid"),
            choices_constraint("status", HypothesisStatus, "discovery_hypothesis_status_valid"),
            range_constraint("importance", 1, 5, "discovery_hypothesis_importance_range"),
        ]

    def __str__(self) -> str:
        return self.statement

    @property
    def statement(self) -> str:
        return (
            f"We believe {self.who} {self.belief} because {self.because}; "
            f"we'll know we're right when {self.signal}."
        )


class EvidenceStance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"


class Evidence(TimeStampedModel):
    """Links a hypothesis to an insight or an experiment that supports or contradicts it."""

    Stance = EvidenceStance

    hypothesis = models.ForeignKey(Hypothesis, on_delete=models.CASCADE, related_name="evidence")
    insight = models.ForeignKey(
        Insight, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    experiment = models.ForeignKey(
        "metrics.Experiment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    stance = models.CharField(max_length=12, choices=Stance.choices)
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "evidence"
        constraints = [
            choices_constraint("stance", EvidenceStance, "discovery_evidence_stance_valid"),
            models.CheckConstraint(
                condition=(
                    Q(insight__isnull=False, experiment__isnull=True)
                    | Q(insight__isnull=True, experiment__isnull=False)
                ),
                name="discovery_evidence_one_source",
            ),
            models.UniqueConstraint(
                fields=["hypothesis", "insight"],
                condition=Q(insight__isnull=False),
                name="discovery_evidence_unique_insight",
            ),
            models.UniqueConstraint(
                fields=["hypothesis", "experiment"],
                condition=Q(experiment__isnull=False),
                name="discovery_evidence_unique_experiment",
            ),
        ]

    def __str__(self) -> str:
        source = self.insight or self.experiment
        return f"{self.get_stance_display()}: {source}"


class WhyChain(TimeStampedModel):
    """Five Whys: from a problem, ask why until the root cause shows."""

    product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="why_chains")
    problem = models.TextField()
    root_cause = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.problem[:80]


class Why(TimeStampedModel):
    chain = models.ForeignKey(WhyChain, on_delete=models.CASCADE, related_name="whys")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["chain", "position", "pk"]
        verbose_name_plural = "whys"
        constraints = [range_constraint("position", 1, None, "discovery_why_position_positive")]

    def __str__(self) -> str:
        return f"Why {self.position}: {self.text[:60]}"
