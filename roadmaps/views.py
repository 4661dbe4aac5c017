from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from dpm.http import AuthedRequest
from roadmaps.selectors import BOARD_COLUMN_LIMIT, board_columns


@require_http_methods(["GET", "HEAD"])
def board(request: AuthedRequest):
    return render(
        request,
        "roadmaps/board.html",
        {"columns": board_columns(request.user), "column_limit": BOARD_COLUMN_LIMIT},
    )
