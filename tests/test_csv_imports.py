"""Every CSV import reads its file through one reader (dpm/lib/csv_import.py), so each refuses a
file that would lose data or break the reader, naming the line, and writes nothing."""

import datetime
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from adoption.models import UsageSnapshot
from metrics.models import Measurement, ServiceLevelCheck
from tests.adoption.factories import monday
from tests.helpers import client_for
from tests.metrics.factories import KPIFactory, ServiceLevelFactory

pytestmark = pytest.mark.django_db

PRODUCT = "/products/churn-radar"


def _yesterday() -> str:
    return str(timezone.localdate() - datetime.timedelta(days=1))


# (url of the import, header, a good row, the model it writes to); the third column of each
# header is optional, so a loose quote in it can swallow the rows after it.
IMPORTS = {
    "kpi-measurements": (
        lambda product: (
            f"{PRODUCT}/metrics/kpis/{KPIFactory(product=product).pk}/measurements/import/"
        ),
        "observed_at,value,note",
        lambda: f"{_yesterday()},3,",
        Measurement,
    ),
    "service-level-checks": (
        lambda product: (
            f"{PRODUCT}/metrics/service-levels/"
            f"{ServiceLevelFactory(product=product).pk}/checks/import/"
        ),
        "checked_at,observed",
        lambda: f"{_yesterday()},4",
        ServiceLevelCheck,
    ),
    "usage": (
        lambda product: f"{PRODUCT}/adoption/usage/import/",
        "week_start,active_users,sessions",
        lambda: f"{monday(2)},30,",
        UsageSnapshot,
    ),
}

BAD_FILES = {
    # cells beyond the header's columns
    "extra-cell": (lambda header, row: f"{header}\n{row}\n{row},lost,more\n", "row 3: "),
    # a column named twice: the last one would win
    "column-twice": (
        lambda header, row: f"{header},{header.split(',')[1]}\n{row},1\n",
        "row 1: the header names the column",
    ),
    # an unclosed quote swallows the rows after it
    "unclosed-quote": (lambda header, row: f'{header}\n{row}"oops\n{row}\n{row}\n', "row 2: "),
    # the csv module's own errors: a cell over its 131,072-character limit, a stray quote
    "huge-cell": (lambda header, row: f"{header}\n{row}{'x' * 131_073}\n", "row 2: "),
    "stray-quote": (lambda header, row: f'{header}\n{row}\n"a" b,1\n', "row 3: "),
    "nul": (lambda header, row: f"{header}\n{row}\x00\n", "row 2: "),
}


@pytest.mark.parametrize("kind", IMPORTS)
@pytest.mark.parametrize("bad", BAD_FILES)
def test_it_refuses_a_file_that_would_lose_data_naming_the_line(product, pm, kind, bad):
    url_for, header, good_row, model = IMPORTS[kind]
    make_text, error = BAD_FILES[bad]
    text = make_text(header, good_row())
    upload = SimpleUploadedFile("data.csv", text.encode(), content_type="text/csv")

    response = client_for(pm).post(url_for(product), {"file": upload})

    assert response.status_code == 422
    assert error in html.unescape(response.content.decode())
    assert not model.objects.exists()


@pytest.mark.parametrize("kind", IMPORTS)
def test_lines_ending_in_a_bare_carriage_return_import(product, pm, kind):
    url_for, header, good_row, model = IMPORTS[kind]
    upload = SimpleUploadedFile(
        "data.csv", f"{header}\r{good_row()}\r".encode(), content_type="text/csv"
    )

    response = client_for(pm).post(url_for(product), {"file": upload})

    assert response.status_code == 302
    assert model.objects.count() == 1
