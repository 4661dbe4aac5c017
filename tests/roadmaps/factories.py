import copy
from decimal import Decimal

import factory

from roadmaps.models import (
    DEFAULT_COST_BANDS,
    DEFAULT_COST_TOP_POINTS,
    DEFAULT_TSHIRT_POINTS,
    RoadmapItem,
    ScoreChange,
    ScoringModel,
)
from tests.products.factories import DataProductFactory


class ScoringModelFactory(factory.django.DjangoModelFactory):
    """An inactive IEC model with the DESIGN.md §5 defaults; `ScoringModelFactory(active=True)`
    makes it the portfolio's one active model."""

    class Meta:
        model = ScoringModel

    class Params:
        active = factory.Trait(is_active=True)

    name = factory.Sequence(lambda n: f"Scoring model {n}")
    framework = ScoringModel.Framework.IEC
    is_active = False
    weights = factory.LazyFunction(dict)
    tshirt_points = factory.LazyFunction(lambda: dict(DEFAULT_TSHIRT_POINTS))
    cost_bands = factory.LazyFunction(lambda: copy.deepcopy(DEFAULT_COST_BANDS))
    cost_top_points = DEFAULT_COST_TOP_POINTS


class RoadmapItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoadmapItem
        skip_postgeneration_save = True

    product = factory.SubFactory(DataProductFactory)
    title = factory.Sequence(lambda n: f"Rank the weekly call list by churn risk ({n})")
    problem = "Account managers rebuild the call list by hand every Monday."
    proposed_solution = "A ranked list in the CRM, refreshed before the Monday review."
    solution_type = RoadmapItem.SolutionType.REPORT_DASHBOARD
    decision_note = "A sorted export was tried first; it went stale within a week."
    horizon = RoadmapItem.Horizon.NEXT
    status = RoadmapItem.Status.PROPOSED
    impact = 3
    reach = 40
    effort = RoadmapItem.Effort.M
    build_cost = Decimal("20000.00")
    run_cost_yearly = Decimal("5000.00")
    position = 0

    @factory.post_generation
    def hypotheses(self, create, extracted, **kwargs):
        if create and extracted:
            self.hypotheses.add(*extracted)


class ScoreChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoreChange

    item = factory.SubFactory(RoadmapItemFactory)
    score = 1.5
    previous_score = None
    inputs = factory.LazyAttribute(
        lambda change: {
            "impact": change.item.impact,
            "effort": change.item.effort,
            "build_cost": str(change.item.build_cost),
            "run_cost_yearly": str(change.item.run_cost_yearly),
        }
    )
    changed_inputs = factory.LazyFunction(list)
    changed_by = None
