"""Every redirect target taken from the request (`next`, the board's `return_query`) goes
through dpm.http.safe_redirect_target: an address on this site, as a path, or the view's default
page. Never a 500, never another site."""

import pytest
from django.test import Client

from tests.helpers import client_for
from tests.products.factories import AlertFactory
from tests.roadmaps.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db

UNSAFE = [
    "alerts",  # relative: redirect() took it for a URL name (NoReverseMatch, a 500)
    "alerts#x",
    "./alerts/",
    "../",
    "https://evil.example/alerts/",
    "//evil.example/alerts/",
    "/\\evil.example/",
    "javascript:alert(1)",
    "/alerts/\nSet-Cookie: x=1",  # a header split (BadHeaderError, a 500)
    "/alerts/\r",
    "\t/alerts/",
    "",
]


@pytest.mark.parametrize("target", UNSAFE)
def test_acknowledging_goes_back_to_the_alerts_page_when_next_is_not_safe(product, pm, target):
    alert = AlertFactory(product=product)

    response = client_for(pm).post(f"/alerts/{alert.pk}/acknowledge/", {"next": target})

    assert response.status_code == 302
    assert response["Location"] == f"/alerts/#alert-{alert.pk}"
    alert.refresh_from_db()
    assert alert.acknowledged_by == pm


def test_acknowledging_keeps_a_next_on_this_site(product, pm):
    alert = AlertFactory(product=product)

    response = client_for(pm).post(
        f"/alerts/{alert.pk}/acknowledge/", {"next": "/alerts/?severity=warning&page=2"}
    )

    assert response["Location"] == f"/alerts/?severity=warning&page=2#alert-{alert.pk}"


def test_an_absolute_next_on_this_site_over_http_is_refused_on_https(product, pm):
    alert = AlertFactory(product=product)
    client = client_for(pm)

    response = client.post(
        f"/alerts/{alert.pk}/acknowledge/",
        {"next": "http://testserver/alerts/?kind=x"},
        secure=True,
    )

    assert response["Location"] == f"/alerts/#alert-{alert.pk}"


@pytest.mark.parametrize("action", ["move", "inputs"])
@pytest.mark.parametrize(
    "query", ["a\nb", "x\r\nSet-Cookie: y=1", "\x7f", "p=1#\n"], ids=["lf", "crlf", "del", "frag"]
)
def test_the_board_goes_back_to_itself_when_the_return_query_is_not_safe(
    product, lead, action, query
):
    item = RoadmapItemFactory(product=product, horizon="later")
    data = {"horizon": "now"} if action == "move" else {"impact": "3", "effort": "M"}

    response = client_for(lead).post(
        f"/roadmap/items/{item.pk}/{action}/", {**data, "return_query": query}
    )

    assert response.status_code == 302
    assert response["Location"] == "/roadmap/"


def test_the_board_keeps_a_plain_return_query(product, lead):
    item = RoadmapItemFactory(product=product, horizon="later")

    response = client_for(lead).post(
        f"/roadmap/items/{item.pk}/move/", {"horizon": "now", "return_query": "status=planned"}
    )

    assert response["Location"] == "/roadmap/?status=planned"


@pytest.mark.parametrize("target", UNSAFE)
def test_logging_in_goes_to_the_start_page_when_next_is_not_safe(pm, target):
    response = Client().post(
        "/accounts/login/", {"username": "pm", "password": "pw-for-tests", "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
