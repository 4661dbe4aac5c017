"""The database itself refuses what the forms would: writes below go past the forms on purpose."""

import pytest

from discovery.models import Evidence, Insight, Persona, Tag
from tests.db_helpers import in_range_params, model_label, out_of_range_params, refused, update
from tests.discovery.factories import (
    EvidenceFactory,
    HypothesisFactory,
    InsightFactory,
    InterviewFactory,
    PersonaFactory,
    TagFactory,
    WhyChainFactory,
    WhyFactory,
)
from tests.metrics.factories import ExperimentFactory

pytestmark = pytest.mark.django_db


CHOICES = [
    pytest.param(
        InterviewFactory, "channel", "discovery_interview_channel_valid", id="interview.channel"
    ),
    pytest.param(InsightFactory, "kind", "discovery_insight_kind_valid", id="insight.kind"),
    pytest.param(
        HypothesisFactory, "type", "discovery_hypothesis_type_valid", id="hypothesis.type"
    ),
    pytest.param(
        HypothesisFactory, "status", "discovery_hypothesis_status_valid", id="hypothesis.status"
    ),
    pytest.param(
        EvidenceFactory, "stance", "discovery_evidence_stance_valid", id="evidence.stance"
    ),
]


@pytest.mark.parametrize(("factory", "field", "constraint"), CHOICES)
def test_it_refuses_a_value_outside_the_choices(factory, field, constraint):
    obj = factory()

    with refused(constraint):
        update(obj, **{field: "bogus"})


@pytest.mark.parametrize(("factory", "field", "constraint"), CHOICES)
def test_it_accepts_every_listed_choice(factory, field, constraint):
    obj = factory()

    for value, _ in obj._meta.get_field(field).choices:
        update(obj, **{field: value})
        obj.refresh_from_db()
        assert getattr(obj, field) == value


RANGES = [
    # (factory, field, constraint, refused values, accepted values)
    (InterviewFactory, "version", "discovery_interview_version_positive", [0], [1, 2, 1000]),
    (InsightFactory, "severity", "discovery_insight_severity_range", [0, 6], [1, 5]),
    (HypothesisFactory, "importance", "discovery_hypothesis_importance_range", [0, 6], [1, 5]),
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


def test_it_refuses_an_insight_with_severity_above_5_on_create():
    interview = InterviewFactory()

    with refused("discovery_insight_severity_range"):
        Insight.objects.create(interview=interview, kind=Insight.Kind.PAIN, text="…", severity=6)


def test_it_refuses_a_second_persona_with_the_same_name_on_a_product():
    persona = PersonaFactory(name="Account manager")

    with refused("discovery_persona_unique_name"):
        PersonaFactory(product=persona.product, name="Account manager")


def test_it_allows_the_same_persona_name_on_another_product():
    PersonaFactory(name="Account manager")
    PersonaFactory(name="Account manager")

    assert Persona.objects.filter(name="Account manager").count() == 2


def test_it_refuses_a_second_tag_with_the_same_name():
    Tag.objects.create(name="excel")

    with refused("discovery_tag_name_key"):
        Tag.objects.create(name="excel")


class TestEvidenceSource:
    def test_it_refuses_evidence_without_a_source(self):
        hypothesis = HypothesisFactory()

        with refused("discovery_evidence_one_source"):
            Evidence.objects.create(hypothesis=hypothesis, stance=Evidence.Stance.SUPPORTS)

    def test_it_refuses_evidence_with_both_an_insight_and_an_experiment(self):
        evidence = EvidenceFactory()
        experiment = ExperimentFactory(product=evidence.hypothesis.product)

        with refused("discovery_evidence_one_source"):
            update(evidence, experiment=experiment)

    def test_it_refuses_dropping_the_only_source(self):
        evidence = EvidenceFactory()

        with refused("discovery_evidence_one_source"):
            update(evidence, insight=None)

    def test_it_accepts_an_insight_alone(self):
        evidence = EvidenceFactory()

        assert evidence.insight is not None
        assert evidence.experiment is None
        assert evidence.insight.interview.product == evidence.hypothesis.product

    def test_it_accepts_an_experiment_alone(self):
        evidence = EvidenceFactory(from_experiment=True)

        evidence.refresh_from_db()
        assert evidence.insight is None
        assert evidence.experiment.product == evidence.hypothesis.product


class TestEvidenceUniqueness:
    def test_it_refuses_the_same_insight_twice_on_a_hypothesis(self):
        first = EvidenceFactory()

        with refused("discovery_evidence_unique_insight"):
            EvidenceFactory(
                hypothesis=first.hypothesis,
                insight=first.insight,
                stance=Evidence.Stance.CONTRADICTS,
            )

    def test_it_allows_the_same_insight_on_another_hypothesis(self):
        first = EvidenceFactory()
        other = HypothesisFactory(product=first.hypothesis.product)

        EvidenceFactory(hypothesis=other, insight=first.insight)

        assert first.insight.evidence.count() == 2

    def test_it_refuses_the_same_experiment_twice_on_a_hypothesis(self):
        first = EvidenceFactory(from_experiment=True)

        with refused("discovery_evidence_unique_experiment"):
            EvidenceFactory(hypothesis=first.hypothesis, insight=None, experiment=first.experiment)

    def test_it_allows_the_same_experiment_on_another_hypothesis(self):
        first = EvidenceFactory(from_experiment=True)
        other = HypothesisFactory(product=first.hypothesis.product)

        EvidenceFactory(hypothesis=other, insight=None, experiment=first.experiment)

        assert first.experiment.evidence.count() == 2

    def test_it_allows_many_sources_on_one_hypothesis(self):
        hypothesis = HypothesisFactory()

        EvidenceFactory(hypothesis=hypothesis)
        EvidenceFactory(hypothesis=hypothesis)
        EvidenceFactory(hypothesis=hypothesis, from_experiment=True)

        assert hypothesis.evidence.count() == 3


@pytest.mark.parametrize(
    "factory",
    [
        PersonaFactory,
        InterviewFactory,
        TagFactory,
        InsightFactory,
        HypothesisFactory,
        EvidenceFactory,
        WhyChainFactory,
        WhyFactory,
    ],
    ids=model_label,
)
def test_its_factory_defaults_satisfy_every_constraint(factory):
    factory().full_clean()
    factory().full_clean()


def test_it_refuses_a_why_numbered_below_one():
    why = WhyFactory()

    with refused("discovery_why_position_positive"):
        type(why).objects.filter(pk=why.pk).update(position=0)
