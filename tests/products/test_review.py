"""Marking a product reviewed (issue 6): the service, the POST view with and without htmx, and
the review panel on the product page."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from products import services
from products.access import product_access
from products.models import DataProduct, ProductReview
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

URL = "/products/churn-radar/review/"
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def recomputes(monkeypatch):
    """The product ids the service asked to recompute (the recompute itself is tested apart)."""
    scheduled = []
    monkeypatch.setattr(services, "schedule_recompute", scheduled.append)
    return scheduled


def _noon(*, days_ago: int) -> datetime.datetime:
    """Midday, local time, `days_ago` calendar days ago: reviews age in calendar days."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


# --- the service ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "lead", "admin_user"])
def test_it_lets_the_owner_leads_and_superusers_review(request, product, recomputes, who):
    user = request.getfixturevalue(who)
    before = timezone.now()

    review = services.product_mark_reviewed(
        access=product_access(user, product), user=user, note="  KPIs on track; docs updated.  "
    )

    product.refresh_from_db()
    assert before <= product.last_reviewed_at <= timezone.now()
    assert product.last_reviewed_at == review.created_at
    assert ProductReview.objects.get() == review
    assert (review.product, review.reviewed_by, review.note) == (
        product,
        user,
        "KPIs on track; docs updated.",
    )
    assert recomputes == [product.pk]


def test_it_allows_an_empty_note(product, pm, recomputes):
    services.product_mark_reviewed(access=product_access(pm, product), user=pm)
    review = ProductReview.objects.get()
    assert review.note == ""
    product.refresh_from_db()
    assert product.last_reviewed_at is not None


@pytest.mark.parametrize("who", ["team_member", "other_pm", "stakeholder", "outsider"])
def test_it_refuses_a_review_from_anyone_else(request, product, recomputes, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.product_mark_reviewed(access=product_access(user, product), user=user)
    product.refresh_from_db()
    assert product.last_reviewed_at is None
    assert not ProductReview.objects.exists()
    assert recomputes == []


def test_it_refuses_an_owner_who_only_holds_the_stakeholder_role(stakeholder, recomputes):
    from tests.products.factories import DataProductFactory

    owned = DataProductFactory(owner=stakeholder)
    with pytest.raises(PermissionDenied):
        services.product_mark_reviewed(access=product_access(stakeholder, owned), user=stakeholder)
    assert not ProductReview.objects.exists()


def test_it_refuses_an_overlong_note_without_writing(product, pm, recomputes):
    with pytest.raises(ValidationError):
        services.product_mark_reviewed(access=product_access(pm, product), user=pm, note="x" * 2001)
    product.refresh_from_db()
    assert product.last_reviewed_at is None
    assert not ProductReview.objects.exists()
    assert recomputes == []


def test_it_schedules_the_recompute_for_after_the_commit(
    product, pm, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.product_mark_reviewed(access=product_access(pm, product), user=pm)
    assert len(callbacks) == 1


# --- the view ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "lead", "admin_user"])
def test_it_marks_reviewed_and_redirects_without_htmx(request, product, recomputes, who):
    user = request.getfixturevalue(who)
    client = client_for(user)

    response = client.post(URL, {"note": "Checked adoption with Sales"})

    assert response.status_code == 302
    assert response["Location"] == "/products/churn-radar/"
    review = ProductReview.objects.get()
    assert (review.reviewed_by, review.note) == (user, "Checked adoption with Sales")
    product.refresh_from_db()
    assert product.last_reviewed_at == review.created_at
    page = client.get(response["Location"]).content.decode()
    assert "Marked reviewed." in page
    assert "Last reviewed <time" in page
    assert ">today</time> by " in page
    assert "<q>Checked adoption with Sales</q>" in page


def test_it_answers_htmx_with_the_review_panel(product, pm, recomputes):
    response = client_for(pm).post(URL, {"note": "Quarterly check"}, **HX)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert content.lstrip().startswith('<section class="card review-panel" id="review-panel"')
    assert 'id="stage-panel"' not in content
    assert "<q>Quarterly check</q>" in content
    assert "Mark reviewed" in content  # a fresh form for the next review
    assert ProductReview.objects.get().note == "Quarterly check"


def test_it_accepts_a_review_without_a_note(product, pm, recomputes):
    response = client_for(pm).post(URL, {}, **HX)
    assert response.status_code == 200
    assert ProductReview.objects.get().note == ""
    assert b"Last reviewed" in response.content


@pytest.mark.parametrize(
    ("who", "status"),
    [("team_member", 403), ("other_pm", 403), ("stakeholder", 403), ("outsider", 404)],
)
def test_it_refuses_a_review_post_from_anyone_else(request, product, recomputes, who, status):
    client = client_for(request.getfixturevalue(who))
    assert client.post(URL, {"note": "sneaky"}).status_code == status
    assert client.post(URL, {"note": "sneaky"}, **HX).status_code == status
    product.refresh_from_db()
    assert product.last_reviewed_at is None
    assert not ProductReview.objects.exists()


def test_it_sends_anonymous_users_to_login(product):
    response = Client().post(URL, {"note": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not ProductReview.objects.exists()


def test_it_refuses_get(product, pm):
    assert client_for(pm).get(URL).status_code == 405


def test_it_returns_404_for_an_unknown_product(pm):
    assert client_for(pm).post("/products/nope/review/").status_code == 404


def test_it_shows_an_overlong_note_as_a_form_error_in_the_panel(product, pm, recomputes):
    response = client_for(pm).post(URL, {"note": "x" * 2001}, **HX)
    assert response.status_code == 422
    assert b"<html" not in response.content
    assert b'id="review-panel"' in response.content
    assert b"Ensure this value has at most 2000 characters" in response.content
    product.refresh_from_db()
    assert product.last_reviewed_at is None
    assert not ProductReview.objects.exists()


def test_it_shows_an_overlong_note_as_a_form_error_on_the_page(product, pm, recomputes):
    response = client_for(pm).post(URL, {"note": "x" * 2001})
    assert response.status_code == 422
    assert b"<html" in response.content
    assert b"Ensure this value has at most 2000 characters" in response.content
    assert not ProductReview.objects.exists()


# --- the panel on the product page ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "may_review"),
    [
        ("pm", True),
        ("lead", True),
        ("admin_user", True),
        ("team_member", False),
        ("other_pm", False),
        ("stakeholder", False),
    ],
)
def test_it_offers_the_review_form_only_to_those_who_may_review(request, product, who, may_review):
    response = client_for(request.getfixturevalue(who)).get("/products/churn-radar/")
    assert response.status_code == 200
    assert b'id="review-panel"' in response.content
    assert b"Never reviewed." in response.content
    assert (b'action="/products/churn-radar/review/"' in response.content) is may_review
    assert (b"Mark reviewed" in response.content) is may_review


def test_it_hides_the_panel_from_an_outsider(product, outsider):
    assert client_for(outsider).get("/products/churn-radar/").status_code == 404


def test_it_shows_the_last_review_and_the_five_latest_notes(product, pm, lead):
    for n in range(6):
        ProductReview.objects.create(product=product, reviewed_by=pm, note=f"Note number {n}")
    latest = ProductReview.objects.create(product=product, reviewed_by=lead, note="Lead's look")
    DataProduct.objects.filter(pk=product.pk).update(last_reviewed_at=latest.created_at)

    content = client_for(pm).get("/products/churn-radar/").content.decode()

    assert "by Lead — <q>Lead&#x27;s look</q>" in content
    for n in (2, 3, 4, 5):
        assert f"Note number {n}" in content
    assert "Note number 1" not in content  # only the five latest
    assert "Note number 0" not in content


def test_it_counts_the_days_since_the_last_review(product, pm):
    DataProduct.objects.filter(pk=product.pk).update(last_reviewed_at=_noon(days_ago=12))
    content = client_for(pm).get("/products/churn-radar/").content.decode()
    assert ">12 days ago</time>." in content  # no review row: nobody to name


def test_the_review_note_has_its_own_label_beside_the_stage_note(product, pm):
    content = client_for(pm).get("/products/churn-radar/").content.decode()
    assert content.count('id="id_note"') == 1  # the stage form's
    assert 'for="id_review_note"' in content
    assert content.count('id="id_review_note"') == 1
