import re

import pytest
from django.core.management import call_command

from discovery.models import Evidence, Hypothesis, Insight, Interview
from tests.e2e.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NOTES = "## Monday prep\n\nShe said: we never trust the churn number before the meeting.\n"
PASSAGE = "we never trust the churn number before the meeting"


def test_a_pm_runs_a_discovery_loop_in_the_browser(browser_page, live_server):
    """Log an interview, type notes that autosave, turn a selected passage into an insight,
    link it as evidence to a hypothesis and see the balance change."""
    call_command("seed_demo", force=True, verbosity=0)
    hypothesis = Hypothesis.objects.filter(product__slug="customer-health-api").first()
    before = hypothesis.evidence.filter(stance="supports").count()
    page = browser_page
    base = f"{live_server.url}/products/customer-health-api/discovery"
    log_in(page, live_server, "pm")
    page.wait_for_url(f"{live_server.url}/")

    # Log the interview.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Log an interview").click()
    page.get_by_label("Who you talked to").fill("Malin Østberg")
    page.get_by_role("button", name="Start taking notes").click()
    page.wait_for_url(re.compile(r"/discovery/interviews/\d+/$"))
    interview = Interview.objects.get(interviewee_name="Malin Østberg")

    # Type notes: they save themselves.
    notes = page.get_by_label("Notes (Markdown)")
    notes.fill(NOTES)
    page.locator("#save-status.ok").wait_for()  # set by the autosave's answer only
    interview.refresh_from_db()
    assert interview.notes == NOTES
    assert interview.version == 2

    # Select a passage and make it an insight.
    start = NOTES.index(PASSAGE)
    notes.evaluate(f"(el) => el.setSelectionRange({start}, {start + len(PASSAGE)})")
    page.get_by_role("button", name="Make insight from selection").click()
    assert page.get_by_label("Text").input_value() == PASSAGE
    page.get_by_label("Kind").select_option("pain")
    page.get_by_label("Tags").fill("trust")
    page.get_by_role("button", name="Add insight").click()
    page.locator("#insights li", has_text=PASSAGE).wait_for()
    insight = Insight.objects.get(interview=interview)
    assert (insight.text, insight.kind) == (PASSAGE, "pain")

    # Link it as evidence to a hypothesis and watch the balance change.
    page.goto(f"{base}/hypotheses/{hypothesis.pk}/")
    balance = page.get_by_test_id("balance")
    assert f"{before} supporting" in balance.inner_text()
    page.get_by_label("Find an insight or experiment").fill("trust churn number")
    candidate = page.locator("#candidates li", has_text=PASSAGE)
    candidate.get_by_role("button", name="Supports").click()
    page.get_by_test_id("balance").filter(has_text=f"{before + 1} supporting").wait_for()
    assert Evidence.objects.filter(
        hypothesis=hypothesis, insight=insight, stance="supports"
    ).exists()
