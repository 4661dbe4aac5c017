"""The JSON API, version 1, at /api/v1/ (README "JSON API"; OpenAPI at /api/v1/openapi.json).

Every operation needs `Authorization: Bearer dpm_<prefix>_<secret>`. A product token reads and
writes its product only; a portfolio-wide token every product. A product outside the token's
scope is answered 404, as if it did not exist — the same answer the web pages give outsiders.
"""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Case, F, IntegerField, Value, When
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import re_path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from ninja import Header, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from pydantic import Field

from api import ratelimit, services, tokens
from api.models import ApiToken
from api.schemas import (
    ErrorOut,
    IngestOut,
    KPIPage,
    MeasurementBatch,
    ProductDetailOut,
    ProductPage,
    RoadmapPage,
    ServiceLevelCheckBatch,
    UsageBatch,
    ValidationErrorOut,
)
from api.serializers import kpi_out, product_detail_out, product_out, roadmap_item_out
from metrics.selectors import kpis_with_state
from products.models import DataProduct
from roadmaps.models import RoadmapItem

DESCRIPTION = """\
Push KPI measurements, service-level checks and weekly usage from pipelines, and read products,
their health, KPIs and roadmap.

**Authentication.** Create a token on a product's *API tokens* page (or, as a lead, a
portfolio-wide one at `/api/tokens/`) and send it as `Authorization: Bearer dpm_…`.

**Writes** take one item object or `{"items": [...]}`. Every item is checked first: when any is
invalid the answer is 422 with every problem by item index, and nothing is written. Send an
`Idempotency-Key` header so a retried request replays the first answer instead of writing twice.

**Rate limit.** Each token may make a limited number of requests a minute (DPM_API_RATE);
beyond it the answer is 429 with `Retry-After`.
"""

MAX_OFFSET = 1_000_000_000
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"


class TokenAuth(HttpBearer):
    """Bearer tokens from api.models.ApiToken; counts each request against the token's rate
    (and, for a missing or wrong token, the client address's)."""

    def __call__(self, request: HttpRequest):
        scheme, _, plaintext = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not plaintext.strip():
            self._count_failure(request)
            raise TokenRejected(
                "Send an API token: Authorization: Bearer dpm_… (create one on the product's "
                "API tokens page).",
                missing=True,
            )
        return self.authenticate(request, plaintext.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        prefix = tokens.parse_prefix(token)
        found = (
            ApiToken.objects.select_related("product").filter(prefix=prefix).first()
            if prefix
            else None
        )
        if found is None or not tokens.matches(token, found.token_hash):
            self._count_failure(request)
            raise TokenRejected("This API token is not valid.")
        if found.revoked_at is not None:
            self._count_failure(request)
            raise TokenRejected(f"This API token was revoked on {found.revoked_at:%Y-%m-%d}.")
        used = ratelimit.usage(
            request,
            group=ratelimit.API_GROUP,
            key=f"token:{found.pk}",
            rate=settings.DPM_API_RATE,
            increment=True,
        )
        if used is not None and used.exceeded:
            raise RateLimited(used.retry_after, settings.DPM_API_RATE)
        services.api_token_touch(found)
        return found

    @staticmethod
    def _count_failure(request: HttpRequest) -> None:
        """Requests without a valid token are limited per address, like a token's."""
        used = ratelimit.usage(
            request,
            group=ratelimit.API_AUTH_FAILURE_GROUP,
            key=f"ip:{ratelimit.client_ip(request)}",
            rate=settings.DPM_API_RATE,
            increment=True,
        )
        if used is not None and used.exceeded:
            raise RateLimited(used.retry_after, settings.DPM_API_RATE)


class TokenRejected(AuthenticationError):
    def __init__(self, message: str, *, missing: bool = False):
        super().__init__(401, message)
        self.missing = missing


class RateLimited(HttpError):
    def __init__(self, retry_after: int, rate: str):
        super().__init__(
            429,
            f"Too many requests: the limit is {ratelimit.describe_rate(rate)}. "
            f"Try again in {retry_after} s.",
        )
        self.retry_after = retry_after


class Utf8JSONRenderer(JSONRenderer):
    """Curly quotes and other non-ASCII text in messages as themselves, not as ASCII escapes
    (the answer says charset=utf-8)."""

    json_dumps_params = {"ensure_ascii": False}


class DpmNinjaAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """As generated, except that a write's body is one item *or* a batch: the "anyOf" that
        openapi_extra adds replaces the generated reference instead of sitting beside it."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                body = operation.get("requestBody", {}).get("content", {})
                body_schema = body.get("application/json", {}).get("schema", {})
                if "anyOf" in body_schema:
                    body_schema.pop("$ref", None)
        return schema


api = DpmNinjaAPI(
    title="dpm API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api_v1",
    auth=TokenAuth(),
    docs=Swagger(settings={"persistAuthorization": False}),
    renderer=Utf8JSONRenderer(),
)


# --- Errors: one JSON shape, {"detail": ...} (+ "errors" for 422) ---------------------------------


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    response = api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
    if exc.status_code == 401:
        # RFC 6750: say which scheme, and whether the token sent was the problem.
        missing = getattr(exc, "missing", True)
        response["WWW-Authenticate"] = (
            'Bearer realm="dpm"' if missing else 'Bearer realm="dpm", error="invalid_token"'
        )
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(NinjaValidationError)
def invalid_request(request, exc: NinjaValidationError):
    errors = _item_errors(exc.errors)
    return _rejected(request, errors)


@api.exception_handler(services.ItemsRejected)
def items_rejected(request, exc: services.ItemsRejected):
    return _rejected(request, [vars(error) for error in exc.errors])


@api.exception_handler(services.IdempotencyConflict)
def idempotency_conflict(request, exc: services.IdempotencyConflict):
    return api.create_response(request, {"detail": str(exc)}, status=409)


def _rejected(request, errors: list[dict]):
    items = {error["item"] for error in errors if error["item"] is not None}
    detail = (
        f"Nothing was written: {len(items)} of the items {'has' if len(items) == 1 else 'have'} "
        "problems."
        if items
        else "Nothing was written: the request has problems."
    )
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _item_errors(raw: list[dict]) -> list[dict]:
    """pydantic's errors as {item, field, message}: loc ("body", "batch", "items", 3, "value",
    …) → item 3, field "value"; ("query", "limit") → item null, field "limit"."""
    errors, seen = [], set()
    for error in raw:
        loc = list(error.get("loc", ()))
        item, field = None, "body"
        for at, part in enumerate(loc):
            if part == "items" and at + 1 < len(loc) and isinstance(loc[at + 1], int):
                item = loc[at + 1]
                # Deeper parts name the branch of a union (int | str): the field is enough.
                field = str(loc[at + 2]) if at + 2 < len(loc) else "item"
                break
        else:
            if loc and loc[0] in ("query", "path", "header") and len(loc) > 1:
                field = str(loc[-1])
            elif len(loc) > 2:  # ("body", "batch", "items"): a problem of the whole body
                field = ".".join(str(part) for part in loc[2:])
        if (item, field) in seen:
            continue
        seen.add((item, field))
        errors.append({"item": item, "field": field, "message": error.get("msg", "is not valid")})
    return errors


# --- Helpers --------------------------------------------------------------------------------------


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


def _page(request, items, *, count: int, params: PageParams, serialize) -> dict:
    """One page with links to its neighbours (absolute URLs keeping the other query
    parameters)."""

    def link(offset: int) -> str:
        query = request.GET.copy()
        query["offset"] = str(offset)
        query["limit"] = str(params.limit)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    end = params.offset + params.limit
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "next": link(end) if end < count else None,
        "previous": link(max(params.offset - params.limit, 0)) if params.offset > 0 else None,
        "items": [serialize(item) for item in items],
    }


def _product(request, slug: str, queryset=None) -> DataProduct:
    """The product named by `slug` within the token's scope; 404 otherwise."""
    token: ApiToken = request.auth
    products = queryset if queryset is not None else DataProduct.objects.all()
    if token.product_id is not None:
        products = products.filter(pk=token.product_id)
    product = products.filter(slug=slug).first() if _is_slug(slug) else None
    if product is None:
        raise Http404(f"No product “{slug}” within this token's scope.")
    return product


def _is_slug(value: str) -> bool:
    return 0 < len(value) <= 120 and all(c.isascii() and (c.isalnum() or c in "-_") for c in value)


ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut}
WRITE_ERRORS = {**ERRORS, 409: ErrorOut}


def _ingest(request, slug: str, kind: str, batch, idempotency_key: str | None):
    product = _product(request, slug)
    # For usage, a figure left out means "leave the stored one as it was": keep only what the
    # client sent. Elsewhere the defaults (an empty note, checked now) count as given.
    items = [item.model_dump(exclude_unset=kind == "usage") for item in batch.items]
    answer = services.ingest(
        token=request.auth,
        product=product,
        kind=kind,
        items=items,
        key=idempotency_key,
        endpoint=f"{request.method} {request.path}",
        fingerprint=services.body_fingerprint(json.loads(request.body)),
    )
    response = api.create_response(request, answer.body, status=answer.status)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


IdempotencyKey = Header(
    None,
    alias="Idempotency-Key",
    pattern=IDEMPOTENCY_KEY_PATTERN,
    description="Any unique string per logical request (e.g. the pipeline run and batch). A "
    "retry with the same key and body replays the first answer; with another body it is 409.",
)


def _single_or_batch(batch_schema: str, item_schema: str) -> dict:
    """The request body's schema: one item object or a batch of them."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [
                            {"$ref": f"#/components/schemas/{batch_schema}"},
                            {"$ref": f"#/components/schemas/{item_schema}"},
                        ]
                    }
                }
            },
        }
    }


# --- Writes ---------------------------------------------------------------------------------------


@api.post(
    "/products/{slug}/measurements",
    response={200: IngestOut, **WRITE_ERRORS},
    summary="Record KPI measurements",
    tags=["ingestion"],
    openapi_extra=_single_or_batch("MeasurementBatch", "MeasurementItem"),
)
def post_measurements(
    request,
    slug: str,
    batch: MeasurementBatch,
    idempotency_key: str | None = IdempotencyKey,
):
    """Each item: `kpi` (id or exact name), `value`, `observed_at`, optional `note`. Recorded
    with source "api"."""
    return _ingest(request, slug, "measurements", batch, idempotency_key)


@api.post(
    "/products/{slug}/service-level-checks",
    response={200: IngestOut, **WRITE_ERRORS},
    summary="Record service-level checks",
    tags=["ingestion"],
    openapi_extra=_single_or_batch("ServiceLevelCheckBatch", "ServiceLevelCheckItem"),
)
def post_service_level_checks(
    request,
    slug: str,
    batch: ServiceLevelCheckBatch,
    idempotency_key: str | None = IdempotencyKey,
):
    """Each item: `service_level` (id or indicator), `observed`, optional `checked_at`. Whether
    a check met its objective is computed. A check at a time already recorded for the same
    service level is refused."""
    return _ingest(request, slug, "service_level_checks", batch, idempotency_key)


@api.post(
    "/products/{slug}/usage",
    response={200: IngestOut, **WRITE_ERRORS},
    summary="Record weekly usage",
    tags=["ingestion"],
    openapi_extra=_single_or_batch("UsageBatch", "UsageItem"),
)
def post_usage(
    request,
    slug: str,
    batch: UsageBatch,
    idempotency_key: str | None = IdempotencyKey,
):
    """Each item: `week_start` (any day; stored as its Monday), `active_users`, optional
    `sessions`, `median_task_seconds`, `decisions_supported`. **A week already recorded is
    updated**: the figures the item gives replace the stored ones, figures it leaves out stay,
    and `null` clears one."""
    return _ingest(request, slug, "usage", batch, idempotency_key)


# --- Reads ----------------------------------------------------------------------------------------


@api.get("/products", response={200: ProductPage, **ERRORS}, summary="List products", tags=["read"])
def list_products(request, params: Query[PageParams]):
    """The products the token may read (one for a product token), by name."""
    products = DataProduct.objects.select_related("domain", "owner").order_by("name", "pk")
    token: ApiToken = request.auth
    if token.product_id is not None:
        products = products.filter(pk=token.product_id)
    count = products.count()
    page = products[params.offset : params.offset + params.limit]
    return _page(
        request,
        page,
        count=count,
        params=params,
        serialize=lambda product: product_out(request, product),
    )


@api.get(
    "/products/{slug}",
    response={200: ProductDetailOut, **ERRORS},
    summary="A product and its health",
    tags=["read"],
)
def get_product(request, slug: str):
    """The product with its health score, status and each component explained, as of the last
    recompute (`health.computed_at`)."""
    product = _product(
        request, slug, DataProduct.objects.select_related("domain", "owner", "tech_lead")
    )
    return product_detail_out(request, product)


@api.get(
    "/products/{slug}/kpis",
    response={200: KPIPage, **ERRORS},
    summary="A product's KPIs with their latest value and status",
    tags=["read"],
)
def list_kpis(request, slug: str, params: Query[PageParams]):
    product = _product(request, slug)
    kpis = kpis_with_state(product, today=timezone.localdate())
    page = kpis[params.offset : params.offset + params.limit]
    return _page(request, page, count=len(kpis), params=params, serialize=kpi_out)


class RoadmapFilter(PageParams):
    horizon: RoadmapItem.Horizon | None = None
    status: RoadmapItem.Status | None = None


@api.get(
    "/products/{slug}/roadmap",
    response={200: RoadmapPage, **ERRORS},
    summary="A product's roadmap items",
    tags=["read"],
)
def list_roadmap(request, slug: str, params: Query[RoadmapFilter]):
    """Items by horizon (now, next, later), best score first; filter by horizon or status."""
    product = _product(request, slug)
    horizon_order = Case(
        *(
            When(horizon=horizon, then=Value(rank))
            for rank, horizon in enumerate(RoadmapItem.Horizon.values)
        ),
        output_field=IntegerField(),
    )
    items = RoadmapItem.objects.filter(product=product).order_by(
        horizon_order, F("score").desc(nulls_last=True), "position", "pk"
    )
    if params.horizon:
        items = items.filter(horizon=params.horizon)
    if params.status:
        items = items.filter(status=params.status)
    count = items.count()
    page = items[params.offset : params.offset + params.limit]
    return _page(request, page, count=count, params=params, serialize=roadmap_item_out)


# --- URLs -----------------------------------------------------------------------------------------


@login_not_required
@csrf_exempt
def unknown_path(request, rest: str = ""):
    return JsonResponse({"detail": f"No API operation at {request.path}."}, status=404)


def urls():
    """The API's URL patterns, for `path("api/v1/", ...)`. The API authenticates by token, not
    by session: its views (and the OpenAPI description) are exempt from the login that
    LoginRequiredMiddleware demands everywhere else; anything else under /api/v1/ is a JSON 404."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        login_not_required(pattern.callback)
    patterns.append(re_path(r"^(?P<rest>.*)$", unknown_path))
    return patterns, app_name, namespace
