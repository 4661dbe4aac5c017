from django.contrib import admin
from django.utils.text import Truncator

from discovery.models import Evidence, Hypothesis, Insight, Interview, Persona, Tag, Why, WhyChain

TIMESTAMPS = ("created_at", "updated_at")
PRODUCT_FILTER = ("product", admin.RelatedOnlyFieldListFilter)


@admin.register(Persona)
class PersonaAdmin(admin.ModelAdmin):
    list_display = ["name", "product", "role", "tools"]
    list_filter = [PRODUCT_FILTER]
    list_select_related = ["product"]
    search_fields = ["name", "role", "decisions", "product__name"]
    autocomplete_fields = ["product"]
    readonly_fields = TIMESTAMPS


class InsightInline(admin.TabularInline):
    model = Insight
    fields = ["kind", "text", "severity", "tags"]
    autocomplete_fields = ["tags"]
    extra = 0


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = [
        "interviewee_name",
        "product",
        "persona",
        "held_on",
        "channel",
        "conducted_by",
        "contains_pii",
    ]
    list_filter = ["channel", "contains_pii", PRODUCT_FILTER]
    list_select_related = ["product", "persona", "conducted_by"]
    search_fields = [
        "interviewee_name",
        "interviewee_role",
        "interviewee_team",
        "summary",
        "product__name",
    ]
    date_hierarchy = "held_on"
    autocomplete_fields = ["product", "persona", "conducted_by"]
    # The version is the optimistic lock of the interview editor; the admin leaves it alone.
    readonly_fields = ("version", *TIMESTAMPS)
    inlines = [InsightInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    readonly_fields = TIMESTAMPS


@admin.register(Insight)
class InsightAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "severity", "interview", "interview__product"]
    list_filter = ["kind", "severity", "tags"]
    list_select_related = ["interview__product"]
    search_fields = ["text", "interview__interviewee_name", "interview__product__name"]
    autocomplete_fields = ["interview"]
    filter_horizontal = ["tags"]
    readonly_fields = TIMESTAMPS


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ["stance", "insight", "experiment", "note", "added_by"]
    autocomplete_fields = ["insight", "experiment", "added_by"]
    extra = 0


@admin.register(Hypothesis)
class HypothesisAdmin(admin.ModelAdmin):
    list_display = [
        "short_statement",
        "product",
        "type",
        "status",
        "importance",
        "status_changed_at",
    ]
    list_filter = ["status", "type", "importance", PRODUCT_FILTER]
    list_select_related = ["product"]
    search_fields = ["who", "belief", "because", "signal", "product__name"]
    autocomplete_fields = ["product", "persona", "status_changed_by"]
    readonly_fields = TIMESTAMPS
    fieldsets = [
        (None, {"fields": ["product", "persona", "type", "importance"]}),
        ("Statement", {"fields": ["who", "belief", "because", "signal"]}),
        ("Status", {"fields": ["status", "status_changed_at", "status_changed_by"]}),
        ("Record", {"fields": list(TIMESTAMPS)}),
    ]
    inlines = [EvidenceInline]

    @admin.display(description="statement")
    def short_statement(self, obj):
        return Truncator(obj.statement).chars(100)


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["hypothesis", "stance", "insight", "experiment", "added_by", "created_at"]
    list_filter = ["stance"]
    list_select_related = ["hypothesis", "insight", "experiment", "added_by"]
    search_fields = ["note", "hypothesis__who", "insight__text", "experiment__name"]
    autocomplete_fields = ["hypothesis", "insight", "experiment", "added_by"]
    readonly_fields = TIMESTAMPS


class WhyInline(admin.TabularInline):
    model = Why
    fields = ["position", "text"]
    ordering = ["position", "pk"]
    extra = 0


@admin.register(WhyChain)
class WhyChainAdmin(admin.ModelAdmin):
    list_display = ["__str__", "product", "root_cause", "created_at"]
    list_filter = [PRODUCT_FILTER]
    list_select_related = ["product"]
    search_fields = ["problem", "root_cause", "product__name"]
    autocomplete_fields = ["product"]
    readonly_fields = TIMESTAMPS
    inlines = [WhyInline]


@admin.register(Why)
class WhyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "chain", "position"]
    list_select_related = ["chain"]
    search_fields = ["text", "chain__problem"]
    autocomplete_fields = ["chain"]
    readonly_fields = TIMESTAMPS
