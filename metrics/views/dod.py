"""The Definition of Done section of the metrics page: a checklist per group, checked with
evidence by the team and signed off by a lead once every required criterion is met."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dpm.http import AuthedRequest
from metrics import services
from metrics.forms import DoneCriterionForm, DoneCriterionToggleForm
from metrics.models import DefinitionOfDone, DoneCriterion
from metrics.views import kpis, service_levels
from products.access import ProductAccess, get_product_for_user

WITHDRAWN = "The sign-off was withdrawn: what was signed changed. A lead signs off again."


def dod_context(access: ProductAccess, **extra) -> dict:
    """The Definition of Done, its criteria by group and its readiness, in two queries."""
    definition = (
        DefinitionOfDone.objects.filter(product=access.product)
        .select_related("signed_off_by")
        .first()
    )
    criteria = (
        list(definition.criteria.select_related("checked_by").order_by("position", "pk"))
        if definition
        else []
    )
    required = [c for c in criteria if c.required]
    return {
        "dod": definition,
        "dod_groups": [
            {"value": value, "label": label, "criteria": [c for c in criteria if c.group == value]}
            for value, label in DoneCriterion.Group.choices
        ],
        "dod_required": len(required),
        "dod_required_met": sum(c.met for c in required),
        "dod_ready": bool(required) and all(c.met for c in required),
        "criterion_form": DoneCriterionForm(),
        **extra,
    }


def _get_dod_for_user(request, slug: str, *, edit: bool = False):
    """The product's Definition of Done with the user's rights; 404 when it has none."""
    access = get_product_for_user(request, slug, edit=edit)
    definition = get_object_or_404(DefinitionOfDone, product=access.product)
    return access, definition


def _dod_response(request, slug: str, *, failed: bool = False, notice: str = "", **extra):
    """After a write: redirect (post/redirect/get) or, for htmx and for errors, the section read
    again — the full page without htmx, so a rejected form keeps what was typed."""
    if not failed and not request.htmx:
        if notice:
            messages.warning(request, notice)
        return redirect(reverse("metrics:page", args=[slug]) + "#dod")
    access = get_product_for_user(request, slug)
    status = 422 if failed else 200
    if request.htmx:
        context = {"product": access.product, "access": access, "dod_notice": notice}
        context |= dod_context(access, **extra)
        return render(request, "metrics/_dod.html#dod", context, status=status)
    context = {
        "product": access.product,
        "access": access,
        **dod_context(access, **extra),
        **kpis.kpis_context(access),
        **service_levels.service_levels_context(access),
    }
    return render(request, "metrics/page.html", context, status=status)


@require_POST
def dod_start(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug, edit=True)
    services.definition_of_done_start(access=access)
    return _dod_response(request, slug)


@require_POST
def criterion_add(request: AuthedRequest, slug: str):
    access, definition = _get_dod_for_user(request, slug, edit=True)
    form = DoneCriterionForm(request.POST)
    if form.is_valid():
        try:
            services.done_criterion_add(access=access, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            notice = WITHDRAWN if definition.signed_off_at else ""
            return _dod_response(request, slug, notice=notice, focus_add=True)
    return _dod_response(request, slug, failed=True, criterion_form=form)


@require_POST
def criterion_toggle(request: AuthedRequest, slug: str, pk: int):
    access, definition = _get_dod_for_user(request, slug, edit=True)
    criterion = get_object_or_404(DoneCriterion, pk=pk, definition=definition)
    form = DoneCriterionToggleForm(request.POST)
    if not form.is_valid():
        problem = form.errors.get("evidence_url", ["Mark the criterion met or not met."])[0]
        return _dod_response(
            request, slug, failed=True, toggle_error={"pk": criterion.pk, "message": problem}
        )
    before = (criterion.met, criterion.evidence_url)
    criterion = services.done_criterion_set_met(
        access=access, user=request.user, criterion_id=criterion.pk, **form.cleaned_data
    )
    changed = before != (criterion.met, criterion.evidence_url)
    notice = WITHDRAWN if definition.signed_off_at and changed else ""
    return _dod_response(request, slug, notice=notice)


@require_POST
def criterion_remove(request: AuthedRequest, slug: str, pk: int):
    access, definition = _get_dod_for_user(request, slug, edit=True)
    criterion = get_object_or_404(DoneCriterion, pk=pk, definition=definition)
    try:
        services.done_criterion_delete(access=access, criterion_id=criterion.pk)
    except ValidationError as exc:  # removed by someone else a moment ago
        return _dod_response(request, slug, failed=True, dod_error=exc.messages[0])
    return _dod_response(request, slug, notice=WITHDRAWN if definition.signed_off_at else "")


@require_POST
def dod_sign_off(request: AuthedRequest, slug: str):
    access, _ = _get_dod_for_user(request, slug)
    try:
        services.definition_of_done_sign_off(access=access, user=request.user)
    except ValidationError as exc:
        return _dod_response(request, slug, failed=True, dod_error=exc.messages[0])
    return _dod_response(request, slug)
