from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from dpm.http import AuthedRequest, safe_redirect_target
from products import roles, selectors
from products.access import (
    get_product_for_user,
    may_import_products,
    product_access,
    require_pm,
)
from products.forms import (
    AlertAcknowledgeForm,
    AlertFilterForm,
    PortfolioFilterForm,
    ProductForm,
    ProductReviewForm,
    StageChangeForm,
)
from products.health_page import health_page_context
from products.models import Alert, DataProduct
from products.services import (
    AlertResolved,
    GateRefused,
    next_stage,
    product_change_stage,
    product_create,
    product_mark_reviewed,
    product_update,
    stage_gates,
)
from products.services import alert_acknowledge as alert_acknowledge_service

PORTFOLIO_PAGE_SIZE = 50
ALERTS_PAGE_SIZE = 50
REVIEWS_SHOWN = 5


@require_http_methods(["GET", "HEAD"])
def portfolio(request: AuthedRequest):
    """The home page: the products the user may see, best opportunity first, with health, trend
    and open alerts; filters kept in the URL; a stage funnel and a health distribution of what
    the filters select. htmx filter changes get the list fragment only."""
    filters = PortfolioFilterForm(request.GET)
    products = filters.apply(DataProduct.objects.visible_to(request.user))
    today = timezone.localdate()
    ranked = selectors.portfolio_ranked(products, today=today)
    page = Paginator(ranked, PORTFOLIO_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for product in page.object_list:
        product.trend = selectors.health_trend(product)
        product.reviewed_days_ago = selectors.days_since(product.last_reviewed_at, today)
    context = {
        "page": page,
        "filters": filters,
        "charts": selectors.portfolio_charts(products),
        "can_create": roles.is_pm(request.user),
        "can_import": may_import_products(request.user),
    }
    # A history restore after a cache miss needs the whole page, though htmx sends it.
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "products/portfolio.html#list" if fragment else "products/portfolio.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # one URL, two answers: keep caches apart
    return response


@require_http_methods(["GET", "HEAD"])
def product_detail(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug)
    return render(request, "products/detail.html", _detail_context(access))


def _detail_context(
    access, stage_form=None, refused: GateRefused | None = None, review_form=None
) -> dict:
    product = access.product
    gates = stage_gates(product=product)  # one query for every stage's gates
    return {
        "product": product,
        "access": access,
        "team": product.team_members.order_by("first_name", "username"),
        "stakeholders": product.stakeholders.order_by("first_name", "username"),
        "history": product.stage_changes.select_related("changed_by"),
        "stage_form": stage_form
        or StageChangeForm(product=product, can_override=access.can_override_gates, gates=gates),
        "refused": refused,
        "next_gate": _next_gate(product, gates),
        "reviews": product.reviews.select_related("reviewed_by")[:REVIEWS_SHOWN],
        "reviewed_days_ago": selectors.days_since(product.last_reviewed_at, timezone.localdate()),
        "review_form": review_form or ProductReviewForm(),
        # One aggregate, served by the partial index products_alert_open_idx.
        "alert_counts": product.alerts.open().aggregate(
            errors=Count("pk", filter=Q(severity=Alert.Severity.ERROR)),
            warnings=Count("pk", filter=Q(severity=Alert.Severity.WARNING)),
        ),
    }


def _next_gate(product: DataProduct, gates: dict) -> dict | None:
    """The next stage in the life cycle and what its gate still needs, for the stage panel."""
    if product.stage in (DataProduct.Stage.LAUNCHED, DataProduct.Stage.RETIRED):
        return None
    following = next_stage(product.stage)
    return {"stage": DataProduct.Stage(following), "problems": gates[following]["problems"]}


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


@require_POST
def product_review(request: AuthedRequest, slug: str):
    """Mark the product reviewed, with an optional note. htmx gets the review panel back."""
    access = get_product_for_user(request, slug)
    if not access.can_review:
        raise PermissionDenied("Only the product's owner or a lead can mark it reviewed.")
    form = ProductReviewForm(request.POST)
    if form.is_valid():
        try:
            product_mark_reviewed(access=access, user=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not request.htmx:
                messages.success(request, "Marked reviewed.")
                return redirect(access.product)
            form = None
    template = "products/detail.html#review-panel" if request.htmx else "products/detail.html"
    context = _detail_context(access, review_form=form)
    return render(request, template, context, status=200 if form is None else 422)


@require_http_methods(["GET", "HEAD"])
def alerts(request: AuthedRequest):
    """Open alerts on the products the user may see, errors first, then newest; filtered by
    kind, severity, product (`?product=<slug>`, where the portfolio's counts link) and whether
    they are acknowledged. htmx filter changes get the list fragment only."""
    filters = AlertFilterForm(request.GET, user=request.user)
    open_alerts = filters.apply(
        Alert.objects.open()
        .visible_to(request.user)
        .select_related("product", "acknowledged_by")
        .order_by("severity", "-opened_at", "-pk")  # "error" sorts before "warning"
    )
    page = Paginator(open_alerts, ALERTS_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _alert_rows(request.user, page.object_list)
    context = {"page": page, "filters": filters, "next_url": request.get_full_path()}
    # A history restore after a cache miss needs the whole page, though htmx sends it.
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "products/alerts.html#alert-list" if fragment else "products/alerts.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # one URL, two answers: keep caches apart
    return response


def _alert_rows(user, alerts) -> list[Alert]:
    """The alerts, each with the link to its stale object and, when the user may acknowledge it,
    the form to do so; without a query per row: of the product's team only the owner may
    acknowledge, and the product's owner_id says who that is (so `on_team` is given only as far
    as acknowledging needs it)."""
    rows = list(alerts)
    for alert in rows:
        product = alert.product
        access = product_access(user, product, on_team=product.owner_id == user.pk)
        alert.link = alert.stale_link(product.slug)
        alert.ack_form = None
        if alert.is_open and access.can_acknowledge_alerts:
            alert.ack_form = AlertAcknowledgeForm(
                initial={"note": alert.acknowledge_note}, auto_id=f"id_alert_{alert.pk}_%s"
            )
    return rows


@require_POST
def alert_acknowledge(request: AuthedRequest, pk: int):
    """Acknowledge an open alert, with an optional note: the product's owner, leads and
    superusers. htmx gets the alert's row back; without JavaScript the user goes back to the
    list they came from (`next`), filters and page kept."""
    alert = get_object_or_404(
        Alert.objects.visible_to(request.user).select_related("product", "acknowledged_by"), pk=pk
    )
    access = product_access(request.user, alert.product)
    if not access.can_acknowledge_alerts:
        raise PermissionDenied("Only the product's owner or a lead can acknowledge its alerts.")
    next_url = _next_alerts_url(request)
    form = AlertAcknowledgeForm(request.POST, auto_id=f"id_alert_{alert.pk}_%s")
    if form.is_valid():
        try:
            alert = alert_acknowledge_service(
                access=access, user=request.user, alert_id=alert.pk, note=form.cleaned_data["note"]
            )
        except AlertResolved as exc:
            if not request.htmx:
                messages.warning(request, f"{exc} Nothing is left to acknowledge.")
                return redirect(next_url)
            return _alert_row_response(request, exc.alert, next_url, status=409)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not request.htmx:
                messages.success(request, "Alert acknowledged.")
                return redirect(f"{next_url}#alert-{alert.pk}")
            return _alert_row_response(request, alert, next_url)
    return _alert_row_response(request, alert, next_url, form=form, status=422)


def _alert_row_response(request: AuthedRequest, alert, next_url: str, *, form=None, status=200):
    """The alert's row: alone for htmx, on a page of its own otherwise (to fix the note)."""
    (alert,) = _alert_rows(request.user, [alert])
    if form is not None:
        alert.ack_form = form  # its errors and the note as typed
    context = {"alert": alert, "next_url": next_url, "acknowledging": True}
    template = "products/alerts.html#alert-row" if request.htmx else "products/alerts.html"
    return render(request, template, context, status=status)


def _next_alerts_url(request: AuthedRequest) -> str:
    """Where the acknowledge form came from (the alerts list with its filters and page), when
    that is an address on this site; else the alerts page."""
    return safe_redirect_target(request, request.POST.get("next"), reverse("products:alerts"))


@require_http_methods(["GET", "HEAD"])
def alert_count(request: AuthedRequest):
    """The navigation's count of open alerts the user may see, errors apart; empty when there
    are none. Loaded by htmx after the page, so no page pays a query for it."""
    counts = (
        Alert.objects.open()
        .visible_to(request.user)
        .aggregate(total=Count("pk"), errors=Count("pk", filter=Q(severity=Alert.Severity.ERROR)))
    )
    return render(request, "products/alerts.html#nav-count", {"counts": counts})


@require_http_methods(["GET", "HEAD"])
def product_health(request: AuthedRequest, slug: str):
    """The stakeholder health page: how the product is doing and why, readable by everyone who
    may see the product, printable, changing nothing."""
    access = get_product_for_user(request, slug)
    return render(request, "products/health.html", health_page_context(access))
