"""The adoption page as a whole: who reads it, the decision it serves, edit controls only for the
team, and a query count that does not grow with the data (DESIGN.md §4, §7, §10)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from adoption.models import UsageSnapshot
from tests.adoption.factories import (
    AdoptionBarrierFactory,
    EnablementAssetFactory,
    FeedbackFactory,
    UsageSnapshotFactory,
    monday,
)
from tests.discovery.factories import InsightFactory, InterviewFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

PAGE = "/products/churn-radar/adoption/"
EDIT_CONTROLS = [
    'action="/products/churn-radar/adoption/usage/"',
    'action="/products/churn-radar/adoption/usage/import/"',
    'href="/products/churn-radar/adoption/barriers/new/"',
    "/move/",
    'action="/products/churn-radar/adoption/assets/"',
    "/delete/",
    'action="/products/churn-radar/adoption/feedback/"',
    "/edit/",
]


@pytest.fixture
def filled(product):
    """A week of usage, a barrier, an asset and feedback: every control has something to act on."""
    UsageSnapshotFactory(product=product, week_start=monday(1), active_users=31)
    AdoptionBarrierFactory(product=product, description="Nobody finds the dashboard.")
    EnablementAssetFactory(product=product, title="How to read it")
    FeedbackFactory(product=product, rating=4)
    return product


@pytest.mark.parametrize(
    "who", ["pm", "team_member", "other_pm", "lead", "stakeholder", "admin_user"]
)
def test_it_shows_the_page_to_everyone_who_sees_the_product(request, filled, who):
    response = client_for(request.getfixturevalue(who)).get(PAGE)

    assert response.status_code == 200
    content = response.content.decode()
    for heading in ("Weekly usage", "Adoption barriers", "Enablement", "Feedback"):
        assert heading in content
    assert "Nobody finds the dashboard." in content
    assert "How to read it" in content


def test_it_is_404_for_outsiders_and_sends_anonymous_users_to_log_in(filled, outsider):
    assert client_for(outsider).get(PAGE).status_code == 404

    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_stakeholder_listed_on_the_product_reads_it_even_without_a_role(
    filled, django_user_model
):
    listed = django_user_model.objects.create_user("listed", password="pw-for-tests")
    filled.stakeholders.add(listed)

    assert client_for(listed).get(PAGE).status_code == 200


def test_it_shows_the_decision_the_meeting_and_the_target_first(product, stakeholder):
    product.decision = "Which at-risk accounts get a save-call this week."
    product.decision_meeting = "Monday pipeline review"
    product.target_users = 40
    product.save()

    content = client_for(stakeholder).get(PAGE).content.decode()

    decision = content.index("Which at-risk accounts get a save-call this week.")
    assert decision < content.index("Weekly usage")
    assert "Monday pipeline review" in content
    assert "<dd>40</dd>" in content


def test_it_says_when_the_decision_is_missing_and_links_editors_to_the_edit_page(
    product, pm, stakeholder
):
    product.decision = ""
    product.decision_meeting = ""
    product.save()
    edit_link = 'href="/products/churn-radar/edit/"'

    owner_page = client_for(pm).get(PAGE).content.decode()
    reader_page = client_for(stakeholder).get(PAGE).content.decode()

    for page in (owner_page, reader_page):
        assert "Not written down yet" in page
        assert "No meeting named yet" in page
    assert edit_link in owner_page
    assert edit_link not in reader_page


@pytest.mark.parametrize("who", ["stakeholder", "lead", "other_pm"])
def test_read_only_users_see_no_edit_controls(request, filled, who):
    content = client_for(request.getfixturevalue(who)).get(PAGE).content.decode()

    for control in EDIT_CONTROLS:
        assert control not in content


@pytest.mark.parametrize("who", ["pm", "team_member", "admin_user"])
def test_the_team_sees_every_edit_control(request, filled, who):
    content = client_for(request.getfixturevalue(who)).get(PAGE).content.decode()

    for control in EDIT_CONTROLS:
        assert control in content


def test_the_adoption_tab_follows_metrics_and_is_current(filled, pm):
    content = client_for(pm).get(PAGE).content.decode()

    tab = f'<a href="{PAGE}" aria-current="page">Adoption</a>'
    assert tab in content
    assert content.index(">Metrics</a>") < content.index(tab)


def test_the_other_product_tabs_link_to_the_adoption_page(filled, pm):
    content = client_for(pm).get("/products/churn-radar/metrics/").content.decode()

    assert f'<a href="{PAGE}">Adoption</a>' in content


def test_it_links_the_adoption_stylesheet(filled, pm):
    assert b"/static/css/adoption.css" in client_for(pm).get(PAGE).content


# --- query counts ---------------------------------------------------------------------------------


def _fill(product, *, weeks: int, barriers: int, assets: int, feedback: int) -> None:
    UsageSnapshot.objects.bulk_create(
        UsageSnapshot(product=product, week_start=monday(n), active_users=10 + n % 7)
        for n in range(weeks)
    )
    interview = InterviewFactory(product=product)
    pii = InterviewFactory(product=product, contains_pii=True)
    for n in range(barriers):
        AdoptionBarrierFactory(
            product=product,
            status=["open", "mitigating", "resolved"][n % 3],
            insights=[InsightFactory(interview=interview), InsightFactory(interview=pii)],
        )
    for n in range(assets):
        EnablementAssetFactory(product=product, kind=["prd", "docs", "training"][n % 3])
    for n in range(feedback):
        FeedbackFactory(
            product=product,
            rating=n % 5 + 1,
            given_at=timezone.now() - datetime.timedelta(days=n),
        )


SMALL = {"weeks": 5, "barriers": 3, "assets": 2, "feedback": 2}
LARGE = {"weeks": 200, "barriers": 60, "assets": 30, "feedback": 45}


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
def test_the_owners_page_query_count_does_not_grow_with_the_data(
    django_assert_num_queries, product, pm, size
):
    _fill(product, **size)
    client = client_for(pm)
    # 1 session, 2 user, 3 the user's roles, 4 the product with the user's rights,
    # 5 the usage weeks in the chart's window, 6 the count and span of all recorded weeks,
    # 7 barriers, 8 the insights behind them the reader may see (one prefetch),
    # 9 enablement assets, 10 feedback mean, count and spread, 11 the latest feedback with
    # their authors, 12 the people the feedback form offers (editors only).
    with django_assert_num_queries(12):
        response = client.get(PAGE)
    assert response.status_code == 200
    assert response.content.count(b'class="barrier-card') == size["barriers"]


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
def test_a_readers_page_query_count_does_not_grow_with_the_data(
    django_assert_num_queries, product, stakeholder, size
):
    _fill(product, **size)
    client = client_for(stakeholder)
    # As for the owner, without the feedback form's people: 11.
    with django_assert_num_queries(11):
        response = client.get(PAGE)
    assert response.status_code == 200
    assert response.content.count(b'class="barrier-card') == size["barriers"]
