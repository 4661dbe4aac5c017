"""The database itself refuses what the forms would: writes below go past the forms on purpose."""

from decimal import Decimal

import pytest
from django.db import transaction

from roadmaps.models import RoadmapItem, ScoringModel
from tests.db_helpers import bad_choice, model_label, refused, update
from tests.roadmaps.factories import RoadmapItemFactory, ScoreChangeFactory, ScoringModelFactory

pytestmark = pytest.mark.django_db


CHOICES = [
    pytest.param(
        ScoringModelFactory,
        "framework",
        "roadmaps_scoringmodel_framework_valid",
        id="scoringmodel.framework",
    ),
    pytest.param(
        RoadmapItemFactory,
        "solution_type",
        "roadmaps_roadmapitem_solution_type_valid",
        id="roadmapitem.solution_type",
    ),
    pytest.param(
        RoadmapItemFactory,
        "horizon",
        "roadmaps_roadmapitem_horizon_valid",
        id="roadmapitem.horizon",
    ),
    pytest.param(
        RoadmapItemFactory, "status", "roadmaps_roadmapitem_status_valid", id="roadmapitem.status"
    ),
    pytest.param(
        RoadmapItemFactory, "effort", "roadmaps_roadmapitem_effort_valid", id="roadmapitem.effort"
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


@pytest.mark.parametrize("effort", ["xs", "XXS", "m"])
def test_it_refuses_an_effort_that_is_not_a_tshirt_size(effort):
    item = RoadmapItemFactory()

    with refused("roadmaps_roadmapitem_effort_valid"):
        update(item, effort=effort)


RANGES = [
    # (field, constraint, refused values, accepted values)
    ("impact", "roadmaps_roadmapitem_impact_range", [0, 6], [1, 5]),
    ("time_criticality", "roadmaps_roadmapitem_time_criticality_range", [0, 6], [1, 5, None]),
    ("risk_reduction", "roadmaps_roadmapitem_risk_reduction_range", [0, 6], [1, 5, None]),
    (
        "build_cost",
        "roadmaps_roadmapitem_build_cost_range",
        [Decimal("-0.01")],
        [Decimal("0.00"), Decimal("9999999999.99"), None],
    ),
    (
        "run_cost_yearly",
        "roadmaps_roadmapitem_run_cost_range",
        [Decimal("-0.01")],
        [Decimal("0.00"), Decimal("9999999999.99"), None],
    ),
    (
        "confidence_override",
        "roadmaps_roadmapitem_confidence_range",
        [Decimal("-0.01"), Decimal("1.01")],
        [Decimal("0.00"), Decimal("0.50"), Decimal("1.00"), None],
    ),
]


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        pytest.param(field, value, constraint, id=f"{field}={value}")
        for field, constraint, bad, _good in RANGES
        for value in bad
    ],
)
def test_it_refuses_a_roadmap_item_value_outside_the_range(field, value, constraint):
    item = RoadmapItemFactory()

    with refused(constraint):
        update(item, **{field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param(field, value, id=f"{field}={value}")
        for field, _constraint, _bad, good in RANGES
        for value in good
    ],
)
def test_it_accepts_a_roadmap_item_value_at_the_range_boundary(field, value):
    item = RoadmapItemFactory()

    update(item, **{field: value})

    item.refresh_from_db()
    assert getattr(item, field) == value


def test_it_refuses_impact_above_5_on_create():
    with refused("roadmaps_roadmapitem_impact_range"):
        RoadmapItemFactory(impact=6)

    assert not RoadmapItem.objects.exists()


class TestOneActiveScoringModel:
    def test_it_refuses_a_second_active_model(self):
        ScoringModelFactory(active=True)

        with refused("roadmaps_scoringmodel_one_active"):
            ScoringModelFactory(active=True, framework=ScoringModel.Framework.RICE)

    def test_it_refuses_activating_a_second_model(self):
        ScoringModelFactory(active=True)
        other = ScoringModelFactory()

        with refused("roadmaps_scoringmodel_one_active"):
            update(other, is_active=True)

    def test_it_keeps_any_number_of_inactive_models(self):
        ScoringModelFactory(active=True)
        ScoringModelFactory.create_batch(3)

        assert ScoringModel.objects.filter(is_active=False).count() == 3

    def test_it_allows_switching_once_the_first_is_deactivated(self):
        first = ScoringModelFactory(active=True)
        second = ScoringModelFactory()

        with transaction.atomic():
            update(first, is_active=False)
            update(second, is_active=True)

        assert list(ScoringModel.objects.filter(is_active=True)) == [second]


@pytest.mark.parametrize(
    "factory", [ScoringModelFactory, RoadmapItemFactory, ScoreChangeFactory], ids=model_label
)
def test_its_factory_defaults_satisfy_every_constraint(factory):
    factory().full_clean()
    factory().full_clean()


def test_it_refuses_a_scoring_model_whose_top_cost_band_scores_zero():
    model = ScoringModelFactory()

    with refused("roadmaps_scoringmodel_cost_top_positive"):
        update(model, cost_top_points=0)
