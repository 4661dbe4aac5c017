"""Being written."""

from django.http import Http404


def persona_list(request, *args, **kwargs):
    raise Http404


def persona_new(request, *args, **kwargs):
    raise Http404


def persona_edit(request, *args, **kwargs):
    raise Http404


def persona_remove(request, *args, **kwargs):
    raise Http404
