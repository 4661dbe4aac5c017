from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh, reswap, retarget

from discovery import selectors
from discovery.forms import (
    InsightForm,
    InterviewFilterForm,
    InterviewForm,
    NotesForm,
    TagQueryForm,
)
from discovery.models import Hypothesis, Insight, Interview, Tag
from discovery.services import (
    NotesConflict,
    insight_add,
    insight_delete,
    interview_create,
    interview_save_notes,
    interview_update,
)
from dpm.http import AuthedRequest
from products.access import ProductAccess, get_product_for_user

INTERVIEWS_PAGE_SIZE = 25
INSIGHTS_SHOWN = 50


def _get_interview_for_user(request, slug: str, pk: int, *, edit: bool = False):
    """The interview with the user's rights on its product: 404 when its notes are not theirs
    to read (stakeholders, PII outside the team), 403 when `edit` and they may only read."""
    access = get_product_for_user(request, slug, edit=edit)
    interview = get_object_or_404(
        Interview.objects.readable_with(access).select_related("persona", "conducted_by"), pk=pk
    )
    return access, interview


@require_http_methods(["GET", "HEAD"])
def workspace(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug)
    product = access.product
    filters = InterviewFilterForm(request.GET, access=access)
    interviews = Interview.objects.readable_with(access)
    insights = Insight.objects.readable_with(access)
    query = ""
    if filters.is_valid():
        query = filters.cleaned_data["q"].strip()
        interviews = filters.apply_to_interviews(interviews)
        insights = filters.apply_to_insights(insights)
    if query:
        interviews = selectors.search_interviews(
            product=product, query=query, interviews=interviews
        )
        insights = selectors.search_insights(product=product, query=query, insights=insights)
    else:
        # Explicit: aggregate annotations drop Meta.ordering.
        interviews = interviews.order_by("-held_on", "-pk")
    interviews = interviews.select_related("persona", "conducted_by").annotate(
        insight_count=Count("insights", distinct=True)
    )
    page = Paginator(interviews, INTERVIEWS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "product": product,
        "access": access,
        "filters": filters,
        "query": query,
        "page": page if access.can_read_notes else None,
        "insights": insights.select_related("interview")
        .defer("interview__notes")  # never rendered here; keep it out of reach
        .prefetch_related("tags")[:INSIGHTS_SHOWN],
        "hypotheses": _hypotheses_by_status(access),
        "personas": selectors.personas_with_counts(access),
    }
    return render(request, "discovery/workspace.html", context)


def _hypotheses_by_status(access: ProductAccess) -> list[dict]:
    hypotheses = list(
        selectors.hypotheses_with_evidence(access.product, count_pii=access.can_read_pii)
    )
    groups = [
        {"status": label, "hypotheses": [h for h in hypotheses if h.status == value]}
        for value, label in Hypothesis.Status.choices
    ]
    return [group for group in groups if group["hypotheses"]]


@require_http_methods(["GET", "POST"])
def interview_new(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug, edit=True)
    form = InterviewForm(
        request.POST or None,
        product=access.product,
        initial={"conducted_by": request.user, "held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        interview = interview_create(
            access=access, user=request.user, interview=form.save(commit=False)
        )
        return redirect("discovery:interview", slug=slug, pk=interview.pk)
    return render(
        request, "discovery/interview_form.html", {"form": form, "product": access.product}
    )


@require_http_methods(["GET", "POST"])
def interview_edit(request: AuthedRequest, slug: str, pk: int):
    access, interview = _get_interview_for_user(request, slug, pk, edit=True)
    form = InterviewForm(request.POST or None, instance=interview, product=access.product)
    if request.method == "POST" and form.is_valid():
        try:
            interview_update(
                access=access, interview=form.save(commit=False), fields=form.column_fields
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("discovery:interview", slug=slug, pk=pk)
    return render(
        request,
        "discovery/interview_form.html",
        {"form": form, "product": access.product, "interview": interview},
    )


@require_http_methods(["GET", "HEAD"])
def interview_detail(request: AuthedRequest, slug: str, pk: int):
    access, interview = _get_interview_for_user(request, slug, pk)
    return render(request, "discovery/interview.html", _interview_context(access, interview))


def _interview_context(access: ProductAccess, interview: Interview, **extra) -> dict:
    return {
        "product": access.product,
        "access": access,
        "interview": interview,
        "notes_form": NotesForm(initial={"notes": interview.notes, "version": interview.version}),
        "insight_form": InsightForm(),
        "insights": interview.insights.prefetch_related("tags"),
        **extra,
    }


@require_http_methods(["GET", "POST"])
def interview_notes(request: AuthedRequest, slug: str, pk: int):
    """Autosave (htmx, debounced) or plain save of the notes, with optimistic locking. GET: the
    saved notes and their version, for an editor shown again by the browser's Back button (a
    save can finish after the page was left, so the page never learnt the version it made)."""
    access, interview = _get_interview_for_user(request, slug, pk, edit=True)
    if request.method == "GET":
        return JsonResponse({"notes": interview.notes, "version": interview.version})
    form = NotesForm(request.POST)
    if not form.is_valid():
        problem = form.errors.get("notes", ["the editor is out of date: reload the page"])[0]
        return render(
            request, "discovery/_save_status.html", {"error": f"Not saved: {problem}"}, status=422
        )
    try:
        version = interview_save_notes(
            access=access,
            interview_id=interview.pk,
            notes=form.cleaned_data["notes"],
            version=form.cleaned_data["version"],
        )
    except NotesConflict as conflict:
        context = {
            "product": access.product,
            "theirs": conflict.interview,
            "mine": form.cleaned_data["notes"],
        }
        if request.htmx:
            # Replace the autosaving editor with both texts, so no later keystroke autosaves.
            response = render(request, "discovery/_notes_conflict.html", context, status=409)
            return reswap(retarget(response, "#notes-editor"), "outerHTML")
        return render(
            request,
            "discovery/interview.html",
            _interview_context(access, conflict.interview, conflict=context),
            status=409,
        )
    if request.POST.get("merged"):
        # A merge resolved a conflict: reload so the editor starts again from the saved text.
        return (
            HttpResponseClientRefresh()
            if request.htmx
            else redirect("discovery:interview", slug=slug, pk=pk)
        )
    if request.htmx:
        return render(request, "discovery/_save_status.html", {"version": version})
    return redirect("discovery:interview", slug=slug, pk=pk)


@require_POST
def insight_create(request: AuthedRequest, slug: str, pk: int):
    access, interview = _get_interview_for_user(request, slug, pk, edit=True)
    form = InsightForm(request.POST)
    if form.is_valid():
        try:
            insight_add(access=access, interview=interview, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
    if not form.errors:
        if not request.htmx:
            return redirect("discovery:interview", slug=slug, pk=pk)
        form = InsightForm()  # an empty form, ready for the next insight
    template = "discovery/interview.html#insights" if request.htmx else "discovery/interview.html"
    return render(
        request,
        template,
        _interview_context(access, interview, insight_form=form),
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET"])
def tag_options(request: AuthedRequest, slug: str):
    """Suggestions for the tags field: this product's tags (on insights the user may read) that
    complete the last comma-separated term, offered as whole values ("trust, exc" → "trust,
    excel"). Tags of other products are not suggested: their names can say too much."""
    access = get_product_for_user(request, slug, edit=True)
    form = TagQueryForm(request.GET)
    if not form.is_valid():
        return render(request, "discovery/_tag_options.html", {"options": []})
    head, _, last = form.cleaned_data["tags"].rpartition(",")
    prefix = f"{head.strip()}, " if head.strip() else ""
    names = (
        Tag.objects.filter(
            insights__in=Insight.objects.readable_with(access),
            name__istartswith=last.strip().lower(),
        )
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")[:10]
    )
    return render(request, "discovery/_tag_options.html", {"options": [prefix + n for n in names]})


@require_POST
def insight_remove(request: AuthedRequest, slug: str, pk: int, insight_pk: int):
    access, interview = _get_interview_for_user(request, slug, pk, edit=True)
    get_object_or_404(Insight, pk=insight_pk, interview=interview)
    insight_delete(access=access, interview=interview, insight_id=insight_pk)
    if not request.htmx:
        return redirect("discovery:interview", slug=slug, pk=pk)
    return render(
        request, "discovery/interview.html#insights", _interview_context(access, interview)
    )
