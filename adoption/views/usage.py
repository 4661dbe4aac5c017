"""Weekly usage: a week added by hand, corrected or removed, or many imported from CSV."""

import contextlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from adoption import services
from adoption.forms import UsageImportForm, UsageSnapshotForm
from adoption.models import UsageSnapshot
from adoption.views.page import add_service_error, page_url, section_response
from dpm.http import AuthedRequest
from dpm.lib.csv_import import CSVImportError
from products.access import get_product_for_user


def _get_snapshot_for_user(request, slug: str, pk: int, *, edit: bool = False):
    """The week with the user's rights on its product: 404 for outsiders and for another
    product's week, 403 when `edit` and the user may only read."""
    access = get_product_for_user(request, slug, edit=edit)
    return access, get_object_or_404(UsageSnapshot, pk=pk, product=access.product)


def _week(snapshot: UsageSnapshot) -> str:
    return f"{snapshot.week_start.day} {snapshot.week_start:%b %Y}"


@require_POST
def usage_add(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug, edit=True)
    form = UsageSnapshotForm(request.POST)
    if form.is_valid():
        try:
            snapshot = services.usage_snapshot_add(access=access, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return section_response(
                request, access, "usage", success=f"Week of {_week(snapshot)} recorded."
            )
    return section_response(request, access, "usage", failed=True, usage_form=form)


@require_http_methods(["GET", "POST"])
def usage_edit(request: AuthedRequest, slug: str, pk: int):
    access, snapshot = _get_snapshot_for_user(request, slug, pk, edit=True)
    initial = {
        "week_of": snapshot.week_start,
        "active_users": snapshot.active_users,
        "sessions": snapshot.sessions,
        "median_task_seconds": snapshot.median_task_seconds,
        "decisions_supported": snapshot.decisions_supported,
    }
    form = UsageSnapshotForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.usage_snapshot_update(access=access, snapshot=snapshot, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Week of {_week(snapshot)} saved.")
            return redirect(page_url(slug, "usage"))
    # The row as stored (the form may hold rejected figures); deleted meanwhile: as it was read.
    stored = (
        (UsageSnapshot.objects.filter(pk=pk).first() or snapshot) if form.is_bound else snapshot
    )
    context = {"form": form, "product": access.product, "snapshot": stored}
    return render(request, "adoption/usage_form.html", context, status=422 if form.errors else 200)


@require_POST
def usage_delete(request: AuthedRequest, slug: str, pk: int):
    access, snapshot = _get_snapshot_for_user(request, slug, pk, edit=True)
    # Removed by someone else a moment ago: the outcome they wanted.
    with contextlib.suppress(ValidationError):
        services.usage_snapshot_delete(access=access, snapshot_id=snapshot.pk)
    messages.success(request, f"Week of {_week(snapshot)} removed.")
    return redirect(page_url(slug, "usage"))


@require_POST
def usage_import(request: AuthedRequest, slug: str):
    """All rows or none, with every problem named by its line."""
    access = get_product_for_user(request, slug, edit=True)
    form = UsageImportForm(request.POST, request.FILES)
    errors = []
    if form.is_valid():
        try:
            result = services.usage_import(access=access, upload=form.cleaned_data["file"])
        except CSVImportError as exc:
            errors = exc.errors
        else:
            weeks = result.added + result.updated
            return section_response(
                request,
                access,
                "usage",
                success=(
                    f"Imported {weeks} week{'s' * (weeks != 1)}: "
                    f"{result.added} added, {result.updated} updated."
                ),
            )
    return section_response(
        request, access, "usage", failed=True, import_form=form, import_errors=errors
    )
