import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from metrics.models import KPI
from products.models import Alert, DataProduct
from tests.discovery.factories import HypothesisFactory
from tests.helpers import client_for
from tests.metrics.factories import ExperimentFactory, KPIFactory
from tests.products.factories import AlertFactory, DataProductFactory, UserFactory
from tests.roadmaps.factories import RoadmapItemFactory

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


@pytest.mark.parametrize("size", [10, 500])
def test_the_alerts_query_count_does_not_grow(django_assert_num_queries, lead, size):
    _bulk_alerts(size)
    client = client_for(lead)
    # session, user, roles, the count, the page of alerts with their products and acknowledgers,
    # the products for the product filter.
    with django_assert_num_queries(6):
        response = client.get("/alerts/")
    assert response.status_code == 200
    assert response.content.count(b'class="ack-form"') == min(size, 50)
    # The list fragment leaves out the filter form, and with it the products' query; a product
    # filter adds the one query that checks its slug.
    with django_assert_num_queries(5):
        client.get("/alerts/?severity=warning", HTTP_HX_REQUEST="true")
    slug = Alert.objects.values_list("product__slug", flat=True).first()
    with django_assert_num_queries(7):
        assert client.get(f"/alerts/?product={slug}").status_code == 200


@pytest.mark.parametrize("size", [10, 500])
def test_the_alerts_query_count_does_not_grow_for_a_team_member(django_assert_num_queries, size):
    _bulk_alerts(size)
    member = UserFactory()
    for product in DataProduct.objects.all():
        product.team_members.add(member)
    client = client_for(member)
    # As for a lead: the products a user without a role may see are a subquery, not a query.
    with django_assert_num_queries(6):
        response = client.get("/alerts/")
    assert len(response.context["page"].object_list) == min(size, 50)


# --- filters and order -------------------------------------------------------------------------


@pytest.fixture
def mixed_alerts(product, pm):
    """Four open alerts on churn-radar and one on another product: kinds, severities and
    acknowledgement mixed."""
    now = timezone.now()
    other = DataProductFactory(name="Demand forecast", slug="demand-forecast", owner=pm)
    return {
        "not_reviewed": AlertFactory(
            product=product,
            message="Review is late",
            severity="warning",
            opened_at=now - datetime.timedelta(days=4),
        ),
        "kpi": AlertFactory(
            product=product,
            kind=Alert.Kind.KPI_NOT_MEASURED,
            message="KPI is quiet",
            severity="error",
            opened_at=now - datetime.timedelta(days=3),
        ),
        "adoption": AlertFactory(
            product=product,
            kind=Alert.Kind.ADOPTION_DROP,
            message="Users left",
            severity="warning",
            opened_at=now - datetime.timedelta(days=1),
            acknowledged_by=pm,
            acknowledged_at=now,
            acknowledge_note="Looking into it",
        ),
        "other": AlertFactory(
            product=other,
            kind=Alert.Kind.KPI_NOT_MEASURED,
            message="Forecast KPI is quiet",
            severity="error",
            opened_at=now - datetime.timedelta(days=2),
        ),
    }


def _messages(response) -> list[str]:
    return [alert.message for alert in response.context["page"]]


def test_it_orders_errors_first_then_newest_first(mixed_alerts, lead):
    response = client_for(lead).get("/alerts/")
    assert _messages(response) == [
        "Forecast KPI is quiet",
        "KPI is quiet",
        "Users left",
        "Review is late",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=kpi_not_measured", ["Forecast KPI is quiet", "KPI is quiet"]),
        ("severity=warning", ["Users left", "Review is late"]),
        ("product=churn-radar", ["KPI is quiet", "Users left", "Review is late"]),
        ("acknowledged=yes", ["Users left"]),
        ("acknowledged=no", ["Forecast KPI is quiet", "KPI is quiet", "Review is late"]),
        ("kind=kpi_not_measured&product=churn-radar", ["KPI is quiet"]),
        ("severity=warning&acknowledged=no&product=churn-radar", ["Review is late"]),
        ("severity=error&product=demand-forecast&kind=adoption_drop", []),
    ],
)
def test_it_filters_alerts(mixed_alerts, lead, query, expected):
    response = client_for(lead).get(f"/alerts/?{query}")
    assert response.status_code == 200
    assert _messages(response) == expected
    assert b"clear filters" in response.content
    assert b"These filters were left out" not in response.content


def test_it_keeps_the_filters_in_the_form(mixed_alerts, lead):
    content = client_for(lead).get("/alerts/?severity=error&product=churn-radar").content.decode()
    assert '<option value="error" selected>' in content
    assert '<option value="churn-radar" selected>' in content


def test_it_leaves_out_an_invalid_filter_and_says_so(mixed_alerts, lead):
    response = client_for(lead).get("/alerts/?kind=spaceship&severity=error&acknowledged=maybe")
    assert response.status_code == 200
    assert b"These filters were left out" in response.content
    assert b"Kind: Select a valid choice" in response.content
    assert b"Acknowledged: Select a valid choice" in response.content
    assert _messages(response) == ["Forecast KPI is quiet", "KPI is quiet"]  # severity still holds


def test_it_treats_an_unknown_product_as_an_invalid_filter(mixed_alerts, lead):
    response = client_for(lead).get("/alerts/?product=no-such-product")
    assert response.status_code == 200
    assert b"Product: Select a valid choice" in response.content
    assert len(_messages(response)) == 4


def test_it_tells_an_outsider_nothing_about_a_product_they_may_not_see(mixed_alerts, outsider):
    known = client_for(outsider).get("/alerts/?product=churn-radar")
    unknown = client_for(outsider).get("/alerts/?product=no-such-product")
    assert known.status_code == unknown.status_code == 200
    assert _messages(known) == _messages(unknown) == []
    assert b"Product: Select a valid choice" in known.content
    assert b"Churn radar" not in known.content


def test_it_offers_only_visible_products_in_the_product_filter(mixed_alerts, team_member):
    content = client_for(team_member).get("/alerts/").content.decode()
    assert '<option value="churn-radar">Churn radar</option>' in content
    assert "demand-forecast" not in content
    assert _messages(client_for(team_member).get("/alerts/")) == [
        "KPI is quiet",
        "Users left",
        "Review is late",
    ]


def test_it_answers_an_htmx_filter_change_with_the_list_only(mixed_alerts, lead):
    client = client_for(lead)
    full = client.get("/alerts/?severity=error")
    fragment = client.get("/alerts/?severity=error", HTTP_HX_REQUEST="true")
    assert b"<html" in full.content
    assert b'class="filters alert-filters"' in full.content
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content
    assert b'class="filters alert-filters"' not in fragment.content
    assert fragment.content.count(b'id="alert-list"') == 1
    assert b"Forecast KPI is quiet" in fragment.content
    assert b"Review is late" not in fragment.content
    assert "HX-Request" in fragment["Vary"]


def test_it_pages_alerts_fifty_at_a_time_keeping_the_filters(product, lead):
    kpi_type = ContentType.objects.get_for_model(KPI)
    now = timezone.now()
    Alert.objects.bulk_create(
        Alert(
            product=product,
            kind=Alert.Kind.KPI_NOT_MEASURED,
            subject_type=kpi_type,
            subject_id=n,
            severity="warning",
            message=f"Alert {n}",
            opened_at=now - datetime.timedelta(minutes=n),
        )
        for n in range(1, 61)
    )
    client = client_for(lead)
    first = client.get("/alerts/?severity=warning")
    second = client.get("/alerts/?severity=warning&page=2")
    assert len(first.context["page"].object_list) == 50
    assert _messages(second) == [f"Alert {n}" for n in range(51, 61)]
    assert b"?severity=warning&amp;page=2" in first.content


# --- what each row shows -------------------------------------------------------------------------


def _subjects(product) -> dict:
    """Per alert kind: a stale object of churn-radar, the link's words and where it leads."""
    kpi = KPIFactory(product=product)
    hypothesis = HypothesisFactory(product=product, status="testing")
    item = RoadmapItemFactory(product=product, status="in_progress")
    experiment = ExperimentFactory(product=product, hypothesis=hypothesis)
    return {
        Alert.Kind.PRODUCT_NOT_REVIEWED: (
            product,
            "Review the product",
            "/products/churn-radar/#review-panel",
        ),
        Alert.Kind.KPI_NOT_MEASURED: (
            kpi,
            "Open the KPI",
            f"/products/churn-radar/metrics/kpis/{kpi.pk}/",
        ),
        Alert.Kind.HYPOTHESIS_STALE: (
            hypothesis,
            "Open the hypothesis",
            f"/products/churn-radar/discovery/hypotheses/{hypothesis.pk}/",
        ),
        Alert.Kind.DISCOVERY_STALE: (product, "Open discovery", "/products/churn-radar/discovery/"),
        Alert.Kind.ITEM_STALE: (
            item,
            "Open the roadmap item",
            f"/products/churn-radar/roadmap/{item.pk}/",
        ),
        Alert.Kind.PILOT_UNDECIDED: (
            experiment,
            "Open the experiment",
            f"/products/churn-radar/metrics/experiments/{experiment.pk}/",
        ),
        Alert.Kind.ADOPTION_DROP: (
            product,
            "Open the usage",
            "/products/churn-radar/adoption/#usage",
        ),
    }


def test_it_links_every_kind_of_alert_to_its_stale_object(product, lead):
    subjects = _subjects(product)
    assert set(subjects) == set(Alert.Kind)
    for kind, (subject, _, _) in subjects.items():
        AlertFactory(product=product, kind=kind, subject=subject)
    client = client_for(lead)
    content = client.get("/alerts/").content.decode()
    for kind, (_, label, url) in subjects.items():
        assert f'<a class="alert-link" href="{url}">{label}' in content, kind
        # The link leads somewhere real: the page answers.
        assert client.get(url.split("#")[0]).status_code == 200, kind


def test_it_shows_who_acknowledged_an_alert_and_their_note(mixed_alerts, stakeholder):
    content = client_for(stakeholder).get("/alerts/").content.decode()
    assert "Acknowledged</span> by Pm on" in content
    assert "Looking into it" in content
    assert content.count("Not acknowledged yet.") == 3


@pytest.mark.parametrize(
    ("who", "forms"),
    [
        ("pm", 4),  # owns both products
        ("lead", 4),
        ("admin_user", 4),
        ("team_member", 0),
        ("other_pm", 0),
        ("stakeholder", 0),
    ],
)
def test_it_offers_acknowledging_only_to_owners_and_leads(request, mixed_alerts, who, forms):
    content = client_for(request.getfixturevalue(who)).get("/alerts/").content
    assert content.count(b'class="ack-form"') == forms


# --- acknowledging ------------------------------------------------------------------------------


@pytest.fixture
def alert(product):
    return AlertFactory(product=product, message="Not reviewed for 95 days.")


def _acknowledge(user_or_client, alert, htmx=False, **data):
    client = user_or_client if isinstance(user_or_client, Client) else client_for(user_or_client)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(f"/alerts/{alert.pk}/acknowledge/", data, **headers)


@pytest.mark.parametrize("who", ["pm", "lead", "admin_user"])
def test_it_lets_the_owner_a_lead_or_a_superuser_acknowledge(request, alert, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    response = _acknowledge(
        client, alert, note="  Review booked for Monday  ", next="/alerts/?severity=warning"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/alerts/?severity=warning#alert-{alert.pk}"
    alert.refresh_from_db()
    assert alert.acknowledged_by == user
    assert alert.acknowledged_at is not None
    assert alert.acknowledge_note == "Review booked for Monday"
    assert alert.is_open  # only the sweep resolves it
    page = client.get(response["Location"])
    assert b"Alert acknowledged." in page.content


def test_it_answers_an_htmx_acknowledge_with_the_row(alert, lead):
    response = _acknowledge(lead, alert, htmx=True, note="Seen")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert content.lstrip().startswith(
        f'<li class="alert-item alert-warning is-acknowledged" id="alert-{alert.pk}">'
    )
    assert "Acknowledged</span> by Lead on" in content
    assert "Seen" in content
    assert "Change the note" in content
    alert.refresh_from_db()
    assert alert.acknowledged_by == lead


def test_it_acknowledges_without_a_note(alert, pm):
    assert _acknowledge(pm, alert).status_code == 302
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledge_note) == (pm, "")


def test_acknowledging_again_updates_the_note(alert, pm, lead):
    _acknowledge(pm, alert, note="First look")
    first = Alert.objects.get(pk=alert.pk).acknowledged_at
    _acknowledge(lead, alert, note="Escalated to the data team")
    alert.refresh_from_db()
    assert alert.acknowledge_note == "Escalated to the data team"
    assert alert.acknowledged_by == lead
    assert alert.acknowledged_at >= first


@pytest.mark.parametrize("who", ["team_member", "stakeholder", "other_pm"])
def test_it_refuses_acknowledging_to_others_who_may_see_the_product(request, alert, who):
    response = _acknowledge(request.getfixturevalue(who), alert, note="Mine now")
    assert response.status_code == 403
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledged_at, alert.acknowledge_note) == (
        None,
        None,
        "",
    )


def test_it_refuses_a_stakeholder_even_as_the_products_owner(alert, product, stakeholder):
    product.owner = stakeholder
    product.save()
    assert _acknowledge(stakeholder, alert).status_code == 403


def test_it_answers_404_to_an_outsider(alert, outsider):
    assert _acknowledge(outsider, alert, note="Hello").status_code == 404
    assert _acknowledge(outsider, alert, htmx=True).status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_it_answers_404_for_an_unknown_alert(lead):
    assert client_for(lead).post("/alerts/999999/acknowledge/").status_code == 404


def test_it_refuses_get_on_the_acknowledge_endpoint(alert, pm):
    assert client_for(pm).get(f"/alerts/{alert.pk}/acknowledge/").status_code == 405


def test_it_sends_anonymous_acknowledging_to_login(alert):
    response = Client().post(f"/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_says_a_resolved_alert_has_nothing_to_acknowledge(alert, pm):
    Alert.objects.filter(pk=alert.pk).update(resolved_at=timezone.now())

    fragment = _acknowledge(pm, alert, htmx=True, note="Too late")
    assert fragment.status_code == 409
    assert b"<html" not in fragment.content
    assert b"nothing is left to acknowledge" in fragment.content
    assert b'class="ack-form"' not in fragment.content

    client = client_for(pm)
    response = _acknowledge(client, alert, note="Too late", next="/alerts/?severity=warning")
    assert response.status_code == 302
    assert response["Location"] == "/alerts/?severity=warning"
    page = client.get(response["Location"])
    assert b"Nothing is left to acknowledge." in page.content

    alert.refresh_from_db()
    assert (alert.acknowledged_at, alert.acknowledge_note) == (None, "")


def test_it_refuses_an_overlong_note(alert, pm):
    note = "x" * 1001

    fragment = _acknowledge(pm, alert, htmx=True, note=note)
    assert fragment.status_code == 422
    assert b"<html" not in fragment.content
    assert b"Ensure this value has at most 1000 characters" in fragment.content
    assert b'<details class="ack-details" open>' in fragment.content

    full = _acknowledge(pm, alert, note=note, next="/alerts/?kind=product_not_reviewed")
    assert full.status_code == 422
    assert b"<html" in full.content
    assert b"Acknowledge an alert" in full.content
    assert b"Ensure this value has at most 1000 characters" in full.content
    assert b'href="/alerts/?kind=product_not_reviewed"' in full.content

    alert.refresh_from_db()
    assert (alert.acknowledged_at, alert.acknowledge_note) == (None, "")


def test_it_accepts_a_note_of_the_longest_length(alert, pm):
    assert _acknowledge(pm, alert, note="y" * 1000).status_code == 302
    alert.refresh_from_db()
    assert len(alert.acknowledge_note) == 1000


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/alerts/", ""])
def test_it_goes_back_to_the_alerts_page_when_next_is_not_safe(alert, pm, next_url):
    response = _acknowledge(pm, alert, next=next_url)
    assert response.status_code == 302
    assert response["Location"] == f"/alerts/#alert-{alert.pk}"


def test_the_service_refuses_who_may_not_acknowledge(alert, product, team_member):
    from django.core.exceptions import PermissionDenied

    from products.access import product_access
    from products.services import alert_acknowledge

    with pytest.raises(PermissionDenied):
        alert_acknowledge(
            access=product_access(team_member, product),
            user=team_member,
            alert_id=alert.pk,
            note="",
        )
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


# --- the navigation's count ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("pm", b"3"),
        ("lead", b"3"),
        ("stakeholder", b"3"),
        ("other_pm", b"3"),
        ("admin_user", b"3"),
        ("team_member", b"2"),  # only churn-radar
    ],
)
def test_the_count_shows_the_open_alerts_the_user_may_see(request, product, who, expected):
    AlertFactory(product=product, severity="error")
    AlertFactory(product=product, kind=Alert.Kind.ADOPTION_DROP)
    AlertFactory(severity="error")  # on a product with no one of ours on it
    AlertFactory(product=product, kind=Alert.Kind.DISCOVERY_STALE, resolved_at=timezone.now())
    response = client_for(request.getfixturevalue(who)).get(
        "/alerts/count/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert (
        re.search(rb'<span class="count nav-count" title="[^"]+">(\d+)<', response.content)[1]
        == expected
    )


def test_the_count_shows_an_outsider_only_their_own_products(product, outsider):
    AlertFactory(product=product)
    assert client_for(outsider).get("/alerts/count/").content.strip() == b""
    theirs = DataProductFactory(owner=outsider)
    AlertFactory(product=theirs, kind=Alert.Kind.ADOPTION_DROP, subject=theirs)
    content = client_for(outsider).get("/alerts/count/").content
    assert b">1<" in content


def test_the_count_marks_warnings_only_apart_from_errors(product, lead):
    AlertFactory(product=product)
    warnings_only = client_for(lead).get("/alerts/count/").content
    assert b'class="count nav-count nav-count-warning"' in warnings_only
    assert b'1 open alert"' in warnings_only
    AlertFactory(product=product, kind=Alert.Kind.KPI_NOT_MEASURED, severity="error")
    with_error = client_for(lead).get("/alerts/count/").content
    assert b'class="count nav-count"' in with_error
    assert b"2 open alerts, 1 error" in with_error


def test_the_count_is_empty_without_open_alerts(lead):
    response = client_for(lead).get("/alerts/count/")
    assert response.status_code == 200
    assert response.content.strip() == b""


def test_the_count_needs_a_login():
    response = Client().get("/alerts/count/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_pages_load_the_count_after_the_page(product, pm):
    content = client_for(pm).get("/products/churn-radar/").content
    assert b'hx-get="/alerts/count/" hx-trigger="load"' in content


@pytest.mark.parametrize("size", [10, 500])
def test_the_count_query_count_does_not_grow(django_assert_num_queries, lead, size):
    _bulk_alerts(size)
    client = client_for(lead)
    # session, user, roles, the aggregate.
    with django_assert_num_queries(4):
        response = client.get("/alerts/count/", HTTP_HX_REQUEST="true")
    assert f">{size}<".encode() in response.content


# --- counts on the product and health pages -------------------------------------------------------


def test_the_product_page_counts_its_open_alerts(product, stakeholder):
    AlertFactory(product=product, severity="error")
    AlertFactory(product=product, kind=Alert.Kind.ADOPTION_DROP)
    AlertFactory(product=product, kind=Alert.Kind.DISCOVERY_STALE)
    AlertFactory(product=product, kind=Alert.Kind.ITEM_STALE, resolved_at=timezone.now())
    AlertFactory(severity="error")  # another product's
    content = client_for(stakeholder).get("/products/churn-radar/").content.decode()
    assert '<a class="alert-counts" href="/alerts/?product=churn-radar"' in content
    assert "Open alerts:" in content
    assert '<span class="badge sev-error">1 error</span>' in content
    assert '<span class="badge sev-warning">2 warnings</span>' in content


def test_the_product_page_says_when_there_are_no_open_alerts(product, pm):
    content = client_for(pm).get("/products/churn-radar/").content.decode()
    assert "No open alerts" in content
    assert "/alerts/?product=churn-radar" not in content


def test_the_health_page_links_each_alert_and_says_who_acknowledged_it(product, pm, stakeholder):
    AlertFactory(
        product=product,
        acknowledged_by=pm,
        acknowledged_at=timezone.now(),
        acknowledge_note="Review on Monday",
    )
    AlertFactory(product=product, kind=Alert.Kind.ADOPTION_DROP)
    content = client_for(stakeholder).get("/products/churn-radar/health/").content.decode()
    assert '<a href="/products/churn-radar/#review-panel">Review the product</a>' in content
    assert '<a href="/products/churn-radar/adoption/#usage">Open the usage</a>' in content
    assert "Acknowledged by Pm on" in content
    assert "Review on Monday" in content
    assert content.count("Acknowledged by") == 1


# --- query counts ------------------------------------------------------------------------------


def _bulk_alerts(size: int) -> None:
    """`size` open alerts spread over ten products, a third of them acknowledged by as many
    different people: inserted in bulk, as a large portfolio's sweep would leave them."""
    owners = UserFactory.create_batch(3)
    products = [DataProductFactory(owner=owners[n % 3]) for n in range(10)]
    kpi_type = ContentType.objects.get_for_model(KPI)
    now = timezone.now()
    Alert.objects.bulk_create(
        Alert(
            product=products[n % len(products)],
            kind=Alert.Kind.KPI_NOT_MEASURED,
            subject_type=kpi_type,
            subject_id=n + 1,
            severity="error" if n % 4 == 0 else "warning",
            message=f"KPI {n} is quiet",
            opened_at=now - datetime.timedelta(hours=n),
            acknowledged_by=owners[n % 3] if n % 3 == 0 else None,
            acknowledged_at=now if n % 3 == 0 else None,
            acknowledge_note="On it" if n % 3 == 0 else "",
        )
        for n in range(size)
    )
