from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dpm.http import AuthedRequest
from dpm.lib.csv_import import CSVImportError
from metrics import services
from metrics.charts import kpi_chart
from metrics.forms import KPIForm, MeasurementForm, MeasurementImportForm
from metrics.models import KPI
from metrics.selectors import kpis_with_state
from products.access import ProductAccess, get_product_for_user

MEASUREMENTS_LISTED = 50


def kpis_context(access: ProductAccess) -> dict:
    kpis = kpis_with_state(access.product, today=timezone.localdate())
    for kpi in kpis:
        kpi.chart = kpi_chart(
            kpi.series[-26:], baseline=kpi.baseline, target=kpi.target, width=320, height=90
        )
    return {"kpis": kpis}


def _get_kpi_for_user(request, slug: str, pk: int, *, edit: bool = False):
    """The KPI with the user's rights on its product: 404 for outsiders and for another
    product's KPI, 403 when `edit` and the user may only read."""
    access = get_product_for_user(request, slug, edit=edit)
    kpi = get_object_or_404(KPI.objects.filter(product=access.product), pk=pk)
    return access, kpi


@require_http_methods(["GET", "POST"])
def kpi_new(request: AuthedRequest, slug: str):
    access = get_product_for_user(request, slug, edit=True)
    form = KPIForm(request.POST or None, product=access.product)
    if request.method == "POST" and form.is_valid():
        try:
            kpi = services.kpi_save(access=access, kpi=form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("metrics:kpi", slug=slug, pk=kpi.pk)
    return render(request, "metrics/kpi_form.html", {"form": form, "product": access.product})


@require_http_methods(["GET", "POST"])
def kpi_edit(request: AuthedRequest, slug: str, pk: int):
    access, kpi = _get_kpi_for_user(request, slug, pk, edit=True)
    form = KPIForm(request.POST or None, instance=kpi, product=access.product)
    if request.method == "POST" and form.is_valid():
        try:
            services.kpi_save(access=access, kpi=form.save(commit=False), fields=form.column_fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("metrics:kpi", slug=slug, pk=pk)
    stored = KPI.objects.get(pk=pk) if form.is_bound else kpi
    return render(
        request, "metrics/kpi_form.html", {"form": form, "product": access.product, "kpi": stored}
    )


@require_http_methods(["GET", "HEAD"])
def kpi_detail(request: AuthedRequest, slug: str, pk: int):
    access, kpi = _get_kpi_for_user(request, slug, pk)
    return render(request, "metrics/kpi.html", _kpi_context(access, kpi))


def _kpi_context(access: ProductAccess, kpi: KPI, **extra) -> dict:
    (kpi,) = kpis_with_state(access.product, today=timezone.localdate(), kpi_id=kpi.pk)

    return {
        "product": access.product,
        "access": access,
        "kpi": kpi,
        "chart": kpi_chart(kpi.series, baseline=kpi.baseline, target=kpi.target),
        "recent": list(reversed(kpi.series[-MEASUREMENTS_LISTED:])),
        "measurement_form": MeasurementForm(initial={"observed_at": timezone.localtime()}),
        "import_form": MeasurementImportForm(),
        **extra,
    }


@require_POST
def measurement_add(request: AuthedRequest, slug: str, pk: int):
    access, kpi = _get_kpi_for_user(request, slug, pk, edit=True)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        try:
            services.measurement_add(access=access, kpi=kpi, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not request.htmx:
                return redirect("metrics:kpi", slug=slug, pk=pk)
            form = None
    context = _kpi_context(access, kpi)
    if form is not None:
        context["measurement_form"] = form
    template = "metrics/kpi.html#measurements" if request.htmx else "metrics/kpi.html"
    return render(request, template, context, status=422 if form is not None else 200)


@require_POST
def measurement_import(request: AuthedRequest, slug: str, pk: int):
    """Import measurements from CSV: all rows or none, with every row's problem named."""
    access, kpi = _get_kpi_for_user(request, slug, pk, edit=True)
    form = MeasurementImportForm(request.POST, request.FILES)
    errors = []
    if form.is_valid():
        try:
            result = services.measurements_import(
                access=access, kpi=kpi, upload=form.cleaned_data["file"]
            )
        except CSVImportError as exc:
            errors = exc.errors
        else:
            count = result.added + result.updated
            messages.success(
                request,
                f"Imported {count} measurement{'s' * (count != 1)}: "
                f"{result.added} added, {result.updated} updated.",
            )
            return redirect("metrics:kpi", slug=slug, pk=pk)
    return render(
        request,
        "metrics/kpi.html",
        _kpi_context(access, kpi, import_form=form, import_errors=errors),
        status=422,
    )
