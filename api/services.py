"""Writes of the JSON API: tokens (created and revoked in the UI) and ingestion of KPI
measurements, service-level checks and weekly usage.

Ingestion is all or nothing: every item is checked first — with the same rules as the forms and
CSV imports of the metrics and adoption pages, imported from there — and one bad item means
nothing is written and every problem is reported by its item's index. A client-supplied
Idempotency-Key makes a retried request replay the first answer instead of writing twice.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from adoption.models import UsageSnapshot
from adoption.services import WeeksTaken, usage_weeks_upsert, week_start_of
from api import tokens
from api.models import ApiToken, IngestionKey
from dpm.lib.validators import in_future, observation_problem, to_the_second
from metrics.forms import MeasurementRowForm
from metrics.models import KPI, Measurement, ServiceLevel, ServiceLevelCheck
from metrics.services import (
    SL_OBSERVED_PLACES,
    MeasurementsTaken,
    measurements_upsert,
    service_level_meets,
    sl_observed_problem,
)
from products.access import ProductAccess
from products.models import DataProduct
from products.recompute import schedule_recompute

# --- Tokens ---------------------------------------------------------------------------------------


def require_portfolio_tokens(user) -> None:
    """Portfolio-wide tokens write every product's metrics, which no role may do in the browser
    (leads set priorities, DESIGN.md §7): superusers, who administer dpm, manage them."""
    if not user.is_superuser:
        raise PermissionDenied("Only administrators manage portfolio-wide API tokens.")


def require_product_tokens(access: ProductAccess) -> None:
    """A product's tokens write its metrics: the product's team (DESIGN.md §7)."""
    if not access.can_edit:
        raise PermissionDenied("Only the product's team manages its API tokens.")


@transaction.atomic
def api_token_create(
    *, user, name: str, access: ProductAccess | None = None
) -> tuple[ApiToken, str]:
    """A new token for the product of `access`, or portfolio-wide without one. Returns the row
    and the plaintext token, which exists only in this return value: show it once."""
    if access is None:
        require_portfolio_tokens(user)
    else:
        require_product_tokens(access)
    for _attempt in range(3):  # 8 hex digits of prefix: a clash is rare, but not impossible
        new = tokens.generate()
        token = ApiToken(
            name=name.strip(),
            prefix=new.prefix,
            token_hash=new.hashed,
            product=access.product if access else None,
            created_by=user,
        )
        token.full_clean(exclude=["prefix", "token_hash"])
        try:
            with transaction.atomic():
                token.save()
        except IntegrityError:
            continue
        return token, new.plaintext
    raise RuntimeError("Could not find a free token prefix in three tries")


@transaction.atomic
def api_token_revoke(*, user, token_id: int, access: ProductAccess | None = None) -> ApiToken:
    """Revoke a token of the product of `access` (or a portfolio-wide one): it stops working at
    once. Revoking twice changes nothing."""
    if access is None:
        require_portfolio_tokens(user)
        scope = ApiToken.objects.portfolio_wide()
    else:
        require_product_tokens(access)
        scope = ApiToken.objects.filter(product=access.product)
    token = scope.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise ValidationError("That token does not exist here (any more).")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = user
        token.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    return token


LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def api_token_touch(token: ApiToken, *, now: datetime.datetime | None = None) -> None:
    """Record that the token was used. At most once a minute, so a busy pipeline does not turn
    every read into a write."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- Ingestion ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemError:
    item: int | None  # index in the request's items (0-based); None: the request as a whole
    field: str
    message: str


class ItemsRejected(Exception):
    """At least one item is invalid: nothing was written."""

    def __init__(self, errors: list[ItemError]):
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


class IdempotencyConflict(Exception):
    """The key was used before for another request."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict
    replayed: bool = False


def body_fingerprint(payload) -> str:
    """SHA-256 of the JSON body in canonical form (sorted keys, no spaces), so a retry that
    re-serialises the same data in another key order is still the same request."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class _KeyTaken(Exception):
    """Another request stored the same key while this one ran: roll this one back."""


def ingest(
    *,
    token: ApiToken,
    product: DataProduct,
    kind: str,
    items: list[dict],
    key: str | None,
    endpoint: str,
    fingerprint: str,
) -> Answer:
    """Validate and write `items` of `kind` (measurements, service_level_checks, usage) for
    `product`, all or nothing, and queue the product's recompute once.

    With a key: a stored answer for the same endpoint and body is replayed without writing; one
    for another request raises IdempotencyConflict. Only successful answers are stored — a
    rejected request wrote nothing, and its corrected retry may use the same key.
    """
    write = INGESTERS[kind]
    try:
        with transaction.atomic():
            if key is not None:
                cutoff = timezone.now() - datetime.timedelta(days=settings.DPM_API_IDEMPOTENCY_DAYS)
                IngestionKey.objects.filter(token=token, created_at__lt=cutoff).delete()
                stored = IngestionKey.objects.filter(token=token, key=key).first()
                if stored is not None:
                    return _replay(stored, endpoint=endpoint, fingerprint=fingerprint)
            summary = write(product=product, items=items)
            body = {"product": product.slug, "received": len(items), **summary}
            if key is not None:
                try:
                    with transaction.atomic():
                        IngestionKey.objects.create(
                            token=token,
                            key=key,
                            endpoint=endpoint,
                            body_hash=fingerprint,
                            response_status=200,
                            response_body=body,
                        )
                except IntegrityError:
                    raise _KeyTaken from None
            schedule_recompute(product.pk)
            return Answer(200, body)
    except _KeyTaken:
        # PostgreSQL made this insert wait for the racing request's commit; replay its answer.
        stored = IngestionKey.objects.get(token=token, key=key)
        return _replay(stored, endpoint=endpoint, fingerprint=fingerprint)
    except ItemsRejected:
        # A retry racing its original with the same key waits on the original's new rows (one
        # measurement per KPI and time) and fails once it commits: replay the original's answer.
        stored = key is not None and IngestionKey.objects.filter(token=token, key=key).first()
        if stored:
            return _replay(stored, endpoint=endpoint, fingerprint=fingerprint)
        raise


def _replay(stored: IngestionKey, *, endpoint: str, fingerprint: str) -> Answer:
    if stored.endpoint != endpoint or stored.body_hash != fingerprint:
        other = "another endpoint" if stored.endpoint != endpoint else "another body"
        raise IdempotencyConflict(
            f"This Idempotency-Key was used on {stored.created_at:%Y-%m-%d %H:%M} UTC for "
            f"another request ({other}). Nothing was written: send a new key with a new request."
        )
    return Answer(stored.response_status, stored.response_body, replayed=True)


def _aware_utc(value: datetime.datetime, errors: list, index: int, field: str):
    """`value` in the site's zone when naive, checked to be representable in UTC, to the whole
    second (an observed time is told apart to the second, dpm/lib/validators.py)."""
    if timezone.is_naive(value):
        try:
            value = timezone.make_aware(value)
        except (ValueError, OverflowError):
            errors.append(
                ItemError(index, field, "This time does not exist in the site's time zone.")
            )
            return None
    try:
        value.astimezone(datetime.UTC)
    except OverflowError:
        errors.append(ItemError(index, field, "This time is out of range."))
        return None
    return to_the_second(value)


def _shown(reference) -> str:
    """An id or a name as the client wrote it (an indicator enum as its plain value)."""
    return repr(reference) if isinstance(reference, int) else f"“{reference}”"


def _resolve(reference, by_id: dict, by_name: dict):
    if isinstance(reference, int):
        return by_id.get(reference)
    return by_name.get(reference)


def measurements_ingest(*, product: DataProduct, items: list[dict]) -> dict:
    """Measurements of the product's KPIs (each item: kpi as id or exact name, value,
    observed_at, note), checked like a row of the measurements CSV import; source "api". A
    measurement is its KPI and time: one already recorded is updated, as the CSV import does,
    so a batch retried without an Idempotency-Key does not count twice."""
    kpis = list(KPI.objects.filter(product=product).only("pk", "name").order_by())
    by_id = {kpi.pk: kpi for kpi in kpis}
    by_name = {kpi.name: kpi for kpi in kpis}
    errors, rows = [], {}
    for index, item in enumerate(items):
        kpi = _resolve(item["kpi"], by_id, by_name)
        if kpi is None:
            errors.append(
                ItemError(
                    index,
                    "kpi",
                    f"{product.name} has no KPI {_shown(item['kpi'])}: give a KPI's id or "
                    f"exact name (GET /api/v1/products/{product.slug}/kpis lists them).",
                )
            )
        form = MeasurementRowForm(
            {"observed_at": item["observed_at"], "value": item["value"], "note": item["note"]}
        )
        if not form.is_valid():
            errors += [
                ItemError(index, field, str(message))
                for field, messages in form.errors.items()
                for message in messages
            ]
            continue
        observed_at = _aware_utc(form.cleaned_data["observed_at"], errors, index, "observed_at")
        if kpi is None or observed_at is None:
            continue
        if (kpi.pk, observed_at) in rows:
            first = rows[kpi.pk, observed_at]["index"]
            errors.append(
                ItemError(index, "observed_at", f"Repeats item {first}: the same KPI and time.")
            )
            continue
        rows[kpi.pk, observed_at] = {
            "index": index,
            "value": form.cleaned_data["value"],
            "note": form.cleaned_data["note"],
        }
    if errors:
        raise ItemsRejected(errors)
    figures = {key: {"value": row["value"], "note": row["note"]} for key, row in rows.items()}
    try:
        result = measurements_upsert(rows=figures, source=Measurement.Source.API)
    except MeasurementsTaken as exc:
        raise ItemsRejected([ItemError(None, "items", f"{exc} Send again.")]) from exc
    return {"created": result.added, "updated": result.updated}


def service_level_checks_ingest(*, product: DataProduct, items: list[dict]) -> dict:
    """Checks of the product's service levels (each item: service_level as id or indicator,
    observed, checked_at — now when left out). `met` is computed from the objective, never
    taken from the caller; a check at a time already recorded is refused, as in the CSV
    import, so a retry without a key still cannot count a check twice."""
    levels = list(ServiceLevel.objects.filter(product=product).order_by())
    by_id = {level.pk: level for level in levels}
    by_indicator = {level.indicator: level for level in levels}
    now = to_the_second(timezone.now())
    errors, checks, seen = [], [], {}
    for index, item in enumerate(items):
        level = _resolve(item["service_level"], by_id, by_indicator)
        if level is None:
            known = ", ".join(sorted(by_indicator)) or "none yet"
            errors.append(
                ItemError(
                    index,
                    "service_level",
                    f"{product.name} has no service level {_shown(item['service_level'])} "
                    f"(its indicators: {known}).",
                )
            )
        observed: Decimal = item["observed"]
        if level is not None:
            problem = sl_observed_problem(level, observed)
            if problem:
                errors.append(ItemError(index, "observed", f"The observed value {problem}."))
                level = None
        checked_at = item.get("checked_at") or now
        checked_at = _aware_utc(checked_at, errors, index, "checked_at")
        problem = checked_at and observation_problem(checked_at, now=now)
        if problem:
            errors.append(ItemError(index, "checked_at", problem))
            continue
        if level is None or checked_at is None:
            continue
        if (level.pk, checked_at) in seen:
            errors.append(
                ItemError(
                    index,
                    "checked_at",
                    f"Repeats item {seen[level.pk, checked_at]}: the same service level and time.",
                )
            )
            continue
        seen[level.pk, checked_at] = index
        observed = observed.quantize(SL_OBSERVED_PLACES, rounding=ROUND_HALF_UP)
        checks.append(
            ServiceLevelCheck(
                service_level=level,
                observed=observed,
                met=service_level_meets(level, observed),
                checked_at=checked_at,
            )
        )
    if checks and not errors:
        recorded = ServiceLevelCheck.objects.filter(
            service_level__product=product, checked_at__in={at for _pk, at in seen}
        ).values_list("service_level_id", "checked_at")
        errors = [
            ItemError(
                seen[level_pk, at],
                "checked_at",
                f"A check of this service level at {at.isoformat()} is already recorded.",
            )
            for level_pk, at in recorded
            if (level_pk, at) in seen
        ]
        errors.sort(key=lambda error: error.item)
    if errors:
        raise ItemsRejected(errors)
    ServiceLevelCheck.objects.bulk_create(checks, batch_size=500)
    return {"created": len(checks), "updated": 0}


USAGE_FIGURES = ("active_users", "sessions", "median_task_seconds", "decisions_supported")


def usage_ingest(*, product: DataProduct, items: list[dict]) -> dict:
    """Weekly usage (each item: week_start — any day of the week, stored as its Monday —
    active_users, and optionally sessions, median_task_seconds, decisions_supported). A week
    already recorded is updated with the figures the item gives (figures it leaves out stay as
    they were), as the CSV import does; the week's source becomes "api"."""
    errors, weeks = [], {}
    for index, item in enumerate(items):
        day = item["week_start"]
        week = week_start_of(day)
        if in_future(week):
            errors.append(
                ItemError(index, "week_start", f"{day} is in a week that has not started yet.")
            )
        elif week in weeks:
            errors.append(
                ItemError(
                    index,
                    "week_start",
                    f"{day} falls in the week of {week}, as item {weeks[week][0]} does.",
                )
            )
        else:
            figures = {name: item[name] for name in USAGE_FIGURES if name in item}
            weeks[week] = (index, figures)
    if errors:
        raise ItemsRejected(errors)
    try:
        added, updated = usage_weeks_upsert(
            product=product,
            figures_by_week={week: figures for week, (_index, figures) in weeks.items()},
            source=UsageSnapshot.Source.API,
        )
    except WeeksTaken as exc:
        raise ItemsRejected([ItemError(None, "items", f"{exc} Send again.")]) from exc
    return {"created": added, "updated": updated}


INGESTERS = {
    "measurements": measurements_ingest,
    "service_level_checks": service_level_checks_ingest,
    "usage": usage_ingest,
}
