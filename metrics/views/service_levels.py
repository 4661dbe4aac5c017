"""The service levels section: objectives in words, attainment over the last 30 days, checks
recorded one at a time or imported from CSV."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dpm.http import AuthedRequest
from metrics.forms import ServiceLevelCheckForm, ServiceLevelCheckImportForm, ServiceLevelForm
from metrics.models import ServiceLevel, ServiceLevelCheck
from metrics.selectors import SL_WINDOW_DAYS as WINDOW_DAYS
from metrics.selectors import service_level_window_start
from metrics.services import (
    service_level_check_add,
    service_level_checks_import,
    service_level_create,
)
from metrics.views import dod, kpis
from products.access import ProductAccess, get_product_for_user

STRIP_CELL = 10  # SVG units per day of the strip


def _get_service_level_for_user(request, slug: str, pk: int, *, edit: bool = False):
    """The service level with the user's rights on its product: 404 when the product is not
    theirs to see or the level is another product's, 403 when `edit` and they may only read."""
    access = get_product_for_user(request, slug, edit=edit)
    return access, get_object_or_404(ServiceLevel, pk=pk, product=access.product)


def _number(value: Decimal) -> str:
    """6.000 → "6", 99.500 → "99.5"."""
    return f"{value.normalize():f}"


def objective_in_words(level: ServiceLevel) -> str:
    objective = _number(level.objective)
    if level.lower_is_better:
        return f"Freshness: data at most {objective} {level.unit} old"
    return f"{level.get_indicator_display()} at least {objective} {level.unit}"


def service_levels_context(
    access: ProductAccess, *, check_forms: dict | None = None, import_forms: dict | None = None
) -> dict:
    """The product's service levels with their attainment, latest check and daily strip.

    Two queries whatever the number of levels and checks: (1) the levels with their 30-day
    counts and latest check as annotations; (2) the window's checks of all levels, counted per
    level and day. `check_forms` / `import_forms` (by level pk) carry a submitted form's errors.
    """
    since = service_level_window_start()
    latest = ServiceLevelCheck.objects.filter(service_level=OuterRef("pk")).order_by(
        "-checked_at", "-pk"
    )
    in_window = Q(checks__checked_at__gte=since)
    levels = list(
        ServiceLevel.objects.filter(product=access.product)
        .annotate(
            window_checks=Count("checks", filter=in_window),
            window_met=Count("checks", filter=in_window & Q(checks__met=True)),
            latest_observed=Subquery(latest.values("observed")[:1]),
            latest_met=Subquery(latest.values("met")[:1]),
            latest_at=Subquery(latest.values("checked_at")[:1]),
        )
        .order_by("indicator")
    )
    days: dict[tuple[int, datetime.date], dict] = {}
    if levels:
        per_day = (
            ServiceLevelCheck.objects.filter(service_level__in=levels, checked_at__gte=since)
            .annotate(day=TruncDate("checked_at"))
            .values("service_level_id", "day")
            .annotate(total=Count("pk"), met=Count("pk", filter=Q(met=True)))
            .order_by()
        )
        days = {(row["service_level_id"], row["day"]): row for row in per_day}
    first_day = timezone.localdate(since)
    check_forms, import_forms = check_forms or {}, import_forms or {}
    rows = [
        {
            "level": level,
            "objective": objective_in_words(level),
            "attainment": (
                round(100 * level.window_met / level.window_checks, 1)
                if level.window_checks
                else None
            ),
            "latest_observed": (
                _number(level.latest_observed) if level.latest_observed is not None else None
            ),
            "strip": _strip(level, first_day, days),
            "check_form": check_forms.get(level.pk) or ServiceLevelCheckForm(),
            "import_form": import_forms.get(level.pk) or ServiceLevelCheckImportForm(),
            "check_open": level.pk in check_forms,
            "import_open": level.pk in import_forms,
        }
        for level in levels
    ]
    used = {level.indicator for level in levels}
    return {
        "service_levels": rows,
        "sl_window_days": WINDOW_DAYS,
        "sl_can_add": len(used) < len(ServiceLevel.Indicator.values),
    }


def _strip(level: ServiceLevel, first_day: datetime.date, days: dict) -> dict:
    """One cell a day: met (every check met), missed (at least one missed) or no check."""
    cells, counts = [], {"met": 0, "missed": 0, "none": 0}
    for offset in range(WINDOW_DAYS):
        day = first_day + datetime.timedelta(days=offset)
        row = days.get((level.pk, day))
        if row is None:
            state, title = "none", "no check"
        elif row["met"] == row["total"]:
            state, title = "met", f"{row['total']} of {row['total']} checks met"
        else:
            state, title = "missed", f"{row['met']} of {row['total']} checks met"
        counts[state] += 1
        cells.append(
            {"x": offset * STRIP_CELL, "state": state, "title": f"{day.day} {day:%b}: {title}"}
        )
    summary = (
        f"Last {WINDOW_DAYS} days: {counts['met']} days all met, "
        f"{counts['missed']} days with a missed check, {counts['none']} days without a check."
    )
    return {"cells": cells, "summary": summary, "width": WINDOW_DAYS * STRIP_CELL}


def _page_url(slug: str) -> str:
    return reverse("metrics:page", args=[slug]) + "#service-levels"


def _render_section(request: AuthedRequest, access: ProductAccess, *, status: int = 200, **forms):
    """The section fragment for htmx, else the whole metrics page (a form with errors)."""
    context = {"product": access.product, "access": access}
    if not request.htmx:
        context |= {**dod.dod_context(access), **kpis.kpis_context(access)}
    context |= service_levels_context(access, **forms)
    template = "metrics/_service_levels.html" if request.htmx else "metrics/page.html"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def service_level_new(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug, edit=True)
    form = ServiceLevelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            level = service_level_create(access=access, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{level.get_indicator_display()} service level added.")
            return redirect(_page_url(slug))
    return render(
        request, "metrics/service_level_form.html", {"form": form, "product": access.product}
    )


@require_POST
def check_add(request: AuthedRequest, slug: str, pk: int):
    access, level = _get_service_level_for_user(request, slug, pk, edit=True)
    form = ServiceLevelCheckForm(request.POST)
    if form.is_valid():
        try:
            service_level_check_add(access=access, service_level=level, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
    if form.errors:
        return _render_section(request, access, status=422, check_forms={level.pk: form})
    if not request.htmx:
        return redirect(_page_url(slug))
    return _render_section(request, access)


@require_POST
def check_import(request: AuthedRequest, slug: str, pk: int):
    """All or nothing: any bad row and no check is written (the errors list every bad row)."""
    access, level = _get_service_level_for_user(request, slug, pk, edit=True)
    form = ServiceLevelCheckImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            imported = service_level_checks_import(
                access=access, service_level=level, text=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, f"{imported} checks imported.")
            return redirect(_page_url(slug))
    return _render_section(request, access, status=422, import_forms={level.pk: form})
