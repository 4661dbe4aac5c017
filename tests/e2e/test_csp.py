"""Under the strict Content-Security-Policy the pages still work: the browser reports no
violation and no console error on the main pages, the admin and the API docs, and what the
pages do with JavaScript (htmx swaps, the Print button) still happens."""

import pytest
from django.core.management import call_command

from metrics.models import KPI
from products.models import DataProduct
from tests.e2e.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Registered before any page script runs, so nothing the page does goes unheard.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


def watch(page) -> list[str]:
    errors: list[str] = []
    page.add_init_script(LISTEN)

    def console(message) -> None:
        # The admin's pages name no icon, so Chromium asks for /favicon.ico: not the policy's.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location['url']})")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def visit(page, url: str, errors: list[str]) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__violations")
    assert violations == [], (url, violations)
    assert errors == [], (url, errors)


def test_the_main_pages_run_without_a_policy_violation(browser_page, live_server):
    call_command("seed_demo", force=True, verbosity=0)
    call_command("check_staleness", verbosity=0)  # alerts, for the navigation's count
    product = DataProduct.objects.get(slug="campaign-performance")
    kpi = KPI.objects.filter(product=product).first()
    interview = product.interviews.first()
    page = browser_page
    errors = watch(page)
    log_in(page, live_server, "admin")
    page.wait_for_url(f"{live_server.url}/")

    base = f"{live_server.url}/products/{product.slug}"
    for url in [
        f"{live_server.url}/",
        f"{live_server.url}/roadmap/",
        f"{live_server.url}/roadmap/?view=matrix",
        f"{live_server.url}/roadmap/scoring/",
        f"{live_server.url}/alerts/",
        f"{live_server.url}/products/import/",
        f"{base}/",
        f"{base}/health/",
        f"{base}/discovery/",
        f"{base}/discovery/assumptions/",
        f"{base}/discovery/interviews/{interview.pk}/edit/",
        f"{base}/roadmap/",
        f"{base}/metrics/",
        f"{base}/metrics/kpis/{kpi.pk}/",
        f"{base}/adoption/",
        f"{live_server.url}/admin/",
        f"{live_server.url}/admin/products/dataproduct/",
        f"{live_server.url}/admin/products/dataproduct/{product.pk}/change/",
        f"{live_server.url}/api/v1/docs",
    ]:
        visit(page, url, errors)

    # Swagger UI drew the API and opens an operation without an inline style.
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock-summary").first.click()
    page.locator(".opblock-body").first.wait_for()
    assert page.evaluate("window.__violations") == []
    assert errors == []

    # htmx filled in the alert count after the page (a request htmx made under the policy).
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".nav-count-slot").inner_text().strip() != ""
    # The health page's Print button works from its script file.
    page.goto(f"{base}/health/")
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed") is True
    # The bars are drawn: a KPI's progress fills part of its box.
    page.goto(f"{base}/metrics/")
    boxes = [
        (fill.get_attribute("width"), fill.bounding_box()["width"], svg.bounding_box()["width"])
        for fill, svg in zip(
            page.locator(".progress .bar-fill").all(),
            page.locator(".progress .bar").all(),
            strict=True,
        )
    ]
    assert boxes
    assert all(abs(float(w) / 100 * box - drawn) < 1.5 for w, drawn, box in boxes)
    assert any(drawn > 0 for _w, drawn, _box in boxes)
