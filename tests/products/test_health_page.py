"""The stakeholder health page `/products/<slug>/health/`."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from products.models import DataProduct, ProductReview, ScoreSnapshot
from products.recompute import portfolio_recompute
from tests.adoption.factories import UsageSnapshotFactory
from tests.helpers import client_for
from tests.metrics.factories import (
    DefinitionOfDoneFactory,
    DoneCriterionFactory,
    ExperimentFactory,
    KPIFactory,
    MeasurementFactory,
    ServiceLevelCheckFactory,
    ServiceLevelFactory,
)
from tests.products.factories import AlertFactory, DataProductFactory

pytestmark = pytest.mark.django_db


def _monday(weeks_ago: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday(), weeks=weeks_ago)


@pytest.fixture
def tracked(product, pm):
    """A product with usage against its target, a KPI, a service level, a Definition of Done, a
    decided pilot, an open alert and a review, recomputed as the workers would."""
    product.target_users = 200
    product.decision = "Which accounts the account managers call this week."
    product.decision_meeting = "Monday account review"
    product.last_reviewed_at = timezone.now() - datetime.timedelta(days=3)
    product.save()
    for weeks_ago, active in ((4, 120), (1, 90), (0, 84)):
        UsageSnapshotFactory(product=product, week_start=_monday(weeks_ago), active_users=active)
    kpi = KPIFactory(product=product, name="At-risk accounts called")
    MeasurementFactory(kpi=kpi, value=Decimal("40"))
    level = ServiceLevelFactory(product=product)
    ServiceLevelCheckFactory(service_level=level, observed=level.objective)
    definition = DefinitionOfDoneFactory(product=product)
    DoneCriterionFactory(definition=definition, required=True, met=True)
    DoneCriterionFactory(definition=definition, required=True, met=False)
    pilot = ExperimentFactory(product=product, name="Churn radar pilot, two teams")
    pilot.readout = {"sentence": "Variant raised calls from 12.0 % to 18.0 %."}
    pilot.save()
    AlertFactory(product=product, message="No measurement of a KPI for 40 days.")
    ProductReview.objects.create(product=product, reviewed_by=pm, note="Numbers look right.")
    portfolio_recompute()
    product.refresh_from_db()
    return product


def test_it_shows_the_stored_score_with_every_component_explained(tracked, stakeholder):
    response = client_for(stakeholder).get(f"/products/{tracked.slug}/health/")
    assert response.status_code == 200
    page = response.content.decode()
    assert tracked.health_score is not None
    assert f">{tracked.health_score:g}<" in page
    assert "Adoption 42: 84 of 200 target users active in the week of" in page
    assert "Readiness 50: 1 of 2 required Definition-of-Done criteria met." in page
    assert "Reliability 100: 1 of 1 service-level checks met in the last 30 days." in page
    assert "Review 100: last reviewed 3 days ago." in page
    assert "Outcomes 50: mean progress of 1 KPI (At-risk accounts called 50 %)." in page
    assert "Computed" in page
    assert tracked.scores_computed_at.strftime("%-d %b %Y") in page


def _summary(page: str) -> str:
    """The health summary card (score, status, why) as text."""
    card = page.split('data-testid="health-summary"', 1)[1].split("</section>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", card).split())


def test_it_names_the_deciding_component_and_the_coverage(tracked, stakeholder):
    page = client_for(stakeholder).get(f"/products/{tracked.slug}/health/").content.decode()
    summary = _summary(page)
    # (30×50 + 25×42 + 20×100 + 15×50 + 10×100) / 100 = 63; three are below 70, the worst of
    # them (adoption 42) is named beside the status.
    assert "63 covers 100 of 100" in summary
    assert "Caution — adoption 42" in summary
    assert "Outcomes (50), Adoption (42) and Readiness (50) are below 70." in summary


def test_a_product_known_only_by_its_review_has_not_enough_data(product, stakeholder):
    product.last_reviewed_at = timezone.now()
    product.save()
    portfolio_recompute()
    page = client_for(stakeholder).get(f"/products/{product.slug}/health/").content.decode()
    summary = _summary(page)
    assert "100 covers 10 of 100" in summary
    assert "Not enough data — covers 10 of 100" in summary
    assert "Only Review has data: it covers 10 of 100, and a status needs 50 or more." in summary
    assert "Healthy" not in summary
    assert 'class="badge health-badge health-not_enough_data"' in page


def test_it_explains_the_coverage_rule(tracked, stakeholder):
    page = client_for(stakeholder).get(f"/products/{tracked.slug}/health/").content.decode()
    assert (
        "Coverage: the weights of the components that have data; below 50 there is not enough "
        "data for a status." in _summary(page)
    )


def test_it_shows_the_records_behind_the_score(tracked, stakeholder):
    page = client_for(stakeholder).get(f"/products/{tracked.slug}/health/").content.decode()
    assert "Which accounts the account managers call this week." in page
    assert "Monday account review" in page
    assert "84 active users in the week of" in page
    assert "Four weeks earlier: 120 (-30 %)." in page
    assert "Variant raised calls from 12.0 % to 18.0 %." in page
    assert "No measurement of a KPI for 40 days." in page
    assert "Open alerts (1)" in page
    assert "Numbers look right." in page
    assert "At-risk accounts called" in page
    assert tracked.owner.get_full_name() in page


def test_components_without_data_say_what_would_set_them_up(product, stakeholder):
    portfolio_recompute()
    page = client_for(stakeholder).get(f"/products/{product.slug}/health/").content.decode()
    assert page.count("Not set up") == 5
    assert "Record weekly active users on the Adoption page" in page
    assert "Write the Definition of Done on the Metrics page." in page
    assert "The owner marks the product reviewed on its page." in page


def test_a_product_never_computed_says_so(product, stakeholder):
    page = client_for(stakeholder).get(f"/products/{product.slug}/health/").content.decode()
    assert "Not computed yet" in page
    assert "Unknown — no data yet" in _summary(page)


@pytest.mark.parametrize("who", ["pm", "team_member", "lead", "stakeholder", "other_pm"])
def test_everyone_who_may_see_the_product_reads_it(request, tracked, who):
    response = client_for(request.getfixturevalue(who)).get(f"/products/{tracked.slug}/health/")
    assert response.status_code == 200


def test_an_outsider_gets_404(tracked, outsider):
    response = client_for(outsider).get(f"/products/{tracked.slug}/health/")
    assert response.status_code == 404
    assert b"health" not in response.content.lower().split(b"<title>")[0]


def test_it_requires_login(tracked, client):
    response = client.get(f"/products/{tracked.slug}/health/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_page_changes_nothing(tracked, stakeholder, method):
    before = DataProduct.objects.values().get(pk=tracked.pk)
    response = getattr(client_for(stakeholder), method)(f"/products/{tracked.slug}/health/")
    assert response.status_code == 405
    assert DataProduct.objects.values().get(pk=tracked.pk) == before


def test_read_only_users_see_no_edit_controls(tracked, stakeholder):
    page = client_for(stakeholder).get(f"/products/{tracked.slug}/health/").content.decode()
    assert "<form" not in page.split("<main", 1)[1]
    assert f"/products/{tracked.slug}/edit/" not in page


def test_it_prints_without_navigation(tracked, stakeholder):
    page = client_for(stakeholder).get(f"/products/{tracked.slug}/health/").content.decode()
    assert "css/health.css" in page
    from django.contrib.staticfiles import finders

    with open(finders.find("css/health.css")) as css:
        assert "@media print" in css.read()


@pytest.mark.parametrize(("products", "weeks"), [(10, 5), (1000, 60)])
def test_its_query_count_does_not_grow(
    django_assert_num_queries, tracked, stakeholder, products, weeks
):
    DataProduct.objects.bulk_create(
        DataProductFactory.build(owner=tracked.owner, domain=tracked.domain)
        for _ in range(products)
    )
    for n in range(weeks):
        UsageSnapshotFactory(product=tracked, week_start=_monday(10 + n))
        ScoreSnapshot.objects.create(
            product=tracked, day=timezone.localdate() - datetime.timedelta(days=n + 1)
        )
    client = client_for(stakeholder)
    # session, user, groups (roles), product with access, team, KPIs, their measurements,
    # usage, service levels, their checks per day, Definition of Done, experiment, alerts,
    # latest review, score history.
    with django_assert_num_queries(15):
        response = client.get(f"/products/{tracked.slug}/health/")
    assert response.status_code == 200
