"""Being written: the service levels section."""

from django.http import Http404


def service_levels_context(access) -> dict:
    return {}


def service_level_new(request, *args, **kwargs):
    raise Http404


def check_add(request, *args, **kwargs):
    raise Http404


def check_import(request, *args, **kwargs):
    raise Http404
