"""CSV downloads of KPI measurements: the measurement import's format, safe in spreadsheets,
readable by whoever may read the product, a fixed number of queries."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from metrics.models import Measurement
from metrics.services import measurements_import
from products.access import product_access
from tests.helpers import client_for
from tests.metrics.factories import KPIFactory, MeasurementFactory
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

BASE = "/products/churn-radar/metrics"


def at(day: int, hour: int = 9, minute: int = 30) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 10, day, hour, minute))


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def kpi(product):
    kpi = KPIFactory(product=product, name="Calls within a week")
    MeasurementFactory(kpi=kpi, value=Decimal("24"), observed_at=at(9), note="")
    MeasurementFactory(kpi=kpi, value=Decimal("21.5"), observed_at=at(2), note="first week")
    MeasurementFactory(kpi=kpi, value=Decimal("-3.25"), observed_at=at(16, 8, 0), note="a, b")
    return kpi


def test_it_downloads_a_kpis_measurements_oldest_first(kpi, pm):
    response = client_for(pm).get(f"{BASE}/kpis/{kpi.pk}/measurements.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="churn-radar-calls-within-a-week.csv"'
    )
    assert rows(response) == [
        ["observed_at", "value", "note"],
        ["2026-10-02T09:30:00", "21.5", "first week"],
        ["2026-10-09T09:30:00", "24", ""],
        ["2026-10-16T08:00:00", "-3.25", "a, b"],  # a negative number is not a formula
    ]


def test_times_are_written_in_the_sites_time_zone(kpi, pm, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    response = client_for(pm).get(f"{BASE}/kpis/{kpi.pk}/measurements.csv")
    # 09:30 UTC on 2 October is 11:30 in Berlin (summer time)
    assert rows(response)[1][0] == "2026-10-02T11:30:00"


@pytest.mark.parametrize("note", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx"])
def test_a_note_that_a_spreadsheet_would_run_is_written_as_text(kpi, pm, note):
    Measurement.objects.update(note=note)
    response = client_for(pm).get(f"{BASE}/kpis/{kpi.pk}/measurements.csv")
    assert {row[2] for row in rows(response)[1:]} == {f"'{note}"}


def test_the_file_re_imports_as_it_is(kpi, pm, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    client = client_for(pm)
    exported = client.get(f"{BASE}/kpis/{kpi.pk}/measurements.csv").content
    copy = KPIFactory(product=kpi.product, name="Copy")

    upload = SimpleUploadedFile("m.csv", exported, content_type="text/csv")
    result = measurements_import(access=product_access(pm, kpi.product), kpi=copy, upload=upload)

    assert (result.added, result.updated) == (3, 0)
    copied = list(copy.measurements.order_by("observed_at").values_list("observed_at", "value"))
    original = list(kpi.measurements.order_by("observed_at").values_list("observed_at", "value"))
    assert copied == original
    again = client.get(f"{BASE}/kpis/{copy.pk}/measurements.csv").content
    assert again == exported


@pytest.mark.parametrize(("who", "status"), [("pm", 200), ("team_member", 200), ("lead", 200),
                                             ("stakeholder", 200), ("outsider", 404)])  # fmt: skip
def test_whoever_may_read_the_product_downloads_it(request, kpi, who, status):
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"{BASE}/kpis/{kpi.pk}/measurements.csv").status_code == status
    assert client.get(f"{BASE}/kpis.csv").status_code == status


def test_another_products_kpi_is_not_found(kpi, pm):
    other = KPIFactory(product=DataProductFactory())
    assert client_for(pm).get(f"{BASE}/kpis/{other.pk}/measurements.csv").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(kpi, client):
    response = client.get(f"{BASE}/kpis/{kpi.pk}/measurements.csv")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_downloads_every_kpis_measurements_in_one_file(kpi, pm):
    other = KPIFactory(product=kpi.product, name="=Accounts saved")
    MeasurementFactory(kpi=other, value=Decimal("7"), observed_at=at(1), note="")
    KPIFactory(product=kpi.product, name="Never measured")

    response = client_for(pm).get(f"{BASE}/kpis.csv")

    assert response["Content-Disposition"] == 'attachment; filename="churn-radar-kpis.csv"'
    assert rows(response) == [
        ["kpi", "observed_at", "value", "note"],
        ["'=Accounts saved", "2026-10-01T09:30:00", "7", ""],
        ["Calls within a week", "2026-10-02T09:30:00", "21.5", "first week"],
        ["Calls within a week", "2026-10-09T09:30:00", "24", ""],
        ["Calls within a week", "2026-10-16T08:00:00", "-3.25", "a, b"],
    ]


@pytest.mark.parametrize("size", [3, 300])
def test_the_downloads_query_count_does_not_grow(product, pm, django_assert_num_queries, size):
    now = timezone.now()
    for n in range(2):
        kpi = KPIFactory(product=product, name=f"KPI {n}")
        Measurement.objects.bulk_create(
            Measurement(kpi=kpi, value=Decimal(i), observed_at=now - datetime.timedelta(hours=i))
            for i in range(size)
        )
    client = client_for(pm)
    # session, user, roles, product with rights, the KPI, its measurements
    with django_assert_num_queries(6):
        response = client.get(f"{BASE}/kpis/{kpi.pk}/measurements.csv")
    assert len(rows(response)) == size + 1
    # session, user, roles, product with rights, every measurement with its KPI's name
    with django_assert_num_queries(5):
        response = client.get(f"{BASE}/kpis.csv")
    assert len(rows(response)) == 2 * size + 1


def test_the_kpi_page_links_to_the_downloads(kpi, stakeholder):
    content = client_for(stakeholder).get(f"{BASE}/kpis/{kpi.pk}/").content.decode()
    assert f'href="{BASE}/kpis/{kpi.pk}/measurements.csv"' in content
    assert f'href="{BASE}/kpis.csv"' in content
