"""Export → re-import never loses or doubles a measurement (issue 12, items 16 and 17).

A measurement is its KPI and its observed time, to the second: every input (form, CSV, API,
admin, and any write through the model) keeps whole seconds, so the export, which writes whole
seconds, names each stored time exactly. A note is one line, refused with a line break or another
control character at every input, so whatever is stored exports as a cell the import reads back.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.models import Measurement, ServiceLevelCheck
from metrics.services import (
    measurements_import,
    service_level_check_add,
    service_level_checks_import,
)
from products.access import product_access
from tests.api.conftest import api_client, make_token
from tests.helpers import client_for
from tests.metrics.factories import KPIFactory, MeasurementFactory, ServiceLevelFactory

pytestmark = pytest.mark.django_db

BASE = "/products/churn-radar/metrics"
API = "/api/v1/products/churn-radar"
ONE_LINE = "Keep this to one line: no line breaks, tabs or other control characters."


@pytest.fixture
def kpi(product):
    return KPIFactory(product=product, name="Calls within a week")


def csv_file(content: bytes | str) -> SimpleUploadedFile:
    content = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile("m.csv", content, content_type="text/csv")


def api_post(client, path, body):
    return client.post(f"{API}/{path}", json.dumps(body), content_type="application/json")


def _token_client(pm, product):
    return api_client(make_token(pm, product))


def _iso(moment: datetime.datetime) -> str:
    """Naive, with microseconds: as a CSV cell from another tool."""
    return timezone.localtime(moment).replace(tzinfo=None).isoformat(timespec="microseconds")


def _yesterday_at(hour: int, micro: int = 0) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0, 0, micro)))


# --- whole seconds ----------------------------------------------------------------------------


def test_an_api_measurement_with_milliseconds_re_imports_from_its_export_in_place(kpi, pm):
    at = _yesterday_at(9, 250_000)
    response = api_post(
        _token_client(pm, kpi.product),
        "measurements",
        {"kpi": kpi.pk, "value": "30", "observed_at": at.isoformat(), "note": "nightly"},
    )
    assert response.status_code == 200
    client = client_for(pm)
    exported = client.get(f"{BASE}/kpis/{kpi.pk}/measurements.csv").content

    result = measurements_import(
        access=product_access(pm, kpi.product), kpi=kpi, upload=csv_file(exported)
    )

    assert (result.added, result.updated) == (0, 1)
    assert list(kpi.measurements.values_list("observed_at", "value", "note")) == [
        (at.replace(microsecond=0), Decimal("30"), "nightly")
    ]


def test_every_input_stores_measurement_times_to_the_second(kpi, pm):
    access = product_access(pm, kpi.product)
    client = client_for(pm)
    at = _yesterday_at(9)
    client.post(
        f"{BASE}/kpis/{kpi.pk}/measurements/",
        {"value": "1", "observed_at": at.strftime("%Y-%m-%dT%H:%M:%S.123")},
        HTTP_HX_REQUEST="true",
    )
    measurements_import(
        access=access,
        kpi=kpi,
        upload=csv_file(f"observed_at,value\n{_iso(_yesterday_at(10, 999_999))},2\n"),
    )
    api_post(
        _token_client(pm, kpi.product),
        "measurements",
        {"kpi": kpi.pk, "value": "3", "observed_at": _yesterday_at(11, 500_000).isoformat()},
    )
    MeasurementFactory(kpi=kpi, value=Decimal("4"), observed_at=_yesterday_at(12, 1))
    Measurement.objects.bulk_create(
        [Measurement(kpi=kpi, value=Decimal("5"), observed_at=_yesterday_at(13, 7))]
    )

    stored = sorted(kpi.measurements.values_list("value", "observed_at"))

    assert stored == [(Decimal(n), _yesterday_at(8 + n)) for n in range(1, 6)], (
        "every time kept to the second"
    )


def test_two_rows_within_one_second_are_the_same_time(kpi, pm):
    text = (
        "observed_at,value\n"
        f"{_iso(_yesterday_at(9, 100_000))},21\n"
        f"{_iso(_yesterday_at(9, 900_000))},22\n"
    )

    response = client_for(pm).post(
        f"{BASE}/kpis/{kpi.pk}/measurements/import/", {"file": csv_file(text)}
    )

    assert response.status_code == 422
    assert "row 3: observed_at — repeats row 2" in response.content.decode()


def test_the_database_takes_a_time_within_a_recorded_second_as_that_time(kpi):
    MeasurementFactory(kpi=kpi, observed_at=_yesterday_at(9))

    with pytest.raises(IntegrityError), transaction.atomic():
        MeasurementFactory(kpi=kpi, observed_at=_yesterday_at(9, 400_000))
    assert kpi.measurements.filter(observed_at=_yesterday_at(9, 400_000)).count() == 1


def test_service_level_checks_are_stored_to_the_second(pm, product):
    level = ServiceLevelFactory(product=product)
    access = product_access(pm, product)
    service_level_check_add(access=access, service_level=level, observed=Decimal("2"))
    service_level_checks_import(
        access=access,
        service_level=level,
        text=f"checked_at,observed\n{_iso(_yesterday_at(9, 250_000))},3\n",
    )
    api_post(
        _token_client(pm, product),
        "service-level-checks",
        {"service_level": level.pk, "observed": "4", "checked_at": _iso(_yesterday_at(10, 1))},
    )

    times = ServiceLevelCheck.objects.values_list("checked_at", flat=True)
    assert len(times) == 3
    assert [at.microsecond for at in times] == [0, 0, 0]


# --- notes are one line -----------------------------------------------------------------------

BREAKS = ["two\nlines", "carriage\rreturn", "crlf\r\nend", "tab\there", "bell\x07", "ls\u2028x"]


@pytest.mark.parametrize("note", BREAKS)
def test_the_api_refuses_a_note_that_is_not_one_line(kpi, pm, note):
    response = api_post(
        _token_client(pm, kpi.product),
        "measurements",
        {"kpi": kpi.pk, "value": "3", "observed_at": _yesterday_at(9).isoformat(), "note": note},
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [{"item": 0, "field": "note", "message": ONE_LINE}]
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("note", BREAKS)
def test_the_measurement_form_refuses_a_note_that_is_not_one_line(kpi, pm, note):
    response = client_for(pm).post(
        f"{BASE}/kpis/{kpi.pk}/measurements/",
        {"value": "1", "observed_at": _yesterday_at(9).strftime("%Y-%m-%dT%H:%M"), "note": note},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 422
    assert ONE_LINE in response.content.decode()
    assert not Measurement.objects.exists()


def test_a_csv_note_with_a_control_character_is_refused_by_its_row(kpi, pm):
    text = f"observed_at,value,note\n{_iso(_yesterday_at(9))},1,a\x07b\n"

    response = client_for(pm).post(
        f"{BASE}/kpis/{kpi.pk}/measurements/import/", {"file": csv_file(text)}
    )

    assert response.status_code == 422
    assert f"row 2: note — {ONE_LINE}" in response.content.decode()


def test_the_model_and_the_admin_refuse_a_note_that_is_not_one_line(kpi, admin_client):
    with pytest.raises(ValidationError) as refused:
        Measurement(kpi=kpi, value=1, observed_at=_yesterday_at(9), note="a\nb").full_clean()
    assert refused.value.message_dict == {"note": [ONE_LINE]}

    response = admin_client.post(
        "/admin/metrics/measurement/add/",
        {
            "kpi": kpi.pk,
            "value": "1",
            "observed_at_0": _yesterday_at(9).strftime("%Y-%m-%d"),
            "observed_at_1": "09:00:00",
            "source": "manual",
            "note": "a\rb",
        },
    )
    assert ONE_LINE in response.content.decode()
    assert not Measurement.objects.exists()


def test_the_database_refuses_a_line_break_in_a_note(kpi):
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasurementFactory(kpi=kpi, note="line one\nline two")


# Any text, leaning on what CSV and spreadsheets treat specially; the forms strip the ends.
notes = st.text(
    st.one_of(
        st.sampled_from(list("\n\r\t\",;=+-@' ")), st.characters(blacklist_categories=("Cs",))
    ),
    max_size=300,
).map(str.strip)
AWKWARD = ['say "hi"', "a, b", "=SUM(A1)", "+1", "-1", "@cmd", "'quoted", "''", "naïve — 😀 «»"]


def _storable(note: str) -> bool:
    try:
        Measurement(kpi_id=1, value=1, observed_at=_yesterday_at(0), note=note).full_clean(
            exclude=["kpi"]
        )
    except ValidationError:
        return False
    return True


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(notes=st.lists(notes, min_size=1, max_size=8))
def test_every_storable_note_exports_and_re_imports_unchanged(kpi, pm, notes):
    Measurement.objects.all().delete()
    stored = [note for note in [*AWKWARD, *notes] if _storable(note)]
    for n, note in enumerate(stored):
        MeasurementFactory(
            kpi=kpi,
            value=Decimal(n) / 8 - 1,
            observed_at=_yesterday_at(0) + datetime.timedelta(minutes=n),
            note=note,
        )
    fields = ("observed_at", "value", "note")
    before = list(kpi.measurements.order_by("observed_at").values_list(*fields))
    exported = client_for(pm).get(f"{BASE}/kpis/{kpi.pk}/measurements.csv").content

    result = measurements_import(
        access=product_access(pm, kpi.product), kpi=kpi, upload=csv_file(exported)
    )

    assert (result.added, result.updated) == (0, len(stored))
    assert list(kpi.measurements.order_by("observed_at").values_list(*fields)) == before
