"""Personas: the kinds of users a product serves, the decisions they make and their tools."""

from contextlib import suppress

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from discovery import selectors
from discovery.forms import PersonaForm
from discovery.models import Persona
from discovery.services import persona_create, persona_delete, persona_update
from dpm.http import AuthedRequest
from products.access import ProductAccess, get_product_for_user


def _get_persona_for_user(request, slug: str, pk: int, *, edit: bool = False):
    """The persona with the user's rights on its product; 404 for outsiders and for another
    product's persona, 403 when `edit` and the user may only read."""
    access = get_product_for_user(request, slug, edit=edit)
    persona = get_object_or_404(Persona.objects.filter(product=access.product), pk=pk)
    return access, persona


def _personas_context(access: ProductAccess, **extra) -> dict:
    personas = selectors.personas_with_counts(access)
    return {
        "product": access.product,
        "access": access,
        "personas": personas,
        "form": PersonaForm(product=access.product),
        **extra,
    }


def _personas_response(request, access: ProductAccess, *, status: int = 200, **extra):
    template = "discovery/personas.html#personas" if request.htmx else "discovery/personas.html"
    return render(request, template, _personas_context(access, **extra), status=status)


@require_http_methods(["GET", "HEAD"])
def persona_list(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug)
    return _personas_response(request, access)


@require_http_methods(["GET", "POST"])
def persona_new(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug, edit=True)
    form = PersonaForm(request.POST or None, product=access.product)
    form.fields["name"].widget.attrs["autofocus"] = True
    if request.method == "POST" and form.is_valid():
        try:
            persona = persona_create(access=access, persona=form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not request.htmx:
                messages.success(request, f"Persona “{persona.name}” added.")
                return redirect("discovery:personas", slug=slug)
            return _personas_response(request, access)  # with an empty form for the next one
    status = 422 if form.errors else 200
    return _personas_response(request, access, form=form, status=status)


@require_http_methods(["GET", "POST"])
def persona_edit(request: AuthedRequest, slug: str, pk: int):
    access, persona = _get_persona_for_user(request, slug, pk, edit=True)
    form = PersonaForm(
        request.POST or None, instance=persona, product=access.product, auto_id=f"p{pk}_%s"
    )
    if request.method == "POST" and form.is_valid():
        try:
            persona = persona_update(
                access=access, persona=form.save(commit=False), fields=form.column_fields
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not request.htmx:
                messages.success(request, f"Persona “{persona.name}” saved.")
                return redirect("discovery:personas", slug=slug)
            return _personas_response(request, access)
    if request.method == "GET" and request.htmx:  # the row turns into its form, in place
        context = {"product": access.product, "persona": persona, "edit_form": form}
        return render(request, "discovery/personas.html#persona-form", context)
    status = 422 if form.errors else 200
    return _personas_response(request, access, editing=pk, edit_form=form, status=status)


@require_POST
def persona_remove(request: AuthedRequest, slug: str, pk: int):
    access, persona = _get_persona_for_user(request, slug, pk, edit=True)
    # Deleted by someone else a moment ago: the outcome asked for, so no error.
    with suppress(ValidationError):
        persona_delete(access=access, persona_id=persona.pk)
    if request.htmx:
        return _personas_response(request, access)
    messages.success(
        request, f"Persona “{persona.name}” deleted; its interviews are kept without a persona."
    )
    return redirect("discovery:personas", slug=slug)
