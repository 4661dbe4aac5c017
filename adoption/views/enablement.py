"""Enablement assets (PRD, docs, training, …) and feedback: small forms on the page itself, so
htmx answers with the section and a plain POST redirects back to it."""

import contextlib

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from adoption import services
from adoption.forms import EnablementAssetForm, FeedbackForm
from adoption.models import EnablementAsset
from adoption.views.page import add_service_error, section_response
from dpm.http import AuthedRequest
from products.access import get_product_for_user


@require_POST
def asset_add(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug, edit=True)
    form = EnablementAssetForm(request.POST)
    if form.is_valid():
        try:
            asset = services.enablement_asset_add(access=access, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return section_response(request, access, "enablement", success=f"Added “{asset}”.")
    return section_response(request, access, "enablement", failed=True, asset_form=form)


@require_POST
def asset_remove(request: AuthedRequest, slug: str, pk: int):
    access = get_product_for_user(request, slug, edit=True)
    asset = get_object_or_404(EnablementAsset, pk=pk, product=access.product)
    # Removed by someone else a moment ago: the outcome they wanted.
    with contextlib.suppress(ValidationError):
        services.enablement_asset_delete(access=access, asset_id=asset.pk)
    return section_response(request, access, "enablement", success=f"Removed “{asset}”.")


@require_POST
def feedback_add(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug, edit=True)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_add(access=access, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return section_response(request, access, "feedback", success="Feedback recorded.")
    return section_response(request, access, "feedback", failed=True, feedback_form=form)
