"""Being written."""

from django.http import Http404


def chain_list(request, *args, **kwargs):
    raise Http404


def chain_new(request, *args, **kwargs):
    raise Http404


def chain_detail(request, *args, **kwargs):
    raise Http404


def chain_edit(request, *args, **kwargs):
    raise Http404


def why_add(request, *args, **kwargs):
    raise Http404


def why_move(request, *args, **kwargs):
    raise Http404


def why_remove(request, *args, **kwargs):
    raise Http404


def chain_to_roadmap_item(request, *args, **kwargs):
    raise Http404
