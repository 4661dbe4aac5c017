from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from discovery.services import evidence_attach
from dpm.http import AuthedRequest
from metrics import services
from metrics.forms import ExperimentDecisionForm, ExperimentEvidenceForm, ExperimentForm
from metrics.models import Experiment
from products.access import ProductAccess, get_product_for_user


def experiments_context(access: ProductAccess) -> dict:
    return {
        "experiments": Experiment.objects.filter(product=access.product).select_related(
            "hypothesis"
        )
    }


def _get_experiment_for_user(request, slug: str, pk: int, *, edit: bool = False):
    """404 for outsiders and another product's experiment; 403 when `edit` for readers."""
    access = get_product_for_user(request, slug, edit=edit)
    experiment = get_object_or_404(
        Experiment.objects.filter(product=access.product).select_related(
            "hypothesis", "decided_by"
        ),
        pk=pk,
    )
    return access, experiment


@require_http_methods(["GET", "POST"])
def experiment_new(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug, edit=True)
    form = ExperimentForm(request.POST or None, product=access.product)
    if request.method == "POST" and form.is_valid():
        try:
            experiment = services.experiment_save(access=access, experiment=form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("metrics:experiment", slug=slug, pk=experiment.pk)
    return render(
        request, "metrics/experiment_form.html", {"form": form, "product": access.product}
    )


@require_http_methods(["GET", "POST"])
def experiment_edit(request: AuthedRequest, slug: str, pk: int):
    access, experiment = _get_experiment_for_user(request, slug, pk, edit=True)
    form = ExperimentForm(request.POST or None, instance=experiment, product=access.product)
    if request.method == "POST" and form.is_valid():
        try:
            services.experiment_save(
                access=access, experiment=form.save(commit=False), fields=form.column_fields
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("metrics:experiment", slug=slug, pk=pk)
    stored = Experiment.objects.get(pk=pk) if form.is_bound else experiment
    return render(
        request,
        "metrics/experiment_form.html",
        {"form": form, "product": access.product, "experiment": stored},
    )


@require_http_methods(["GET", "HEAD"])
def experiment_detail(request: AuthedRequest, slug: str, pk: int):
    access, experiment = _get_experiment_for_user(request, slug, pk)
    return render(request, "metrics/experiment.html", _detail_context(access, experiment))


def _detail_context(access, experiment, **extra) -> dict:
    linked = experiment.evidence.filter(hypothesis=experiment.hypothesis_id).first()
    return {
        "product": access.product,
        "access": access,
        "experiment": experiment,
        "readout": experiment.readout,
        "decision_form": ExperimentDecisionForm(),
        "evidence_form": ExperimentEvidenceForm(),
        "linked_evidence": linked,
        **extra,
    }


@require_POST
def experiment_decide(request: AuthedRequest, slug: str, pk: int):
    access, experiment = _get_experiment_for_user(request, slug, pk, edit=True)
    form = ExperimentDecisionForm(request.POST)
    if form.is_valid():
        services.experiment_decide(
            access=access,
            user=request.user,
            experiment=experiment,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["decision_note"],
        )
        messages.success(request, "Decision recorded; the experiment is concluded.")
        return redirect("metrics:experiment", slug=slug, pk=pk)
    context = _detail_context(access, experiment, decision_form=form)
    return render(request, "metrics/experiment.html", context, status=422)


@require_POST
def experiment_evidence(request: AuthedRequest, slug: str, pk: int):
    """Add a concluded experiment as evidence for or against its hypothesis."""
    access, experiment = _get_experiment_for_user(request, slug, pk, edit=True)
    form = ExperimentEvidenceForm(request.POST)
    error = None
    if not experiment.hypothesis_id:
        error = "Link the experiment to a hypothesis first."
    elif form.is_valid():
        try:
            evidence_attach(
                access=access,
                user=request.user,
                hypothesis=experiment.hypothesis,
                stance=form.cleaned_data["stance"],
                note=experiment.readout.get("sentence", ""),
                experiment_id=experiment.pk,
            )
        except ValidationError as exc:
            error = exc.messages[0]
    else:
        error = "Choose whether it supports or contradicts the hypothesis."
    if error is None:
        messages.success(request, "Added as evidence to its hypothesis.")
        return redirect("metrics:experiment", slug=slug, pk=pk)
    context = _detail_context(access, experiment, evidence_error=error)
    return render(request, "metrics/experiment.html", context, status=422)
