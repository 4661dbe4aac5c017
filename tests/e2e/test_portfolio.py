import pytest
from django.core.management import call_command

from products.models import DataProduct
from tests.e2e.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_demo_pm_logs_in_and_sees_the_portfolio(browser_page, live_server):
    call_command("seed_demo", force=True, verbosity=0)
    page = browser_page

    log_in(page, live_server, "pm")

    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Portfolio").is_visible()
    names = page.locator("table.table tbody tr td:first-child a").all_inner_texts()
    assert len(names) == DataProduct.objects.count() >= 8
    assert sorted(names) == sorted(DataProduct.objects.values_list("name", flat=True))

    page.get_by_role("link", name=names[0]).click()
    assert page.get_by_role("heading", name=names[0]).is_visible()
    assert page.get_by_role("heading", name="Stage").is_visible()


def test_the_pm_moves_a_product_through_an_open_gate_in_place(browser_page, live_server):
    """The stage form posts through htmx (with the CSRF header from <body>) and swaps the panel."""
    call_command("seed_demo", force=True, verbosity=0)
    product = DataProduct.objects.get(slug="customer-health-api")
    assert product.stage == "definition"
    page = browser_page
    log_in(page, live_server, "pm")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/products/customer-health-api/")
    assert page.get_by_text("Next: Build.").is_visible()
    assert page.get_by_label("Move to").input_value() == "build"
    page.get_by_label("Note").fill("DoD signed off with Customer Success")
    page.evaluate("window.stillTheSamePage = true")  # lost if the browser loads a new page
    page.get_by_role("button", name="Change stage").click()

    history = page.locator("#stage-panel .timeline li").first
    history.get_by_text("DoD signed off with Customer Success").wait_for()
    assert "Definition → Build" in history.inner_text()
    assert page.evaluate("window.stillTheSamePage") is True
    product.refresh_from_db()
    assert product.stage == "build"


def test_the_ranked_table_fits_a_laptop_screen_with_the_health_words(browser_page, live_server):
    """The statuses name their deciding component and coverage ("Not enough data — covers 10 of
    100"); on one unbreakable line they pushed the owner and review columns out of sight at 1366
    px. The health cell wraps instead, so every column shows without scrolling sideways."""
    call_command("seed_demo", force=True, verbosity=0)
    assert DataProduct.objects.filter(health_status="not_enough_data").exists()
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, live_server, "lead")
    page.wait_for_url(f"{live_server.url}/")

    widths = page.evaluate(
        """() => { const wrap = document.querySelector('.portfolio-table').parentElement;
        return {content: wrap.scrollWidth, shown: wrap.clientWidth}; }"""
    )
    assert widths["content"] <= widths["shown"], widths
    badge = page.locator("a.health-badge.health-not_enough_data").first
    assert "covers" in badge.inner_text()
