"""The one place that answers "may this user see / change this product?" (DESIGN.md §7).

Views call `get_product_for_user`; services take the `ProductAccess` it returns (or check the same
rules through it) so a rule is never enforced only in a template. Outsiders get 404 — they must not
learn that a product exists — and read-only users get 403 on writes.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper
from django.shortcuts import get_object_or_404

from products import roles
from products.models import DataProduct, on_team


@dataclass(frozen=True)
class ProductAccess:
    product: DataProduct
    is_team: bool  # owner, tech lead or team member
    is_lead: bool
    is_pm: bool
    is_superuser: bool

    @property
    def can_edit(self) -> bool:
        """Change the product's fields and its discovery, metrics and adoption records."""
        return self.is_team or self.is_superuser

    @property
    def can_change_stage(self) -> bool:
        return self.can_edit or self.is_lead

    @property
    def can_override_gates(self) -> bool:
        return self.is_lead

    @property
    def can_prioritize(self) -> bool:
        """Horizon, status, order and scoring inputs across the portfolio."""
        return self.is_lead

    @property
    def can_read_notes(self) -> bool:
        """Raw interview notes may hold PII: never for stakeholders who are not on the team."""
        return self.is_team or self.is_superuser or self.is_lead or self.is_pm

    @property
    def can_read_pii(self) -> bool:
        return self.is_team or self.is_superuser


def product_access(user, product: DataProduct, *, is_team: bool | None = None) -> ProductAccess:
    if is_team is None:
        is_team = user.is_authenticated and (
            DataProduct.objects.editable_by(user).filter(pk=product.pk).exists()
            if not user.is_superuser
            else True
        )
    return ProductAccess(
        product=product,
        is_team=bool(is_team),
        is_lead=roles.is_lead(user),
        is_pm=roles.is_pm(user),
        is_superuser=user.is_superuser,
    )


def get_product_for_user(request, slug: str, *, edit: bool = False) -> ProductAccess:
    """The product named by `slug` with the user's rights on it, in one query.

    404 when the user may not see it; 403 when `edit` is asked and the user may only read.
    """
    user = request.user
    queryset = (
        DataProduct.objects.visible_to(user)
        .select_related("owner", "tech_lead", "domain")
        .annotate(user_on_team=ExpressionWrapper(on_team(user), output_field=BooleanField()))
    )
    product = get_object_or_404(queryset, slug=slug)
    access = product_access(user, product, is_team=product.user_on_team)
    if edit and not access.can_edit:
        raise PermissionDenied("Only the product's owner and team can change it.")
    return access


def require_pm(user) -> None:
    if not roles.is_pm(user):
        raise PermissionDenied("Only product managers can create products.")
