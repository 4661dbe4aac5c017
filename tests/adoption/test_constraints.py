"""The database itself refuses what the forms would: writes below go past the forms on purpose."""

import datetime

import pytest

from adoption.models import UsageSnapshot
from tests.adoption.factories import (
    AdoptionBarrierFactory,
    EnablementAssetFactory,
    FeedbackFactory,
    UsageSnapshotFactory,
)
from tests.db_helpers import (
    bad_choice,
    in_range_params,
    model_label,
    out_of_range_params,
    refused,
    update,
)

pytestmark = pytest.mark.django_db

WEEK = datetime.timedelta(weeks=1)


CHOICES = [
    pytest.param(
        UsageSnapshotFactory,
        "source",
        "adoption_usagesnapshot_source_valid",
        id="usagesnapshot.source",
    ),
    pytest.param(
        AdoptionBarrierFactory,
        "kind",
        "adoption_adoptionbarrier_kind_valid",
        id="adoptionbarrier.kind",
    ),
    pytest.param(
        AdoptionBarrierFactory,
        "status",
        "adoption_adoptionbarrier_status_valid",
        id="adoptionbarrier.status",
    ),
    pytest.param(
        EnablementAssetFactory,
        "kind",
        "adoption_enablementasset_kind_valid",
        id="enablementasset.kind",
    ),
]


@pytest.mark.parametrize(("factory", "field", "constraint"), CHOICES)
def test_it_refuses_a_value_outside_the_choices(factory, field, constraint):
    obj = factory()

    with refused(constraint):
        update(obj, **{field: bad_choice(obj, field)})


@pytest.mark.parametrize(("factory", "field", "constraint"), CHOICES)
def test_it_accepts_every_listed_choice(factory, field, constraint):
    obj = factory()

    for value, _ in obj._meta.get_field(field).choices:
        update(obj, **{field: value})
        obj.refresh_from_db()
        assert getattr(obj, field) == value


RANGES = [
    # (factory, field, constraint, refused values, accepted values)
    (
        AdoptionBarrierFactory,
        "severity",
        "adoption_adoptionbarrier_severity_range",
        [0, 6],
        [1, 5],
    ),
    (FeedbackFactory, "rating", "adoption_feedback_rating_range", [0, 6], [1, 5]),
]


@pytest.mark.parametrize(("factory", "field", "value", "constraint"), out_of_range_params(RANGES))
def test_it_refuses_a_value_outside_the_range(factory, field, value, constraint):
    obj = factory()

    with refused(constraint):
        update(obj, **{field: value})


@pytest.mark.parametrize(("factory", "field", "value"), in_range_params(RANGES))
def test_it_accepts_a_value_at_the_range_boundary(factory, field, value):
    obj = factory()

    update(obj, **{field: value})

    obj.refresh_from_db()
    assert getattr(obj, field) == value


def test_it_refuses_feedback_rated_above_5_on_create():
    with refused("adoption_feedback_rating_range"):
        FeedbackFactory(rating=6)


class TestOneUsageSnapshotPerWeek:
    def test_it_refuses_a_second_snapshot_for_the_same_product_and_week(self):
        first = UsageSnapshotFactory()

        with refused("adoption_usagesnapshot_one_per_week"):
            UsageSnapshotFactory(
                product=first.product, week_start=first.week_start, active_users=99
            )

    def test_it_refuses_moving_a_snapshot_onto_a_week_already_reported(self):
        first = UsageSnapshotFactory()
        earlier = UsageSnapshotFactory(product=first.product)

        with refused("adoption_usagesnapshot_one_per_week"):
            update(earlier, week_start=first.week_start)

    def test_it_allows_consecutive_weeks_of_a_product(self):
        first = UsageSnapshotFactory()

        UsageSnapshotFactory(product=first.product, week_start=first.week_start - WEEK)
        UsageSnapshotFactory(product=first.product, week_start=first.week_start + WEEK)

        assert first.product.usage.count() == 3

    def test_it_allows_the_same_week_for_another_product(self):
        first = UsageSnapshotFactory()

        UsageSnapshotFactory(week_start=first.week_start)

        assert UsageSnapshot.objects.filter(week_start=first.week_start).count() == 2


@pytest.mark.parametrize(
    "factory",
    [UsageSnapshotFactory, AdoptionBarrierFactory, EnablementAssetFactory, FeedbackFactory],
    ids=model_label,
)
def test_its_factory_defaults_satisfy_every_constraint(factory):
    factory().full_clean()
    factory().full_clean()


def test_it_refuses_feedback_from_nobody():
    feedback = FeedbackFactory(author_name="Dana")

    with refused("adoption_feedback_has_author"):
        update(feedback, user=None, author_name="")


@pytest.mark.parametrize("author", ["user", "name"])
def test_it_accepts_feedback_from_a_user_or_a_name(author):
    feedback = FeedbackFactory(author_name="Dana")

    if author == "user":
        update(feedback, author_name="")
    else:
        update(feedback, user=None)

    feedback.refresh_from_db()
    assert feedback.user_id or feedback.author_name
