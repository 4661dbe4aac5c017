from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from discovery.selectors import hypotheses_with_evidence
from dpm.http import AuthedRequest, safe_redirect_target
from dpm.lib.csv_export import csv_download, spreadsheet_safe
from products import roles
from products.access import get_product_for_user, product_access
from products.models import DataProduct
from roadmaps import matrix
from roadmaps.forms import (
    BoardFilterForm,
    BoardMoveForm,
    RoadmapItemForm,
    ScoreInputsForm,
    ScoringModelForm,
)
from roadmaps.models import RoadmapItem, ScoringModel
from roadmaps.scoring import QUADRANT_LABELS, ScoringConfig, quadrant
from roadmaps.selectors import BOARD_COLUMN_LIMIT, active_config, board_columns, board_items
from roadmaps.services import roadmap_item_create, roadmap_item_update, scoring_model_save

HISTORY_SHOWN = 20
MATRIX_LIMIT = 500
FILTER_NAMES = ("product", "domain", "kind", "solution_type", "status")
EXPORT_COLUMNS = [
    "product",
    "title",
    "horizon",
    "status",
    "solution type",
    "impact",
    "effort",
    "reach",
    "build cost",
    "run cost per year",
    "linked hypotheses",
    "validated hypotheses",
    "score",
    "quadrant",
]


@require_http_methods(["GET", "HEAD"])
def board(request: AuthedRequest):
    """The portfolio roadmap: Now / Next / Later ranked by score, or (`?view=matrix`) impact
    against effort. Filters stay in the URL."""
    filters = BoardFilterForm(request.GET, user=request.user)
    config = active_config()
    context = {
        "filters": filters,
        "query": _filter_query(request),
        "can_prioritize": roles.is_lead(request.user),
        "effort_choices": RoadmapItem.Effort.choices,
    }
    if request.GET.get("view") == "matrix":
        items = list(board_items(request.user, filters.filters)[:MATRIX_LIMIT])
        context |= {"matrix": matrix.layout(items, config), "items": items}
        return render(request, "roadmaps/matrix.html", context)
    context |= {
        "columns": board_columns(request.user, filters.filters, config),
        "column_limit": BOARD_COLUMN_LIMIT,
    }
    # A history restore after a cache miss needs the whole page, though htmx sends it.
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "roadmaps/board.html#board" if fragment else "roadmaps/board.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # one URL, two answers: keep caches apart
    return response


def _filter_query(request) -> str:
    """The board's filters as a query string, carried through moves and exports."""
    return urlencode({k: v for k, v in request.GET.items() if k in FILTER_NAMES and v})


@require_http_methods(["GET"])
def board_export(request: AuthedRequest):
    """The board as filtered, as CSV: every matching item, not only the first of each column."""
    filters = BoardFilterForm(request.GET, user=request.user)
    response, writer = csv_download("dpm-roadmap.csv", EXPORT_COLUMNS)
    for item in board_items(request.user, filters.filters).iterator(chunk_size=2000):
        writer.writerow(
            [
                spreadsheet_safe(item.product.name),
                spreadsheet_safe(item.title),
                item.get_horizon_display(),
                item.get_status_display(),
                item.get_solution_type_display(),
                item.impact,
                item.effort,
                item.reach if item.reach is not None else "",
                item.build_cost if item.build_cost is not None else "",
                item.run_cost_yearly if item.run_cost_yearly is not None else "",
                item.hypothesis_count,
                item.validated_count,
                "" if item.score is None else item.score,
                QUADRANT_LABELS[quadrant(item.impact, item.effort)],
            ]
        )
    return response


def _get_board_item(request, pk: int):
    """An item of a product the user may see, for a board action: 404 otherwise; 403 unless the
    user is on the product's team or a lead."""
    item = get_object_or_404(
        RoadmapItem.objects.filter(product__in=DataProduct.objects.visible_to(request.user)),
        pk=pk,
    )
    access = product_access(request.user, item.product)
    if not (access.can_edit or access.can_prioritize):
        raise PermissionDenied("Only leads and the product's team reprioritize items.")
    return access, item


def _return_to_board(request):
    """Without JavaScript, back to the board as it was filtered (post/redirect/get)."""
    return redirect(_board_url(request, request.POST.get("return_query", "")))


def _board_fragment_context(request, **columns_kwargs) -> dict:
    """What the board's cards need when htmx asks for part of the board after a change: the
    board's filters (carried in `return_query`) and its columns, read again."""
    query = request.POST.get("return_query", "")
    filters = BoardFilterForm(QueryDict(query), user=request.user)
    return {
        "filters": filters,
        "query": query,
        "can_prioritize": roles.is_lead(request.user),
        "effort_choices": RoadmapItem.Effort.choices,
        "columns": board_columns(request.user, filters.filters, **columns_kwargs),
        "column_limit": BOARD_COLUMN_LIMIT,
    }


@require_POST
def board_move(request: AuthedRequest, pk: int):
    access, item = _get_board_item(request, pk)
    form = BoardMoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose a column (now, next, later) or a status.")
    for field, value in form.changes.items():
        setattr(item, field, value)
    roadmap_item_update(access=access, user=request.user, item=item, fields=list(form.changes))
    if not request.htmx:
        return _return_to_board(request)
    return render(request, "roadmaps/board.html#board", _board_fragment_context(request))


def _board_url(request: AuthedRequest, query: str) -> str:
    """The board with the filters the card was shown under, when that is an address here."""
    board = reverse("roadmaps:board")
    return safe_redirect_target(request, f"{board}?{query}", board) if query else board


@require_POST
def board_inputs(request: AuthedRequest, pk: int):
    """Inline edit of impact, effort and cost. htmx gets the card's whole column back: the new
    score can move the card up or down, and the column's totals change with it."""
    access, item = _get_board_item(request, pk)
    horizon = item.horizon
    form = ScoreInputsForm(request.POST, instance=item)
    if form.is_valid():
        roadmap_item_update(
            access=access, user=request.user, item=form.save(commit=False), fields=list(form.fields)
        )
    elif not request.htmx:
        return HttpResponseBadRequest("; ".join(e for errs in form.errors.values() for e in errs))
    if not request.htmx:
        return _return_to_board(request)
    context = _board_fragment_context(request, horizons=(horizon,))
    context |= {
        "column": context["columns"][0],
        # A refused edit shows its errors on its own card; the card shows what is stored.
        "inputs_form": form if form.errors else None,
        "inputs_item_pk": item.pk,
    }
    return render(
        request,
        "roadmaps/board.html#board-column",
        context,
        status=422 if form.errors else 200,
    )


def _get_item_for_user(request, slug: str, pk: int, *, edit: bool = False):
    """The item with the user's rights on its product: 404 for outsiders and for another
    product's item; 403 when `edit` and the user is neither on the team nor a lead."""
    access = get_product_for_user(request, slug)
    if edit and not (access.can_edit or access.can_prioritize):
        raise PermissionDenied("Only the product's team or a lead can change its roadmap.")
    item = get_object_or_404(RoadmapItem.objects.filter(product=access.product), pk=pk)
    return access, item


@require_http_methods(["GET", "HEAD"])
def product_roadmap(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug)
    items = access.product.roadmap_items.order_by(
        F("score").desc(nulls_last=True), "position", "pk"
    )
    columns = [
        {
            "horizon": value,
            "label": label,
            "items": [i for i in items if i.horizon == value and i.is_open],
        }
        for value, label in RoadmapItem.Horizon.choices
    ]
    closed = [i for i in items if not i.is_open]
    return render(
        request,
        "roadmaps/product_roadmap.html",
        {"product": access.product, "access": access, "columns": columns, "closed": closed},
    )


@require_http_methods(["GET", "POST"])
def item_new(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug, edit=True)
    form = RoadmapItemForm(request.POST or None, product=access.product)
    if request.method == "POST" and form.is_valid():
        try:
            item = roadmap_item_create(
                access=access,
                user=request.user,
                item=form.save(commit=False),
                hypotheses=form.cleaned_data["hypotheses"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("roadmaps:item", slug=slug, pk=item.pk)
    return render(request, "roadmaps/item_form.html", {"form": form, "product": access.product})


@require_http_methods(["GET", "POST"])
def item_edit(request: AuthedRequest, slug: str, pk: int):
    access, item = _get_item_for_user(request, slug, pk, edit=True)
    form = RoadmapItemForm(
        request.POST or None,
        instance=item,
        product=access.product,
        prioritization_only=not access.can_edit,
    )
    if request.method == "POST" and form.is_valid():
        try:
            roadmap_item_update(
                access=access,
                user=request.user,
                item=form.save(commit=False),
                fields=form.column_fields,
                hypotheses=form.cleaned_data.get("hypotheses"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("roadmaps:item", slug=slug, pk=pk)
    # The stored item for the heading: a refused edit must not look saved.
    stored = RoadmapItem.objects.get(pk=pk) if form.is_bound else item
    return render(
        request,
        "roadmaps/item_form.html",
        {"form": form, "product": access.product, "item": stored},
    )


@require_http_methods(["GET", "HEAD"])
def item_detail(request: AuthedRequest, slug: str, pk: int):
    """The item and "why this score": the breakdown in words and figures, the hypotheses behind
    the confidence with their evidence, and how the score moved."""
    access, item = _get_item_for_user(request, slug, pk)
    hypotheses = hypotheses_with_evidence(access.product, count_pii=access.can_read_pii).filter(
        roadmap_items=item
    )
    return render(
        request,
        "roadmaps/item.html",
        {
            "product": access.product,
            "access": access,
            "item": item,
            "hypotheses": hypotheses,
            "history": item.score_changes.select_related("changed_by")[:HISTORY_SHOWN],
            "quadrant": QUADRANT_LABELS[quadrant(item.impact, item.effort)],
        },
    )


@require_http_methods(["GET", "POST"])
def scoring_settings(request: AuthedRequest):
    """How the portfolio is scored: everyone may read it, leads change it (and every score
    follows)."""
    can_change = roles.is_lead(request.user)
    if request.method == "POST" and not can_change:
        raise PermissionDenied("Only leads change how the portfolio is scored.")
    model = ScoringModel.objects.filter(is_active=True).select_related("saved_by").first()
    form = ScoringModelForm(request.POST or None, config=ScoringConfig.from_model(model))
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        scoring_model_save(user=request.user, config=form.config)
        messages.success(
            request, "Scoring model saved. Every roadmap item is being rescored in the background."
        )
        return redirect("roadmaps:scoring")
    context = {"form": form, "can_change": can_change, "model": model}
    return render(request, "roadmaps/scoring.html", context)
