"""KPIs and their measurements on the metrics page (DESIGN.md §4, §5)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from metrics.models import KPI, Measurement
from tests.helpers import client_for
from tests.metrics.factories import KPIFactory, MeasurementFactory
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

BASE = "/products/churn-radar/metrics"
KPI_DATA = {
    "name": "Monday pack time",
    "category": "outcome",
    "unit": "minutes",
    "direction": "decrease",
    "baseline": "95",
    "baseline_date": "2026-01-05",
    "target": "45",
    "target_date": "2026-07-06",
    "cadence_days": "7",
    "calculation": "Minutes from first login to the pack being sent",
    "data_source": "Looker activity log",
}


@pytest.fixture
def kpi(product):
    return KPIFactory(product=product, name="Calls within a week")


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("m.csv", text.encode(), content_type="text/csv")


# --- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "team_member", "other_pm", "lead", "stakeholder"])
def test_everyone_who_sees_the_product_reads_its_kpis(request, kpi, who):
    client = client_for(request.getfixturevalue(who))
    page = client.get(f"{BASE}/")
    assert page.status_code == 200
    assert b"Calls within a week" in page.content
    assert client.get(f"{BASE}/kpis/{kpi.pk}/").status_code == 200


def test_outsiders_get_404_and_anonymous_goes_to_login(kpi, outsider):
    assert client_for(outsider).get(f"{BASE}/").status_code == 404
    assert client_for(outsider).get(f"{BASE}/kpis/{kpi.pk}/").status_code == 404
    assert Client().get(f"{BASE}/").status_code == 302


def test_a_kpi_of_another_product_is_404(product, pm):
    other = KPIFactory(product=DataProductFactory(owner=pm))
    assert client_for(pm).get(f"{BASE}/kpis/{other.pk}/").status_code == 404


def test_the_page_shows_progress_and_status_from_the_latest_measurement(product, pm):
    today = timezone.localdate()
    kpi = KPIFactory(
        product=product,
        name="Pack time",
        direction="decrease",
        baseline=Decimal("95"),
        target=Decimal("45"),
        baseline_date=today - datetime.timedelta(days=100),
        target_date=today + datetime.timedelta(days=100),
        cadence_days=7,
    )
    MeasurementFactory(
        kpi=kpi, value=Decimal("90"), observed_at=timezone.now() - datetime.timedelta(days=20)
    )
    MeasurementFactory(
        kpi=kpi, value=Decimal("70"), observed_at=timezone.now() - datetime.timedelta(days=1)
    )
    kpis = client_for(pm).get(f"{BASE}/").context["kpis"]
    state = kpis[0].state
    # latest 70: (95 − 70) / (95 − 45) = 0.5 of the way at half the time (t = 0.5): on track
    assert (state.current, state.progress, state.status) == (Decimal("70"), 0.5, "on_track")
    assert kpis[0].status_label == "On track"


def test_a_kpi_without_target_is_flagged_as_not_smart(product, pm):
    KPIFactory(product=product, target=None, target_date=None, data_source="")
    content = client_for(pm).get(f"{BASE}/").content.decode()
    assert "Not SMART yet" in content


# --- creating and editing ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "team_member"])
def test_the_team_adds_a_kpi(request, product, who):
    response = client_for(request.getfixturevalue(who)).post(f"{BASE}/kpis/new/", KPI_DATA)
    kpi = KPI.objects.get(name="Monday pack time")
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/kpis/{kpi.pk}/"
    assert (kpi.product, kpi.direction, kpi.target) == (product, "decrease", Decimal("45"))


@pytest.mark.parametrize(("who", "status"), [("other_pm", 403), ("lead", 403),
                                             ("stakeholder", 403), ("outsider", 404)])  # fmt: skip
def test_only_the_team_adds_and_edits_kpis(request, kpi, who, status):
    client = client_for(request.getfixturevalue(who))
    assert client.post(f"{BASE}/kpis/new/", KPI_DATA).status_code == status
    assert client.post(f"{BASE}/kpis/{kpi.pk}/edit/", KPI_DATA).status_code == status
    assert KPI.objects.count() == 1
    kpi.refresh_from_db()
    assert kpi.name == "Calls within a week"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, b"This field is required"),
        ({"direction": "sideways"}, b"Select a valid choice"),
        ({"cadence_days": "0"}, b"greater than or equal to 1"),
        ({"target_date": "2025-12-31"}, b"must come after the baseline date"),
        ({"baseline": "lots"}, b"Enter a number"),
    ],
)
def test_bad_kpi_input_gets_a_clear_message_and_writes_nothing(product, pm, changes, message):
    response = client_for(pm).post(f"{BASE}/kpis/new/", {**KPI_DATA, **changes})
    assert response.status_code == 200
    assert message in response.content
    assert not KPI.objects.exists()


def test_a_duplicate_kpi_name_is_a_form_error(kpi, pm):
    response = client_for(pm).post(f"{BASE}/kpis/new/", {**KPI_DATA, "name": kpi.name})
    assert response.status_code == 200
    assert b"already exists" in response.content
    assert KPI.objects.count() == 1


def test_the_team_edits_a_kpi(kpi, team_member):
    response = client_for(team_member).post(f"{BASE}/kpis/{kpi.pk}/edit/", KPI_DATA)
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert (kpi.name, kpi.target) == ("Monday pack time", Decimal("45"))


# --- measurements ------------------------------------------------------------------------------


def test_a_measurement_is_recorded_and_the_htmx_answer_is_the_fragment(kpi, pm):
    response = client_for(pm).post(
        f"{BASE}/kpis/{kpi.pk}/measurements/",
        {"value": "33.5", "observed_at": "2026-11-20T09:00"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="measurements"' in response.content
    measurement = Measurement.objects.get()
    assert (measurement.kpi, measurement.value, measurement.source) == (
        kpi,
        Decimal("33.5"),
        "manual",
    )


def test_a_measurement_without_javascript_redirects(kpi, team_member):
    response = client_for(team_member).post(
        f"{BASE}/kpis/{kpi.pk}/measurements/", {"value": "12", "observed_at": "2026-11-20T09:00"}
    )
    assert response.status_code == 302
    assert Measurement.objects.count() == 1


@pytest.mark.parametrize("data", [{"value": "many", "observed_at": "2026-11-20T09:00"},
                                  {"value": "1", "observed_at": "yesterday"}, {}])  # fmt: skip
def test_a_bad_measurement_is_refused_with_a_message(kpi, pm, data):
    response = client_for(pm).post(
        f"{BASE}/kpis/{kpi.pk}/measurements/", data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert b'class="error"' in response.content
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("lead", 403), ("stakeholder", 403),
                                             ("outsider", 404)])  # fmt: skip
def test_only_the_team_records_measurements(request, kpi, who, status):
    client = client_for(request.getfixturevalue(who))
    data = {"value": "1", "observed_at": "2026-11-20T09:00"}
    assert client.post(f"{BASE}/kpis/{kpi.pk}/measurements/", data).status_code == status
    upload = {"file": csv_file("observed_at,value\n2026-11-01,3\n")}
    assert client.post(f"{BASE}/kpis/{kpi.pk}/measurements/import/", upload).status_code == status
    assert not Measurement.objects.exists()


def test_a_good_csv_imports_every_row(kpi, pm):
    text = "observed_at,value,note\n2026-11-02,21.5,first week\n2026-11-09T08:30,24,\n"
    response = client_for(pm).post(
        f"{BASE}/kpis/{kpi.pk}/measurements/import/", {"file": csv_file(text)}
    )
    assert response.status_code == 302
    rows = list(Measurement.objects.order_by("observed_at").values_list("value", "note", "source"))
    assert rows == [(Decimal("21.5"), "first week", "import"), (Decimal("24"), "", "import")]


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("observed_at,value\n2026-11-02,abc\n2026-13-40,3\n",
         ["row 2: value", "row 3: observed_at"]),
        ("observed_at,value\n2026-11-02,21\n2026-11-09,oops\n", ["row 3: value"]),
        ("when,how much\n2026-11-02,21\n", ["The first row must be the header"]),
        ("observed_at,value\n", ["no rows"]),
    ],
    ids=["all-bad", "mixed", "wrong-header", "empty"],
)  # fmt: skip
def test_a_bad_or_mixed_csv_imports_nothing_and_names_the_rows(kpi, pm, text, errors):
    response = client_for(pm).post(
        f"{BASE}/kpis/{kpi.pk}/measurements/import/", {"file": csv_file(text)}
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert "Nothing was imported" in content
    for error in errors:
        assert error in content
    assert not Measurement.objects.exists()


# --- query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("kpis", [3, 50])
def test_the_kpi_section_query_count_does_not_grow(django_assert_num_queries, product, pm, kpis):
    now = timezone.now()
    for n in range(kpis):
        kpi = KPIFactory(product=product, name=f"KPI {n}")
        Measurement.objects.bulk_create(
            Measurement(kpi=kpi, value=Decimal(i), observed_at=now - datetime.timedelta(days=i))
            for i in range(100)
        )
    from metrics.views.kpis import kpis_context
    from products.access import product_access

    access = product_access(pm, product)
    # the KPIs, and every measurement of them in one read
    with django_assert_num_queries(2):
        context = kpis_context(access)
    assert len(context["kpis"]) == kpis


@pytest.mark.parametrize("kpis", [3, 50])
def test_the_metrics_page_query_count_does_not_grow(django_assert_num_queries, product, pm, kpis):
    now = timezone.now()
    for n in range(kpis):
        kpi = KPIFactory(product=product, name=f"KPI {n}")
        Measurement.objects.bulk_create(
            Measurement(kpi=kpi, value=Decimal(i), observed_at=now - datetime.timedelta(days=i))
            for i in range(100)
        )
    client = client_for(pm)
    # session, user, roles, product with rights, DoD (none), KPIs, their measurements, service
    # levels (none), experiments.
    with django_assert_num_queries(9):
        assert client.get(f"{BASE}/").status_code == 200
