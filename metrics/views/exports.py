"""CSV downloads of measurements, in the format the measurement import reads."""

from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from dpm.http import AuthedRequest
from dpm.lib.csv_export import csv_download, local_datetime, plain_number, spreadsheet_safe
from metrics.models import KPI, Measurement
from products.access import get_product_for_user

# The measurement import's header (metrics.services.measurements_import): a KPI's file
# re-imports as it is.
MEASUREMENTS_HEADER = ("observed_at", "value", "note")
# Every KPI of a product in one file, for a spreadsheet or BI tool.
KPIS_HEADER = ("kpi", *MEASUREMENTS_HEADER)
CHUNK = 2000  # rows fetched at a time: memory stays flat, queries stay one


@require_http_methods(["GET", "HEAD"])
def measurements_csv(request: AuthedRequest, slug: str, pk: int):
    """One KPI's measurements, oldest first; anyone who may read the product."""
    access = get_product_for_user(request, slug)
    kpi = get_object_or_404(KPI.objects.filter(product=access.product), pk=pk)
    name = slugify(kpi.name)[:60] or f"kpi-{kpi.pk}"
    response, writer = csv_download(f"{slug}-{name}.csv", MEASUREMENTS_HEADER)
    rows = (
        Measurement.objects.filter(kpi=kpi)
        .order_by("observed_at", "pk")
        .values_list("observed_at", "value", "note")
    )
    for observed_at, value, note in rows.iterator(chunk_size=CHUNK):
        writer.writerow([local_datetime(observed_at), plain_number(value), spreadsheet_safe(note)])
    return response


@require_http_methods(["GET", "HEAD"])
def kpis_csv(request: AuthedRequest, slug: str):
    """Every measurement of every KPI of the product, by KPI name and then oldest first."""
    access = get_product_for_user(request, slug)
    response, writer = csv_download(f"{slug}-kpis.csv", KPIS_HEADER)
    rows = (
        Measurement.objects.filter(kpi__product=access.product)
        .order_by("kpi__name", "observed_at", "pk")
        .values_list("kpi__name", "observed_at", "value", "note")
    )
    for kpi_name, observed_at, value, note in rows.iterator(chunk_size=CHUNK):
        writer.writerow(
            [
                spreadsheet_safe(kpi_name),
                local_datetime(observed_at),
                plain_number(value),
                spreadsheet_safe(note),
            ]
        )
    return response
