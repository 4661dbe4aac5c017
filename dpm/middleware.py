"""Cross-cutting HTTP rules that no single view should have to remember."""

from django.utils.cache import add_never_cache_headers


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
