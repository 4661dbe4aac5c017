import datetime

import pytest
from django.test import Client
from django.utils import timezone

from products.models import Alert
from tests.helpers import client_for
from tests.products.factories import AlertFactory, DataProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["pm", "team_member", "other_pm", "lead", "stakeholder"])
def test_it_lists_open_alerts_to_everyone_who_may_see_the_product(request, product, who):
    AlertFactory(product=product, subject=product, message="Not reviewed for 95 days.")
    response = client_for(request.getfixturevalue(who)).get("/alerts/")
    assert response.status_code == 200
    assert b"Not reviewed for 95 days." in response.content
    assert b"/products/churn-radar/" in response.content


def test_it_hides_alerts_of_products_an_outsider_may_not_see(product, outsider):
    AlertFactory(product=product, subject=product, message="Not reviewed for 95 days.")
    response = client_for(outsider).get("/alerts/")
    assert response.status_code == 200
    assert b"Not reviewed for 95 days." not in response.content


def test_it_leaves_out_resolved_alerts_and_shows_errors_first(product, lead):
    now = timezone.now()
    AlertFactory(
        product=product,
        subject=product,
        message="Old and fixed",
        resolved_at=now,
        opened_at=now - datetime.timedelta(days=3),
    )
    AlertFactory(
        product=product,
        subject=product,
        kind=Alert.Kind.ADOPTION_DROP,
        message="Warning one",
        severity="warning",
    )
    AlertFactory(
        product=product,
        subject=product,
        kind=Alert.Kind.KPI_NOT_MEASURED,
        message="Error one",
        severity="error",
    )

    response = client_for(lead).get("/alerts/")

    assert [a.message for a in response.context["page"]] == ["Error one", "Warning one"]


def test_it_sends_anonymous_users_to_login():
    assert Client().get("/alerts/").status_code == 302


@pytest.mark.parametrize("size", [10, 200])
def test_the_alerts_query_count_does_not_grow(django_assert_num_queries, lead, size):
    for product in DataProductFactory.create_batch(size):
        AlertFactory(product=product, subject=product)
    client = client_for(lead)
    # session, user, roles, count, the page of alerts with their products.
    with django_assert_num_queries(5):
        assert client.get("/alerts/").status_code == 200
