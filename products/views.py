from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dpm.http import AuthedRequest
from products import roles
from products.access import get_product_for_user, require_pm
from products.forms import PortfolioFilterForm, ProductForm, StageChangeForm
from products.models import Alert, DataProduct
from products.services import (
    GateRefused,
    gate_problems,
    next_stage,
    product_change_stage,
    product_create,
    product_update,
)

PORTFOLIO_PAGE_SIZE = 50
ALERTS_PAGE_SIZE = 50


@require_http_methods(["GET", "HEAD"])
def portfolio(request: AuthedRequest):
    filters = PortfolioFilterForm(request.GET)
    products = (
        DataProduct.objects.visible_to(request.user)
        .select_related("owner", "domain")
        .order_by(F("opportunity_score").desc(nulls_last=True), "name")
    )
    if filters.is_valid():
        products = filters.apply(products)
    page = Paginator(products, PORTFOLIO_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "products/portfolio.html",
        {"page": page, "filters": filters, "can_create": roles.is_pm(request.user)},
    )


@require_http_methods(["GET", "HEAD"])
def product_detail(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug)
    return render(request, "products/detail.html", _detail_context(access))


def _detail_context(access, stage_form=None, refused: GateRefused | None = None) -> dict:
    product = access.product
    next_gate = _next_gate(product)
    return {
        "product": product,
        "access": access,
        "team": product.team_members.order_by("first_name", "username"),
        "stakeholders": product.stakeholders.order_by("first_name", "username"),
        "history": product.stage_changes.select_related("changed_by"),
        "stage_form": stage_form
        or StageChangeForm(product=product, can_override=access.can_override_gates),
        "refused": refused,
        "next_gate": next_gate,
    }


def _next_gate(product: DataProduct) -> dict | None:
    """The next stage in the life cycle and what its gate still needs, for the stage panel."""
    if product.stage in (DataProduct.Stage.LAUNCHED, DataProduct.Stage.RETIRED):
        return None
    following = next_stage(product.stage)
    return {
        "stage": DataProduct.Stage(following),
        "problems": gate_problems(product=product, to_stage=following),
    }


@require_http_methods(["GET", "POST"])
def product_new(request: AuthedRequest):
    require_pm(request.user)
    form = ProductForm(request.POST or None, initial={"owner": request.user})
    if request.method == "POST" and form.is_valid():
        try:
            product = product_create(
                user=request.user,
                product=form.save(commit=False),
                team_members=form.cleaned_data["team_members"],
                stakeholders=form.cleaned_data["stakeholders"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{product.name} created.")
            return redirect(product)
    return render(request, "products/form.html", {"form": form, "product": None})


@require_http_methods(["GET", "POST"])
def product_edit(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug, edit=True)
    form = ProductForm(
        request.POST or None,
        instance=access.product,
        can_manage_people=access.can_manage_people,
    )
    if request.method == "POST" and form.is_valid():
        try:
            product = product_update(
                access=access,
                product=form.save(commit=False),
                fields=form.column_fields,
                people=form.people,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{product.name} saved.")
            return redirect(product)
    return render(request, "products/form.html", {"form": form, "product": access.product})


@require_POST
def product_stage(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug)
    if not access.can_change_stage:
        raise PermissionDenied("Only the product's team or a lead can change its stage.")
    form = StageChangeForm(
        request.POST, product=access.product, can_override=access.can_override_gates
    )
    refused = None
    if form.is_valid():
        try:
            change = product_change_stage(
                access=access,
                user=request.user,
                to_stage=form.cleaned_data["to_stage"],
                note=form.cleaned_data["note"],
                override_reason=form.cleaned_data.get("override_reason", ""),
            )
        except GateRefused as exc:
            refused = exc
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not request.htmx:
                messages.success(request, f"Moved to {change.get_to_stage_display()}.")
                return redirect(access.product)
            form = None  # the panel shows the new stage and its history: no message to queue
    context = _detail_context(access, stage_form=form, refused=refused)
    template = "products/detail.html#stage-panel" if request.htmx else "products/detail.html"
    return render(request, template, context)


@require_http_methods(["GET", "HEAD"])
def alerts(request: AuthedRequest):
    """Open alerts on the products the user may see, errors first."""
    open_alerts = (
        Alert.objects.open()
        .visible_to(request.user)
        .select_related("product")
        .order_by("severity", "-opened_at", "-pk")  # "error" sorts before "warning"
    )
    page = Paginator(open_alerts, ALERTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "products/alerts.html", {"page": page})
