"""The database itself refuses what the forms would: writes below go past the forms on purpose."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from products.models import Alert, DataProduct, Domain, ScoreSnapshot, StageChange
from tests.db_helpers import (
    bad_choice,
    in_range_params,
    model_label,
    out_of_range_params,
    refused,
    update,
)
from tests.products.factories import AlertFactory, DataProductFactory, DomainFactory

pytestmark = pytest.mark.django_db


def stage_change(**values) -> StageChange:
    values.setdefault("product", DataProductFactory())
    values.setdefault("from_stage", DataProduct.Stage.DISCOVERY)
    values.setdefault("to_stage", DataProduct.Stage.DEFINITION)
    return StageChange.objects.create(**values)


def score_snapshot(**values) -> ScoreSnapshot:
    values.setdefault("product", DataProductFactory())
    values.setdefault("day", datetime.date(2025, 3, 3))
    values.setdefault("health_score", 72.0)
    values.setdefault("health_status", DataProduct.HealthStatus.CAUTION)
    return ScoreSnapshot.objects.create(**values)


CHOICES = [
    pytest.param(DataProductFactory, "kind", "products_dataproduct_kind_valid", id="product.kind"),
    pytest.param(
        DataProductFactory, "stage", "products_dataproduct_stage_valid", id="product.stage"
    ),
    pytest.param(
        DataProductFactory, "priority", "products_dataproduct_priority_valid", id="product.priority"
    ),
    pytest.param(
        DataProductFactory,
        "health_status",
        "products_dataproduct_health_status_valid",
        id="product.health_status",
    ),
    pytest.param(AlertFactory, "kind", "products_alert_kind_valid", id="alert.kind"),
    pytest.param(AlertFactory, "severity", "products_alert_severity_valid", id="alert.severity"),
    pytest.param(
        score_snapshot,
        "health_status",
        "products_scoresnapshot_status_valid",
        id="scoresnapshot.health_status",
    ),
]


@pytest.mark.parametrize(("make", "field", "constraint"), CHOICES)
def test_it_refuses_a_value_outside_the_choices(make, field, constraint):
    obj = make()

    with refused(constraint):
        update(obj, **{field: bad_choice(obj, field)})


@pytest.mark.parametrize(("make", "field", "constraint"), CHOICES)
def test_it_accepts_every_listed_choice(make, field, constraint):
    obj = make()
    values = [value for value, _ in obj._meta.get_field(field).choices]

    for value in values:
        update(obj, **{field: value})
        obj.refresh_from_db()
        assert getattr(obj, field) == value


@pytest.mark.parametrize("field", ["from_stage", "to_stage"])
def test_it_refuses_a_stage_change_to_or_from_an_unknown_stage(field):
    change = stage_change()
    constraint = f"products_stagechange_{field.removesuffix('_stage')}_valid"

    with refused(constraint):
        update(change, **{field: "bogus"})


@pytest.mark.parametrize("stage", DataProduct.Stage.values)
def test_it_accepts_a_stage_change_between_listed_stages(stage):
    other = next(value for value in DataProduct.Stage.values if value != stage)

    stage_change(from_stage=stage, to_stage=other)
    stage_change(from_stage=other, to_stage=stage)

    assert StageChange.objects.filter(to_stage=stage).exists()


def test_it_refuses_a_stage_change_that_does_not_move():
    with refused("products_stagechange_moves"):
        stage_change(from_stage=DataProduct.Stage.BUILD, to_stage=DataProduct.Stage.BUILD)


def test_it_refuses_turning_a_stage_change_into_a_standstill():
    change = stage_change(from_stage=DataProduct.Stage.BUILD, to_stage=DataProduct.Stage.PILOT)

    with refused("products_stagechange_moves"):
        update(change, from_stage=DataProduct.Stage.PILOT)


RANGES = [
    # (make, field, constraint, refused values, accepted values)
    (
        DataProductFactory,
        "health_score",
        "products_dataproduct_health_score_range",
        [-0.1, 100.1],
        [0, 100, None],
    ),
    (
        score_snapshot,
        "health_score",
        "products_scoresnapshot_health_range",
        [-0.1, 100.1],
        [0, 100, None],
    ),
]


@pytest.mark.parametrize(("make", "field", "value", "constraint"), out_of_range_params(RANGES))
def test_it_refuses_a_value_outside_the_range(make, field, value, constraint):
    obj = make()

    with refused(constraint):
        update(obj, **{field: value})


@pytest.mark.parametrize(("make", "field", "value"), in_range_params(RANGES))
def test_it_accepts_a_value_at_the_range_boundary(make, field, value):
    obj = make()

    update(obj, **{field: value})

    obj.refresh_from_db()
    assert getattr(obj, field) == value


def test_it_refuses_a_second_product_with_the_same_slug():
    DataProductFactory(slug="churn-radar")

    with refused("products_dataproduct_slug_key"):
        DataProductFactory(slug="churn-radar")


def test_it_refuses_a_second_domain_with_the_same_slug():
    Domain.objects.create(name="Finance", slug="finance")

    with refused("products_domain_slug_key"):
        Domain.objects.create(name="Finance & control", slug="finance")


class TestOneOpenAlertPerSubject:
    def test_it_refuses_a_second_open_alert_of_the_same_kind_and_subject(self):
        first = AlertFactory()

        with refused("products_alert_one_open_per_subject"):
            AlertFactory(product=first.product, subject=first.product, kind=first.kind)

        assert Alert.objects.open().count() == 1

    def test_it_allows_a_new_open_alert_once_the_first_is_resolved(self):
        first = AlertFactory()
        update(first, resolved_at=timezone.now())

        second = AlertFactory(product=first.product, subject=first.product, kind=first.kind)

        assert list(Alert.objects.open()) == [second]

    def test_it_keeps_any_number_of_resolved_alerts(self):
        product = DataProductFactory()

        for _ in range(3):
            AlertFactory(product=product, resolved_at=timezone.now())

        assert Alert.objects.filter(product=product, resolved_at__isnull=False).count() == 3

    def test_it_refuses_reopening_an_alert_while_another_is_open(self):
        first = AlertFactory(resolved_at=timezone.now())
        AlertFactory(product=first.product, subject=first.product, kind=first.kind)

        with refused("products_alert_one_open_per_subject"):
            update(first, resolved_at=None)

    def test_it_allows_an_open_alert_of_another_kind_on_the_same_subject(self):
        first = AlertFactory(kind=Alert.Kind.PRODUCT_NOT_REVIEWED)

        AlertFactory(product=first.product, subject=first.product, kind=Alert.Kind.ADOPTION_DROP)

        assert Alert.objects.open().filter(product=first.product).count() == 2

    def test_it_allows_an_open_alert_of_the_same_kind_on_another_subject(self):
        first = AlertFactory()

        AlertFactory(kind=first.kind)

        assert Alert.objects.open().filter(kind=first.kind).count() == 2

    def test_it_tells_subjects_of_different_types_with_the_same_id_apart(self):
        first = AlertFactory()

        Alert.objects.create(
            product=first.product,
            kind=first.kind,
            subject_type=ContentType.objects.get_for_model(Domain),
            subject_id=first.subject_id,
            severity=Alert.Severity.WARNING,
            message="Same id, another table.",
            opened_at=timezone.now(),
        )

        assert Alert.objects.open().filter(subject_id=first.subject_id).count() == 2


def test_it_refuses_a_second_score_snapshot_for_the_same_product_and_day():
    first = score_snapshot()

    with refused("products_scoresnapshot_daily"):
        score_snapshot(product=first.product, day=first.day)


def test_it_keeps_one_score_snapshot_per_day_and_product():
    first = score_snapshot()

    score_snapshot(product=first.product, day=first.day + datetime.timedelta(days=1))
    score_snapshot(day=first.day)

    assert ScoreSnapshot.objects.filter(day=first.day).count() == 2


@pytest.mark.parametrize(
    "factory", [DomainFactory, DataProductFactory, AlertFactory], ids=model_label
)
def test_its_factory_defaults_satisfy_every_constraint(factory):
    factory().full_clean()
    factory().full_clean()


def test_it_refuses_an_alert_resolved_before_it_opened():
    alert = AlertFactory()

    with refused("products_alert_resolved_after_opened"):
        update(alert, resolved_at=alert.opened_at - datetime.timedelta(seconds=1))


def test_it_accepts_an_alert_resolved_when_it_opened():
    alert = AlertFactory()

    update(alert, resolved_at=alert.opened_at)

    alert.refresh_from_db()
    assert not alert.is_open
