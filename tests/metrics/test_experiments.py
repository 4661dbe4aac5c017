"""Pilots and A/B tests: figures, the readout sentence, the decision, evidence (DESIGN.md §5)."""

import pytest
from django.test import Client

from discovery.models import Evidence
from metrics.models import Experiment
from products.models import DataProduct
from products.services import gate_problems
from tests.discovery.factories import HypothesisFactory
from tests.helpers import client_for
from tests.metrics.factories import ExperimentFactory

pytestmark = pytest.mark.django_db

BASE = "/products/churn-radar/metrics/experiments"
AB = {
    "name": "Ranked offers vs segment rules",
    "kind": "ab_test",
    "status": "running",
    "metric_name": "Offer conversion",
    "metric_kind": "proportion",
    "planned_variant_share": "0.5",
    "control_n": "4000",
    "control_conversions": "480",
    "variant_n": "4000",
    "variant_conversions": "540",
}


@pytest.fixture
def hypothesis(product):
    return HypothesisFactory(product=product)


def test_the_team_records_an_ab_test_and_reads_the_sentence(product, pm, hypothesis):
    response = client_for(pm).post(f"{BASE}/new/", {**AB, "hypothesis": hypothesis.pk})
    experiment = Experiment.objects.get()
    assert response.status_code == 302
    page = client_for(pm).get(f"{BASE}/{experiment.pk}/").content.decode()
    # 12.0 % → 13.5 %: +1.5 points, +12.5 % relative (rounded as the sentence says)
    sentence = experiment.readout["sentence"]
    assert sentence.startswith("Variant raised offer conversion from 12.0 % to 13.5 %")
    assert sentence in page
    assert experiment.readout["p_value"] < 0.05


def test_a_mean_pilot_reads_as_lowered_when_the_variant_is_lower(product, pm):
    data = {**AB, "metric_kind": "mean", "metric_name": "Minutes to prepare the pack",
            "control_n": "24", "control_conversions": "", "control_mean": "92.5",
            "control_sd": "12", "variant_n": "24", "variant_conversions": "",
            "variant_mean": "41", "variant_sd": "9"}  # fmt: skip
    client_for(pm).post(f"{BASE}/new/", data)
    assert "lowered minutes to prepare the pack" in Experiment.objects.get().readout["sentence"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"control_conversions": "4001"}, b"cannot convert more than its n"),
        ({"planned_variant_share": "1.5"}, b"between 0 and 1"),
        ({"kind": "vibes"}, b"Select a valid choice"),
        ({"control_sd": "-1", "metric_kind": "mean"}, b"greater than or equal to 0"),
    ],
)
def test_bad_figures_are_refused_with_a_message(product, pm, changes, message):
    response = client_for(pm).post(f"{BASE}/new/", {**AB, **changes})
    assert response.status_code == 200
    assert message in response.content
    assert not Experiment.objects.exists()


def test_a_hypothesis_of_another_product_is_refused(product, pm):
    foreign = HypothesisFactory()
    response = client_for(pm).post(f"{BASE}/new/", {**AB, "hypothesis": foreign.pk})
    assert response.status_code == 200
    assert not Experiment.objects.exists()


def test_deciding_roll_out_concludes_it_and_opens_the_launch_gate(product, pm):
    DataProduct.objects.filter(pk=product.pk).update(stage="pilot")
    product.refresh_from_db()
    experiment = ExperimentFactory(product=product, status="running")
    assert gate_problems(product=product, to_stage="launched")

    response = client_for(pm).post(
        f"{BASE}/{experiment.pk}/decision/", {"decision": "roll_out", "decision_note": "Clear win"}
    )

    assert response.status_code == 302
    experiment.refresh_from_db()
    assert (experiment.status, experiment.decision, experiment.decided_by) == (
        "concluded",
        "roll_out",
        pm,
    )
    assert gate_problems(product=product, to_stage="launched") == []


def test_a_bad_decision_is_a_422_and_changes_nothing(product, pm):
    experiment = ExperimentFactory(product=product, status="running")
    response = client_for(pm).post(f"{BASE}/{experiment.pk}/decision/", {"decision": "maybe"})
    assert response.status_code == 422
    experiment.refresh_from_db()
    assert experiment.status == "running"


def test_a_concluded_experiment_becomes_evidence_for_its_hypothesis(product, pm, hypothesis):
    experiment = ExperimentFactory(product=product, hypothesis=hypothesis, concluded=True)
    response = client_for(pm).post(f"{BASE}/{experiment.pk}/evidence/", {"stance": "supports"})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.hypothesis, evidence.experiment, evidence.stance) == (
        hypothesis,
        experiment,
        "supports",
    )
    again = client_for(pm).post(f"{BASE}/{experiment.pk}/evidence/", {"stance": "supports"})
    assert again.status_code == 422
    assert Evidence.objects.count() == 1


def test_a_running_experiment_cannot_be_evidence_yet(product, pm, hypothesis):
    experiment = ExperimentFactory(product=product, hypothesis=hypothesis, status="running")
    response = client_for(pm).post(f"{BASE}/{experiment.pk}/evidence/", {"stance": "supports"})
    assert response.status_code == 422
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("other_pm", 403), ("lead", 403),
                                             ("stakeholder", 403), ("outsider", 404)])  # fmt: skip
def test_only_the_team_writes_experiments(request, product, who, status):
    experiment = ExperimentFactory(product=product, status="running")
    client = client_for(request.getfixturevalue(who))
    assert client.post(f"{BASE}/new/", AB).status_code == status
    assert client.post(f"{BASE}/{experiment.pk}/edit/", AB).status_code == status
    assert (
        client.post(f"{BASE}/{experiment.pk}/decision/", {"decision": "stop"}).status_code == status
    )
    assert Experiment.objects.count() == 1
    experiment.refresh_from_db()
    assert experiment.status == "running"


@pytest.mark.parametrize("who", ["other_pm", "lead", "stakeholder"])
def test_readers_read_the_readout(request, product, who):
    experiment = ExperimentFactory(product=product)
    assert (
        client_for(request.getfixturevalue(who)).get(f"{BASE}/{experiment.pk}/").status_code == 200
    )


def test_anonymous_goes_to_login_and_another_products_experiment_is_404(product, pm):
    other = ExperimentFactory()
    assert Client().get(f"{BASE}/{other.pk}/").status_code == 302
    assert client_for(pm).get(f"{BASE}/{other.pk}/").status_code == 404
