from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client

from products.tasks import recompute_scores
from roadmaps.models import ScoreChange, ScoringModel
from roadmaps.services import recompute_item_scores
from tests.helpers import client_for
from tests.roadmaps.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db

URL = "/roadmap/scoring/"
TSHIRT = {"XS": 1, "S": 2, "M": 3, "L": 5, "XL": 8, "XXL": 13}


def settings_data(**changes) -> dict:
    data = {
        "framework": "iec",
        **{f"points_{size}": points for size, points in TSHIRT.items()},
        "band_1_below": "10000", "band_1_points": 1,
        "band_2_below": "50000", "band_2_points": 2,
        "band_3_below": "150000", "band_3_points": 3,
        "band_4_below": "500000", "band_4_points": 5,
        "cost_top_points": 8,
        "weight_impact": 3, "weight_confidence": 2, "weight_reach": 1, "weight_effort": 2,
        "weight_cost": 2, "reach_cap": 1000,
    }  # fmt: skip
    data.update(changes)
    return data


@pytest.fixture
def item(product):
    item = RoadmapItemFactory(
        product=product, impact=4, effort="M", build_cost=Decimal("50000"),
        run_cost_yearly=Decimal("10000"),
    )  # fmt: skip
    recompute_item_scores()
    return item


@pytest.mark.parametrize("who", ["lead", "pm", "stakeholder"])
def test_everyone_with_a_role_reads_how_scores_are_made(request, who):
    response = client_for(request.getfixturevalue(who)).get(URL)
    assert response.status_code == 200
    assert b"How the roadmap is scored" in response.content
    assert (b"Save and rescore" in response.content) is (who == "lead")


def test_anonymous_is_sent_to_login():
    assert Client().get(URL).status_code == 302


def test_a_lead_changes_the_model_and_a_worker_rescores_every_item(
    item, lead, django_capture_on_commit_callbacks
):
    """The save commits at once and queues the rescore (issue 12: rescoring 20,000 items inside
    the request outlasted its timeout and saved nothing); the page says so until it is done."""
    assert ScoringModel.objects.filter(is_active=True).count() == 0
    with (
        mock.patch("products.recompute.enqueue_recompute") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client_for(lead).post(URL, settings_data(points_M=9))
    assert response.status_code == 302
    enqueue.assert_called_once_with(None)  # the whole portfolio, after commit
    model = ScoringModel.objects.get(is_active=True)
    assert model.tshirt_points["M"] == 9
    assert (model.version, model.rescored_version, model.saved_by) == (1, 0, lead)
    item.refresh_from_db()
    assert item.score == 33.3  # not yet: the worker has not run
    page = client_for(lead).get(URL).content.decode()
    assert "Scores are being recomputed with the model saved" in page

    recompute_scores()  # what the queued task runs

    item.refresh_from_db()
    # 100 × 4 × 0.5 (no hypothesis) / (M 9 + cost 60,000 → 3) = 16.666… → 16.7
    assert item.score == 16.7
    change = ScoreChange.objects.filter(item=item).latest("pk")
    assert (change.previous_score, change.score, change.changed_by) == (33.3, 16.7, lead)
    model.refresh_from_db()
    assert model.rescored_version == 1
    page = client_for(lead).get(URL).content.decode()
    assert "being recomputed" not in page
    assert "Every score follows this model" in page


def test_switching_the_framework_rescores_with_it(item, lead):
    client_for(lead).post(URL, settings_data(framework="wsjf"))
    recompute_scores()
    item.refresh_from_db()
    # WSJF: (impact 4 + time criticality 1 + risk reduction 1) / job size M 3 = 2.0
    assert item.score == 2.0


@pytest.mark.parametrize("who", ["pm", "stakeholder", "team_member"])
def test_only_leads_change_the_model(request, item, who):
    response = client_for(request.getfixturevalue(who)).post(URL, settings_data(points_M=9))
    assert response.status_code == 403
    assert not ScoringModel.objects.exists()
    item.refresh_from_db()
    assert item.score == 33.3


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"points_M": 0}, b"greater than or equal to 1"),
        ({"band_2_below": "5000"}, b"must start above the one before it"),
        ({"weight_impact": 0, "weight_confidence": 0, "weight_reach": 0, "weight_effort": 0,
          "weight_cost": 0}, b"not all 0"),
        ({"framework": "astrology"}, b"Select a valid choice"),
        ({"reach_cap": "-3"}, b"greater than or equal to 1"),
    ],
)  # fmt: skip
def test_bad_settings_get_a_clear_message_and_change_nothing(item, lead, changes, message):
    response = client_for(lead).post(URL, settings_data(**changes))
    assert response.status_code == 200
    assert message in response.content
    assert not ScoringModel.objects.exists()
    item.refresh_from_db()
    assert item.score == 33.3
