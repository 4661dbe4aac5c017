"""Reading products, their health, KPIs and roadmap: paginated, within the token's scope, with a
number of queries that does not grow with the data."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from api.models import ApiToken
from products.recompute import portfolio_recompute
from tests.adoption.factories import UsageSnapshotFactory
from tests.api.conftest import api_client
from tests.metrics.factories import (
    KPIFactory,
    MeasurementFactory,
    ServiceLevelCheckFactory,
    ServiceLevelFactory,
)
from tests.products.factories import DataProductFactory
from tests.roadmaps.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products"


def _this_monday() -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


@pytest.fixture
def fresh_token(token):
    """The token as used a moment ago, so reads do not also record its last use."""
    ApiToken.objects.update(last_used_at=timezone.now())
    return token


# --- products -------------------------------------------------------------------------------------


def test_it_pages_through_the_products(pm, portfolio_token):
    for n in range(5):
        DataProductFactory(owner=pm, name=f"Product {n}", slug=f"product-{n}")
    client = api_client(portfolio_token)

    first = client.get(f"{PRODUCTS}?limit=2").json()
    second = client.get(first["next"]).json()
    last = client.get(f"{PRODUCTS}?limit=2&offset=4").json()

    assert first["count"] == 5
    assert [p["slug"] for p in first["items"]] == ["product-0", "product-1"]
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/products?limit=2&offset=2"
    assert [p["slug"] for p in second["items"]] == ["product-2", "product-3"]
    assert second["previous"] == "http://testserver/api/v1/products?limit=2&offset=0"
    assert [p["slug"] for p in last["items"]] == ["product-4"]
    assert last["next"] is None
    beyond = client.get(f"{PRODUCTS}?offset=50").json()
    assert (beyond["count"], beyond["items"], beyond["next"]) == (5, [], None)


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "offset=-1", "limit=x", "offset=1e99"])
def test_bad_paging_is_a_422(token, product, query):
    response = api_client(token).get(f"{PRODUCTS}?{query}")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] in ("limit", "offset")


def test_a_product_has_its_health_and_each_component_explained(token, product):
    product.target_users = 50
    product.save()
    kpi = KPIFactory(product=product)
    MeasurementFactory(kpi=kpi, value=Decimal("40"))
    portfolio_recompute()

    body = api_client(token).get(f"{PRODUCTS}/churn-radar").json()

    product.refresh_from_db()
    assert body["slug"] == "churn-radar"
    assert body["owner"] == "pm"
    assert body["url"] == "http://testserver/products/churn-radar/"
    assert body["health"]["score"] == product.health_score
    assert body["health"]["status"] == product.health_status
    assert body["health"]["summary"] == product.health_breakdown["summary"]
    assert body["health"]["computed_at"] is not None
    components = {c["key"]: c for c in body["health"]["components"]}
    assert list(components) == ["outcomes", "adoption", "reliability", "readiness", "review"]
    assert components["outcomes"]["weight"] == 30
    assert components["outcomes"]["value"] is not None
    assert "mean progress" in components["outcomes"]["explanation"]
    assert components["adoption"]["value"] is None
    assert components["adoption"]["set_up"]


def test_a_product_s_health_names_its_coverage_and_what_decided_its_status(token, product):
    """Target 50 users, 10 active: adoption 20; review today: 100. Coverage 25 + 10 = 35, below
    50: not enough data whatever the two say, though the score is (25×20 + 10×100) / 35 =
    42.86 → 42.9."""
    product.target_users = 50
    product.last_reviewed_at = timezone.now()
    product.save()
    UsageSnapshotFactory(product=product, week_start=_this_monday(), active_users=10)
    portfolio_recompute()

    body = api_client(token).get(f"{PRODUCTS}/churn-radar").json()

    assert (body["health_score"], body["health_status"]) == (42.9, "not_enough_data")
    assert body["health_coverage"] == 35
    assert body["health_headline"] == "Not enough data — covers 35 of 100"
    assert body["health"]["coverage"] == 35
    assert body["health"]["decided_by"] is None
    assert body["health"]["headline"] == "Not enough data — covers 35 of 100"

    # One more component, reliability 1 of 2 checks = 50: coverage 55, the worst (adoption 20)
    # decides: at risk.
    level = ServiceLevelFactory(product=product)
    ServiceLevelCheckFactory(service_level=level, observed=level.objective)
    ServiceLevelCheckFactory(service_level=level, observed=level.objective * 10)
    portfolio_recompute()

    body = api_client(token).get(f"{PRODUCTS}/churn-radar").json()

    assert (body["health_status"], body["health_coverage"]) == ("at_risk", 55)
    assert body["health"]["decided_by"] == {"key": "adoption", "label": "Adoption", "value": 20.0}
    assert body["health"]["headline"] == body["health_headline"] == "At risk — adoption 20"
    listed = api_client(token).get(PRODUCTS).json()["items"][0]
    assert (listed["health_coverage"], listed["health_headline"]) == (55, "At risk — adoption 20")


def test_a_product_never_recomputed_says_so(token, product):
    body = api_client(token).get(f"{PRODUCTS}/churn-radar").json()

    assert body["health"] == {
        "score": None,
        "status": "unknown",
        "coverage": 0,
        "decided_by": None,
        "headline": "Unknown — no data yet",
        "summary": "Not computed yet.",
        "computed_at": None,
        "components": [],
    }


# --- KPIs -----------------------------------------------------------------------------------------


def test_kpis_come_with_their_latest_value_and_status(token, product):
    kpi = KPIFactory(product=product, name="Calls", baseline=Decimal(20), target=Decimal(60))
    now = timezone.now()
    MeasurementFactory(kpi=kpi, value=Decimal("30"), observed_at=now - datetime.timedelta(days=8))
    MeasurementFactory(kpi=kpi, value=Decimal("44.5"), observed_at=now - datetime.timedelta(days=1))
    KPIFactory(product=product, name="Unmeasured")

    body = api_client(token).get(f"{PRODUCTS}/churn-radar/kpis").json()

    assert body["count"] == 2
    calls, unmeasured = body["items"]
    assert calls["id"] == kpi.pk
    assert calls["latest_value"] == 44.5
    assert calls["baseline"] == 20.0
    assert calls["target"] == 60.0
    assert calls["progress"] == pytest.approx((44.5 - 20) / 40)
    assert calls["status"] in ("on_track", "at_risk", "off_track", "achieved")
    assert calls["explanation"]
    assert (unmeasured["latest_value"], unmeasured["status"]) == (None, "no_data")


# --- roadmap --------------------------------------------------------------------------------------


def test_the_roadmap_lists_items_now_next_later_best_score_first(token, product):
    later = RoadmapItemFactory(product=product, horizon="later", title="Later")
    now_low = RoadmapItemFactory(product=product, horizon="now", title="Now, low")
    now_high = RoadmapItemFactory(product=product, horizon="now", title="Now, high", impact=5)
    nxt = RoadmapItemFactory(product=product, horizon="next", title="Next")
    portfolio_recompute()

    body = api_client(token).get(f"{PRODUCTS}/churn-radar/roadmap").json()

    assert [item["id"] for item in body["items"]] == [now_high.pk, now_low.pk, nxt.pk, later.pk]
    first = body["items"][0]
    assert first["score"] is not None
    assert (first["horizon"], first["status"], first["impact"]) == ("now", "proposed", 5)


def test_the_roadmap_filters_by_horizon_and_status_and_pages(token, product):
    for n in range(3):
        RoadmapItemFactory(product=product, horizon="now", title=f"Now {n}")
    RoadmapItemFactory(product=product, horizon="now", status="shipped", title="Shipped")
    RoadmapItemFactory(product=product, horizon="later")
    client = api_client(token)

    page = client.get(f"{PRODUCTS}/churn-radar/roadmap?horizon=now&status=proposed&limit=2")

    body = page.json()
    assert body["count"] == 3
    assert len(body["items"]) == 2
    assert "horizon=now" in body["next"]
    assert "status=proposed" in body["next"]
    rest = client.get(body["next"]).json()
    assert len(rest["items"]) == 1
    assert client.get(f"{PRODUCTS}/churn-radar/roadmap?horizon=soon").status_code == 422


# --- queries --------------------------------------------------------------------------------------


def _portfolio(pm, size: int):
    for n in range(size):
        product = DataProductFactory(owner=pm, slug=f"p-{size}-{n}", name=f"P {size} {n}")
        RoadmapItemFactory(product=product)


@pytest.mark.parametrize("size", [3, 30])
def test_the_products_list_takes_three_queries(
    pm, portfolio_token, size, django_assert_num_queries
):
    _portfolio(pm, size)
    ApiToken.objects.update(last_used_at=timezone.now())
    client = api_client(portfolio_token)

    # The token with its product; the count; the page with domains and owners.
    with django_assert_num_queries(3):
        response = client.get(f"{PRODUCTS}?limit=200")
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [3, 30])
def test_kpis_take_four_queries(fresh_token, product, size, django_assert_num_queries):
    for n in range(size):
        kpi = KPIFactory(product=product, name=f"KPI {n}")
        MeasurementFactory(kpi=kpi)
        MeasurementFactory(kpi=kpi)
    client = api_client(fresh_token)

    # The token, the product, its KPIs, their measurements.
    with django_assert_num_queries(4):
        response = client.get(f"{PRODUCTS}/churn-radar/kpis?limit=200")
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [3, 30])
def test_the_roadmap_takes_four_queries(fresh_token, product, size, django_assert_num_queries):
    for n in range(size):
        RoadmapItemFactory(product=product, title=f"Item {n}")
    client = api_client(fresh_token)

    # The token, the product, the count, the page.
    with django_assert_num_queries(4):
        response = client.get(f"{PRODUCTS}/churn-radar/roadmap?limit=200")
    assert response.json()["count"] == size


def test_a_product_takes_two_queries(fresh_token, product, django_assert_num_queries):
    client = api_client(fresh_token)

    # The token, the product with its domain, owner and tech lead.
    with django_assert_num_queries(2):
        assert client.get(f"{PRODUCTS}/churn-radar").status_code == 200


@pytest.mark.parametrize("size", [3, 100])
def test_ingestion_queries_do_not_grow_with_the_items(
    fresh_token, product, size, django_assert_num_queries
):
    import json

    kpi = KPIFactory(product=product)
    items = [
        {"kpi": kpi.pk, "value": n, "observed_at": f"2026-01-05T09:{n % 60:02}:{n // 60:02}Z"}
        for n in range(size)
    ]

    # The token; the product; a savepoint; the expired keys' pruning; the key's look-up; the
    # KPIs; the measurements already recorded at those times (one range query); a savepoint,
    # one bulk insert of the measurements (up to 142 rows per statement on SQLite) and its
    # release; a savepoint, the key's insert and its release; the release of the first savepoint.
    with django_assert_num_queries(14):
        response = api_client(fresh_token).post(
            f"{PRODUCTS}/churn-radar/measurements",
            json.dumps({"items": items}),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"k{size}",
        )
    assert response.json()["created"] == size
