"""The portfolio overview `/` (issue 6): ranking, health and trend, open alerts, filters, the two
charts, htmx fragments, who sees what, and a query count that does not grow."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from products import health, selectors
from products.models import Alert, DataProduct, ScoreSnapshot
from products.recompute import portfolio_recompute
from tests.helpers import client_for
from tests.products.factories import AlertFactory, DataProductFactory, DomainFactory, UserFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _rows(response) -> list[str]:
    """The product names in table order."""
    return [product.name for product in response.context["page"].object_list]


def _chart(response, name: str) -> dict[str, int]:
    """The counts of a chart as its text alternative (the visually-hidden table) states them."""
    html = response.content.decode()
    table = re.search(
        rf'<table class="visually-hidden" data-chart="{name}">(.*?)</table>', html, re.S
    )
    assert table, f"no text alternative for the {name} chart"
    cells = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', table.group(1))
    return {label: int(count) for label, count in cells}


def _row(response, name: str) -> str:
    """The table row of the product called `name`, as HTML."""
    html = response.content.decode()
    row = re.search(
        rf"<tr>\s*<td class=\"product-cell\">(?:(?!</tr>).)*>{re.escape(name)}</a>.*?</tr>",
        html,
        re.S,
    )
    assert row, f"no row for {name}"
    return row.group(0)


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "other_pm", "lead", "stakeholder", "admin_user"])
def test_it_shows_the_whole_portfolio_to_every_role(request, product, who):
    DataProductFactory(name="Demand forecast")
    response = client_for(request.getfixturevalue(who)).get("/")
    assert response.status_code == 200
    assert sorted(_rows(response)) == ["Churn radar", "Demand forecast"]
    assert _chart(response, "funnel")["Discovery"] == 2


def test_it_shows_a_user_without_a_role_only_their_own_products(product, outsider):
    DataProductFactory(name="Outsider's own", owner=outsider, stage="build")
    response = client_for(outsider).get("/")
    assert response.status_code == 200
    assert _rows(response) == ["Outsider's own"]
    assert b"Churn radar" not in response.content
    # The charts count only what the user may see.
    funnel = _chart(response, "funnel")
    assert (funnel["Build"], funnel["Discovery"]) == (1, 0)


def test_it_shows_a_team_member_without_a_role_the_products_they_work_on(product, team_member):
    DataProductFactory(name="Someone else's")
    response = client_for(team_member).get("/")
    assert _rows(response) == ["Churn radar"]


def test_it_shows_an_outsider_an_empty_portfolio_without_charts(product, outsider):
    response = client_for(outsider).get("/")
    assert response.status_code == 200
    assert _rows(response) == []
    assert b"No product matches" in response.content
    assert b'data-chart="funnel"' not in response.content


# --- ranking and row contents -----------------------------------------------------------------


def test_it_ranks_by_opportunity_with_unscored_products_last_by_name(pm):
    DataProductFactory(name="Mid", owner=pm, opportunity_score=20.0)
    DataProductFactory(name="Zeta unscored", owner=pm)
    DataProductFactory(name="Best", owner=pm, opportunity_score=56.7)
    DataProductFactory(name="Alpha unscored", owner=pm)
    response = client_for(pm).get("/")
    assert _rows(response) == ["Best", "Mid", "Alpha unscored", "Zeta unscored"]
    html = response.content.decode()
    assert re.search(r'<span class="visually-hidden">Rank </span>1</span> <a [^>]*>Best<', html)
    assert re.search(r'<span class="visually-hidden">Rank </span>4</span> <a [^>]*>Zeta', html)
    assert "56.7" in html


def test_it_continues_the_rank_on_the_next_page(pm):
    DataProduct.objects.bulk_create(
        DataProduct(name=f"P{n:03}", slug=f"p{n:03}", kind="dashboard", owner=pm) for n in range(55)
    )
    response = client_for(pm).get("/?page=2")
    assert _rows(response) == [f"P{n:03}" for n in range(50, 55)]
    assert '<span class="visually-hidden">Rank </span>51</span>' in response.content.decode()


def _stored_health(**values) -> dict:
    """The product columns the recompute would store for these component values."""
    result = health.health(
        [health.Component(key, values.get(key), "hand-set") for key in health.WEIGHTS]
    )
    return {
        "health_score": result.score,
        "health_status": result.status,
        "health_coverage": result.coverage,
        "health_breakdown": result.as_breakdown(),
    }


def test_it_shows_each_products_facts_in_its_row(product, pm):
    # (30×60 + 25×42 + 20×85 + 15×50 + 10×80) / 100 = 61 → caution (adoption 42, the worst).
    DataProduct.objects.filter(pk=product.pk).update(
        **_stored_health(outcomes=60, adoption=42, reliability=85, readiness=50, review=80),
        opportunity_score=42.25,
        stage="pilot",
        kind="ml_model",
        last_reviewed_at=timezone.make_aware(
            datetime.datetime.combine(_days_ago(12), datetime.time(12))
        ),
    )
    DataProductFactory(name="Another", owner=UserFactory(first_name="Ana", last_name="Lopez"))
    row = _row(client_for(pm).get("/"), "Churn radar")
    assert 'href="/products/churn-radar/"' in row
    assert 'href="/products/churn-radar/health/"' in row
    assert "Caution — adoption 42" in row
    assert re.search(r">61</span>\s*<span[^>]*>covers 100 of 100<", row)
    assert '<td class="num">42.2</td>' in row or '<td class="num">42.3</td>' in row
    assert f"<td>{product.domain.name}</td>" in row
    assert "<td>ML model</td>" in row
    assert '<span class="badge stage-pilot">Pilot</span>' in row
    assert "<td>Pm</td>" in row  # the owner
    assert "12 days ago" in row
    assert "Ana Lopez" not in row


def test_it_says_never_for_a_product_never_reviewed_and_unknown_health(product, pm):
    row = _row(client_for(pm).get("/"), "Churn radar")
    assert '<span class="muted">Never</span>' in row
    assert 'class="badge health-badge health-unknown"' in row
    assert "Unknown — no data yet<span" in row
    assert "covers" not in row  # no score, so no coverage either


def test_a_status_and_a_score_never_seem_to_disagree(pm):
    """ "At risk · 70" beside "Caution · 76" read as a contradiction: each status now names the
    component that decided it, and each score its coverage."""
    # (30×22 + 25×90 + 20×95 + 15×80 + 10×100) / 100 = 70.1: at risk by outcomes 22.
    DataProductFactory(
        name="Churn radar",
        owner=pm,
        **_stored_health(outcomes=22, adoption=90, reliability=95, readiness=80, review=100),
    )
    # (30×76 + 25×60 + 20×90) / 75 = 5580 / 75 = 74.4: caution by adoption 60, covers 75.
    DataProductFactory(
        name="Cash view", owner=pm, **_stored_health(outcomes=76, adoption=60, reliability=90)
    )
    response = client_for(pm).get("/")
    at_risk, caution = _row(response, "Churn radar"), _row(response, "Cash view")
    assert "At risk — outcomes 22" in at_risk
    assert re.search(r">70</span>\s*<span[^>]*>covers 100 of 100<", at_risk)
    assert "Caution — adoption 60" in caution
    assert re.search(r">74</span>\s*<span[^>]*>covers 75 of 100<", caution)


def test_a_product_known_only_by_its_review_has_not_enough_data(product, pm):
    DataProduct.objects.filter(pk=product.pk).update(last_reviewed_at=timezone.now())
    portfolio_recompute()
    row = _row(client_for(pm).get("/"), "Churn radar")
    assert 'class="badge health-badge health-not_enough_data"' in row
    assert "Not enough data — covers 10 of 100" in row
    assert "Healthy" not in row


def test_it_counts_open_errors_and_warnings_and_links_to_them(product, pm):
    now = timezone.now()
    for kind in (Alert.Kind.KPI_NOT_MEASURED, Alert.Kind.ADOPTION_DROP):
        AlertFactory(product=product, subject=product, kind=kind, severity="error")
    AlertFactory(product=product, subject=product, kind=Alert.Kind.ITEM_STALE, severity="warning")
    AlertFactory(  # resolved: not counted
        product=product,
        subject=product,
        severity="error",
        opened_at=now - datetime.timedelta(days=2),
        resolved_at=now,
    )
    quiet = DataProductFactory(name="Quiet", owner=product.owner)

    response = client_for(pm).get("/")

    rows = {p.name: p for p in response.context["page"].object_list}
    assert (rows["Churn radar"].open_errors, rows["Churn radar"].open_warnings) == (2, 1)
    assert (rows[quiet.name].open_errors, rows[quiet.name].open_warnings) == (0, 0)
    row = _row(response, "Churn radar")
    assert 'href="/alerts/?product=churn-radar"' in row
    assert "2 errors" in row
    assert "1 warning<" in row
    assert "/alerts/" not in _row(response, "Quiet")


def test_the_alert_link_lists_only_that_products_alerts(product, pm):
    other = DataProductFactory(name="Other", owner=pm)
    AlertFactory(product=product, subject=product, message="About churn radar")
    AlertFactory(product=other, subject=other, message="About the other one")
    response = client_for(pm).get("/alerts/?product=churn-radar")
    assert response.status_code == 200
    assert b"About churn radar" in response.content
    assert b"About the other one" not in response.content


def test_the_alert_link_shows_an_outsider_nothing(product, outsider):
    AlertFactory(product=product, subject=product, message="About churn radar")
    response = client_for(outsider).get("/alerts/?product=churn-radar")
    assert response.status_code == 200
    assert b"About churn radar" not in response.content


# --- trend ------------------------------------------------------------------------------------


def _with_history(product, current, *snapshots):
    """Give the product a current health score and (days ago, score) snapshots."""
    DataProduct.objects.filter(pk=product.pk).update(health_score=current, health_status="caution")
    for days, score in snapshots:
        ScoreSnapshot.objects.create(product=product, day=_days_ago(days), health_score=score)


def _trend_cell(response, name: str) -> str:
    return re.search(r'<td class="trend-cell">(.*?)</td>', _row(response, name), re.S).group(1)


@pytest.mark.parametrize(
    ("current", "previous", "arrow", "direction"),
    [(71.0, 64.0, "▲", "up"), (58.0, 64.0, "▼", "down"), (65.0, 64.0, "→", "flat")],
)
def test_it_draws_the_trend_against_a_week_ago(product, pm, current, previous, arrow, direction):
    _with_history(product, current, (8, previous))
    cell = _trend_cell(client_for(pm).get("/"), "Churn radar")
    assert f'class="trend trend-{direction}"' in cell
    assert f">{arrow}</span>" in cell
    since = _days_ago(8)
    label = f"Health 64 → {current:.0f} since {since.day} {since:%b}"
    assert f'aria-label="{label}"' in cell
    assert f'title="{label}"' in cell


def test_it_counts_a_two_point_move_as_a_move(product, pm):
    _with_history(product, 66.0, (7, 64.0))  # exactly a week ago counts
    assert "trend-up" in _trend_cell(client_for(pm).get("/"), "Churn radar")


def test_it_compares_with_the_latest_snapshot_at_least_a_week_old(product, pm):
    # 30 days ago: 40 (would be "up"); 10 days ago: 70 (flat); 3 days ago: 90 (too recent).
    _with_history(product, 71.0, (30, 40.0), (10, 70.0), (3, 90.0))
    cell = _trend_cell(client_for(pm).get("/"), "Churn radar")
    assert "trend-flat" in cell
    assert "Health 70 → 71" in cell


def test_it_skips_a_snapshot_without_a_score(product, pm):
    _with_history(product, 71.0, (20, 50.0), (8, None))
    cell = _trend_cell(client_for(pm).get("/"), "Churn radar")
    assert "Health 50 → 71" in cell
    assert "trend-up" in cell


def test_a_trend_across_a_change_of_coverage_says_so(product, pm):
    """A week ago only the review was known (100, covering 10); now all five are (60): the
    arrow is a real fall of the score, but the label says the two cover different weights."""
    DataProduct.objects.filter(pk=product.pk).update(
        health_score=60.0, health_status="caution", health_coverage=100
    )
    ScoreSnapshot.objects.create(
        product=product, day=_days_ago(8), health_score=100.0, health_coverage=10
    )
    cell = _trend_cell(client_for(pm).get("/"), "Churn radar")
    since = _days_ago(8)
    assert "trend-down" in cell
    assert (
        f"Health 100 → 60 since {since.day} {since:%b} (it covered 10 of 100 then, 100 now)" in cell
    )


def test_a_trend_at_the_same_coverage_does_not_mention_it(product, pm):
    DataProduct.objects.filter(pk=product.pk).update(
        health_score=60.0, health_status="caution", health_coverage=75
    )
    ScoreSnapshot.objects.create(
        product=product, day=_days_ago(8), health_score=64.0, health_coverage=75
    )
    assert "covered" not in _trend_cell(client_for(pm).get("/"), "Churn radar")


@pytest.mark.parametrize(
    ("current", "snapshots"),
    [
        (71.0, []),  # no history
        (71.0, [(6, 50.0)]),  # only history younger than a week
        (None, [(8, 50.0)]),  # no current score
        (71.0, [(8, None)]),  # the old snapshot had no score
    ],
)
def test_it_shows_a_dash_without_a_trend(product, pm, current, snapshots):
    _with_history(product, current, *snapshots)
    cell = _trend_cell(client_for(pm).get("/"), "Churn radar")
    assert 'aria-label="No trend yet"' in cell
    assert "trend-" not in cell


def test_the_trend_helper_says_nothing_without_the_annotation(product):
    product.health_score = 50.0
    assert selectors.health_trend(product) is None


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def assorted(pm):
    """Four products that differ in domain, kind, stage and health."""
    finance, sales = (
        DomainFactory(name="Finance", slug="finance"),
        DomainFactory(name="Sales", slug="sales"),
    )
    specs = [
        ("Cash view", finance, "dashboard", "launched", "healthy"),
        ("Cost model", finance, "ml_model", "build", "at_risk"),
        ("Pipeline feed", sales, "dataset", "build", "caution"),
        ("Win rates", sales, "dashboard", "retired", "unknown"),
    ]
    for name, domain, kind, stage, status in specs:
        DataProductFactory(
            name=name, domain=domain, kind=kind, stage=stage, health_status=status, owner=pm
        )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("domain=finance", ["Cash view", "Cost model"]),
        ("kind=dashboard", ["Cash view", "Win rates"]),
        ("stage=build", ["Cost model", "Pipeline feed"]),
        ("health=at_risk", ["Cost model"]),
        ("q=pipe", ["Pipeline feed"]),
        ("domain=sales&kind=dashboard", ["Win rates"]),
        ("domain=finance&stage=build&health=at_risk", ["Cost model"]),
        ("domain=sales&health=healthy", []),
    ],
)
def test_it_filters(pm, assorted, query, expected):
    response = client_for(pm).get(f"/?{query}")
    assert response.status_code == 200
    assert _rows(response) == expected
    assert b"match the filters" in response.content
    assert b"These filters were left out" not in response.content


def test_the_charts_count_what_the_filters_select(pm, assorted):
    response = client_for(pm).get("/?domain=finance")
    assert _chart(response, "funnel") == {
        "Idea": 0,
        "Discovery": 0,
        "Definition": 0,
        "Build": 1,
        "Pilot": 0,
        "Launched": 1,
        "Retired": 0,
    }
    assert _chart(response, "health") == {
        "Healthy": 1,
        "Caution": 0,
        "At risk": 1,
        "Not enough data": 0,
        "Unknown": 0,
    }


def test_it_filters_the_products_without_enough_data(pm, assorted):
    DataProductFactory(name="Churn notes", owner=pm, health_status="not_enough_data")
    response = client_for(pm).get("/?health=not_enough_data")
    assert _rows(response) == ["Churn notes"]
    assert '<option value="not_enough_data" selected>Not enough data</option>' in (
        response.content.decode()
    )


def test_it_keeps_the_filters_in_the_form(pm, assorted):
    html = client_for(pm).get("/?domain=sales&health=caution").content.decode()
    assert '<option value="sales" selected>Sales</option>' in html
    assert '<option value="caution" selected>Caution</option>' in html
    assert 'href="/">clear filters</a>' in html


@pytest.mark.parametrize(
    "query", ["kind=spaceship", "domain=nope", "stage=moon", "health=glowing", "q=" + "x" * 101]
)
def test_it_names_an_invalid_filter_and_leaves_it_out(pm, assorted, query):
    response = client_for(pm).get(f"/?{query}")
    assert response.status_code == 200
    assert b"These filters were left out" in response.content
    assert len(_rows(response)) == 4


def test_it_still_applies_the_valid_filters_beside_an_invalid_one(pm, assorted):
    response = client_for(pm).get("/?kind=ml_model&domain=nope")
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert _rows(response) == ["Cost model"]


def test_it_survives_a_nonsense_page_number(pm, assorted):
    response = client_for(pm).get("/?page=abc")
    assert response.status_code == 200
    assert len(_rows(response)) == 4


# --- htmx -------------------------------------------------------------------------------------


def test_it_answers_a_full_page_without_htmx(pm, assorted):
    response = client_for(pm).get("/?stage=build")
    assert b"<html" in response.content
    assert b'hx-get="/"' in response.content  # the filter form
    assert b'id="portfolio-list"' in response.content
    assert _rows(response) == ["Cost model", "Pipeline feed"]
    assert "HX-Request" in response["Vary"]


def test_it_answers_htmx_with_the_list_fragment(pm, assorted):
    response = client_for(pm).get("/?stage=build", **HX)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert 'hx-get="/"' not in content  # the form stays where it is
    assert content.lstrip().startswith('<div id="portfolio-list"')
    assert "Cost model" in content
    assert "Cash view" not in content
    assert _chart(response, "funnel")["Build"] == 2
    assert "HX-Request" in response["Vary"]


def test_it_shows_filter_errors_in_the_fragment_too(pm, assorted):
    response = client_for(pm).get("/?kind=spaceship", **HX)
    assert b"<html" not in response.content
    assert b"These filters were left out" in response.content


def test_it_answers_an_htmx_history_restore_with_the_full_page(pm, assorted):
    response = client_for(pm).get("/?stage=build", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HX)
    assert b"<html" in response.content


# --- charts -----------------------------------------------------------------------------------


def test_the_charts_count_every_stage_and_health_status(pm):
    for stage, status, n in [
        ("idea", "unknown", 3),
        ("build", "caution", 2),
        ("launched", "healthy", 4),
        ("launched", "at_risk", 1),
        ("pilot", "not_enough_data", 2),
        ("retired", "unknown", 1),
    ]:
        DataProductFactory.create_batch(n, stage=stage, health_status=status, owner=pm)
    response = client_for(pm).get("/")
    assert _chart(response, "funnel") == {
        "Idea": 3,
        "Discovery": 0,
        "Definition": 0,
        "Build": 2,
        "Pilot": 2,
        "Launched": 5,
        "Retired": 1,
    }
    assert _chart(response, "health") == {
        "Healthy": 4,
        "Caution": 2,
        "At risk": 1,
        "Not enough data": 2,
        "Unknown": 4,
    }
    # The SVG itself: the life-cycle bars and the retired bar apart.
    html = response.content.decode()
    assert html.count('class="bar bar-stage"') == 4
    assert html.count('class="bar bar-retired"') == 1
    assert html.count('class="bar bar-health-') == 5
    assert html.count('class="bar bar-health-not_enough_data"') == 1


def test_the_chart_bars_scale_to_the_largest_count():
    bars = selectors._bars(
        [(DataProduct.Stage.IDEA, 4), (DataProduct.Stage.BUILD, 1), (DataProduct.Stage.PILOT, 0)]
    )
    assert [bar["width"] for bar in bars] == [selectors.BAR_SPACE, selectors.BAR_SPACE / 4, 0]
    # The funnel centres each bar in the bar space.
    assert bars[1]["centred_x"] == selectors.LABEL_WIDTH + (selectors.BAR_SPACE * 3 / 4) / 2


# --- query count ------------------------------------------------------------------------------


def _bulk_portfolio(size: int, owner) -> list:
    """`size` products with a week-old snapshot each and open alerts on some, inserted in bulk."""
    domains = [DomainFactory() for _ in range(5)]
    stages, statuses = DataProduct.Stage.values, DataProduct.HealthStatus.values
    products = DataProduct.objects.bulk_create(
        DataProduct(
            name=f"Product {n:04}",
            slug=f"product-{n:04}",
            kind="dashboard",
            domain=domains[n % 5],
            stage=stages[n % len(stages)],
            owner=owner if n % 2 else UserFactory(),
            health_score=n % 100,
            # Not n % 5 like the domain: every domain gets every status.
            health_status=statuses[(n // 5) % len(statuses)],
            opportunity_score=None if n % 7 == 0 else n % 90,
            last_reviewed_at=timezone.now() - datetime.timedelta(days=n % 200),
        )
        for n in range(size)
    )
    ScoreSnapshot.objects.bulk_create(
        ScoreSnapshot(product=p, day=_days_ago(8), health_score=50) for p in products
    )
    product_type = ContentType.objects.get_for_model(DataProduct)
    Alert.objects.bulk_create(
        Alert(
            product=p,
            kind=Alert.Kind.PRODUCT_NOT_REVIEWED,
            subject_type=product_type,
            subject_id=p.pk,
            severity="error" if n % 2 else "warning",
            message="Not reviewed.",
            opened_at=timezone.now(),
        )
        for n, p in enumerate(products)
        if n % 3 == 0
    )
    return domains


@pytest.mark.parametrize("size", [10, 1000])
def test_the_portfolio_query_count_does_not_grow(django_assert_num_queries, stakeholder, size):
    owner = UserFactory()
    _bulk_portfolio(size, owner)
    client = client_for(stakeholder)
    # 1 session, 2 user, 3 the user's roles, 4 count of the filtered products, 5 the page of
    # products (owner and domain joined; open error and warning counts and the week-old
    # snapshot as subqueries), 6 stage × health counts for both charts, 7 domains for the filter.
    with django_assert_num_queries(7):
        response = client.get("/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(size, 50)
    assert sum(_chart(response, "funnel").values()) == size


@pytest.mark.parametrize("size", [10, 1000])
def test_the_fragment_query_count_does_not_grow(django_assert_num_queries, stakeholder, size):
    domains = _bulk_portfolio(size, UserFactory())
    client = client_for(stakeholder)
    # As the full page, less the domains (the form is not in the fragment), plus the domain
    # the filter names.
    with django_assert_num_queries(7):
        response = client.get(f"/?domain={domains[0].slug}&health=caution", **HX)
    assert response.status_code == 200
    assert response.context["page"].object_list  # the filters select some products
    assert b"<html" not in response.content
