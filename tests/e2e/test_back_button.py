"""The browser's Back button shows pages as they are now, not as they were first loaded before
htmx changed them (issue 12): a moved and rescored card, saved notes, evidence search results."""

import re

import pytest
from django.core.management import call_command
from django.db.models import F
from playwright.sync_api import expect

from discovery.models import Hypothesis, Insight, Interview
from roadmaps.models import RoadmapItem
from tests.e2e.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo():
    call_command("seed_demo", force=True, verbosity=0)


def signed_in(page, live_server, username: str):
    log_in(page, live_server, username)
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_back_shows_a_moved_card_in_its_new_column_with_its_new_score(
    demo, browser_page, live_server
):
    item = (
        RoadmapItem.objects.filter(horizon="next", status__in=RoadmapItem.OPEN_STATUSES)
        .select_related("product")
        .order_by("pk")
        .first()
    )
    page = signed_in(browser_page, live_server, "lead")
    board = f"{live_server.url}/roadmap/?product={item.product.slug}"
    page.goto(board)
    card = page.locator(f"#column-next #item-{item.pk}")
    card.locator("summary", has_text="Reprioritize").click()
    with page.expect_response(lambda response: "/move/" in response.url):
        card.get_by_label("Column").select_option("now")
    card = page.locator(f"#column-now #item-{item.pk}")
    card.wait_for()
    card.locator("summary", has_text="Reprioritize").click()
    card.get_by_label("Effort").select_option("XXL" if item.effort != "XXL" else "XS")
    with page.expect_response(lambda response: "/inputs/" in response.url):
        card.get_by_role("button", name="Update score").click()
    item.refresh_from_db()
    assert item.horizon == "now"
    score = f"{item.score:.1f}"
    page.locator(f"#item-{item.pk} [data-testid=score]", has_text=score).wait_for()

    page.get_by_role("link", name=item.product.name).first.click()  # away, then Back
    page.wait_for_url(re.compile(rf"/products/{item.product.slug}/$"))
    page.go_back()
    page.wait_for_url(board)

    assert page.locator(f"#column-now #item-{item.pk}").count() == 1
    assert page.locator(f"#column-next #item-{item.pk}").count() == 0
    assert page.locator(f"#item-{item.pk} [data-testid=score]").inner_text() == score


def _pm_interview() -> Interview:
    return Interview.objects.filter(product__owner__username="pm").order_by("pk").first()


def test_back_to_saved_notes_then_typing_saves_without_a_conflict(demo, browser_page, live_server):
    interview = _pm_interview()
    page = signed_in(browser_page, live_server, "pm")
    url = (
        f"{live_server.url}/products/{interview.product.slug}/discovery/interviews/{interview.pk}/"
    )
    page.goto(url)
    notes = page.get_by_label("Notes (Markdown)")
    notes.fill("First thoughts.")
    page.locator("#save-status.ok").wait_for()

    page.goto(f"{live_server.url}/roadmap/")  # away, then Back
    page.go_back()
    page.wait_for_url(url)

    assert notes.input_value() == "First thoughts."
    notes.fill("First thoughts. Second thoughts.")
    page.locator("#save-status.ok").wait_for()
    assert page.locator("#notes-editor.conflict").count() == 0
    interview.refresh_from_db()
    assert interview.notes == "First thoughts. Second thoughts."


def test_a_page_shown_again_from_the_back_forward_cache_reads_its_version_again(
    demo, browser_page, live_server
):
    """A save that finished after the page was left never told the page its version; shown
    again as it was left, the editor asks the server, so the next keystroke saves cleanly."""
    interview = _pm_interview()
    page = signed_in(browser_page, live_server, "pm")
    page.goto(
        f"{live_server.url}/products/{interview.product.slug}/discovery/interviews/{interview.pk}/"
    )
    notes = page.get_by_label("Notes (Markdown)")
    notes.fill("Typed before leaving.")
    page.locator("#save-status.ok").wait_for()
    # The same text saved once more, whose answer the page never saw (it was left meanwhile).
    Interview.objects.filter(pk=interview.pk).update(version=F("version") + 1)
    interview.refresh_from_db()

    # Playwright's Chromium runs without the back/forward cache; this is the event a page
    # restored from it receives.
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    # expect(), not wait_for_function: that evaluates a string in the page, which the
    # Content-Security-Policy (no eval) refuses.
    expect(page.locator("#notes-version")).to_have_value(str(interview.version))

    notes.fill("Typed before leaving. And after.")
    page.locator("#save-status.ok").wait_for()
    assert page.locator("#notes-editor.conflict").count() == 0
    interview.refresh_from_db()
    assert interview.notes == "Typed before leaving. And after."


def test_back_finds_the_evidence_search_results_again(demo, browser_page, live_server):
    insight = Insight.objects.filter(interview__product__owner__username="pm").first()
    hypothesis = Hypothesis.objects.filter(product=insight.interview.product).first()
    words = " ".join(insight.text.split()[:3])
    page = signed_in(browser_page, live_server, "pm")
    discovery = f"{live_server.url}/products/{hypothesis.product.slug}/discovery"
    url = f"{discovery}/hypotheses/{hypothesis.pk}/"
    page.goto(url)
    page.get_by_label("Find an insight or experiment").fill(words)
    page.locator("#candidates li").first.wait_for()
    found = page.locator("#candidates li").count()
    page.wait_for_url(re.compile(r"\?q="))

    page.goto(f"{live_server.url}/roadmap/")  # away, then Back
    page.go_back()
    page.wait_for_url(re.compile(r"\?q="))

    page.locator("#candidates li").first.wait_for()
    assert page.locator("#candidates li").count() == found
    assert page.get_by_label("Find an insight or experiment").input_value() == words
