"""The adoption page: the decision the product serves, weekly usage, the barrier board,
enablement assets and feedback. Each section is also a fragment that its writes answer with."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from adoption import selectors
from adoption.forms import EnablementAssetForm, FeedbackForm, UsageImportForm, UsageSnapshotForm
from dpm.http import AuthedRequest
from products.access import ProductAccess, get_product_for_user


def _usage(access: ProductAccess) -> dict:
    today = timezone.localdate()
    return {
        **selectors.usage_overview(access.product, today=today),
        "usage_form": UsageSnapshotForm(initial={"week_of": today}),
        "import_form": UsageImportForm(),
    }


def _barriers(access: ProductAccess) -> dict:
    return selectors.barrier_board(access)


def _enablement(access: ProductAccess) -> dict:
    return {**selectors.enablement(access.product), "asset_form": EnablementAssetForm()}


def _feedback(access: ProductAccess) -> dict:
    form = FeedbackForm(initial={"given_on": timezone.localdate()})
    return {**selectors.feedback_summary(access.product), "feedback_form": form}


SECTIONS = {
    "usage": _usage,
    "barriers": _barriers,
    "enablement": _enablement,
    "feedback": _feedback,
}


def page_context(access: ProductAccess, **extra) -> dict:
    context = {"product": access.product, "access": access}
    for build in SECTIONS.values():
        context |= build(access)
    return context | extra


def page_url(slug: str, section: str) -> str:
    return reverse("adoption:page", args=[slug]) + f"#{section}"


@require_http_methods(["GET", "HEAD"])
def adoption_page(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug)
    return render(request, "adoption/page.html", page_context(access))


def section_response(
    request: AuthedRequest,
    access: ProductAccess,
    section: str,
    *,
    failed: bool = False,
    success: str = "",
    **extra,
):
    """After a write. Without htmx: success redirects to the section (post/redirect/get) with
    `success` as a message; a failure shows the whole page again (422) so the rejected form keeps
    what was typed. With htmx: the section's fragment, saying `success` or showing the errors."""
    if not failed and not request.htmx:
        if success:
            messages.success(request, success)
        return redirect(page_url(access.product.slug, section))
    status = 422 if failed else 200
    if not request.htmx:
        return render(request, "adoption/page.html", page_context(access, **extra), status=status)
    context = {
        "product": access.product,
        "access": access,
        **SECTIONS[section](access),
        f"{section}_notice": success,
        **extra,
    }
    return render(request, f"adoption/_{section}.html", context, status=status)


def add_service_error(form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: on the field it names when the form has it, else
    above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
