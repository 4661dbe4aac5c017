"""Five Whys: from a problem, ask why until a root cause the team can act on shows, and turn that
root cause into a draft roadmap item."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from discovery.forms import WhyChainEditForm, WhyChainForm, WhyForm, WhyMoveForm
from discovery.models import Why, WhyChain
from discovery.services import (
    why_append,
    why_chain_create,
    why_chain_update,
    why_delete,
    why_shift,
)
from dpm.http import AuthedRequest
from products.access import ProductAccess, get_product_for_user
from roadmaps import services as roadmap_services
from roadmaps.forms import WhyChainItemForm


def _get_chain_for_user(request, slug: str, pk: int, *, edit: bool = False):
    """The chain with the user's rights on its product; 404 for outsiders and for another
    product's chain, 403 when `edit` and the user may only read."""
    access = get_product_for_user(request, slug, edit=edit)
    chain = get_object_or_404(WhyChain.objects.filter(product=access.product), pk=pk)
    return access, chain


def _list_context(access: ProductAccess, **extra) -> dict:
    chains = (
        WhyChain.objects.filter(product=access.product)
        .annotate(
            why_count=Count("whys", distinct=True),
            item_count=Count("roadmap_items", distinct=True),
        )
        .order_by("-created_at", "-pk")  # explicit: aggregate annotations drop Meta.ordering
    )
    return {
        "product": access.product,
        "access": access,
        "chains": chains,
        "form": WhyChainForm(),
        **extra,
    }


@require_http_methods(["GET", "HEAD"])
def chain_list(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug)
    return render(request, "discovery/whys.html", _list_context(access))


@require_http_methods(["GET", "POST"])
def chain_new(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug, edit=True)
    form = WhyChainForm(request.POST or None)
    form.fields["problem"].widget.attrs["autofocus"] = True
    if request.method == "POST" and form.is_valid():
        chain = why_chain_create(access=access, problem=form.cleaned_data["problem"])
        return redirect("discovery:why_chain", slug=slug, pk=chain.pk)
    context = _list_context(access, form=form)
    return render(request, "discovery/whys.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "HEAD"])
def chain_detail(request: AuthedRequest, slug: str, pk: int):
    access, chain = _get_chain_for_user(request, slug, pk)
    return render(request, "discovery/why_chain.html", _chain_context(access, chain))


def _chain_context(access: ProductAccess, chain: WhyChain, **extra) -> dict:
    return {
        "product": access.product,
        "access": access,
        "chain": chain,
        "whys": list(chain.whys.all()),
        "items": chain.roadmap_items.order_by("-created_at", "-pk"),
        "why_form": WhyForm(),
        "edit_form": WhyChainEditForm(instance=chain),
        "item_form": WhyChainItemForm(),
        **extra,
    }


def _chain_response(request, slug: str, pk: int, *, failed: bool = False, **extra):
    """After a write: redirect (post/redirect/get) or, for htmx and for errors, the chain read
    again — a form that failed validation may have changed the instance it was given."""
    if not failed and not request.htmx:
        return redirect("discovery:why_chain", slug=slug, pk=pk)
    access, chain = _get_chain_for_user(request, slug, pk)
    template = "discovery/why_chain.html#chain" if request.htmx else "discovery/why_chain.html"
    context = _chain_context(access, chain, **extra)
    return render(request, template, context, status=422 if failed else 200)


@require_POST
def chain_edit(request: AuthedRequest, slug: str, pk: int):
    access, chain = _get_chain_for_user(request, slug, pk, edit=True)
    form = WhyChainEditForm(request.POST, instance=chain)
    if form.is_valid():
        try:
            why_chain_update(access=access, chain=form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return _chain_response(request, slug, pk)
    return _chain_response(request, slug, pk, failed=True, edit_form=form)


@require_POST
def why_add(request: AuthedRequest, slug: str, pk: int):
    access, chain = _get_chain_for_user(request, slug, pk, edit=True)
    form = WhyForm(request.POST)
    if form.is_valid():
        try:
            why_append(access=access, chain=chain, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return _chain_response(request, slug, pk, focus_add=True)
    return _chain_response(request, slug, pk, failed=True, why_form=form)


@require_POST
def why_move(request: AuthedRequest, slug: str, pk: int, why_pk: int):
    access, chain = _get_chain_for_user(request, slug, pk, edit=True)
    why = get_object_or_404(Why, pk=why_pk, chain=chain)
    form = WhyMoveForm(request.POST)
    error = None
    if form.is_valid():
        try:
            why_shift(
                access=access,
                chain=chain,
                why_id=why.pk,
                direction=form.cleaned_data["direction"],
            )
        except ValidationError as exc:
            error = exc.messages[0]
    else:
        error = "Move a why up or down."
    return _chain_response(request, slug, pk, failed=error is not None, chain_error=error)


@require_POST
def why_remove(request: AuthedRequest, slug: str, pk: int, why_pk: int):
    access, chain = _get_chain_for_user(request, slug, pk, edit=True)
    why = get_object_or_404(Why, pk=why_pk, chain=chain)
    try:
        why_delete(access=access, chain=chain, why_id=why.pk)
    except ValidationError as exc:  # removed by someone else a moment ago
        return _chain_response(request, slug, pk, failed=True, chain_error=exc.messages[0])
    return _chain_response(request, slug, pk)


@require_POST
def chain_to_roadmap_item(request: AuthedRequest, slug: str, pk: int):
    access, chain = _get_chain_for_user(request, slug, pk, edit=True)
    form = WhyChainItemForm(request.POST)
    if form.is_valid():
        try:
            item = roadmap_services.roadmap_item_draft_from_why_chain(
                access=access, chain=chain, **form.cleaned_data
            )
        except ValidationError as exc:
            # Messages only: the item's own checks may name fields this form does not have.
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, f"“{item.title}” is on the roadmap: proposed, under Later, to be scored."
            )
            board = reverse("roadmaps:board")
            return HttpResponseClientRedirect(board) if request.htmx else redirect(board)
    return _chain_response(request, slug, pk, failed=True, item_form=form)
