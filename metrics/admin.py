from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from dpm.lib.forms import URL_FIELDS_ASSUME_HTTPS
from metrics.models import (
    KPI,
    DefinitionOfDone,
    DoneCriterion,
    Experiment,
    Measurement,
    ServiceLevel,
    ServiceLevelCheck,
)

TIMESTAMPS = ("created_at", "updated_at")
PRODUCT_FILTER = ("product", admin.RelatedOnlyFieldListFilter)
# A KPI measured daily, or a service level checked hourly, would otherwise render thousands of
# forms on its change page; older rows stay on the Measurement and check changelists.
RECENT_ROWS = 20


class RecentRowsFormSet(BaseInlineFormSet):
    """Shows only the newest RECENT_ROWS rows, in the inline's ordering."""

    def get_queryset(self):
        # Cached so the formset's many calls share one query (and one slice).
        if not hasattr(self, "_recent"):
            self._recent = super().get_queryset()[:RECENT_ROWS]
        return self._recent


class DoneCriterionInline(admin.TabularInline):
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    model = DoneCriterion
    fields = ["group", "position", "text", "required", "met", "evidence_url", "checked_by"]
    autocomplete_fields = ["checked_by"]
    extra = 0


@admin.register(DefinitionOfDone)
class DefinitionOfDoneAdmin(admin.ModelAdmin):
    list_display = ["product", "signed_off_by", "signed_off_at"]
    list_filter = [("signed_off_at", admin.EmptyFieldListFilter)]
    list_select_related = ["product", "signed_off_by"]
    search_fields = ["product__name"]
    autocomplete_fields = ["product", "signed_off_by"]
    readonly_fields = TIMESTAMPS
    inlines = [DoneCriterionInline]


@admin.register(DoneCriterion)
class DoneCriterionAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = ["__str__", "definition__product", "group", "required", "met", "checked_at"]
    list_filter = ["group", "required", "met"]
    list_select_related = ["definition__product"]
    search_fields = ["text", "definition__product__name"]
    autocomplete_fields = ["definition", "checked_by"]
    readonly_fields = TIMESTAMPS


class MeasurementInline(admin.TabularInline):
    model = Measurement
    formset = RecentRowsFormSet
    verbose_name_plural = f"measurements (the latest {RECENT_ROWS})"
    fields = ["observed_at", "value", "source", "note"]
    ordering = ["-observed_at", "-pk"]
    extra = 0


@admin.register(KPI)
class KPIAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "product",
        "category",
        "direction",
        "unit",
        "baseline",
        "target",
        "target_date",
        "cadence_days",
    ]
    list_filter = ["category", "direction", PRODUCT_FILTER]
    list_select_related = ["product"]
    search_fields = ["name", "product__name", "data_source"]
    autocomplete_fields = ["product"]
    readonly_fields = TIMESTAMPS
    fieldsets = [
        (None, {"fields": ["product", "name", "category", "unit", "direction"]}),
        ("Baseline and target", {"fields": ["baseline", "baseline_date", "target", "target_date"]}),
        ("Measuring", {"fields": ["cadence_days", "calculation", "data_source"]}),
        ("Record", {"fields": list(TIMESTAMPS)}),
    ]
    inlines = [MeasurementInline]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["kpi", "kpi__product", "value", "observed_at", "source"]
    list_filter = ["source"]
    list_select_related = ["kpi__product"]
    search_fields = ["kpi__name", "kpi__product__name", "note"]
    date_hierarchy = "observed_at"
    autocomplete_fields = ["kpi"]
    readonly_fields = TIMESTAMPS


class ServiceLevelCheckInline(admin.TabularInline):
    model = ServiceLevelCheck
    formset = RecentRowsFormSet
    verbose_name_plural = f"checks (the latest {RECENT_ROWS})"
    fields = ["checked_at", "observed", "met"]
    ordering = ["-checked_at", "-pk"]
    extra = 0


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = ["product", "indicator", "objective", "unit", "description"]
    list_filter = ["indicator", PRODUCT_FILTER]
    list_select_related = ["product"]
    search_fields = ["product__name", "description"]
    autocomplete_fields = ["product"]
    readonly_fields = TIMESTAMPS
    inlines = [ServiceLevelCheckInline]


@admin.register(ServiceLevelCheck)
class ServiceLevelCheckAdmin(admin.ModelAdmin):
    list_display = ["service_level", "service_level__product", "observed", "met", "checked_at"]
    list_filter = ["met", "service_level__indicator"]
    list_select_related = ["service_level__product"]
    search_fields = ["service_level__product__name"]
    date_hierarchy = "checked_at"
    autocomplete_fields = ["service_level"]
    readonly_fields = TIMESTAMPS


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ["name", "product", "kind", "status", "starts_on", "ends_on", "decision"]
    list_filter = ["kind", "status", "decision", "metric_kind", PRODUCT_FILTER]
    list_select_related = ["product"]
    search_fields = ["name", "metric_name", "product__name"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["product", "hypothesis", "decided_by"]
    readonly_fields = ("readout", *TIMESTAMPS)
    fieldsets = [
        (None, {"fields": ["product", "hypothesis", "name", "kind", "status"]}),
        ("Dates", {"fields": ["starts_on", "ends_on"]}),
        ("Metric", {"fields": ["metric_name", "metric_kind", "planned_variant_share"]}),
        (
            "Control",
            {"fields": ["control_n", "control_conversions", "control_mean", "control_sd"]},
        ),
        (
            "Variant",
            {"fields": ["variant_n", "variant_conversions", "variant_mean", "variant_sd"]},
        ),
        ("Readout (computed)", {"fields": ["readout", "guardrails_note"]}),
        ("Decision", {"fields": ["decision", "decision_note", "decided_by", "decided_at"]}),
        ("Record", {"fields": list(TIMESTAMPS)}),
    ]
