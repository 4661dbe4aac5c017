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
from products.models import DataProduct, on_team_q


@dataclass(frozen=True)
class ProductAccess:
    product: DataProduct
    is_team: bool  # owner, tech lead or team member, and not a read-only stakeholder
    is_lead: bool
    is_pm: bool
    is_superuser: bool
    user_id: int | None
    # Decided when the rights are read, not from `product.owner_id` later: an edit form changes
    # the product in place, and an owner handing the product to another PM must still be its
    # owner while the change is checked and saved.
    is_owner: bool = False

    @property
    def can_edit(self) -> bool:
        """Change the product's description and its discovery, metrics and adoption records."""
        return self.is_team or self.is_superuser

    @property
    def can_manage_people(self) -> bool:
        """Choose the owner, tech lead, team and stakeholders: the owner and superusers, so a team
        member cannot hand the product (or edit rights) to someone else."""
        return self.is_owner or self.is_superuser

    @property
    def can_import(self) -> bool:
        """Update the product from an ODPS descriptor (description, KPIs, service levels, stage):
        its team, and leads across the portfolio — they approve gates (DESIGN.md §7), and a
        catalog's launched product comes in only through a lead's gate override. Its people stay
        with `can_manage_people`."""
        return self.can_edit or self.is_lead

    @property
    def can_change_stage(self) -> bool:
        return self.can_edit or self.is_lead

    @property
    def can_override_gates(self) -> bool:
        return self.is_lead

    @property
    def can_prioritize(self) -> bool:
        """Horizon, status, order and scoring inputs of roadmap items, across the portfolio."""
        return self.is_lead or self.is_superuser

    @property
    def can_read_notes(self) -> bool:
        """Raw interview notes: the product team and leads (issue 3: "owner and team edit; leads
        read"), never stakeholders or PMs of other products — notes may hold PII."""
        return self.can_edit or self.is_lead

    @property
    def can_read_pii(self) -> bool:
        """Interviews flagged as containing PII stay inside the product team."""
        return self.can_edit

    @property
    def can_review(self) -> bool:
        """Mark the product reviewed: its owner, leads and superusers (issue 6)."""
        return self.is_owner or self.is_lead or self.is_superuser

    @property
    def can_acknowledge_alerts(self) -> bool:
        """Acknowledge the product's open alerts, with a note: its owner, leads (who triage alerts
        across the portfolio, DESIGN.md §7) and superusers."""
        return self.is_owner or self.is_lead or self.is_superuser


def product_access(user, product: DataProduct, *, on_team: bool | None = None) -> ProductAccess:
    """The user's rights on one product. `on_team` saves a query when the caller annotated it."""
    if on_team is None:
        on_team = DataProduct.objects.filter(pk=product.pk).filter(on_team_q(user)).exists()
    is_team = bool(on_team) and not roles.is_read_only(user)
    return ProductAccess(
        product=product,
        is_owner=is_team and product.owner_id == user.pk,
        is_team=is_team,
        is_lead=roles.is_lead(user),
        is_pm=roles.is_pm(user),
        is_superuser=user.is_superuser,
        user_id=user.pk,
    )


def get_product_for_user(request, slug: str, *, edit: bool = False) -> ProductAccess:
    """The product named by `slug` with the user's rights on it, in one query.

    404 when the user may not see it; 403 when `edit` is asked and the user may only read.
    """
    user = request.user
    queryset = (
        DataProduct.objects.visible_to(user)
        .select_related("owner", "tech_lead", "domain")
        .annotate(user_on_team=ExpressionWrapper(on_team_q(user), output_field=BooleanField()))
    )
    product = get_object_or_404(queryset, slug=slug)
    # NULL (no tech lead) makes the OR unknown rather than false: coerce, or product_access
    # would think it was not given and ask again.
    access = product_access(user, product, on_team=bool(product.user_on_team))
    if edit and not access.can_edit:
        raise PermissionDenied("Only the product's owner and team can change it.")
    return access


def require_pm(user) -> None:
    if not roles.is_pm(user):
        raise PermissionDenied("Only product managers can create products.")


def may_import_products(user) -> bool:
    """ODPS import: PMs (new products and their own) and leads (any product, ProductAccess
    .can_import)."""
    return roles.is_pm(user) or roles.is_lead(user)


def require_importer(user) -> None:
    if not may_import_products(user):
        raise PermissionDenied("Only product managers and leads can import products.")
