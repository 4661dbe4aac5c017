from django.contrib import admin

from adoption.models import AdoptionBarrier, EnablementAsset, Feedback, UsageSnapshot
from dpm.lib.forms import URL_FIELDS_ASSUME_HTTPS

TIMESTAMPS = ("created_at", "updated_at")
PRODUCT_FILTER = ("product", admin.RelatedOnlyFieldListFilter)


@admin.register(UsageSnapshot)
class UsageSnapshotAdmin(admin.ModelAdmin):
    list_display = [
        "product",
        "week_start",
        "active_users",
        "sessions",
        "median_task_seconds",
        "decisions_supported",
        "source",
    ]
    list_filter = ["source", PRODUCT_FILTER]
    list_select_related = ["product"]
    search_fields = ["product__name"]
    date_hierarchy = "week_start"
    autocomplete_fields = ["product"]
    readonly_fields = TIMESTAMPS


@admin.register(AdoptionBarrier)
class AdoptionBarrierAdmin(admin.ModelAdmin):
    list_display = ["__str__", "product", "kind", "severity", "status"]
    list_filter = ["status", "kind", "severity", PRODUCT_FILTER]
    list_select_related = ["product"]
    search_fields = ["description", "action", "product__name"]
    autocomplete_fields = ["product"]
    filter_horizontal = ["insights"]
    readonly_fields = TIMESTAMPS


@admin.register(EnablementAsset)
class EnablementAssetAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = ["title", "product", "kind", "url"]
    list_filter = ["kind", PRODUCT_FILTER]
    list_select_related = ["product"]
    search_fields = ["title", "url", "product__name"]
    autocomplete_fields = ["product"]
    readonly_fields = TIMESTAMPS


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["product", "rating", "user", "author_name", "given_at"]
    list_filter = ["rating", PRODUCT_FILTER]
    list_select_related = ["product", "user"]
    search_fields = ["text", "author_name", "product__name"]
    date_hierarchy = "given_at"
    autocomplete_fields = ["product", "user"]
    readonly_fields = TIMESTAMPS
