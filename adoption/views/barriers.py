"""The barrier board: barriers added and edited on their own page, moved between open,
mitigating and resolved on the board (htmx answers with the board; without it, a redirect)."""

from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from adoption import services
from adoption.forms import AdoptionBarrierForm
from adoption.models import AdoptionBarrier
from adoption.views.page import add_service_error, page_url, section_response
from dpm.http import AuthedRequest
from products.access import get_product_for_user


def _get_barrier_for_user(request, slug: str, pk: int, *, edit: bool = False):
    """The barrier with the user's rights on its product: 404 for outsiders and for another
    product's barrier, 403 when `edit` and the user may only read."""
    access = get_product_for_user(request, slug, edit=edit)
    return access, get_object_or_404(AdoptionBarrier, pk=pk, product=access.product)


def _barrier_form_page(request, access, form, barrier=None):
    context = {"form": form, "product": access.product, "barrier": barrier}
    status = 422 if form.errors else 200
    return render(request, "adoption/barrier_form.html", context, status=status)


def _save(request, access, form):
    """The form's barrier saved through the service; None (with the errors on the form) if not."""
    if not (request.method == "POST" and form.is_valid()):
        return None
    try:
        return services.adoption_barrier_save(
            access=access,
            barrier=form.save(commit=False),
            insights=list(form.cleaned_data["insights"]),
        )
    except ValidationError as exc:
        add_service_error(form, exc)
        return None


@require_http_methods(["GET", "POST"])
def barrier_new(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug, edit=True)
    form = AdoptionBarrierForm(request.POST or None, access=access)
    if _save(request, access, form) is not None:
        return redirect(page_url(slug, "barriers"))
    return _barrier_form_page(request, access, form)


@require_http_methods(["GET", "POST"])
def barrier_edit(request: AuthedRequest, slug: str, pk: int):
    access, barrier = _get_barrier_for_user(request, slug, pk, edit=True)
    form = AdoptionBarrierForm(request.POST or None, instance=barrier, access=access)
    if _save(request, access, form) is not None:
        return redirect(page_url(slug, "barriers"))
    return _barrier_form_page(request, access, form, barrier)


@require_POST
def barrier_move(request: AuthedRequest, slug: str, pk: int):
    access, barrier = _get_barrier_for_user(request, slug, pk, edit=True)
    status = request.POST.get("status", "")
    if status not in AdoptionBarrier.Status.values:
        return HttpResponseBadRequest("Move the barrier to open, mitigating or resolved.")
    try:
        services.adoption_barrier_move(access=access, barrier_id=barrier.pk, status=status)
    except ValidationError as exc:  # deleted meanwhile
        return HttpResponseBadRequest(exc.messages[0])
    return section_response(request, access, "barriers")
