from django.contrib import admin

from products.admin import RecordedHistoryAdmin
from products.recompute import schedule_recompute
from roadmaps.models import RoadmapItem, ScoreChange, ScoringModel

TIMESTAMPS = ("created_at", "updated_at")


@admin.register(ScoringModel)
class ScoringModelAdmin(admin.ModelAdmin):
    list_display = ["name", "framework", "is_active", "cost_top_points", "updated_at"]
    list_filter = ["framework", "is_active"]
    search_fields = ["name"]
    readonly_fields = (*TIMESTAMPS, "version", "rescored_version", "rescored_at", "saved_by")

    def save_model(self, request, obj, form, change):
        """An edit here is a new version that a worker applies to every score, as a save on the
        settings page is (roadmaps.services.scoring_model_save): a recompute still applying the
        version it read then writes nothing."""
        obj.version += 1
        obj.saved_by = request.user
        super().save_model(request, obj, form, change)
        schedule_recompute(None)


@admin.register(RoadmapItem)
class RoadmapItemAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "product",
        "horizon",
        "status",
        "solution_type",
        "impact",
        "effort",
        "score",
        "scored_at",
    ]
    list_filter = [
        "horizon",
        "status",
        "solution_type",
        "effort",
        "impact",
        ("product", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["product"]
    search_fields = ["title", "problem", "proposed_solution", "product__name"]
    autocomplete_fields = ["product", "why_chain"]
    filter_horizontal = ["hypotheses"]
    readonly_fields = ("score", "score_breakdown", "scored_at", *TIMESTAMPS)
    fieldsets = [
        (None, {"fields": ["product", "title", "horizon", "status", "position"]}),
        (
            "Problem and solution",
            {
                "fields": [
                    "problem",
                    "proposed_solution",
                    "solution_type",
                    "decision_note",
                    "hypotheses",
                    "why_chain",
                ]
            },
        ),
        (
            "Scoring inputs",
            {
                "fields": [
                    "impact",
                    "reach",
                    "effort",
                    "time_criticality",
                    "risk_reduction",
                    "build_cost",
                    "run_cost_yearly",
                    "confidence_override",
                    "confidence_reason",
                ]
            },
        ),
        ("Computed score", {"fields": ["score", "score_breakdown", "scored_at"]}),
        ("Record", {"fields": list(TIMESTAMPS)}),
    ]


@admin.register(ScoreChange)
class ScoreChangeAdmin(RecordedHistoryAdmin):
    """The score history written by the scoring service; the figures are not edited by hand."""

    list_display = ["item", "previous_score", "score", "changed_by", "created_at"]
    list_select_related = ["item", "changed_by"]
    search_fields = ["item__title", "item__product__name"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["item", "changed_by"]
    readonly_fields = ("score", "previous_score", "inputs", "changed_inputs", *TIMESTAMPS)
