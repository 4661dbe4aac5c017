"""CSV download of weekly usage: the usage import's format, readable by whoever may read the
product, a fixed number of queries."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from adoption.models import UsageSnapshot
from adoption.services import usage_import
from products.access import product_access
from tests.adoption.factories import UsageSnapshotFactory, monday
from tests.helpers import client_for
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

URL = "/products/churn-radar/adoption/usage.csv"


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def weeks(product):
    UsageSnapshotFactory(product=product, week_start=monday(1), active_users=31)
    UsageSnapshotFactory(
        product=product,
        week_start=monday(3),
        active_users=18,
        sessions=None,
        median_task_seconds=None,
        decisions_supported=None,
    )
    return product


def test_it_downloads_every_week_oldest_first_with_the_import_header(weeks, pm):
    response = client_for(pm).get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="churn-radar-usage.csv"'
    assert rows(response) == [
        ["week_start", "active_users", "sessions", "median_task_seconds", "decisions_supported"],
        [monday(3).isoformat(), "18", "", "", ""],  # figures nobody recorded stay empty
        [monday(1).isoformat(), "31", "90", "240", "12"],
    ]


def test_the_file_re_imports_as_it_is(weeks, pm):
    exported = client_for(pm).get(URL).content
    copy = DataProductFactory(owner=pm, slug="copy")

    upload = SimpleUploadedFile("usage.csv", exported, content_type="text/csv")
    result = usage_import(access=product_access(pm, copy), upload=upload)

    assert (result.added, result.updated) == (2, 0)
    fields = ("week_start", "active_users", "sessions", "median_task_seconds")
    assert list(copy.usage.order_by("week_start").values_list(*fields)) == list(
        weeks.usage.order_by("week_start").values_list(*fields)
    )
    assert client_for(pm).get("/products/copy/adoption/usage.csv").content == exported


def test_re_importing_it_over_the_same_product_changes_no_figure(weeks, pm):
    before = list(weeks.usage.order_by("week_start").values_list("week_start", "active_users"))
    exported = client_for(pm).get(URL).content
    upload = SimpleUploadedFile("usage.csv", exported, content_type="text/csv")
    result = usage_import(access=product_access(pm, weeks), upload=upload)
    assert (result.added, result.updated) == (0, 2)
    after = list(weeks.usage.order_by("week_start").values_list("week_start", "active_users"))
    assert after == before


@pytest.mark.parametrize(("who", "status"), [("pm", 200), ("team_member", 200), ("lead", 200),
                                             ("stakeholder", 200), ("outsider", 404)])  # fmt: skip
def test_whoever_may_read_the_product_downloads_it(request, weeks, who, status):
    assert client_for(request.getfixturevalue(who)).get(URL).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(weeks, client):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("size", [2, 200])
def test_the_query_count_does_not_grow(product, pm, django_assert_num_queries, size):
    UsageSnapshot.objects.bulk_create(
        UsageSnapshot(product=product, week_start=monday(n), active_users=n) for n in range(size)
    )
    client = client_for(pm)
    # session, user, roles, product with rights, the weeks
    with django_assert_num_queries(5):
        response = client.get(URL)
    assert len(rows(response)) == size + 1


def test_the_adoption_page_links_to_the_download(weeks, stakeholder):
    content = client_for(stakeholder).get("/products/churn-radar/adoption/").content.decode()
    assert f'href="{URL}"' in content


def test_no_link_without_recorded_weeks(product, pm):
    content = client_for(pm).get("/products/churn-radar/adoption/").content.decode()
    assert URL not in content
