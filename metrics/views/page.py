from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from dpm.http import AuthedRequest
from metrics.views import dod, experiments, kpis, service_levels
from products.access import get_product_for_user


@require_http_methods(["GET", "HEAD"])
def metrics_page(request: AuthedRequest, slug: str):
    """Definition of Done, KPIs, service levels and experiments of one product."""
    access = get_product_for_user(request, slug)
    context = {
        "product": access.product,
        "access": access,
        **dod.dod_context(access),
        **kpis.kpis_context(access),
        **service_levels.service_levels_context(access),
        **experiments.experiments_context(access),
    }
    return render(request, "metrics/page.html", context)
