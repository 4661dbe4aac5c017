"""A product as an ODPS descriptor: download it, or create and update products from one
(products/odps.py has the mapping and the rules)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dpm.http import AuthedRequest
from products import roles
from products.access import get_product_for_user, require_importer
from products.forms import ODPSImportForm
from products.odps import (
    CONTENT_TYPE,
    ODPSImportError,
    dump_odps_yaml,
    product_import_odps,
    product_to_odps,
)

# An error list longer than this is cut, with a count of the rest: the first screenful says
# what kind of file it is.
IMPORT_ERRORS_SHOWN = 50


@require_http_methods(["GET", "HEAD"])
def product_export_odps(request: AuthedRequest, slug: str):
    """The product's ODPS descriptor as a YAML download, for everyone who may read the product."""
    access = get_product_for_user(request, slug)
    response = HttpResponse(dump_odps_yaml(product_to_odps(access.product)), CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{access.product.slug}.odps.yaml"'
    return response


@require_http_methods(["GET", "POST"])
def product_import(request: AuthedRequest):
    """Upload an ODPS descriptor: it creates the product its id names, or updates it. PMs and
    leads; the service checks the rights on an existing product. Nothing is written on any
    error."""
    require_importer(request.user)
    can_override = roles.is_lead(request.user)
    if request.method == "POST":
        form = ODPSImportForm(request.POST, request.FILES, can_override=can_override)
    else:
        form = ODPSImportForm(can_override=can_override)
    errors: list[tuple[str, str]] = []
    if form.is_bound and form.is_valid():
        try:
            product, created = product_import_odps(
                user=request.user,
                document=form.document,
                override_reason=form.cleaned_data.get("override_reason", ""),
            )
        except ODPSImportError as exc:
            errors = exc.errors
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            verb = "created" if created else "updated"
            messages.success(request, f"{product.name} {verb} from {form.cleaned_data['file']}.")
            return redirect(product)
    context = {
        "form": form,
        "errors": errors[:IMPORT_ERRORS_SHOWN],
        "errors_hidden": max(0, len(errors) - IMPORT_ERRORS_SHOWN),
    }
    failed = form.is_bound and (bool(errors) or bool(form.errors))
    return render(request, "products/import.html", context, status=422 if failed else 200)
