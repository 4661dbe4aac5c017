"""Stage gates (DESIGN.md §4) through the service that every stage change goes through."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from metrics.models import Experiment
from products.access import product_access
from products.models import DataProduct, StageChange
from products.services import GateRefused, product_change_stage
from tests.metrics.factories import DefinitionOfDoneFactory, ExperimentFactory, KPIFactory
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db


def move(product, user, to_stage, **kwargs) -> StageChange:
    return product_change_stage(
        access=product_access(user, product), user=user, to_stage=to_stage, **kwargs
    )


@pytest.fixture
def defined(pm):
    """A product in definition, one step before the build gate."""
    return DataProductFactory(owner=pm, stage=DataProduct.Stage.DEFINITION)


def test_build_is_refused_without_a_definition_of_done_or_kpi(defined, pm):
    with pytest.raises(GateRefused) as refused:
        move(defined, pm, "build")

    assert refused.value.problems == [
        "Build needs a Definition of Done",
        "Build needs a KPI with both a baseline and a target",
    ]
    defined.refresh_from_db()
    assert defined.stage == "definition"
    assert not StageChange.objects.exists()


@pytest.mark.parametrize("missing", ["baseline", "target"])
def test_build_is_refused_when_the_only_kpi_lacks_a_baseline_or_target(defined, pm, missing):
    DefinitionOfDoneFactory(product=defined)
    KPIFactory(product=defined, **{missing: None})

    with pytest.raises(GateRefused) as refused:
        move(defined, pm, "build")

    assert refused.value.problems == ["Build needs a KPI with both a baseline and a target"]


def test_build_is_refused_when_the_kpi_belongs_to_another_product(defined, pm):
    DefinitionOfDoneFactory(product=defined)
    KPIFactory()

    with pytest.raises(GateRefused):
        move(defined, pm, "build")


def test_build_is_allowed_with_a_definition_of_done_and_a_measurable_kpi(defined, pm):
    DefinitionOfDoneFactory(product=defined)
    KPIFactory(product=defined)

    change = move(defined, pm, "build", note="DoD signed")

    defined.refresh_from_db()
    assert defined.stage == "build"
    assert (change.from_stage, change.to_stage, change.override_reason) == (
        "definition",
        "build",
        "",
    )


@pytest.fixture
def piloted(pm):
    return DataProductFactory(owner=pm, stage=DataProduct.Stage.PILOT)


@pytest.mark.parametrize(
    ("status", "decision"),
    [
        ("running", ""),
        ("concluded", "iterate"),
        ("concluded", "stop"),
    ],
)
def test_launch_is_refused_without_a_concluded_roll_out(piloted, pm, status, decision):
    ExperimentFactory(product=piloted, status=status, decision=decision)

    with pytest.raises(GateRefused) as refused:
        move(piloted, pm, "launched")

    assert refused.value.problems == [
        "Launch needs a concluded pilot or experiment decided “roll out”"
    ]


def test_launch_is_allowed_after_a_concluded_roll_out(piloted, pm):
    ExperimentFactory(product=piloted, concluded=True)
    assert Experiment.objects.get().decision == "roll_out"

    move(piloted, pm, "launched")

    piloted.refresh_from_db()
    assert piloted.stage == "launched"


def test_skipping_stages_passes_every_gate_on_the_way(pm):
    product = DataProductFactory(owner=pm, stage="discovery")
    ExperimentFactory(product=product, concluded=True)

    with pytest.raises(GateRefused) as refused:
        move(product, pm, "launched")

    assert [p.split(" needs ")[0] for p in refused.value.problems] == ["Build", "Build"]


def test_moving_back_or_retiring_passes_no_gate(piloted, pm):
    move(piloted, pm, "discovery")
    move(piloted, pm, "retired")

    piloted.refresh_from_db()
    assert piloted.stage == "retired"
    assert StageChange.objects.count() == 2


def test_a_lead_overrides_a_gate_and_the_reason_is_recorded(defined, lead):
    change = move(defined, lead, "build", override_reason="Regulator deadline")

    defined.refresh_from_db()
    assert defined.stage == "build"
    assert change.override_reason == "Regulator deadline"
    assert change.changed_by == lead


def test_an_override_on_an_open_gate_is_not_recorded_as_one(defined, lead):
    DefinitionOfDoneFactory(product=defined)
    KPIFactory(product=defined)

    change = move(defined, lead, "build", override_reason="Just in case")

    assert change.override_reason == ""


def test_a_pm_cannot_override_a_gate(defined, pm):
    with pytest.raises(PermissionDenied):
        move(defined, pm, "build", override_reason="I am sure")

    defined.refresh_from_db()
    assert defined.stage == "definition"


def test_a_stakeholder_cannot_change_a_stage(defined, stakeholder):
    with pytest.raises(PermissionDenied):
        move(defined, stakeholder, "discovery")


@pytest.mark.parametrize("to_stage", ["definition", "moon"])
def test_it_refuses_the_current_or_an_unknown_stage(defined, pm, to_stage):
    with pytest.raises(ValidationError):
        move(defined, pm, to_stage)

    assert not StageChange.objects.exists()
