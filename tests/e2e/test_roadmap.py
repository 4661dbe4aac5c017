import pytest
from django.core.management import call_command

from roadmaps.models import RoadmapItem
from tests.e2e.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_lead_filters_the_board_moves_an_item_to_now_and_rescores_it(browser_page, live_server):
    call_command("seed_demo", force=True, verbosity=0)
    item = (
        RoadmapItem.objects.filter(horizon="next", status__in=RoadmapItem.OPEN_STATUSES)
        .select_related("product")
        .order_by("pk")
        .first()
    )
    product = item.product
    page = browser_page
    log_in(page, live_server, "lead")
    page.wait_for_url(f"{live_server.url}/")

    # Filter the board to one product; the filter stays in the URL.
    page.goto(f"{live_server.url}/roadmap/")
    page.get_by_label("Product").select_option(product.slug)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(f"**/roadmap/?*product={product.slug}*")
    next_column = page.locator("section.board-column").nth(1)
    card = next_column.locator(f"#item-{item.pk}")
    assert card.is_visible()

    # Move it from Next to Now: the board answers in place.
    card.locator("summary", has_text="Reprioritize").click()
    with page.expect_response(lambda response: "/move/" in response.url):
        card.get_by_label("Column").select_option("now")
    now_column = page.locator("section.board-column").first
    now_column.locator(f"#item-{item.pk}").wait_for()
    item.refresh_from_db()
    assert item.horizon == "now"
    assert f"product={product.slug}" in page.url  # still filtered

    # Edit its effort: the card shows the new score.
    card = now_column.locator(f"#item-{item.pk}")
    before = item.score
    card.locator("summary", has_text="Reprioritize").click()
    card.get_by_label("Effort").select_option("XXL" if item.effort != "XXL" else "XS")
    with page.expect_response(lambda response: "/inputs/" in response.url):
        card.get_by_role("button", name="Update score").click()
    item.refresh_from_db()
    page.locator(f"#item-{item.pk} [data-testid=score]", has_text=f"{item.score:.1f}").wait_for()
    assert item.score != before
