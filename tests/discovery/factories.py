import datetime

import factory
from django.utils import timezone

from discovery.models import Evidence, Hypothesis, Insight, Interview, Persona, Tag, Why, WhyChain
from tests.products.factories import DataProductFactory


class PersonaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Persona

    product = factory.SubFactory(DataProductFactory)
    name = factory.Sequence(lambda n: f"Account manager {n}")
    role = "Account manager, mid-market"
    decisions = "Which accounts to call first each week."
    tools = "Salesforce, Excel"


class InterviewFactory(factory.django.DjangoModelFactory):
    """An interview held a week ago by the product's PM, with a persona of the same product."""

    class Meta:
        model = Interview

    product = factory.SubFactory(DataProductFactory)
    persona = factory.SubFactory(PersonaFactory, product=factory.SelfAttribute("..product"))
    interviewee_name = factory.Sequence(lambda n: f"Interviewee {n}")
    interviewee_role = "Account manager"
    interviewee_team = "Mid-market sales"
    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    conducted_by = factory.SelfAttribute("product.owner")
    channel = Interview.Channel.VIDEO
    notes = "Exports the churn list to Excel every Monday and sorts it by hand."
    summary = "Spends an hour a week rebuilding the call list."
    contains_pii = False


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag-{n}")


class InsightFactory(factory.django.DjangoModelFactory):
    """A pain point from an interview. `InsightFactory(tags=[tag, ...])` attaches tags."""

    class Meta:
        model = Insight
        skip_postgeneration_save = True

    interview = factory.SubFactory(InterviewFactory)
    kind = Insight.Kind.PAIN
    text = factory.Sequence(lambda n: f"Rebuilds the weekly call list by hand (#{n}).")
    severity = 3

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class HypothesisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hypothesis

    product = factory.SubFactory(DataProductFactory)
    persona = None
    who = "account managers"
    belief = factory.Sequence(lambda n: f"will call at-risk accounts first (#{n})")
    because = "they rebuild the call list by hand every Monday"
    signal = "half of them open the churn list before the Monday review"
    type = Hypothesis.Type.DESIRABILITY
    importance = 3
    status = Hypothesis.Status.PROPOSED


class EvidenceFactory(factory.django.DjangoModelFactory):
    """Supporting evidence from an insight of the hypothesis's product.

    `EvidenceFactory(from_experiment=True)` links an experiment of that product instead.
    """

    class Meta:
        model = Evidence

    class Params:
        from_experiment = factory.Trait(
            insight=None,
            experiment=factory.SubFactory(
                "tests.metrics.factories.ExperimentFactory",
                product=factory.SelfAttribute("..hypothesis.product"),
                hypothesis=factory.SelfAttribute("..hypothesis"),
            ),
        )

    hypothesis = factory.SubFactory(HypothesisFactory)
    insight = factory.SubFactory(
        InsightFactory, interview__product=factory.SelfAttribute("...hypothesis.product")
    )
    experiment = None
    stance = Evidence.Stance.SUPPORTS
    note = "Said so unprompted."
    added_by = factory.SelfAttribute("hypothesis.product.owner")


class WhyChainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WhyChain

    product = factory.SubFactory(DataProductFactory)
    problem = factory.Sequence(lambda n: f"Account managers miss churning accounts (#{n}).")
    root_cause = ""


class WhyFactory(factory.django.DjangoModelFactory):
    """The next why of its chain (position 1, 2, … in creation order)."""

    class Meta:
        model = Why

    chain = factory.SubFactory(WhyChainFactory)
    position = factory.LazyAttribute(lambda why: why.chain.whys.count() + 1 if why.chain.pk else 1)
    text = "Because the churn list arrives after the Monday review."
