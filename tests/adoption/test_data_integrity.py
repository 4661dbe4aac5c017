"""Issue 12 on the adoption page: usage weeks and feedback dates within the sane range (a year-1
week made the product's health page a 500 for everyone), no week that has not started, and
history that outlives no accident."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from adoption.models import UsageSnapshot
from adoption.services import usage_import
from products.access import product_access
from tests.adoption.factories import FeedbackFactory, UsageSnapshotFactory, monday
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

PAGE = "/products/churn-radar/adoption/"
RANGE = "Enter a date between 1 January 1900 and 31 December 2199."


def csv_file(text: str | bytes) -> SimpleUploadedFile:
    content = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile("usage.csv", content, content_type="text/csv")


@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-07", "1899-12-31"])
def test_the_week_form_refuses_a_week_before_1900(product, pm, day):
    response = client_for(pm).post(f"{PAGE}usage/", {"week_of": day, "active_users": "4"})

    assert response.status_code in (200, 422)
    assert RANGE in response.content.decode()
    assert not UsageSnapshot.objects.exists()


def test_the_usage_import_refuses_a_week_before_1900(product, pm):
    text = "week_start,active_users\n2026-01-05,4\n0001-01-01,5\n"

    response = client_for(pm).post(f"{PAGE}usage/import/", {"file": csv_file(text)})

    assert response.status_code == 422
    assert f"line 3: week_start 0001-01-01: {RANGE}" in response.content.decode()
    assert not UsageSnapshot.objects.exists()


def test_the_database_refuses_a_week_before_1900_so_the_health_page_cannot_break(product):
    with pytest.raises(IntegrityError), transaction.atomic():
        UsageSnapshotFactory(product=product, week_start=datetime.date(1, 1, 1))


def test_the_health_page_shows_the_earliest_allowed_week(product, stakeholder):
    UsageSnapshotFactory(product=product, week_start=datetime.date(1900, 1, 1))  # a Monday

    response = client_for(stakeholder).get("/products/churn-radar/health/")

    assert response.status_code == 200


def test_a_week_that_has_not_started_is_refused_by_the_shared_rule(product, pm):
    next_week = monday() + datetime.timedelta(weeks=1)

    response = client_for(pm).post(
        f"{PAGE}usage/", {"week_of": next_week.isoformat(), "active_users": "4"}
    )

    assert response.status_code in (200, 422)
    assert "has not started yet" in response.content.decode()
    assert not UsageSnapshot.objects.exists()


def test_feedback_from_before_1900_is_refused(product, pm):
    response = client_for(pm).post(
        f"{PAGE}feedback/",
        {"rating": "4", "given_on": "0001-01-01", "author_name": "Ana", "text": "Useful"},
    )

    assert RANGE in response.content.decode()
    assert not product.feedback.exists()


def test_the_usage_export_re_imports_and_changes_no_figure(product, pm):
    UsageSnapshotFactory(product=product, week_start=datetime.date(1900, 1, 1), active_users=3)
    UsageSnapshotFactory(product=product, week_start=monday(2), active_users=31)
    fields = ("week_start", "active_users", "sessions", "median_task_seconds")
    before = list(product.usage.order_by("week_start").values_list(*fields))
    exported = client_for(pm).get(f"{PAGE}usage.csv").content

    result = usage_import(access=product_access(pm, product), upload=csv_file(exported))

    assert (result.added, result.updated) == (0, 2)
    assert list(product.usage.order_by("week_start").values_list(*fields)) == before
    assert b"\r\n1900-01-01,3," in exported


def test_the_admin_refuses_to_delete_a_product_with_usage(admin_client, product):
    UsageSnapshotFactory(product=product)
    FeedbackFactory(product=product)

    response = admin_client.post(
        reverse("admin:products_dataproduct_delete", args=[product.pk]), {"post": "yes"}
    )

    assert response.status_code == 200
    assert "Cannot delete data product" in response.content.decode()
    assert product.usage.exists()


def test_feedback_cannot_come_from_the_future_by_the_shared_rule(product):
    feedback = FeedbackFactory.build(
        product=product,
        user=None,
        author_name="CFO office",
        given_at=timezone.now() + datetime.timedelta(days=1),
    )

    with pytest.raises(ValidationError):
        feedback.full_clean()
