"""Reads about a product's definition of done and experiments, used by the stage gates."""

from metrics.models import KPI, DefinitionOfDone, Experiment


def build_gate_problems(product) -> list[str]:
    """Why the product may not enter *build*: it needs a Definition of Done and at least one KPI
    with both a baseline and a target (DESIGN.md §4). Empty when the gate is open."""
    problems = []
    if not DefinitionOfDone.objects.filter(product=product).exists():
        problems.append("it has no Definition of Done yet")
    measurable = KPI.objects.filter(
        product=product, baseline__isnull=False, target__isnull=False
    ).exists()
    if not measurable:
        problems.append("it has no KPI with both a baseline and a target")
    return problems


def launch_gate_problems(product) -> list[str]:
    """Why the product may not enter *launched*: it needs a concluded pilot or experiment whose
    decision was to roll out. Empty when the gate is open."""
    rolled_out = Experiment.objects.filter(
        product=product,
        status=Experiment.Status.CONCLUDED,
        decision=Experiment.Decision.ROLL_OUT,
    ).exists()
    if rolled_out:
        return []
    return ["no concluded pilot or experiment has a decision to roll out"]
