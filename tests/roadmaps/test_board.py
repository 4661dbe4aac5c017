import pytest
from django.test import Client

from roadmaps.models import RoadmapItem
from tests.helpers import client_for
from tests.products.factories import DataProductFactory
from tests.roadmaps.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["pm", "team_member", "other_pm", "lead", "stakeholder"])
def test_it_shows_open_items_to_everyone_who_may_see_the_product(request, product, who):
    RoadmapItemFactory(product=product, title="Weekly call list", horizon="now")
    response = client_for(request.getfixturevalue(who)).get("/roadmap/")
    assert response.status_code == 200
    assert b"Weekly call list" in response.content


def test_it_hides_items_of_products_an_outsider_may_not_see(product, outsider):
    RoadmapItemFactory(product=product, title="Weekly call list")
    response = client_for(outsider).get("/roadmap/")
    assert response.status_code == 200
    assert b"Weekly call list" not in response.content


def test_it_sends_anonymous_users_to_login():
    assert Client().get("/roadmap/").status_code == 302


def test_it_ranks_by_score_within_each_horizon_and_leaves_out_closed_items(product, lead):
    RoadmapItemFactory(product=product, title="Low", horizon="next", score=12.5)
    RoadmapItemFactory(product=product, title="High", horizon="next", score=56.7)
    RoadmapItemFactory(product=product, title="Unscored", horizon="next", score=None)
    RoadmapItemFactory(product=product, title="Shipped one", horizon="next", status="shipped")
    RoadmapItemFactory(product=product, title="Later one", horizon="later")

    response = client_for(lead).get("/roadmap/")

    columns = {c["horizon"]: [i.title for i in c["items"]] for c in response.context["columns"]}
    assert columns == {"now": [], "next": ["High", "Low", "Unscored"], "later": ["Later one"]}


@pytest.mark.parametrize("size", [10, 300])
def test_the_board_query_count_does_not_grow(django_assert_num_queries, lead, size):
    products = DataProductFactory.create_batch(5)
    RoadmapItem.objects.bulk_create(
        RoadmapItemFactory.build(product=products[n % 5], horizon=("now", "next", "later")[n % 3])
        for n in range(size)
    )
    client = client_for(lead)
    # session, user, roles, and one query per horizon (items with their product joined).
    with django_assert_num_queries(6):
        assert client.get("/roadmap/").status_code == 200
