"""The adoption services check rights themselves (DESIGN.md §7: never only in a view or a
template), keep to the product they were given, and schedule a recompute when usage changes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from adoption import services
from adoption.models import AdoptionBarrier, EnablementAsset, Feedback, UsageSnapshot
from products.access import product_access
from tests.adoption.factories import (
    AdoptionBarrierFactory,
    EnablementAssetFactory,
    UsageSnapshotFactory,
    monday,
)
from tests.discovery.factories import InsightFactory, InterviewFactory
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("usage.csv", text.encode(), content_type="text/csv")


def _writes(product):
    """Every adoption write with valid arguments, by name."""
    snapshot = UsageSnapshotFactory(product=product, week_start=monday(5))
    barrier = AdoptionBarrierFactory(product=product)
    asset = EnablementAssetFactory(product=product)
    return {
        "usage_snapshot_add": lambda access: services.usage_snapshot_add(
            access=access, week_of=monday(1), active_users=3
        ),
        "usage_snapshot_update": lambda access: services.usage_snapshot_update(
            access=access, snapshot=snapshot, week_of=monday(5), active_users=99
        ),
        "usage_snapshot_delete": lambda access: services.usage_snapshot_delete(
            access=access, snapshot_id=snapshot.pk
        ),
        "usage_import": lambda access: services.usage_import(
            access=access, upload=upload(f"week_start,active_users\n{monday(2)},4\n")
        ),
        "adoption_barrier_save": lambda access: services.adoption_barrier_save(
            access=access,
            barrier=AdoptionBarrier(product=product, kind="trust", description="x"),
        ),
        "adoption_barrier_move": lambda access: services.adoption_barrier_move(
            access=access, barrier_id=barrier.pk, status="resolved"
        ),
        "enablement_asset_add": lambda access: services.enablement_asset_add(
            access=access, kind="docs", title="Guide"
        ),
        "enablement_asset_delete": lambda access: services.enablement_asset_delete(
            access=access, asset_id=asset.pk
        ),
        "feedback_add": lambda access: services.feedback_add(
            access=access, rating=4, given_on=TODAY(), author_name="Ops"
        ),
    }


def _state(product) -> tuple:
    return (
        list(UsageSnapshot.objects.values_list("week_start", "active_users")),
        list(AdoptionBarrier.objects.values_list("status", flat=True)),
        EnablementAsset.objects.count(),
        Feedback.objects.count(),
    )


WRITES = [
    # the four that change usage first
    "usage_snapshot_add",
    "usage_snapshot_update",
    "usage_snapshot_delete",
    "usage_import",
    "adoption_barrier_save",
    "adoption_barrier_move",
    "enablement_asset_add",
    "enablement_asset_delete",
    "feedback_add",
]


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", ["stakeholder", "lead", "other_pm", "outsider"])
def test_it_refuses_every_write_to_anyone_outside_the_team(request, product, write, who):
    writes = _writes(product)
    before = _state(product)
    access = product_access(request.getfixturevalue(who), product)

    with pytest.raises(PermissionDenied):
        writes[write](access)

    assert _state(product) == before


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", ["pm", "team_member", "admin_user"])
def test_it_lets_the_team_write(request, product, write, who):
    writes = _writes(product)
    before = _state(product)

    writes[write](product_access(request.getfixturevalue(who), product))

    assert _state(product) != before


def test_a_stakeholder_listed_on_the_team_still_only_reads(product, stakeholder):
    product.team_members.add(stakeholder)

    with pytest.raises(PermissionDenied):
        services.feedback_add(
            access=product_access(stakeholder, product),
            rating=4,
            given_on=TODAY(),
            author_name="Ops",
        )
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("write", WRITES[:4])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_usage_write_schedules_a_recompute_of_its_product(product, pm, recomputes, write):
    _writes(product)[write](product_access(pm, product))

    assert recomputes() == [product.pk]


@pytest.mark.parametrize(
    "write",
    ["adoption_barrier_move", "enablement_asset_add", "feedback_add"],
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writes_that_do_not_touch_usage_schedule_no_recompute(product, pm, recomputes, write):
    _writes(product)[write](product_access(pm, product))

    assert recomputes() == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refused_week_schedules_no_recompute(product, pm, recomputes):
    UsageSnapshotFactory(product=product, week_start=monday(1))

    with pytest.raises(ValidationError):
        services.usage_snapshot_add(
            access=product_access(pm, product), week_of=monday(1), active_users=1
        )

    assert recomputes() == []


# --- staying within the product ----------------------------------------------------------------


def test_it_refuses_to_update_another_products_week(product, pm):
    other = UsageSnapshotFactory(product=DataProductFactory(owner=pm), active_users=5)

    with pytest.raises(PermissionDenied):
        services.usage_snapshot_update(
            access=product_access(pm, product),
            snapshot=other,
            week_of=other.week_start,
            active_users=50,
        )
    other.refresh_from_db()
    assert other.active_users == 5


def test_it_refuses_to_delete_or_move_another_products_records(product, pm):
    elsewhere = DataProductFactory(owner=pm)
    snapshot = UsageSnapshotFactory(product=elsewhere)
    barrier = AdoptionBarrierFactory(product=elsewhere)
    asset = EnablementAssetFactory(product=elsewhere)
    access = product_access(pm, product)

    with pytest.raises(ValidationError):
        services.usage_snapshot_delete(access=access, snapshot_id=snapshot.pk)
    with pytest.raises(ValidationError):
        services.adoption_barrier_move(access=access, barrier_id=barrier.pk, status="resolved")
    with pytest.raises(ValidationError):
        services.enablement_asset_delete(access=access, asset_id=asset.pk)

    assert UsageSnapshot.objects.filter(pk=snapshot.pk).exists()
    assert AdoptionBarrier.objects.get(pk=barrier.pk).status == "open"
    assert EnablementAsset.objects.filter(pk=asset.pk).exists()


def test_a_barrier_links_only_this_products_insights(product, pm):
    own = InsightFactory(interview=InterviewFactory(product=product))
    foreign = InsightFactory(interview=InterviewFactory(product=DataProductFactory(owner=pm)))
    barrier = AdoptionBarrier(product=product, kind="trust", description="Doubts")

    with pytest.raises(ValidationError, match="this product's interviews"):
        services.adoption_barrier_save(
            access=product_access(pm, product), barrier=barrier, insights=[own, foreign]
        )

    assert not AdoptionBarrier.objects.exists()


def test_a_barrier_of_another_product_is_refused(product, pm):
    barrier = AdoptionBarrier(product=DataProductFactory(owner=pm), kind="trust", description="x")

    with pytest.raises(PermissionDenied):
        services.adoption_barrier_save(access=product_access(pm, product), barrier=barrier)
    assert not AdoptionBarrier.objects.exists()


# --- the rules the services keep whatever calls them ---------------------------------------------


def test_a_manual_week_is_stored_as_its_monday(product, pm):
    saturday = monday(3) + datetime.timedelta(days=5)

    snapshot = services.usage_snapshot_add(
        access=product_access(pm, product), week_of=saturday, active_users=8
    )

    assert (snapshot.week_start, snapshot.source) == (monday(3), "manual")


@pytest.mark.parametrize("rating", [0, 6])
def test_feedback_outside_1_to_5_is_refused(product, pm, rating):
    with pytest.raises(ValidationError):
        services.feedback_add(
            access=product_access(pm, product), rating=rating, given_on=TODAY(), author_name="A"
        )
    assert not Feedback.objects.exists()


def test_feedback_needs_an_author(product, pm):
    with pytest.raises(ValidationError, match="choose a person or type a name"):
        services.feedback_add(
            access=product_access(pm, product), rating=3, given_on=TODAY(), author_name="  "
        )
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("severity", [0, 6])
def test_barrier_severity_outside_1_to_5_is_refused(product, pm, severity):
    barrier = AdoptionBarrier(product=product, kind="trust", description="x", severity=severity)

    with pytest.raises(ValidationError):
        services.adoption_barrier_save(access=product_access(pm, product), barrier=barrier)
    assert not AdoptionBarrier.objects.exists()


def test_moving_to_an_unknown_status_is_refused(product, pm):
    barrier = AdoptionBarrierFactory(product=product)

    with pytest.raises(ValidationError):
        services.adoption_barrier_move(
            access=product_access(pm, product), barrier_id=barrier.pk, status="done"
        )
    barrier.refresh_from_db()
    assert barrier.status == "open"
