"""Being written: KPIs and their measurements."""

from django.http import Http404


def kpis_context(access) -> dict:
    return {}


def kpi_new(request, *args, **kwargs):
    raise Http404


def kpi_detail(request, *args, **kwargs):
    raise Http404


def kpi_edit(request, *args, **kwargs):
    raise Http404


def measurement_add(request, *args, **kwargs):
    raise Http404


def measurement_import(request, *args, **kwargs):
    raise Http404
