import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roadmaps.models import RoadmapItem
from roadmaps.services import recompute_item_scores
from tests.helpers import client_for
from tests.products.factories import DataProductFactory, DomainFactory
from tests.roadmaps.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(product):
    item = RoadmapItemFactory(
        product=product,
        title="Weekly call list",
        horizon="next",
        impact=4,
        effort="M",
        build_cost=Decimal("50000"),
        run_cost_yearly=Decimal("10000"),
    )
    recompute_item_scores()
    item.refresh_from_db()
    return item


def columns(response) -> dict:
    return {c["horizon"]: [i.title for i in c["items"]] for c in response.context["columns"]}


# --- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "team_member", "other_pm", "lead", "stakeholder"])
def test_it_shows_open_items_to_everyone_who_may_see_the_product(request, item, who):
    response = client_for(request.getfixturevalue(who)).get("/roadmap/")
    assert response.status_code == 200
    assert b"Weekly call list" in response.content


def test_it_hides_items_of_products_an_outsider_may_not_see(item, outsider):
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

    assert columns(response) == {
        "now": [],
        "next": ["High", "Low", "Unscored"],
        "later": ["Later one"],
    }


def test_filters_stay_in_the_url_and_narrow_the_board(product, lead):
    other_domain = DomainFactory(slug="ops")
    other = DataProductFactory(slug="forecast", kind="ml_model", domain=other_domain)
    RoadmapItemFactory(product=product, title="Mine", solution_type="manual_fix")
    RoadmapItemFactory(product=other, title="Theirs", solution_type="ml_model", status="planned")
    client = client_for(lead)

    assert columns(client.get("/roadmap/?product=forecast"))["next"] == ["Theirs"]
    assert columns(client.get("/roadmap/?domain=ops"))["next"] == ["Theirs"]
    assert columns(client.get("/roadmap/?kind=ml_model"))["next"] == ["Theirs"]
    assert columns(client.get("/roadmap/?solution_type=manual_fix"))["next"] == ["Mine"]
    assert columns(client.get("/roadmap/?status=planned"))["next"] == ["Theirs"]
    response = client.get("/roadmap/?kind=ml_model")
    assert b"kind=ml_model" in response.content  # carried into the export and view links


def test_an_unknown_filter_value_shows_the_whole_board(item, lead):
    response = client_for(lead).get("/roadmap/?product=nope&status=weird")
    assert response.status_code == 200


def test_each_column_totals_its_effort_and_cost(product, lead):
    RoadmapItemFactory(product=product, horizon="now", effort="M", build_cost=1000,
                       run_cost_yearly=500)  # fmt: skip
    RoadmapItemFactory(product=product, horizon="now", effort="XL", build_cost=None,
                       run_cost_yearly=None)  # fmt: skip
    now = client_for(lead).get("/roadmap/").context["columns"][0]
    # M = 3 points + XL = 8 points; 1,000 + 500 + nothing
    assert (now["count"], now["effort_points"], now["cost"]) == (2, 11, Decimal("1500"))


def test_the_board_shows_the_evidence_badge(item, lead):
    assert b"No evidence" in client_for(lead).get("/roadmap/").content


# --- moving and editing ------------------------------------------------------------------------


def test_a_lead_moves_a_card_to_now_and_the_board_answers_in_place(item, lead):
    response = client_for(lead).post(
        f"/roadmap/items/{item.pk}/move/",
        {"horizon": "now", "status": "planned", "return_query": "kind=dashboard"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="board"' in response.content
    item.refresh_from_db()
    assert (item.horizon, item.status) == ("now", "planned")
    assert item.status_changed_at is not None
    assert columns(response)["now"] == ["Weekly call list"]


def test_a_move_without_javascript_redirects_to_the_filtered_board(item, lead):
    response = client_for(lead).post(
        f"/roadmap/items/{item.pk}/move/", {"horizon": "later", "return_query": "kind=dashboard"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/roadmap/?kind=dashboard"
    item.refresh_from_db()
    assert item.horizon == "later"


@pytest.mark.parametrize("data", [{}, {"horizon": "someday"}, {"status": "done-ish"}])
def test_a_bad_move_is_a_400_and_changes_nothing(item, lead, data):
    response = client_for(lead).post(f"/roadmap/items/{item.pk}/move/", data)
    assert response.status_code == 400
    item.refresh_from_db()
    assert (item.horizon, item.status) == ("next", "proposed")


@pytest.mark.parametrize(("who", "status"), [("pm", 302), ("team_member", 302),
                                             ("other_pm", 403), ("stakeholder", 403),
                                             ("outsider", 404)])  # fmt: skip
def test_moves_are_for_leads_and_the_products_team(request, item, who, status):
    response = client_for(request.getfixturevalue(who)).post(
        f"/roadmap/items/{item.pk}/move/", {"horizon": "now"}
    )
    assert response.status_code == status
    item.refresh_from_db()
    assert item.horizon == ("now" if status == 302 else "next")


def test_an_inline_edit_of_effort_rescores_the_card_in_place(item, lead):
    assert item.score == 33.3  # 100 × 4 × 0.5 (no hypothesis) / (M 3 + cost 60,000 → 3)
    response = client_for(lead).post(
        f"/roadmap/items/{item.pk}/inputs/",
        {"impact": 4, "effort": "XXL", "build_cost": "50000", "run_cost_yearly": "10000"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    # 100 × 4 × 0.5 / (13 + 3) = 12.5 — no linked hypothesis, so confidence 0.5
    item.refresh_from_db()
    assert (item.effort, item.score) == ("XXL", 12.5)
    assert b'data-testid="score">12.5<' in response.content


@pytest.mark.parametrize(
    "data",
    [
        {"impact": 0, "effort": "M"},
        {"impact": 4, "effort": "XXXL"},
        {"impact": 4, "effort": "M", "build_cost": "-5"},
    ],
)
def test_a_bad_inline_edit_says_why_and_changes_nothing(item, lead, data):
    response = client_for(lead).post(
        f"/roadmap/items/{item.pk}/inputs/", data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert b'class="error"' in response.content
    item.refresh_from_db()
    assert (item.impact, item.effort, item.score) == (4, "M", 33.3)


def test_an_inline_edit_is_refused_to_a_stakeholder(item, stakeholder):
    response = client_for(stakeholder).post(
        f"/roadmap/items/{item.pk}/inputs/", {"impact": 1, "effort": "XS"}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.impact == 4


# --- matrix and export -------------------------------------------------------------------------


def test_the_matrix_places_items_in_their_quadrants(product, lead):
    RoadmapItemFactory(product=product, title="Quick", impact=3, effort="M")
    RoadmapItemFactory(product=product, title="Pit", impact=2, effort="L")
    response = client_for(lead).get("/roadmap/?view=matrix")
    assert response.status_code == 200
    quadrants = {p["item"].title: p["quadrant"] for p in response.context["matrix"]["points"]}
    assert quadrants == {"Quick": "Quick win", "Pit": "Money pit"}
    assert b'<title id="mx-title">' in response.content


def test_the_export_is_the_board_as_filtered(product, lead):
    RoadmapItemFactory(product=product, title="Mine", solution_type="manual_fix", impact=3)
    RoadmapItemFactory(product=product, title="Other", solution_type="ml_model")
    response = client_for(lead).get("/roadmap/export.csv?solution_type=manual_fix")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["product", "title", "horizon"]
    assert [row[1] for row in rows[1:]] == ["Mine"]
    assert rows[1][5] == "3"


def test_the_export_keeps_formulas_out_of_spreadsheets(product, lead):
    RoadmapItemFactory(product=product, title='=HYPERLINK("http://evil")')
    response = client_for(lead).get("/roadmap/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'


def test_the_export_leaves_out_products_an_outsider_may_not_see(item, outsider):
    response = client_for(outsider).get("/roadmap/export.csv")
    assert len(response.content.decode().strip().splitlines()) == 1


# --- query counts ------------------------------------------------------------------------------


def _many(size: int) -> None:
    products = DataProductFactory.create_batch(5)
    RoadmapItem.objects.bulk_create(
        RoadmapItemFactory.build(product=products[n % 5], horizon=("now", "next", "later")[n % 3])
        for n in range(size)
    )


@pytest.mark.parametrize("size", [10, 1000])
def test_the_board_query_count_does_not_grow(django_assert_num_queries, lead, size):
    _many(size)
    client = client_for(lead)
    # session, user, roles, scoring model, products for the filter, domains for the filter,
    # column totals, and one query per column (items with product and evidence counts).
    with django_assert_num_queries(10):
        assert client.get("/roadmap/").status_code == 200


@pytest.mark.parametrize("size", [10, 1000])
def test_the_matrix_query_count_does_not_grow(django_assert_num_queries, lead, size):
    _many(size)
    client = client_for(lead)
    # session, user, roles, scoring model, the two filter lists, the items.
    with django_assert_num_queries(7):
        assert client.get("/roadmap/?view=matrix").status_code == 200


def test_an_inline_edit_without_javascript_redirects_to_the_filtered_board(item, lead):
    response = client_for(lead).post(
        f"/roadmap/items/{item.pk}/inputs/",
        {"impact": 5, "effort": "M", "build_cost": "50000", "run_cost_yearly": "10000",
         "return_query": "kind=dashboard"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "/roadmap/?kind=dashboard"
    item.refresh_from_db()
    # 100 × 5 × 0.5 / (3 + 3) = 41.666… → 41.7
    assert (item.impact, item.score) == (5, 41.7)


# --- an inline edit answers with its whole column ------------------------------------------------


@pytest.fixture
def ranked_column(product):
    """Two cards in Next, cost 5,000 each (1 cost point), no linked hypothesis (confidence 0.5):
    High 100 × 5 × 0.5 / (XS 1 + 1) = 125.0 above Low 100 × 2 × 0.5 / (M 3 + 1) = 25.0."""
    cost = {"build_cost": Decimal("5000"), "run_cost_yearly": None}
    high = RoadmapItemFactory(
        product=product, title="High", horizon="next", impact=5, effort="XS", **cost
    )
    low = RoadmapItemFactory(
        product=product, title="Low", horizon="next", impact=2, effort="M", **cost
    )
    recompute_item_scores()
    high.refresh_from_db()
    low.refresh_from_db()
    assert (high.score, low.score) == (125.0, 25.0)
    return high, low


def test_an_inline_edit_reranks_and_retotals_the_whole_column(ranked_column, lead):
    high, low = ranked_column
    # High falls: 100 × 1 × 0.5 / (XXL 13 + cost 20,000 → 2) = 3.333… → 3.3, below Low's 25.0.
    response = client_for(lead).post(
        f"/roadmap/items/{high.pk}/inputs/",
        {"impact": 1, "effort": "XXL", "build_cost": "20000", "run_cost_yearly": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="column-next"' in content  # the column, swapped whole
    assert content.index(f'id="item-{low.pk}"') < content.index(f'id="item-{high.pk}"')
    assert 'data-testid="score">3.3<' in content
    # Effort XXL 13 + M 3 = 16 points (was 1 + 3); cost 20,000 + 5,000 = 25,000 (was 10,000).
    assert 'data-testid="totals-next">Effort 16 points · cost 25,000<' in content


def test_the_inline_edit_form_targets_its_column(ranked_column, lead):
    high, _ = ranked_column
    content = client_for(lead).get("/roadmap/").content.decode()
    assert 'id="column-next"' in content
    assert f'hx-post="/roadmap/items/{high.pk}/inputs/"' in content
    assert 'hx-target="#column-next"' in content


def test_a_bad_inline_edit_shows_its_errors_on_the_card_in_the_column(ranked_column, lead):
    high, low = ranked_column
    response = client_for(lead).post(
        f"/roadmap/items/{low.pk}/inputs/", {"impact": 9, "effort": "M"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert 'id="column-next"' in content
    card = content[content.index(f'id="item-{low.pk}"') :]
    assert 'class="error"' in card  # on the edited card, not on the others
    assert 'class="error"' not in content[: content.index(f'id="item-{low.pk}"')]
    assert content.index(f'id="item-{high.pk}"') < content.index(f'id="item-{low.pk}"')


def test_an_inline_edit_keeps_the_boards_filters_in_its_column(ranked_column, lead, product):
    _, low = ranked_column
    RoadmapItemFactory(product=DataProductFactory(slug="elsewhere"), title="Other product")
    response = client_for(lead).post(
        f"/roadmap/items/{low.pk}/inputs/",
        {
            "impact": 2,
            "effort": "M",
            "build_cost": "5000",
            "return_query": f"product={product.slug}",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b'id="column-next"' in response.content
    assert b"Other product" not in response.content  # the column as the board was filtered
    assert f"product={product.slug}".encode() in response.content  # carried on in the forms


def test_the_inline_edit_query_count_does_not_grow_with_the_board(lead):
    item = RoadmapItemFactory(horizon="next")  # its product's only item: the same rescore
    client = client_for(lead)

    def inline_edit_queries(impact: int) -> int:
        data = {"impact": impact, "effort": "S", "build_cost": "100", "run_cost_yearly": "0"}
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                f"/roadmap/items/{item.pk}/inputs/", data, HTTP_HX_REQUEST="true"
            )
        assert response.status_code == 200
        assert f'id="item-{item.pk}"'.encode() in response.content
        return len(captured)

    _many(10)  # other products' items in every column
    small = inline_edit_queries(5)
    _many(1000)
    assert inline_edit_queries(4) == small
