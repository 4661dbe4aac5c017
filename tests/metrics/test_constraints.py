"""The database itself refuses what the forms would: writes below go past the forms on purpose."""

import datetime
import functools
from decimal import Decimal

import pytest

from metrics.models import KPI, DefinitionOfDone, Experiment, ServiceLevel
from tests.db_helpers import (
    bad_choice,
    in_range_params,
    model_label,
    out_of_range_params,
    refused,
    update,
)
from tests.metrics.factories import (
    DefinitionOfDoneFactory,
    DoneCriterionFactory,
    ExperimentFactory,
    KPIFactory,
    MeasurementFactory,
    ServiceLevelCheckFactory,
    ServiceLevelFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


CHOICES = [
    pytest.param(
        DoneCriterionFactory, "group", "metrics_donecriterion_group_valid", id="donecriterion.group"
    ),
    pytest.param(KPIFactory, "category", "metrics_kpi_category_valid", id="kpi.category"),
    # Without a baseline, so every direction is consistent with the target.
    pytest.param(
        lambda: KPIFactory(baseline=None),
        "direction",
        "metrics_kpi_direction_valid",
        id="kpi.direction",
    ),
    pytest.param(
        MeasurementFactory, "source", "metrics_measurement_source_valid", id="measurement.source"
    ),
    pytest.param(
        ServiceLevelFactory,
        "indicator",
        "metrics_servicelevel_indicator_valid",
        id="servicelevel.indicator",
    ),
    pytest.param(ExperimentFactory, "kind", "metrics_experiment_kind_valid", id="experiment.kind"),
    pytest.param(
        ExperimentFactory,
        "metric_kind",
        "metrics_experiment_metric_kind_valid",
        id="experiment.metric_kind",
    ),
    pytest.param(
        ExperimentFactory, "status", "metrics_experiment_status_valid", id="experiment.status"
    ),
    pytest.param(
        functools.partial(ExperimentFactory, concluded=True),
        "decision",
        "metrics_experiment_decision_valid",
        id="experiment.decision",
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


def test_it_accepts_an_experiment_without_a_decision():
    experiment = ExperimentFactory(concluded=True)

    update(experiment, decision="")

    experiment.refresh_from_db()
    assert experiment.decision == ""


RANGES = [
    # (factory, field, constraint, refused values, accepted values)
    (KPIFactory, "cadence_days", "metrics_kpi_cadence_range", [0, 367], [1, 366]),
    (
        ServiceLevelFactory,
        "objective",
        "metrics_servicelevel_objective_range",
        [Decimal("-0.001")],
        [Decimal("0.000"), Decimal("99.999")],
    ),
    (ExperimentFactory, "control_sd", "metrics_experiment_control_sd_range", [-0.1], [0, None]),
    (ExperimentFactory, "variant_sd", "metrics_experiment_variant_sd_range", [-0.1], [0, None]),
    (
        ExperimentFactory,
        "planned_variant_share",
        "metrics_experiment_split_range",
        [Decimal("0.000"), Decimal("1.000"), Decimal("-0.100")],
        [Decimal("0.001"), Decimal("0.999"), None],
    ),
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


def test_it_refuses_a_second_definition_of_done_for_a_product():
    definition = DefinitionOfDoneFactory()

    with refused("metrics_definitionofdone_product_id_key"):
        DefinitionOfDoneFactory(product=definition.product)

    assert DefinitionOfDone.objects.count() == 1


class TestKPIDates:
    @pytest.mark.parametrize("days_after_baseline", [0, -1])
    def test_it_refuses_a_target_date_not_after_the_baseline_date(self, days_after_baseline):
        kpi = KPIFactory()

        with refused("metrics_kpi_target_after_baseline"):
            update(kpi, target_date=kpi.baseline_date + days_after_baseline * DAY)

    def test_it_refuses_creating_a_kpi_whose_target_comes_first(self):
        with refused("metrics_kpi_target_after_baseline"):
            KPIFactory(
                baseline_date=datetime.date(2025, 6, 1), target_date=datetime.date(2025, 1, 1)
            )

    def test_it_accepts_a_target_date_the_day_after_the_baseline_date(self):
        kpi = KPIFactory()

        update(kpi, target_date=kpi.baseline_date + DAY)

        kpi.refresh_from_db()
        assert kpi.target_date == kpi.baseline_date + DAY

    @pytest.mark.parametrize("missing", ["baseline_date", "target_date"])
    def test_it_accepts_a_kpi_with_either_date_missing(self, missing):
        kpi = KPIFactory(**{missing: None})

        kpi.refresh_from_db()
        assert getattr(kpi, missing) is None


def test_it_refuses_a_second_kpi_with_the_same_name_on_a_product():
    kpi = KPIFactory(name="Weekly active users")

    with refused("metrics_kpi_unique_name"):
        KPIFactory(product=kpi.product, name="Weekly active users")


def test_it_allows_the_same_kpi_name_on_another_product():
    KPIFactory(name="Weekly active users")
    KPIFactory(name="Weekly active users")

    assert KPI.objects.filter(name="Weekly active users").count() == 2


def test_it_refuses_a_second_service_level_for_the_same_indicator_on_a_product():
    level = ServiceLevelFactory()

    with refused("metrics_servicelevel_unique_indicator"):
        ServiceLevelFactory(product=level.product, indicator=level.indicator)


def test_it_allows_one_service_level_per_indicator_on_a_product():
    level = ServiceLevelFactory()

    for indicator in ServiceLevel.Indicator.values:
        if indicator != level.indicator:
            ServiceLevelFactory(product=level.product, indicator=indicator)

    assert level.product.service_levels.count() == len(ServiceLevel.Indicator.values)


class TestExperimentConversions:
    @pytest.mark.parametrize("arm", ["control", "variant"])
    def test_it_refuses_more_conversions_than_units(self, arm):
        experiment = ExperimentFactory(**{f"{arm}_n": 400})

        with refused(f"metrics_experiment_{arm}_conversions_le_n"):
            update(experiment, **{f"{arm}_conversions": 401})

    @pytest.mark.parametrize("arm", ["control", "variant"])
    def test_it_refuses_creating_an_arm_with_more_conversions_than_units(self, arm):
        with refused(f"metrics_experiment_{arm}_conversions_le_n"):
            ExperimentFactory(**{f"{arm}_n": 10, f"{arm}_conversions": 11})

    @pytest.mark.parametrize("arm", ["control", "variant"])
    @pytest.mark.parametrize("conversions", [0, 400])
    def test_it_accepts_conversions_from_zero_up_to_n(self, arm, conversions):
        experiment = ExperimentFactory(**{f"{arm}_n": 400})

        update(experiment, **{f"{arm}_conversions": conversions})

        experiment.refresh_from_db()
        assert getattr(experiment, f"{arm}_conversions") == conversions

    def test_it_accepts_an_experiment_with_no_figures_yet(self):
        experiment = ExperimentFactory(
            status=Experiment.Status.PLANNED,
            control_n=None,
            control_conversions=None,
            variant_n=None,
            variant_conversions=None,
        )

        experiment.refresh_from_db()
        assert experiment.control_n is None


class TestExperimentDates:
    def test_it_refuses_an_experiment_that_ends_before_it_starts(self):
        experiment = ExperimentFactory()

        with refused("metrics_experiment_ends_after_start"):
            update(experiment, ends_on=experiment.starts_on - DAY)

    def test_it_accepts_an_experiment_that_ends_the_day_it_starts(self):
        experiment = ExperimentFactory()

        update(experiment, ends_on=experiment.starts_on)

        experiment.refresh_from_db()
        assert experiment.ends_on == experiment.starts_on

    @pytest.mark.parametrize("missing", ["starts_on", "ends_on"])
    def test_it_accepts_an_experiment_with_either_date_missing(self, missing):
        experiment = ExperimentFactory(**{missing: None})

        experiment.refresh_from_db()
        assert getattr(experiment, missing) is None


@pytest.mark.parametrize(
    "factory",
    [
        DefinitionOfDoneFactory,
        DoneCriterionFactory,
        KPIFactory,
        MeasurementFactory,
        ServiceLevelFactory,
        ServiceLevelCheckFactory,
        ExperimentFactory,
    ],
    ids=model_label,
)
def test_its_factory_defaults_satisfy_every_constraint(factory):
    factory().full_clean()
    factory().full_clean()


def test_its_experiment_traits_satisfy_every_constraint():
    ExperimentFactory(concluded=True).full_clean()
    ExperimentFactory(mean_metric=True).full_clean()


class TestExperimentDecisionAndFigures:
    @pytest.mark.parametrize("status", ["planned", "running"])
    def test_it_refuses_a_decision_on_an_experiment_that_is_not_concluded(self, status):
        experiment = ExperimentFactory(status=status, decision="")

        with refused("metrics_experiment_decided_when_concluded"):
            update(experiment, decision=Experiment.Decision.ROLL_OUT)

    def test_it_accepts_a_decision_on_a_concluded_experiment(self):
        experiment = ExperimentFactory(status=Experiment.Status.CONCLUDED)

        update(experiment, decision=Experiment.Decision.STOP)

        experiment.refresh_from_db()
        assert experiment.decision == "stop"

    @pytest.mark.parametrize("arm", ["control", "variant"])
    def test_it_refuses_conversions_without_a_number_of_units(self, arm):
        experiment = ExperimentFactory()

        with refused(f"metrics_experiment_{arm}_conversions_le_n"):
            update(experiment, **{f"{arm}_n": None, f"{arm}_conversions": 5})


class TestServiceLevelObjectiveCeiling:
    @pytest.mark.parametrize("indicator", ["availability", "pipeline_success", "quality_pass_rate"])
    def test_it_refuses_a_rate_above_100_percent(self, indicator):
        level = ServiceLevelFactory(indicator=indicator, objective=Decimal("99.5"), unit="%")

        with refused("metrics_servicelevel_rate_at_most_100"):
            update(level, objective=Decimal("100.1"))

    def test_it_accepts_a_freshness_lag_above_100_hours(self):
        level = ServiceLevelFactory(indicator="freshness", objective=Decimal("24"), unit="hours")

        update(level, objective=Decimal("168"))

        level.refresh_from_db()
        assert level.objective == Decimal("168")
