"""Request and response rules that hold for every view, so that no single view has to remember
them."""

import json

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.cache import add_never_cache_headers

NUL = "\x00"
NUL_REFUSED = (
    "The request holds a NUL character, which no field here accepts: remove it and try again."
)


class RefuseNulMiddleware:
    """Answer 400 to a request with a NUL character in its path, its query string, a form field
    (name or value; uploaded files are the CSV reader's to check) or a JSON body.

    One rule for every field and filter instead of a validator on each: PostgreSQL cannot
    store a NUL in text, nor compare one with a column, so a NUL that reached a lookup (a
    filter's slug, an API's KPI name) was a DataError and a 500, and no value here has a use for
    one. Django's CharField already refuses NUL, but choice fields, lookups and JSON did not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_REFUSED}, status=400)
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _holds_nul(request) -> bool:
    if NUL in request.path or _in_query_dict(request.GET):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body)
        except ValueError:
            return False  # not JSON: the view says so
        return find_nul(body) is not None
    return _in_query_dict(request.POST)


def _in_query_dict(data) -> bool:
    return any(NUL in key or any(NUL in value for value in data.getlist(key)) for key in data)


def find_nul(value, path: str = "") -> str | None:
    """The JSON path (/a/0/b) of the first string or key holding a NUL in a decoded JSON or
    YAML document, or None. The middleware refuses such bodies; the ODPS import, which reads an
    uploaded file, names the path."""
    if isinstance(value, str):
        return path or "/" if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            shown = str(key).replace(NUL, "\\0")  # the path is shown: the NUL as its escape
            where = f"{path}/{shown}"
            if NUL in str(key):
                return where
            if (found := find_nul(item, where)) is not None:
                return found
    if isinstance(value, list):
        for n, item in enumerate(value):
            if (found := find_nul(item, f"{path}/{n}")) is not None:
                return found
    return None


class PrivatePagesMiddleware:
    """Nothing answered to a signed-in user is stored by the browser (issue 12).

    htmx changes pages in place: a moved card, a saved note, search results. Chromium's Back
    button shows the stored copy of a page as it was first loaded — even a `no-cache` or
    `max-age=0` one, since history navigations skip revalidation — so the card is back in its
    old column and the notes editor holds an old version. Only `no-store` makes Back ask the
    server again (and keeps the page out of the back/forward cache); it also keeps personal
    pages off a shared disk after logout. Every signed-in answer changes with the data, so
    the rule covers them all rather than a list of views that would miss the next one. A view
    that sets its own Cache-Control keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
