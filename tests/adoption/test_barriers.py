"""The barrier board: open → mitigating → resolved, each card linked to the insights that revealed
it, shown only as far as the reader may see them (DESIGN.md §4, §7)."""

import pytest

from adoption.models import AdoptionBarrier
from tests.adoption.factories import AdoptionBarrierFactory
from tests.discovery.factories import InsightFactory, InterviewFactory
from tests.helpers import client_for
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

PAGE = "/products/churn-radar/adoption/"
NEW = f"{PAGE}barriers/new/"
READ_ONLY = [("stakeholder", 403), ("lead", 403), ("other_pm", 403), ("outsider", 404)]
BARRIER_DATA = {
    "kind": "access",
    "severity": "4",
    "status": "open",
    "description": "Regional controllers have no Looker licence.",
    "action": "Ask for viewer licences in the next true-up.",
}


@pytest.fixture
def insight(product):
    return InsightFactory(
        interview=InterviewFactory(product=product), text="Cannot open the dashboard at all."
    )


@pytest.fixture
def pii_insight(product):
    return InsightFactory(
        interview=InterviewFactory(product=product, contains_pii=True),
        text="Jane Roe in Leeds has no licence.",
    )


@pytest.fixture
def barrier(product, insight, pii_insight):
    return AdoptionBarrierFactory(
        product=product,
        kind="trust",
        severity=4,
        description="Account managers do not believe the score.",
        action="Show the three main drivers.",
        insights=[insight, pii_insight],
    )


def column_of(response, barrier) -> str:
    for column in response.context["barrier_columns"]:
        if any(card.pk == barrier.pk for card in column["barriers"]):
            return column["status"]
    raise AssertionError("the barrier is on no column")


# --- the board ---------------------------------------------------------------------------------


def test_the_board_has_three_columns_with_each_barrier_in_its_own(product, stakeholder):
    cards = {
        status: AdoptionBarrierFactory(product=product, status=status, description=status * 2)
        for status in ("open", "mitigating", "resolved")
    }

    response = client_for(stakeholder).get(PAGE)

    assert [c["label"] for c in response.context["barrier_columns"]] == [
        "Open",
        "Mitigating",
        "Resolved",
    ]
    for status, card in cards.items():
        assert column_of(response, card) == status


def test_a_card_shows_kind_severity_description_and_action(barrier, stakeholder):
    content = client_for(stakeholder).get(PAGE).content.decode()

    for text in (
        '<span class="badge barrier-kind">Trust</span>',
        "severity 4/5",
        "Account managers do not believe the score.",
        "Show the three main drivers.",
    ):
        assert text in content


def test_the_board_counts_unresolved_barriers_by_kind(product, stakeholder):
    AdoptionBarrierFactory(product=product, kind="trust")
    AdoptionBarrierFactory(product=product, kind="trust", status="mitigating")
    AdoptionBarrierFactory(product=product, kind="access")
    AdoptionBarrierFactory(product=product, kind="skills", status="resolved")

    response = client_for(stakeholder).get(PAGE)

    assert response.context["barriers_unresolved_by_kind"] == [
        {"label": "Access", "count": 1},
        {"label": "Trust", "count": 2},
    ]


@pytest.mark.parametrize("who", ["pm", "team_member"])
def test_the_team_sees_every_insight_with_a_link_to_its_interview(request, barrier, who):
    content = client_for(request.getfixturevalue(who)).get(PAGE).content.decode()

    for insight in barrier.insights.all():
        assert insight.text in content
        link = f'href="/products/churn-radar/discovery/interviews/{insight.interview_id}/#insights"'
        assert link in content


def test_a_lead_sees_insights_from_interviews_without_pii_with_their_links(
    barrier, insight, pii_insight, lead
):
    content = client_for(lead).get(PAGE).content.decode()

    assert insight.text in content
    assert f"/discovery/interviews/{insight.interview_id}/" in content
    assert pii_insight.text not in content
    assert f"/discovery/interviews/{pii_insight.interview_id}/" not in content


@pytest.mark.parametrize("who", ["stakeholder", "other_pm"])
def test_readers_outside_the_team_never_see_pii_insights(request, barrier, pii_insight, who):
    content = client_for(request.getfixturevalue(who)).get(PAGE).content.decode()

    assert pii_insight.text not in content
    assert f"/discovery/interviews/{pii_insight.interview_id}/" not in content


def test_stakeholders_read_the_insight_but_get_no_link_to_the_raw_notes(
    barrier, insight, stakeholder
):
    content = client_for(stakeholder).get(PAGE).content.decode()

    assert insight.text in content
    assert "/discovery/interviews/" not in content


# --- adding and editing ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "team_member"])
def test_the_team_adds_a_barrier_with_the_insights_that_revealed_it(
    request, product, insight, pii_insight, who
):
    client = client_for(request.getfixturevalue(who))
    form = client.get(NEW)
    assert form.status_code == 200
    assert insight.text in form.content.decode()

    response = client.post(NEW, {**BARRIER_DATA, "insights": [insight.pk, pii_insight.pk]})

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#barriers"
    barrier = AdoptionBarrier.objects.get()
    assert (barrier.product, barrier.kind, barrier.severity, barrier.status) == (
        product,
        "access",
        4,
        "open",
    )
    assert set(barrier.insights.all()) == {insight, pii_insight}


def test_an_insight_of_another_product_cannot_be_linked(product, pm):
    elsewhere = InsightFactory(interview=InterviewFactory(product=DataProductFactory(owner=pm)))

    response = client_for(pm).post(NEW, {**BARRIER_DATA, "insights": [elsewhere.pk]})

    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not AdoptionBarrier.objects.exists()


def test_the_form_offers_only_this_products_insights(product, insight, pm):
    elsewhere = InsightFactory(
        interview=InterviewFactory(product=DataProductFactory(owner=pm)), text="Elsewhere."
    )

    content = client_for(pm).get(NEW).content.decode()

    assert insight.text in content
    assert elsewhere.text not in content


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"severity": "7"}, "Select a valid choice"),
        ({"severity": "0"}, "Select a valid choice"),
        ({"kind": "mood"}, "Select a valid choice"),
        ({"status": "done"}, "Select a valid choice"),
        ({"description": ""}, "This field is required"),
    ],
)
def test_bad_barrier_input_gets_a_clear_message_and_writes_nothing(product, pm, changes, message):
    response = client_for(pm).post(NEW, {**BARRIER_DATA, **changes})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not AdoptionBarrier.objects.exists()


def test_the_team_edits_a_barrier_and_its_insights(barrier, insight, team_member):
    client = client_for(team_member)
    url = f"{PAGE}barriers/{barrier.pk}/edit/"
    assert client.get(url).status_code == 200

    response = client.post(url, {**BARRIER_DATA, "status": "mitigating", "insights": [insight.pk]})

    assert response.status_code == 302
    barrier.refresh_from_db()
    assert (barrier.kind, barrier.status, barrier.severity) == ("access", "mitigating", 4)
    assert list(barrier.insights.all()) == [insight]


@pytest.mark.parametrize(("who", "status"), READ_ONLY)
def test_only_the_team_adds_or_edits_barriers(request, barrier, who, status):
    client = client_for(request.getfixturevalue(who))
    edit = f"{PAGE}barriers/{barrier.pk}/edit/"

    assert client.get(NEW).status_code == status
    assert client.post(NEW, BARRIER_DATA).status_code == status
    assert client.get(edit).status_code == status
    assert client.post(edit, BARRIER_DATA).status_code == status
    assert AdoptionBarrier.objects.count() == 1
    barrier.refresh_from_db()
    assert barrier.kind == "trust"


# --- moving a card -----------------------------------------------------------------------------


def test_moving_a_card_with_htmx_answers_with_the_updated_board(barrier, pm):
    response = client_for(pm).post(
        f"{PAGE}barriers/{barrier.pk}/move/", {"status": "mitigating"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert content.startswith('<section class="card adoption-section" id="barriers"')
    assert column_of(response, barrier) == "mitigating"
    barrier.refresh_from_db()
    assert barrier.status == "mitigating"


def test_moving_a_card_without_javascript_redirects_to_the_board(barrier, team_member):
    response = client_for(team_member).post(
        f"{PAGE}barriers/{barrier.pk}/move/", {"status": "resolved"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#barriers"
    barrier.refresh_from_db()
    assert barrier.status == "resolved"


def test_each_card_offers_the_two_other_columns(barrier, pm):
    content = client_for(pm).get(PAGE).content.decode()

    assert 'name="status" value="mitigating"' in content
    assert 'name="status" value="resolved"' in content
    assert 'name="status" value="open"' not in content


@pytest.mark.parametrize("status", ["", "done", "OPEN"])
def test_moving_to_an_unknown_column_is_a_400(barrier, pm, status):
    response = client_for(pm).post(f"{PAGE}barriers/{barrier.pk}/move/", {"status": status})

    assert response.status_code == 400
    assert b"open, mitigating or resolved" in response.content
    barrier.refresh_from_db()
    assert barrier.status == "open"


@pytest.mark.parametrize(("who", "status"), READ_ONLY)
def test_only_the_team_moves_cards(request, barrier, who, status):
    response = client_for(request.getfixturevalue(who)).post(
        f"{PAGE}barriers/{barrier.pk}/move/", {"status": "resolved"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == status
    barrier.refresh_from_db()
    assert barrier.status == "open"


def test_another_products_barrier_is_404(product, pm):
    other = AdoptionBarrierFactory(product=DataProductFactory(owner=pm))
    client = client_for(pm)

    assert client.get(f"{PAGE}barriers/{other.pk}/edit/").status_code == 404
    move = client.post(f"{PAGE}barriers/{other.pk}/move/", {"status": "resolved"})
    assert move.status_code == 404
    other.refresh_from_db()
    assert other.status == "open"


def test_moving_needs_a_post(barrier, pm):
    assert client_for(pm).get(f"{PAGE}barriers/{barrier.pk}/move/").status_code == 405
