"""Reads about a product's definition of done and experiments, used by the stage gates."""

from metrics.models import KPI, DefinitionOfDone, Experiment


def build_gate_problems(product) -> list[str]:
    """What the product still needs to enter *build*: a Definition of Done and at least one KPI
    with both a baseline and a target (DESIGN.md §4). Empty when the gate is open."""
    problems = []
    if not DefinitionOfDone.objects.filter(product=product).exists():
        problems.append("a Definition of Done")
    measurable = KPI.objects.filter(
        product=product, baseline__isnull=False, target__isnull=False
    ).exists()
    if not measurable:
        problems.append("a KPI with both a baseline and a target")
    return problems


def launch_gate_problems(product) -> list[str]:
    """What the product still needs to enter *launched*: a concluded pilot or experiment whose
    decision was to roll out. Empty when the gate is open."""
    rolled_out = Experiment.objects.filter(
        product=product,
        status=Experiment.Status.CONCLUDED,
        decision=Experiment.Decision.ROLL_OUT,
    ).exists()
    if rolled_out:
        return []
    return ["a concluded pilot or experiment decided “roll out”"]
