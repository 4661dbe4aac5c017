from django.contrib import admin

from products.models import (
    Alert,
    DataProduct,
    Domain,
    ProductReview,
    ScoreSnapshot,
    StageChange,
    TaskRun,
)

TIMESTAMPS = ("created_at", "updated_at")


class RecordedHistoryAdmin(admin.ModelAdmin):
    """History that dpm writes itself (stage moves, score changes): readable, never forged or
    rewritten by hand, so an audit can trust it."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "owner"]
    list_select_related = ["owner"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["owner"]
    readonly_fields = TIMESTAMPS


class StageChangeInline(admin.TabularInline):
    """The stage history, read-only: moves are recorded by the stage service, never typed in."""

    model = StageChange
    fields = ["created_at", "from_stage", "to_stage", "changed_by", "note", "override_reason"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


@admin.register(DataProduct)
class DataProductAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "stage",
        "domain",
        "owner",
        "priority",
        "health",
        "health_score",
        "health_coverage",
        "opportunity_score",
        "last_reviewed_at",
    ]
    list_filter = ["stage", "kind", "priority", "health_status", "domain"]
    list_select_related = ["domain", "owner"]
    search_fields = ["name", "slug", "purpose", "decision"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["domain", "owner", "tech_lead"]
    filter_horizontal = ["team_members", "stakeholders"]
    readonly_fields = (
        "health_score",
        "health_status",
        "health_coverage",
        "opportunity_score",
        "scores_computed_at",
        *TIMESTAMPS,
    )
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "domain", "stage", "priority"]}),
        ("People", {"fields": ["owner", "tech_lead", "team_members", "stakeholders"]}),
        (
            "Purpose",
            {
                "fields": [
                    "purpose",
                    "decision",
                    "decision_meeting",
                    "target_users",
                    "last_reviewed_at",
                ]
            },
        ),
        (
            "Computed scores",
            {
                "fields": [
                    "health_score",
                    "health_status",
                    "health_coverage",
                    "opportunity_score",
                    "scores_computed_at",
                ]
            },
        ),
        ("Record", {"fields": list(TIMESTAMPS)}),
    ]
    inlines = [StageChangeInline]

    def get_readonly_fields(self, request, obj=None):
        # Moving an existing product goes through the product page, so the gate runs and the
        # move is recorded as a StageChange; the admin would silently skip both.
        if obj is None:
            return self.readonly_fields
        return ("stage", *self.readonly_fields)

    @admin.display(description="Health", ordering="health_status")
    def health(self, product) -> str:
        # The status with what decided it, as on every page (DESIGN.md §5).
        return product.health_headline


@admin.register(StageChange)
class StageChangeAdmin(RecordedHistoryAdmin):
    list_display = ["product", "from_stage", "to_stage", "changed_by", "overridden", "created_at"]
    list_filter = ["to_stage", "from_stage"]
    list_select_related = ["product", "changed_by"]
    search_fields = ["product__name", "note", "override_reason"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["product", "changed_by"]
    readonly_fields = TIMESTAMPS

    @admin.display(boolean=True, description="gate overridden")
    def overridden(self, obj):
        return obj.overridden


class AlertOpenFilter(admin.SimpleListFilter):
    title = "open"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", "Open"), ("no", "Resolved")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.open()
        if self.value() == "no":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = [
        "product",
        "kind",
        "severity",
        "opened_at",
        "acknowledged_at",
        "resolved_at",
    ]
    list_filter = [AlertOpenFilter, "kind", "severity"]
    list_select_related = ["product"]
    search_fields = ["message", "product__name"]
    date_hierarchy = "opened_at"
    autocomplete_fields = ["product", "acknowledged_by"]
    readonly_fields = ("subject", *TIMESTAMPS)
    fieldsets = [
        (None, {"fields": ["product", "kind", "severity", "message"]}),
        ("Subject", {"fields": ["subject_type", "subject_id", "subject"]}),
        (
            "Life cycle",
            {
                "fields": [
                    "opened_at",
                    "acknowledged_by",
                    "acknowledged_at",
                    "acknowledge_note",
                    "owner_notified_at",
                    "resolved_at",
                ]
            },
        ),
        ("Record", {"fields": list(TIMESTAMPS)}),
    ]


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(RecordedHistoryAdmin):
    """Daily history written by the recompute service; the figures are not edited by hand."""

    list_display = [
        "product",
        "day",
        "health_score",
        "health_status",
        "health_coverage",
        "opportunity_score",
    ]
    list_filter = ["health_status"]
    list_select_related = ["product"]
    search_fields = ["product__name"]
    date_hierarchy = "day"
    autocomplete_fields = ["product"]
    readonly_fields = (
        "health_score",
        "health_status",
        "health_coverage",
        "opportunity_score",
        *TIMESTAMPS,
    )


@admin.register(ProductReview)
class ProductReviewAdmin(RecordedHistoryAdmin):
    """Who reviewed which product when, and what they noted: the review clock's record."""

    list_display = ["product", "reviewed_by", "created_at", "note"]
    list_select_related = ["product", "reviewed_by"]
    search_fields = ["product__name", "note"]
    date_hierarchy = "created_at"


@admin.register(TaskRun)
class TaskRunAdmin(RecordedHistoryAdmin):
    """When each periodic task last succeeded (also on /healthz): a stuck worker shows here."""

    list_display = ["name", "last_success_at", "last_duration_ms", "last_result"]
