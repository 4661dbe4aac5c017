"""Enablement assets (grouped by kind, with the missing kinds as a checklist) and feedback with its
ratings (DESIGN.md §4)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from adoption.models import EnablementAsset, Feedback
from adoption.services import feedback_add
from dpm.lib.validators import FUTURE_MESSAGE, RANGE_MESSAGE
from products.access import product_access
from tests.adoption.factories import EnablementAssetFactory, FeedbackFactory
from tests.helpers import client_for
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

PAGE = "/products/churn-radar/adoption/"
ASSETS = f"{PAGE}assets/"
FEEDBACK = f"{PAGE}feedback/"
READ_ONLY = [("stakeholder", 403), ("lead", 403), ("other_pm", 403), ("outsider", 404)]
ASSET_DATA = {"kind": "training", "title": "Recorded walkthrough", "url": "video.example.org/w"}


def feedback_data(**changes) -> dict:
    return {
        "author_name": "CFO office",
        "rating": "5",
        "text": "The Monday pack takes half the time.",
        "given_on": timezone.localdate().isoformat(),
        **changes,
    }


# --- enablement assets -------------------------------------------------------------------------


def test_assets_are_grouped_by_kind_with_their_links(product, stakeholder):
    EnablementAssetFactory(product=product, kind="prd", title="PRD", url="https://w.example/prd")
    EnablementAssetFactory(product=product, kind="docs", title="Definitions", url="")

    response = client_for(stakeholder).get(PAGE)

    groups = response.context["asset_groups"]
    assert [(g["label"], [a.title for a in g["assets"]]) for g in groups] == [
        ("PRD", ["PRD"]),
        ("Documentation", ["Definitions"]),
    ]
    assert '<a href="https://w.example/prd" rel="noopener">PRD</a>' in response.content.decode()


def test_the_kinds_still_missing_are_a_gentle_checklist(product, stakeholder):
    EnablementAssetFactory(product=product, kind="docs")
    EnablementAssetFactory(product=product, kind="channel")

    content = client_for(stakeholder).get(PAGE).content.decode()

    missing = ["No PRD yet", "No knowledge base yet", "No training yet", "No office hours yet"]
    for line in missing:
        assert line in content
    assert "No documentation yet" not in content
    assert "No channel yet" not in content


@pytest.mark.parametrize("who", ["pm", "team_member"])
def test_the_team_adds_an_asset(request, product, who):
    response = client_for(request.getfixturevalue(who)).post(ASSETS, ASSET_DATA)

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#enablement"
    asset = EnablementAsset.objects.get()
    assert (asset.product, asset.kind, asset.title, asset.url) == (
        product,
        "training",
        "Recorded walkthrough",
        "https://video.example.org/w",
    )


def test_adding_an_asset_with_htmx_answers_with_the_enablement_section(product, pm):
    response = client_for(pm).post(ASSETS, ASSET_DATA, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert content.startswith('<section class="card adoption-section" id="enablement"')
    assert "Recorded walkthrough" in content
    assert "No training yet" not in content
    assert EnablementAsset.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required"),
        ({"kind": "poster"}, "Select a valid choice"),
        ({"url": "not a link"}, "Enter a valid URL"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_a_bad_asset_gets_a_clear_message_and_writes_nothing(product, pm, changes, message, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = client_for(pm).post(ASSETS, {**ASSET_DATA, **changes}, **headers)

    assert response.status_code == 422
    content = response.content.decode()
    assert message in content
    assert ("<html" in content) is not htmx
    assert not EnablementAsset.objects.exists()


def test_the_team_removes_an_asset(product, pm):
    asset = EnablementAssetFactory(product=product)

    response = client_for(pm).post(f"{ASSETS}{asset.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#enablement"
    assert not EnablementAsset.objects.exists()


def test_removing_an_asset_with_htmx_answers_with_the_section(product, team_member):
    asset = EnablementAssetFactory(product=product, title="Old walkthrough")

    response = client_for(team_member).post(f"{ASSETS}{asset.pk}/delete/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert "Removed “Old walkthrough”." in content
    assert not EnablementAsset.objects.exists()


@pytest.mark.parametrize(("who", "status"), READ_ONLY)
def test_only_the_team_adds_or_removes_assets(request, product, who, status):
    asset = EnablementAssetFactory(product=product)
    client = client_for(request.getfixturevalue(who))

    assert client.post(ASSETS, ASSET_DATA).status_code == status
    assert client.post(f"{ASSETS}{asset.pk}/delete/").status_code == status
    assert list(EnablementAsset.objects.all()) == [asset]


def test_another_products_asset_is_404(product, pm):
    other = EnablementAssetFactory(product=DataProductFactory(owner=pm))

    assert client_for(pm).post(f"{ASSETS}{other.pk}/delete/").status_code == 404
    assert EnablementAsset.objects.filter(pk=other.pk).exists()


# --- feedback ----------------------------------------------------------------------------------


def test_feedback_is_listed_with_ratings_authors_dates_and_the_mean(
    product, stakeholder, django_user_model
):
    dana = django_user_model.objects.create_user("dana", first_name="Dana", last_name="Ng")
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    FeedbackFactory(product=product, user=dana, rating=4, text="Saves me an hour.")
    FeedbackFactory(
        product=product, user=None, author_name="Sales ops", rating=2, given_at=three_days_ago
    )
    FeedbackFactory(product=DataProductFactory(), rating=1)  # another product's

    response = client_for(stakeholder).get(PAGE)

    assert (response.context["feedback_count"], response.context["feedback_mean"]) == (2, 3.0)
    content = response.content.decode()
    for text in ("3.0", "of 5, from 2 ratings", "4/5", "2/5", "Dana Ng", "Sales ops"):
        assert text in content
    assert "Saves me an hour." in content
    assert f"{three_days_ago:%b %Y}" in content
    spread = {row["rating"]: row["count"] for row in response.context["feedback_spread"]}
    assert spread == {5: 0, 4: 1, 3: 0, 2: 1, 1: 0}


def test_only_the_latest_feedback_is_listed_but_all_of_it_is_counted(product, stakeholder):
    for days in range(25):
        FeedbackFactory(
            product=product, given_at=timezone.now() - datetime.timedelta(days=days, hours=1)
        )

    response = client_for(stakeholder).get(PAGE)

    assert len(response.context["feedback"]) == 20
    assert "The latest 20 of 25." in response.content.decode()


@pytest.mark.parametrize("who", ["pm", "team_member"])
def test_the_team_records_feedback_from_a_named_person(request, product, who):
    response = client_for(request.getfixturevalue(who)).post(FEEDBACK, feedback_data())

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#feedback"
    feedback = Feedback.objects.get()
    assert (feedback.product, feedback.user, feedback.author_name, feedback.rating) == (
        product,
        None,
        "CFO office",
        5,
    )
    assert timezone.localtime(feedback.given_at).date() == timezone.localdate()


def test_the_team_records_feedback_from_a_person_with_an_account(product, pm, stakeholder):
    response = client_for(pm).post(
        FEEDBACK, feedback_data(author_name="", user=str(stakeholder.pk), rating="3")
    )

    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.user, feedback.author_name, feedback.rating) == (stakeholder, "", 3)


def test_recording_feedback_with_htmx_answers_with_the_feedback_section(product, pm):
    response = client_for(pm).post(FEEDBACK, feedback_data(), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert content.startswith('<section class="card adoption-section" id="feedback"')
    assert "CFO office" in content
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"author_name": ""}, "Say who gave the feedback"),
        ({"user": "<the pm>"}, "Choose a person or type a name, not both"),
        ({"user": "999999", "author_name": ""}, "Select a valid choice"),
        ({"rating": "6"}, "Select a valid choice"),
        ({"rating": "0"}, "Select a valid choice"),
        ({"rating": ""}, "This field is required"),
        ({"given_on": "soon"}, "Enter a valid date"),
        ({"given_on": "2999-01-01"}, FUTURE_MESSAGE),
        ({"given_on": "1899-12-31"}, RANGE_MESSAGE),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_bad_feedback_gets_a_clear_message_and_writes_nothing(product, pm, changes, message, htmx):
    if changes.get("user") == "<the pm>":
        changes = {**changes, "user": str(pm.pk)}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = client_for(pm).post(FEEDBACK, feedback_data(**changes), **headers)

    assert response.status_code == 422
    content = response.content.decode()
    assert message in content
    assert ("<html" in content) is not htmx
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(("who", "status"), READ_ONLY)
def test_only_the_team_records_feedback(request, product, who, status):
    response = client_for(request.getfixturevalue(who)).post(FEEDBACK, feedback_data())

    assert response.status_code == status
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("given_on", "message"),
    [(datetime.date(2999, 1, 1), FUTURE_MESSAGE), (datetime.date(1899, 12, 31), RANGE_MESSAGE)],
)
def test_the_service_refuses_feedback_dates_in_the_shared_words(product, pm, given_on, message):
    with pytest.raises(ValidationError) as refused:
        feedback_add(
            access=product_access(pm, product),
            rating=4,
            given_on=given_on,
            author_name="CFO office",
        )

    assert refused.value.message_dict == {"given_on": [message]}
