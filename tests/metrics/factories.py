import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from metrics.models import (
    KPI,
    DefinitionOfDone,
    DoneCriterion,
    Experiment,
    Measurement,
    ServiceLevel,
    ServiceLevelCheck,
)
from tests.products.factories import DataProductFactory


def _days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


class DefinitionOfDoneFactory(factory.django.DjangoModelFactory):
    """Not signed off yet."""

    class Meta:
        model = DefinitionOfDone

    product = factory.SubFactory(DataProductFactory)
    signed_off_by = None
    signed_off_at = None


class DoneCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DoneCriterion

    definition = factory.SubFactory(DefinitionOfDoneFactory)
    group = DoneCriterion.Group.OUTCOME
    text = factory.Sequence(lambda n: f"Account managers call the top-10 at-risk accounts ({n})")
    required = True
    met = False
    evidence_url = ""
    position = factory.Sequence(lambda n: n)


class KPIFactory(factory.django.DjangoModelFactory):
    """A SMART KPI: baseline a month ago, target in a quarter, measured weekly."""

    class Meta:
        model = KPI

    product = factory.SubFactory(DataProductFactory)
    name = factory.Sequence(lambda n: f"At-risk accounts called within a week ({n})")
    category = KPI.Category.OUTCOME
    unit = "%"
    direction = KPI.Direction.INCREASE
    baseline = Decimal("20.0000")
    baseline_date = factory.LazyFunction(lambda: _days_from_today(-30))
    target = Decimal("60.0000")
    target_date = factory.LazyFunction(lambda: _days_from_today(90))
    cadence_days = 7
    calculation = "Accounts flagged at risk and called within 7 days ÷ accounts flagged."
    data_source = "CRM activity log"


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    kpi = factory.SubFactory(KPIFactory)
    value = Decimal("32.5000")
    # Times are kept to the second: a second apart, so two made at once are two measurements.
    observed_at = factory.Sequence(
        lambda n: timezone.now() - datetime.timedelta(days=1, seconds=n % 3600)
    )
    source = Measurement.Source.MANUAL
    note = ""


class ServiceLevelFactory(factory.django.DjangoModelFactory):
    """Freshness: at most 24 hours of lag. Pass `indicator` for a rate (then the objective is
    99.5 %)."""

    class Meta:
        model = ServiceLevel

    product = factory.SubFactory(DataProductFactory)
    indicator = ServiceLevel.Indicator.FRESHNESS
    objective = factory.LazyAttribute(
        lambda sl: (
            Decimal("24") if sl.indicator == ServiceLevel.Indicator.FRESHNESS else Decimal("99.5")
        )
    )
    unit = factory.LazyAttribute(
        lambda sl: "hours" if sl.indicator == ServiceLevel.Indicator.FRESHNESS else "%"
    )
    description = ""


def _meets(check) -> bool:
    level = check.service_level
    objective = Decimal(level.objective)
    observed = Decimal(check.observed)
    return observed <= objective if level.lower_is_better else observed >= objective


class ServiceLevelCheckFactory(factory.django.DjangoModelFactory):
    """A check an hour ago that met its objective; `met` follows `observed` unless given."""

    class Meta:
        model = ServiceLevelCheck

    service_level = factory.SubFactory(ServiceLevelFactory)
    observed = factory.LazyAttribute(
        lambda check: Decimal("6") if check.service_level.lower_is_better else Decimal("99.9")
    )
    met = factory.LazyAttribute(_meets)
    checked_at = factory.Sequence(
        lambda n: timezone.now() - datetime.timedelta(hours=1, seconds=n % 600)
    )


class ExperimentFactory(factory.django.DjangoModelFactory):
    """A running pilot of a hypothesis of the same product, with proportion figures.

    Traits: `concluded` (decided to roll out by the product's owner), `mean_metric`.
    """

    class Meta:
        model = Experiment

    class Params:
        concluded = factory.Trait(
            status=Experiment.Status.CONCLUDED,
            starts_on=factory.LazyFunction(lambda: _days_from_today(-42)),
            ends_on=factory.LazyFunction(lambda: _days_from_today(-7)),
            decision=Experiment.Decision.ROLL_OUT,
            decision_note="Calls on at-risk accounts rose; no guardrail moved.",
            decided_by=factory.SelfAttribute("product.owner"),
            decided_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3)),
        )
        mean_metric = factory.Trait(
            metric_name="minutes to build the call list",
            metric_kind=Experiment.MetricKind.MEAN,
            control_conversions=None,
            variant_conversions=None,
            control_mean=62.0,
            control_sd=14.0,
            variant_mean=18.0,
            variant_sd=6.0,
        )

    product = factory.SubFactory(DataProductFactory)
    hypothesis = factory.SubFactory(
        "tests.discovery.factories.HypothesisFactory",
        product=factory.SelfAttribute("..product"),
    )
    name = factory.Sequence(lambda n: f"Churn radar pilot {n}")
    kind = Experiment.Kind.PILOT
    status = Experiment.Status.RUNNING
    starts_on = factory.LazyFunction(lambda: _days_from_today(-14))
    ends_on = factory.LazyFunction(lambda: _days_from_today(14))
    metric_name = "share of at-risk accounts called"
    metric_kind = Experiment.MetricKind.PROPORTION
    planned_variant_share = Decimal("0.500")
    control_n = 400
    control_conversions = 48
    variant_n = 400
    variant_conversions = 72
    guardrails_note = "Call volume per account manager stays under 60 a week."
    decision = ""
