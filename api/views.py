"""The API token pages: a product's tokens (its team) and the portfolio-wide ones (superusers).

A new token's secret is shown once, on the page the creation redirects to: it waits in the
session (stored server-side) for that one page view, never in a cookie or a URL.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api import services
from api.forms import ApiTokenForm
from api.models import ApiToken
from dpm.http import AuthedRequest
from products.access import ProductAccess, get_product_for_user

NEW_TOKEN_SESSION_KEY = "api_new_token"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def product_tokens(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug, edit=True)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, plaintext = services.api_token_create(
            user=request.user, access=access, name=form.cleaned_data["name"]
        )
        request.session[NEW_TOKEN_SESSION_KEY] = {"id": token.pk, "plaintext": plaintext}
        return redirect("api:product_tokens", slug=slug)
    return _tokens_page(request, form, access=access)


@require_POST
def product_token_revoke(request: AuthedRequest, slug: str, pk: int):
    access = get_product_for_user(request, slug, edit=True)
    _revoke(request, pk, access=access)
    return redirect("api:product_tokens", slug=slug)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def portfolio_tokens(request: AuthedRequest):
    services.require_portfolio_tokens(request.user)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, plaintext = services.api_token_create(
            user=request.user, name=form.cleaned_data["name"]
        )
        request.session[NEW_TOKEN_SESSION_KEY] = {"id": token.pk, "plaintext": plaintext}
        return redirect("api:portfolio_tokens")
    return _tokens_page(request, form, access=None)


@require_POST
def portfolio_token_revoke(request: AuthedRequest, pk: int):
    services.require_portfolio_tokens(request.user)
    _revoke(request, pk, access=None)
    return redirect("api:portfolio_tokens")


def _revoke(request: AuthedRequest, pk: int, *, access: ProductAccess | None) -> None:
    try:
        token = services.api_token_revoke(user=request.user, token_id=pk, access=access)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"“{token.name}” is revoked: requests with it now get 401.")


def _tokens_page(request: AuthedRequest, form: ApiTokenForm, *, access: ProductAccess | None):
    """The list of the scope's tokens with the creation form (and, once, a new secret)."""
    if access is None:
        tokens = ApiToken.objects.portfolio_wide()
    else:
        tokens = ApiToken.objects.filter(product=access.product)
    tokens = list(tokens.select_related("created_by", "revoked_by"))
    new = request.session.get(NEW_TOKEN_SESSION_KEY) or {}
    new_token = next((t for t in tokens if t.pk == new.get("id")), None)
    if new_token is not None:
        new_token.plaintext = new["plaintext"]
        del request.session[NEW_TOKEN_SESSION_KEY]  # shown once
    context = {
        "access": access,
        "product": access.product if access else None,
        "form": form,
        "active": [t for t in tokens if t.is_active],
        "revoked": [t for t in tokens if not t.is_active],
        "new_token": new_token,
        "api_base": request.build_absolute_uri("/api/v1"),
    }
    return render(request, "api/tokens.html", context, status=422 if form.errors else 200)
