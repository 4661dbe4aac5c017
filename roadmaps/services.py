"""Writes of roadmap items that start elsewhere in the product's work."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from discovery.models import WhyChain
from products.access import ProductAccess
from roadmaps.models import RoadmapItem


@transaction.atomic
def roadmap_item_draft_from_why_chain(
    *,
    access: ProductAccess,
    chain: WhyChain,
    title: str,
    solution_type: str,
    impact: int,
    effort: str,
) -> RoadmapItem:
    """A proposed item under Later that answers the chain's root cause: problem → solution.

    Refused (ValidationError, nothing written) while the chain has no root cause. The chain row is
    locked and read again, so a root cause cleared a moment ago is not turned into an item.
    """
    if not access.can_edit:
        raise PermissionDenied("Only the product's team can add items to its roadmap.")
    if chain.product_id != access.product.pk:
        raise PermissionDenied("The chain belongs to another product.")
    chain = WhyChain.objects.select_for_update().get(pk=chain.pk)
    root_cause = chain.root_cause.strip()
    if not root_cause:
        raise ValidationError(
            "Name the root cause first: a roadmap item drafted from this chain answers it."
        )
    item = RoadmapItem(
        product=access.product,
        why_chain=chain,
        title=title.strip(),
        problem=chain.problem,
        solution_type=solution_type,
        impact=impact,
        effort=effort,
        horizon=RoadmapItem.Horizon.LATER,
        status=RoadmapItem.Status.PROPOSED,
        status_changed_at=timezone.now(),
        decision_note=f"Drafted from a Five Whys chain. Root cause: {root_cause}",
    )
    item.full_clean()
    item.save()
    return item
