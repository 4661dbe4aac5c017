from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import replace_url

from discovery import selectors
from discovery.forms import EvidenceForm, HypothesisForm, HypothesisStatusForm
from discovery.models import Evidence, Hypothesis, Insight
from discovery.services import (
    STATUS_MOVES,
    evidence_attach,
    evidence_detach,
    hypothesis_change_status,
    hypothesis_create,
    hypothesis_update,
)
from dpm.http import AuthedRequest
from products.access import ProductAccess, get_product_for_user

CANDIDATES_SHOWN = 8
STATEMENT_PARTS = ("who", "belief", "because", "signal")
MAP_WIDTH, MAP_HEIGHT, MAP_PAD = 560, 400, 48


def _get_hypothesis_for_user(request, slug: str, pk: int, *, edit: bool = False):
    """The hypothesis with the user's rights on its product; 404 for outsiders and for another
    product's hypothesis, 403 when `edit` and the user may only read."""
    access = get_product_for_user(request, slug, edit=edit)
    hypothesis = get_object_or_404(
        selectors.hypotheses_with_evidence(
            access.product, count_pii=access.can_read_pii
        ).select_related("persona", "status_changed_by"),
        pk=pk,
    )
    return access, hypothesis


@require_http_methods(["GET", "POST"])
def hypothesis_new(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug, edit=True)
    form = HypothesisForm(request.POST or None, product=access.product)
    if request.method == "POST" and form.is_valid():
        hypothesis = hypothesis_create(
            access=access, user=request.user, hypothesis=form.save(commit=False)
        )
        return redirect("discovery:hypothesis", slug=slug, pk=hypothesis.pk)
    return render(
        request,
        "discovery/hypothesis_form.html",
        {"form": form, "product": access.product, "statement": _form_statement(form)},
    )


@require_http_methods(["GET", "POST"])
def hypothesis_edit(request: AuthedRequest, slug: str, pk: int):
    access, hypothesis = _get_hypothesis_for_user(request, slug, pk, edit=True)
    form = HypothesisForm(request.POST or None, instance=hypothesis, product=access.product)
    if request.method == "POST" and form.is_valid():
        hypothesis_update(
            access=access, hypothesis=form.save(commit=False), fields=form.column_fields
        )
        return redirect("discovery:hypothesis", slug=slug, pk=pk)
    return render(
        request,
        "discovery/hypothesis_form.html",
        {
            "form": form,
            "product": access.product,
            "hypothesis": hypothesis,
            "statement": _form_statement(form),
        },
    )


@require_http_methods(["GET", "POST"])
def hypothesis_preview(request: AuthedRequest, slug: str):
    """The statement as one sentence while the PM fills in its parts (htmx)."""
    get_product_for_user(request, slug, edit=True)
    data = request.POST if request.method == "POST" else request.GET
    return render(
        request, "discovery/_hypothesis_preview.html", {"statement": preview_statement(data)}
    )


def preview_statement(parts) -> str:
    """The hypothesis as one sentence, with "…" where a part is still empty."""
    filled = {key: str(parts.get(key, "") or "").strip() or "…" for key in STATEMENT_PARTS}
    return Hypothesis(**filled).statement


def _form_statement(form) -> str:
    if form.is_bound:
        return preview_statement(form.data)
    return preview_statement({key: getattr(form.instance, key) for key in STATEMENT_PARTS})


@require_http_methods(["GET", "HEAD"])
def hypothesis_detail(request: AuthedRequest, slug: str, pk: int):
    access, hypothesis = _get_hypothesis_for_user(request, slug, pk)
    extra = {}
    if access.can_edit and "q" in request.GET:  # the evidence picker without JavaScript
        extra["candidates"] = _candidates(access, hypothesis, request.GET["q"].strip())
    return render(
        request, "discovery/hypothesis.html", _detail_context(access, hypothesis, **extra)
    )


def _detail_context(access: ProductAccess, hypothesis: Hypothesis, **extra) -> dict:
    evidence = hypothesis.evidence.select_related(
        "insight__interview", "experiment", "added_by"
    ).defer("insight__interview__notes")
    if not access.can_read_pii:
        evidence = evidence.exclude(insight__interview__contains_pii=True)
    return {
        "product": access.product,
        "access": access,
        "hypothesis": hypothesis,
        "evidence": evidence,
        "strength": selectors.evidence_strength(hypothesis),
        "moves": [
            (value, label)
            for value, label in Hypothesis.Status.choices
            if value in STATUS_MOVES[hypothesis.status]
        ],
        "evidence_form": EvidenceForm(),
        **extra,
    }


@require_POST
def hypothesis_status(request: AuthedRequest, slug: str, pk: int):
    access, hypothesis = _get_hypothesis_for_user(request, slug, pk, edit=True)
    form = HypothesisStatusForm(request.POST)
    error = None
    if form.is_valid():
        try:
            hypothesis_change_status(
                access=access,
                user=request.user,
                hypothesis_id=hypothesis.pk,
                to_status=form.cleaned_data["status"],
            )
        except ValidationError as exc:
            error = exc.messages[0]
    else:
        error = "Choose a status from the list."
    if error is None and not request.htmx:
        return redirect("discovery:hypothesis", slug=slug, pk=pk)
    access, hypothesis = _get_hypothesis_for_user(request, slug, pk)
    context = _detail_context(access, hypothesis, status_error=error)
    template = "discovery/hypothesis.html#status" if request.htmx else "discovery/hypothesis.html"
    return render(request, template, context, status=422 if error else 200)


@require_POST
def evidence_add(request: AuthedRequest, slug: str, pk: int):
    access, hypothesis = _get_hypothesis_for_user(request, slug, pk, edit=True)
    form = EvidenceForm(request.POST)
    if form.is_valid():
        try:
            evidence_attach(
                access=access,
                user=request.user,
                hypothesis=hypothesis,
                stance=form.cleaned_data["stance"],
                note=form.cleaned_data["note"],
                insight_id=form.cleaned_data["insight"],
                experiment_id=form.cleaned_data["experiment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    return _evidence_response(request, slug, pk, form)


@require_POST
def evidence_remove(request: AuthedRequest, slug: str, pk: int, evidence_pk: int):
    access, hypothesis = _get_hypothesis_for_user(request, slug, pk, edit=True)
    get_object_or_404(Evidence, pk=evidence_pk, hypothesis=hypothesis)
    evidence_detach(access=access, hypothesis=hypothesis, evidence_id=evidence_pk)
    return _evidence_response(request, slug, pk, EvidenceForm())


def _evidence_response(request, slug: str, pk: int, form: EvidenceForm):
    if not form.errors and not request.htmx:
        return redirect("discovery:hypothesis", slug=slug, pk=pk)
    # Read again: the balance and strength annotations changed with the evidence.
    access, hypothesis = _get_hypothesis_for_user(request, slug, pk)
    context = _detail_context(
        access, hypothesis, evidence_form=form if form.errors else EvidenceForm()
    )
    template = "discovery/hypothesis.html#evidence" if request.htmx else "discovery/hypothesis.html"
    return render(request, template, context, status=422 if form.errors else 200)


def _candidates(access: ProductAccess, hypothesis: Hypothesis, query: str) -> dict:
    """This product's insights (and concluded experiments) matching the words typed, leaving
    out what is already linked to the hypothesis."""
    insights = Insight.objects.readable_with(access).exclude(evidence__hypothesis=hypothesis)
    experiments = access.product.experiments.filter(status="concluded").exclude(
        evidence__hypothesis=hypothesis
    )
    if query:
        insights = selectors.search_insights(product=access.product, query=query, insights=insights)
        experiments = experiments.filter(name__icontains=query)
    return {
        "query": query,
        "insights": insights.select_related("interview").defer("interview__notes")[
            :CANDIDATES_SHOWN
        ],
        "experiments": experiments[:CANDIDATES_SHOWN],
    }


@require_http_methods(["GET"])
def evidence_candidates(request: AuthedRequest, slug: str, pk: int):
    """Search-as-you-type for the evidence picker (htmx)."""
    access, hypothesis = _get_hypothesis_for_user(request, slug, pk, edit=True)
    query = request.GET.get("q", "").strip()
    context = {
        "product": access.product,
        "hypothesis": hypothesis,
        "candidates": _candidates(access, hypothesis, query),
    }
    response = render(request, "discovery/_evidence_candidates.html", context)
    # The address becomes the hypothesis page that shows these results without JavaScript, so
    # the results are still there after Back or a reload.
    page = reverse("discovery:hypothesis", args=[slug, pk])
    return replace_url(response, f"{page}?{urlencode({'q': query})}#evidence" if query else page)


@require_http_methods(["GET", "HEAD"])
def assumption_map(request: AuthedRequest, slug: str):
    """Hypotheses plotted by importance against strength of evidence; the important and barely
    evidenced ones are what to test first."""
    access = get_product_for_user(request, slug)
    hypotheses = list(
        selectors.hypotheses_with_evidence(access.product, count_pii=access.can_read_pii).order_by(
            "pk"
        )
    )
    points = [_map_point(n, h) for n, h in enumerate(hypotheses, start=1)]
    return render(
        request,
        "discovery/assumption_map.html",
        {
            "product": access.product,
            "access": access,
            "points": points,
            "map": _map_frame(),
            "test_first": [p for p in points if p["test_first"]],
        },
    )


def _scale_x(strength: float) -> float:
    inner = MAP_WIDTH - 2 * MAP_PAD
    return MAP_PAD + inner * strength / selectors.MAX_EVIDENCE_STRENGTH


def _scale_y(importance: float) -> float:
    inner = MAP_HEIGHT - 2 * MAP_PAD
    return MAP_HEIGHT - MAP_PAD - inner * (importance - 1) / 4


def _map_point(number: int, hypothesis: Hypothesis) -> dict:
    strength = selectors.evidence_strength(hypothesis)
    # Spread points that share a cell so each stays readable and clickable.
    nudge = ((number * 7) % 5 - 2) * 5
    return {
        "number": number,
        "hypothesis": hypothesis,
        "strength": strength,
        "test_first": selectors.is_test_first(hypothesis),
        "x": round(_scale_x(strength) + nudge, 1),
        "y": round(_scale_y(hypothesis.importance) - nudge / 2, 1),
    }


def _map_frame() -> dict:
    mid_x = _scale_x(selectors.TEST_FIRST_MAX_STRENGTH)
    mid_y = _scale_y(selectors.TEST_FIRST_MIN_IMPORTANCE)
    return {
        "width": MAP_WIDTH,
        "height": MAP_HEIGHT,
        "pad": MAP_PAD,
        "right": MAP_WIDTH - MAP_PAD,
        "bottom": MAP_HEIGHT - MAP_PAD,
        "mid_x": round(mid_x, 1),
        "mid_y": round(mid_y, 1),
        "test_first_width": round(mid_x - MAP_PAD, 1),
        "test_first_height": round(mid_y - MAP_PAD, 1),
        "x_ticks": [
            {"x": round(_scale_x(v), 1), "label": v}
            for v in range(selectors.MAX_EVIDENCE_STRENGTH + 1)
        ],
        "y_ticks": [{"y": round(_scale_y(v), 1), "label": v} for v in range(1, 6)],
    }
