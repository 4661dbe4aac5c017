"""The request type our views receive, and the one rule for redirect targets taken from it."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails


class AuthedRequest(HttpRequest):
    user: AbstractBaseUser | AnonymousUser
    htmx: HtmxDetails


def safe_redirect_target(request: HttpRequest, target: str | None, default: str) -> str:
    """`target` when it is a path on this site ("/…"), else `default`.

    For every redirect target a request carries (`next`, a list's query to return to): another
    site's address, a scheme (`javascript:`), an address relative to the current page ("alerts",
    which `redirect()` would take for a URL name and fail on with NoReverseMatch) and any control
    character (a line break would split the Location header) fall back to `default`."""
    if (
        target
        and target.startswith("/")
        and not any(ord(char) < 32 or ord(char) == 127 for char in target)
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


class LoginView(auth_views.LoginView):
    """Django's login, with `next` held to the same rule as every other redirect target."""

    def get_redirect_url(self):
        target = self.request.POST.get(
            self.redirect_field_name, self.request.GET.get(self.redirect_field_name)
        )
        return safe_redirect_target(self.request, target, "")
