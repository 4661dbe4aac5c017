"""Pages that htmx changes must not come back stale from the browser's Back button (issue 12):
signed-in answers are never stored, one URL with two answers says so (Vary), htmx keeps no DOM
snapshots of its own, and the notes editor can read its current version again."""

import json
import re

import pytest

from tests.discovery.factories import HypothesisFactory, InsightFactory, InterviewFactory
from tests.helpers import client_for
from tests.roadmaps.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def interview(product):
    return InterviewFactory(product=product, notes="First words")


@pytest.fixture
def hypothesis(product):
    return HypothesisFactory(product=product)


def not_stored(response) -> bool:
    """`no-store`: neither the HTTP cache nor Chromium's back/forward cache keeps the page (a
    history navigation reuses a `no-cache` or `max-age=0` copy without asking the server)."""
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def varies_on_htmx(response) -> bool:
    return "hx-request" in response.get("Vary", "").lower()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/roadmap/",
        "/alerts/",
        "/products/churn-radar/",
        "/products/churn-radar/metrics/",
        "/products/churn-radar/discovery/",
    ],
)
def test_signed_in_pages_are_never_stored(pm, product, path):
    response = client_for(pm).get(path)
    assert response.status_code == 200
    assert not_stored(response)


def test_the_interview_and_hypothesis_pages_are_never_stored(pm, interview, hypothesis):
    client = client_for(pm)
    for path in (
        f"/products/churn-radar/discovery/interviews/{interview.pk}/",
        f"/products/churn-radar/discovery/hypotheses/{hypothesis.pk}/?q=invoices",
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert not_stored(response), path


@pytest.mark.parametrize("path", ["/", "/roadmap/", "/alerts/"])
def test_pages_with_a_fragment_answer_vary_on_htmx_both_ways(lead, product, path):
    RoadmapItemFactory(product=product)
    client = client_for(lead)
    full, fragment = client.get(path), client.get(path, **HTMX)
    assert b"<html" in full.content
    assert b"<html" not in fragment.content
    for response in (full, fragment):
        assert not_stored(response)
        assert varies_on_htmx(response)


def test_htmx_answers_after_a_change_are_never_stored(lead, product):
    item = RoadmapItemFactory(product=product)
    response = client_for(lead).post(f"/roadmap/items/{item.pk}/move/", {"horizon": "now"}, **HTMX)
    assert response.status_code == 200
    assert not_stored(response)


def test_a_signed_in_error_page_is_not_stored_either(pm, product):
    response = client_for(pm).get("/products/no-such-product/")
    assert response.status_code == 404
    assert not_stored(response)


def test_a_view_that_sets_its_own_cache_policy_keeps_it(pm, product):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from dpm.middleware import PrivatePagesMiddleware

    request = RequestFactory().get("/")
    request.user = pm

    def own_policy(_):
        response = HttpResponse("public figures")
        response["Cache-Control"] = "public, max-age=60"
        return response

    assert PrivatePagesMiddleware(own_policy)(request)["Cache-Control"] == "public, max-age=60"


def test_htmx_keeps_no_snapshot_of_a_page_to_restore_on_back(pm, product):
    content = client_for(pm).get("/").content.decode()
    config = json.loads(re.search(r'name="htmx-config" content=\'([^\']*)\'', content)[1])
    # No DOM snapshot in localStorage (it would be restored stale), and a miss reloads the
    # whole page rather than asking a view for it with HX-Request set.
    assert config["historyCacheSize"] == 0
    assert config["refreshOnHistoryMiss"] is True


def test_a_history_restore_of_the_board_gets_the_whole_page(lead, product):
    RoadmapItemFactory(product=product)
    response = client_for(lead).get(
        "/roadmap/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert b"<html" in response.content


# --- the notes editor reads its version again ---------------------------------------------------


def test_the_notes_editor_reads_the_current_notes_and_version(pm, interview):
    client = client_for(pm)
    url = f"/products/churn-radar/discovery/interviews/{interview.pk}/notes/"
    saved = client.post(url, {"notes": "Saved words", "version": interview.version}, **HTMX)
    assert saved.status_code == 200

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert not_stored(response)
    interview.refresh_from_db()
    assert response.json() == {"notes": "Saved words", "version": interview.version}
    assert interview.version == 2  # one save after the first version


@pytest.mark.parametrize(
    ("who", "status"), [("other_pm", 403), ("lead", 403), ("stakeholder", 403), ("outsider", 404)]
)
def test_only_the_team_reads_the_notes_version(request, interview, who, status):
    url = f"/products/churn-radar/discovery/interviews/{interview.pk}/notes/"
    response = client_for(request.getfixturevalue(who)).get(url)
    assert response.status_code == status
    assert b"First words" not in response.content


def test_the_notes_editor_version_and_text_are_not_restored_by_the_browser(pm, interview):
    content = (
        client_for(pm)
        .get(f"/products/churn-radar/discovery/interviews/{interview.pk}/")
        .content.decode()
    )
    # Form restoration on Back would put an old version (or old text) over a fresh page.
    assert re.search(
        r'<input type="hidden" name="version" id="notes-version"[^>]*autocomplete="off"', content
    )
    assert re.search(r'<textarea name="notes" id="id_notes"[^>]*autocomplete="off"', content, re.S)


# --- evidence search results survive Back -------------------------------------------------------


def test_the_evidence_search_puts_its_query_in_the_address(pm, hypothesis):
    InsightFactory(interview=InterviewFactory(product=hypothesis.product), text="invoices late")
    base = f"/products/churn-radar/discovery/hypotheses/{hypothesis.pk}/"
    response = client_for(pm).get(f"{base}evidence/candidates/", {"q": "late invoices"}, **HTMX)
    assert response.status_code == 200
    # The address becomes the page that shows the same results without JavaScript, so Back (or
    # a reload) finds them again.
    assert response["HX-Replace-Url"] == f"{base}?q=late+invoices#evidence"
    page = client_for(pm).get(f"{base}?q=late+invoices")
    assert b"invoices late" in page.content
