"""Being written: the Definition of Done section."""

from django.http import Http404


def dod_context(access) -> dict:
    return {}


def dod_start(request, *args, **kwargs):
    raise Http404


def criterion_add(request, *args, **kwargs):
    raise Http404


def criterion_toggle(request, *args, **kwargs):
    raise Http404


def criterion_remove(request, *args, **kwargs):
    raise Http404


def dod_sign_off(request, *args, **kwargs):
    raise Http404
