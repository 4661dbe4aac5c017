import pytest
from django.core.management import call_command

from products.models import DataProduct
from tests.e2e.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_stakeholder_reads_a_product_s_health_from_the_portfolio(browser_page, live_server):
    call_command("seed_demo", force=True, verbosity=0)
    product = DataProduct.objects.get(slug="campaign-performance")
    components = {c["key"]: c for c in product.health_breakdown["components"]}
    page = browser_page

    log_in(page, live_server, "stakeholder")
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name=product.name, exact=True).first.click()
    page.get_by_role("navigation", name=f"{product.name} sections").get_by_role(
        "link", name="Health"
    ).click()

    page.wait_for_url(f"{live_server.url}/products/{product.slug}/health/")
    summary = page.get_by_test_id("health-summary")
    assert f"{product.health_score:g}" in summary.inner_text()
    assert "At risk" in summary.inner_text()
    listed = page.get_by_test_id("health-components").locator("li")
    assert listed.count() == 5
    adoption = page.locator('[data-component="adoption"]')
    assert components["adoption"]["explanation"] in adoption.inner_text()
    assert f"Adoption {components['adoption']['value']:g}:" in adoption.inner_text()
    # A stakeholder changes nothing: no forms on the page, no edit link.
    assert page.locator("main form").count() == 0
    assert page.get_by_role("link", name="Edit product").count() == 0
