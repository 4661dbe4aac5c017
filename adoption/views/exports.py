"""CSV download of weekly usage, in the format the usage import reads."""

from django.views.decorators.http import require_http_methods

from adoption.models import UsageSnapshot
from adoption.services import USAGE_IMPORT_OPTIONAL, USAGE_IMPORT_REQUIRED
from dpm.http import AuthedRequest
from dpm.lib.csv_export import csv_download, plain_number
from products.access import get_product_for_user

# The usage import's columns, every optional one included: the file re-imports as it is.
USAGE_HEADER = (*USAGE_IMPORT_REQUIRED, *USAGE_IMPORT_OPTIONAL)
CHUNK = 2000


@require_http_methods(["GET", "HEAD"])
def usage_csv(request: AuthedRequest, slug: str):
    """Every recorded week of the product, oldest first; anyone who may read the product. Empty
    cells are figures nobody recorded."""
    access = get_product_for_user(request, slug)
    response, writer = csv_download(f"{slug}-usage.csv", USAGE_HEADER)
    weeks = (
        UsageSnapshot.objects.filter(product=access.product)
        .order_by("week_start")
        .values_list(*USAGE_HEADER)
    )
    for week_start, *figures in weeks.iterator(chunk_size=CHUNK):
        writer.writerow([week_start.isoformat(), *(plain_number(value) for value in figures)])
    return response
