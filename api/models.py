from django.conf import settings
from django.db import models
from django.db.models import F, Q

from dpm.lib.models import TimeStampedModel
from products.models import DataProduct


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)

    def portfolio_wide(self) -> "ApiTokenQuerySet":
        return self.filter(product__isnull=True)


class ApiToken(TimeStampedModel):
    """A credential for the JSON API. `product` set: it reads and writes that product only;
    `product` empty: a service account over the whole portfolio (created by superusers). Only
    a SHA-256 hash of the token is kept: the token itself is shown once."""

    name = models.CharField(max_length=100, help_text="What uses it, e.g. “dbt nightly run”.")
    # The public part of the token (dpm_<prefix>_<secret>): finds the row, shown in the UI.
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    product = models.ForeignKey(
        DataProduct, null=True, blank=True, on_delete=models.CASCADE, related_name="api_tokens"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="api_apitoken_revoked_after_created",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="api_apitoken_has_name"),
        ]
        indexes = [
            # The tokens pages list one product's (or the portfolio-wide) tokens.
            models.Index(fields=["product", "-created_at"], name="api_apitoken_product_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (dpm_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def is_portfolio_wide(self) -> bool:
        return self.product_id is None

    @property
    def display(self) -> str:
        """How the token is shown after creation: its prefix, never its secret."""
        return f"dpm_{self.prefix}_…"


class IngestionKey(TimeStampedModel):
    """An Idempotency-Key a client sent with a write, and the answer it got: the same key with
    the same request replays that answer without writing again; with another request it is a
    conflict. Kept for DPM_API_IDEMPOTENCY_DAYS, then pruned by the token's next keyed write."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="ingestion_keys")
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=300, help_text="Method and path, e.g. POST /api/v1/…")
    body_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical JSON body.")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two retries racing with the same key: the second insert waits for the first
            # transaction, fails here, and replays the first answer instead of writing twice.
            models.UniqueConstraint(fields=["token", "key"], name="api_ingestionkey_unique_key"),
        ]
        indexes = [
            # Pruning: a token's keys older than the retention window.
            models.Index(fields=["token", "created_at"], name="api_ingestionkey_age_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.response_status}"
