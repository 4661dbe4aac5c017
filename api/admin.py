from django.contrib import admin

from api.models import ApiToken, IngestionKey
from products.admin import RecordedHistoryAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(RecordedHistoryAdmin):
    """Tokens are created (their secret shown once) and revoked on the tokens pages, where the
    rules about who may are enforced; the admin shows who holds what, and when it was used."""

    list_display = ["name", "display", "product", "created_by", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["product", "created_by"]
    search_fields = ["name", "prefix", "product__name"]
    readonly_fields = ["name", "prefix", "product", "created_by", "last_used_at", "revoked_at"]
    exclude = ["token_hash"]


@admin.register(IngestionKey)
class IngestionKeyAdmin(RecordedHistoryAdmin):
    """The answers kept for idempotent retries: evidence of what a pipeline sent."""

    list_display = ["key", "token", "endpoint", "response_status", "created_at"]
    list_select_related = ["token"]
    search_fields = ["key", "endpoint"]
