"""Every form submits unchanged as it is rendered (issue 12, item 14).

On the demo portfolio, as each of the people who use forms (a superuser, a lead, a PM), the test
crawls the site from the portfolio (links and htmx GETs), parses every `<form method="post">`
with a submit button the way a browser would (inputs, checked boxes, selected options,
textareas), posts it back unchanged to its action and checks that the answer is a redirect or a
page without a form error, and that nothing answers 500. Each POST runs in a transaction that is
rolled back, so one form's submit (a delete, a stage change) does not change the next page.

The crawl must reach every route of the URLconf: a route is either visited (as a page, or as a
form's action) or named in NOT_CRAWLED with the reason, so a new page cannot escape the test.
"""

import re
from collections import defaultdict
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from tests.helpers import client_for

pytestmark = pytest.mark.django_db

USERS = ("admin", "lead", "pm")  # seed_demo's superuser, lead and product manager
PAGES_PER_ROUTE = 2  # instances of one route crawled per user: the same template
# Routes the crawl does not reach through a page, and why.
NOT_CRAWLED = {
    "healthz": "a probe for the load balancer, not a page",
    "login": "the crawl is logged in (the login form is tested in tests/test_redirects.py)",
    "logout": "would end the crawl's session",
    "products:export_odps": "a download",
    "roadmaps:export": "a download",
    "metrics:measurements_csv": "a download",
    "metrics:kpis_csv": "a download",
    "adoption:usage_csv": "a download",
    "discovery:hypothesis_preview": "an htmx preview posted while typing (hx-post, not a form)",
}
# Forms that cannot be re-submitted unchanged by their nature.
SKIPPED_FORM = {
    "file": "an upload form: a browser never re-sends the file",
}
# A field's error (templates/_form_field.html) and a form's (its non-field errors, an import's).
# What an empty form for a new thing is refused with.
MISSING = {
    "This field is required.",
    "Say who gave the feedback: choose a person or type a name.",  # a name or a person: either
}
ERROR_PATTERN = re.compile(
    r'<p class="error"[^>]*>(.*?)</p>|class="form-errors"[^>]*>(.*?)</(?:div|p)>', re.S
)


@pytest.fixture
def demo(django_user_model):
    """The demo portfolio, with the few things it has none of that bring a form: open alerts,
    API tokens to revoke, a Definition of Done ready for sign-off, a concluded experiment not
    yet linked as evidence."""
    from api.services import api_token_create
    from metrics.models import DefinitionOfDone, DoneCriterion
    from products.access import product_access
    from products.models import DataProduct
    from products.staleness import alerts_sync
    from tests.discovery.factories import HypothesisFactory
    from tests.metrics.factories import ExperimentFactory

    call_command("seed_demo", force=True, stdout=StringIO())
    alerts_sync()
    admin = django_user_model.objects.get(username="admin")
    api_token_create(user=admin, name="portfolio sync")
    dod = DefinitionOfDone.objects.filter(signed_off_at__isnull=True).order_by("pk").first()
    DoneCriterion.objects.filter(definition=dod).update(met=True)
    for product in DataProduct.objects.order_by("pk"):
        api_token_create(user=admin, name="nightly", access=product_access(admin, product))
    # The crawl reads one experiment per product: this one, on a product with none.
    product = DataProduct.objects.filter(experiments=None).order_by("pk").first()
    ExperimentFactory(
        product=product, concluded=True, hypothesis=HypothesisFactory(product=product)
    )


def _route_names(patterns=None, namespace="") -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("admin", "api_v1"):  # Django's admin; the JSON API
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def _match(url: str):
    try:
        return resolve(urlsplit(url).path)
    except Resolver404:
        return None


def _route_of(url: str) -> str | None:
    match = _match(url)
    return match.view_name if match else None


class _Page(HTMLParser):
    """The links and the post forms of a page, read as a browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None
        self._option = None
        self._disabled_fieldsets = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("href", "hx-get"):
            if attrs.get(key) and (tag != "link" or key == "hx-get"):
                self.links.append(attrs[key])
        if tag == "form":
            if attrs.get("method", "get").lower() == "post":
                action = attrs.get("action") or attrs.get("hx-post") or ""
                self._form = {"action": action, "fields": [], "typed": [], "submit": False,
                              "file": False}  # fmt: skip
            return
        form = self._form
        if form is None:
            return
        if tag == "fieldset" and "disabled" in attrs:
            self._disabled_fieldsets += 1
        disabled = "disabled" in attrs or self._disabled_fieldsets
        name = attrs.get("name")
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "image"):
                if not disabled:
                    if not form["submit"] and name:
                        form["fields"].append((name, attrs.get("value", "")))
                    form["submit"] = True
            elif kind == "file":
                form["file"] = True
            elif kind in ("button", "reset") or disabled or not name:
                pass
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    form["fields"].append((name, attrs.get("value", "on")))
            else:
                form["fields"].append((name, attrs.get("value", "")))
                if kind != "hidden":
                    form["typed"].append(attrs.get("value", ""))
        elif tag == "button":
            if attrs.get("type", "submit").lower() == "submit" and not disabled:
                if not form["submit"] and name:
                    form["fields"].append((name, attrs.get("value", "")))
                form["submit"] = True
        elif tag == "select" and name and not disabled:
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "text": "",
                            "selected": "selected" in attrs}  # fmt: skip
            self._select["options"].append(self._option)
        elif tag == "textarea" and name and not disabled:
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and options and not self._select["multiple"]:
                chosen = options[:1]  # a browser submits the first option
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"].strip()
                self._form["fields"].append((self._select["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The HTML parser drops one newline right after <textarea>; so does a browser.
            text = self._textarea["text"]
            text = text[1:] if text.startswith("\n") else text
            self._form["fields"].append((self._textarea["name"], text))
            self._form["typed"].append(text)
            self._textarea = None
        elif tag == "fieldset" and self._disabled_fieldsets:
            self._disabled_fieldsets -= 1
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def _errors(content: str) -> set[str]:
    """The form errors a page shows, as text."""
    return {
        " ".join(re.sub("<[^>]+>", " ", field or form).split())
        for field, form in ERROR_PATTERN.findall(content)
    }


def _refused_as_blank(form: dict, errors: set[str]) -> bool:
    """A form for a new thing, rendered with what a person must fill in still empty: sent
    unchanged it is refused, saying only that (a 422 or the page again), as it should be."""
    blank = any(not value.strip() for value in form["typed"])
    return blank and bool(errors) and errors <= MISSING


def _post_data(fields: list[tuple[str, str]]) -> dict:
    data = defaultdict(list)
    for name, value in fields:
        data[name].append(value)
    return dict(data)


def _crawl(client, *, every_product: bool, start="/"):
    """(page url, route, parsed page) for the pages reachable from `start`: one of each route,
    of each product's routes one per product when `every_product` (the demo's products are in
    different stages, with different things to show), else PAGES_PER_ROUTE."""
    queue, seen, visits = [start], {start}, defaultdict(int)
    while queue:
        url = queue.pop(0)
        match = _match(url)
        if match is None or match.view_name in NOT_CRAWLED:
            continue
        route = match.view_name
        key = (route, match.kwargs.get("slug")) if every_product else route
        if visits[key] >= (1 if every_product else PAGES_PER_ROUTE):
            continue
        response = client.get(url)
        assert response.status_code < 500, f"GET {url}: {response.status_code}"
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        visits[key] += 1
        page = _Page()
        page.feed(response.content.decode())
        yield url, route, page
        for link in page.links:
            target = urljoin(url, link.split("#")[0])
            if urlsplit(target).netloc or target in seen or target.startswith("/admin/"):
                continue
            seen.add(target)
            queue.append(target)


def _resubmit(client, action: str, form: dict):
    with transaction.atomic():
        response = client.post(action, _post_data(form["fields"]))
        transaction.set_rollback(True)
    return response


def test_every_form_resubmits_unchanged_as_rendered(demo, django_user_model):
    failures, reached, forms_posted = [], set(), 0
    for username in USERS:
        client = client_for(django_user_model.objects.get(username=username))
        for url, route, page in list(_crawl(client, every_product=username == "admin")):
            reached.add(route)
            for form in page.forms:
                if not form["submit"]:
                    continue  # shown read-only (no way to submit it)
                if form["file"]:
                    reached.add(_route_of(urljoin(url, form["action"])))
                    continue  # SKIPPED_FORM["file"]
                action = urljoin(url, form["action"]) if form["action"] else url
                if _route_of(action) in NOT_CRAWLED:
                    continue  # the logout button
                response = _resubmit(client, action, form)
                reached.add(_route_of(action))
                forms_posted += 1
                errors = _errors(response.content.decode(errors="replace"))
                status = response.status_code
                # A redirect or a page without errors; or, for an empty form of a new thing, the
                # 422 that says what is missing.
                if not (
                    (status in (200, 302, 303) and not errors)
                    or (status in (200, 422) and _refused_as_blank(form, errors))
                ):
                    failures.append(
                        f"{username}: {url} → POST {action}: {response.status_code} {errors}"
                    )
    print(f"{forms_posted} forms posted; routes reached: {sorted(r for r in reached if r)}")
    assert not failures, "\n".join(failures)
    assert forms_posted > 50  # the crawl found the app's forms
    unreached = _route_names() - reached - set(NOT_CRAWLED)
    assert not unreached, f"routes neither crawled nor in NOT_CRAWLED: {sorted(unreached)}"


def _the_post_form(content: bytes, url: str) -> dict:
    """The form of the page at `url` that posts back to it."""
    page = _Page()
    page.feed(content.decode())
    (form,) = [form for form in page.forms if form["action"] in ("", url) and form["submit"]]
    return form


def test_the_scoring_settings_resubmit_as_shown(lead):
    """The reach cap was shown as 1000.0 in a field of whole numbers: the page could not be
    saved as it was shown."""
    client = client_for(lead)
    form = _the_post_form(client.get("/roadmap/scoring/").content, "/roadmap/scoring/")

    assert ("reach_cap", "1000") in form["fields"]
    response = client.post("/roadmap/scoring/", _post_data(form["fields"]))
    assert response.status_code == 302


def test_a_concluded_experiment_resubmits_as_shown(product, pm):
    """Its status was not among the form's choices, so the form sent the first one, which the
    decision's constraint refused."""
    from metrics.models import Experiment
    from tests.metrics.factories import ExperimentFactory

    experiment = ExperimentFactory(product=product, concluded=True)
    client = client_for(pm)
    url = f"/products/churn-radar/metrics/experiments/{experiment.pk}/edit/"
    form = _the_post_form(client.get(url).content, url)

    response = client.post(url, _post_data(form["fields"]))

    assert response.status_code == 302
    experiment.refresh_from_db()
    assert (experiment.status, experiment.decision) == (Experiment.Status.CONCLUDED, "roll_out")


def test_the_sign_off_button_is_offered_only_when_every_required_criterion_is_met(product, lead):
    """Shown earlier, it was a form whose every submit was refused ("not met yet")."""
    from metrics.models import DoneCriterion
    from tests.metrics.factories import DefinitionOfDoneFactory, DoneCriterionFactory

    criterion = DoneCriterionFactory(definition=DefinitionOfDoneFactory(product=product))
    client = client_for(lead)
    sign_off = 'action="/products/churn-radar/metrics/done/sign-off/"'

    assert sign_off not in client.get("/products/churn-radar/metrics/").content.decode()
    DoneCriterion.objects.filter(pk=criterion.pk).update(met=True)
    assert sign_off in client.get("/products/churn-radar/metrics/").content.decode()
