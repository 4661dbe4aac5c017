"""A strict Content-Security-Policy (no 'unsafe-inline') on every page, and pages it does not
break: no inline script, style attribute, <style> element or on* handler in any template, in any
HTML that Python writes, or in any page as served."""

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests.helpers import client_for

ROOT = Path(__file__).resolve().parent.parent
APPS = ("dpm", "products", "discovery", "roadmaps", "metrics", "adoption", "api")

INLINE_IN_TEMPLATE = [
    (re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S), "an on* event handler attribute"),
    (re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S), "a style attribute"),
    (re.compile(r"<style[\s>]", re.I), "a <style> element"),
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def assert_strict(response, path: str) -> None:
    assert "Content-Security-Policy" in response, path
    found = policy(response)
    assert found["default-src"] == ["'self'"], path
    for directive in ("script-src", "style-src"):
        assert found[directive] == ["'self'"], (path, directive, found[directive])
    assert found["object-src"] == ["'none'"], path
    assert found["frame-ancestors"] == ["'none'"], path
    assert found["base-uri"] == ["'none'"], path
    assert found["form-action"] == ["'self'"], path


class _InlineFinder(HTMLParser):
    """Everything in served HTML that a strict policy would block."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}={value!r}>")
            scripted = (value or "").strip().lower().startswith("javascript:")
            if name in ("href", "src", "action") and scripted:
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and not names.get("src") and names.get("type") != "application/json":
            self.found.append("<script> without src")
        if tag == "a" and names.get("href"):
            self.links.append(names["href"])


def inline_parts(html: str) -> tuple[list[str], list[str]]:
    finder = _InlineFinder()
    finder.feed(html)
    return finder.found, finder.links


def test_no_template_has_inline_script_style_or_handlers():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    for app in APPS:
        templates += sorted((ROOT / app).rglob("templates/**/*.html"))
    assert len(templates) > 50
    problems = [
        f"{path.relative_to(ROOT)}: {what}: {match.group(0)[:80]!r}"
        for path in templates
        for pattern, what in INLINE_IN_TEMPLATE
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert problems == []


def test_no_python_writes_a_style_attribute_or_inline_handler():
    """SVG presentation attributes (fill=, width=) are fine under style-src 'self'; style= is
    not."""
    pattern = re.compile(r"<[a-zA-Z][^>\n]*\s(?:style|on[a-z]+)=")
    sources = [path for app in APPS for path in sorted((ROOT / app).rglob("*.py"))]
    problems = [
        f"{path.relative_to(ROOT)}: {match.group(0)[:80]!r}"
        for path in sources
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert problems == []


def test_htmx_injects_no_inline_indicator_style(client, pm):
    page = client_for(pm).get("/").content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'', page).group(1)
    assert '"includeIndicatorStyles":false' in config
    # eval (hx-on, trigger filters) would need 'unsafe-eval': dpm does without it.
    assert '"allowEval":false' in config


def test_the_login_page_sends_the_policy(client):
    response = client.get("/accounts/login/")
    assert_strict(response, "/accounts/login/")
    assert inline_parts(response.content.decode())[0] == []


def _shape(path: str, slugs: set[str]) -> str:
    """One page per kind: product slugs and ids do not make a page new."""
    parts = path.split("/")
    return "/".join("<slug>" if part in slugs else re.sub(r"^\d+$", "<id>", part) for part in parts)


SKIPPED = ("/accounts/logout/", "/admin/", "/api/v1/")


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["admin", "pm", "stakeholder"])
def test_every_page_reached_from_the_portfolio_is_strict_and_inline_free(username):
    """Walk the demo from the portfolio, following every link, one page of each kind."""
    call_command("seed_demo", force=True, verbosity=0)
    from products.models import DataProduct

    slugs = set(DataProduct.objects.values_list("slug", flat=True))
    client = client_for(get_user_model().objects.get(username=username))
    queue, seen, visited = deque(["/"]), {"/"}, []
    while queue:
        path = queue.popleft()
        response = client.get(path)
        visited.append(path)
        assert response.status_code == 200, path
        assert_strict(response, path)
        if not response["Content-Type"].startswith("text/html"):
            continue
        found, links = inline_parts(response.content.decode())
        assert found == [], path
        for link in links:
            url = urlsplit(urljoin(path, link))
            target = url.path + (f"?{url.query}" if url.query else "")
            if url.netloc or not url.path.startswith("/") or url.path.startswith(SKIPPED):
                continue
            if url.path.endswith((".csv", ".yaml")):
                continue
            shape = _shape(target, slugs)
            if shape not in seen:
                seen.add(shape)
                queue.append(target)
    # The walk reached the product's sections, not just the portfolio.
    assert any("/metrics/kpis/" in path for path in visited), visited
    assert any("/health/" in path for path in visited), visited
    assert any("/discovery/" in path for path in visited), visited
    assert any("/adoption/" in path for path in visited), visited


@pytest.mark.django_db
def test_error_pages_and_the_api_send_the_policy_too(pm):
    assert_strict(client_for(pm).get("/products/no-such-product/"), "404")
    assert_strict(Client().get("/healthz"), "/healthz")


@pytest.mark.django_db
def test_the_api_docs_allow_data_images_and_nothing_inline(pm):
    response = client_for(pm).get("/api/v1/docs")
    assert response.status_code == 200
    found = policy(response)
    assert found["img-src"] == ["'self'", "data:"]
    assert found["script-src"] == found["style-src"] == ["'self'"]


@pytest.mark.django_db
def test_the_admin_gets_the_strict_policy(admin_user):
    response = client_for(admin_user).get("/admin/")
    assert response.status_code == 200
    assert_strict(response, "/admin/")
    assert policy(response)["img-src"] == ["'self'"]
