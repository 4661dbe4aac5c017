"""Writes about products that have rules or span models: creation, edits, stage changes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from products import roles
from products.access import ProductAccess, may_import_products
from products.models import Alert, DataProduct, ProductReview, StageChange
from products.recompute import schedule_recompute

Stage = DataProduct.Stage

# The life-cycle order; a move forward passes every gate between the two stages. Retired is
# outside the order: bringing a retired product back must pass the gates again.
STAGE_ORDER = [
    Stage.IDEA,
    Stage.DISCOVERY,
    Stage.DEFINITION,
    Stage.BUILD,
    Stage.PILOT,
    Stage.LAUNCHED,
]
GATED_STAGES = (Stage.BUILD, Stage.LAUNCHED)
# Stages a new product may start in: none of them is behind a gate.
START_STAGES = (Stage.IDEA, Stage.DISCOVERY, Stage.DEFINITION)


def next_stage(stage: str) -> str:
    """The usual next step: the following stage in the life cycle; launched products retire."""
    if stage in (Stage.LAUNCHED, Stage.RETIRED):
        return Stage.RETIRED if stage == Stage.LAUNCHED else Stage.IDEA
    return STAGE_ORDER[STAGE_ORDER.index(stage) + 1]


class GateRefused(Exception):
    """A stage change that a gate refused; `problems` says why, in words for the user."""

    def __init__(self, to_stage: str, problems: list[str]):
        self.to_stage = to_stage
        self.label = Stage(to_stage).label
        self.problems = problems
        super().__init__(f"{self.label} is blocked: " + "; ".join(problems) + ".")


GATE_NAMES = {Stage.BUILD: "Build", Stage.LAUNCHED: "Launch"}


def _gates_on_the_way(from_stage: str, to_stage: str) -> list[str]:
    """The gated stages a move passes: every one between the two, going forward."""
    if to_stage == Stage.RETIRED:
        return []
    start = -1 if from_stage == Stage.RETIRED else STAGE_ORDER.index(from_stage)
    end = STAGE_ORDER.index(to_stage)
    return [stage for stage in STAGE_ORDER[start + 1 : end + 1] if stage in GATED_STAGES]


def _gate_needs(product: DataProduct, to_stage: str, facts: dict | None) -> dict[str, list[str]]:
    """For each gate the move passes and that refuses, what it still needs (by gate name)."""
    from metrics import selectors as metrics_selectors

    checks = {
        Stage.BUILD: metrics_selectors.build_gate_problems,
        Stage.LAUNCHED: metrics_selectors.launch_gate_problems,
    }
    needs = {}
    for gate in _gates_on_the_way(product.stage, to_stage):
        facts = facts or metrics_selectors.gate_facts(product)
        if missing := checks[gate](product, facts):
            needs[GATE_NAMES[gate]] = missing
    return needs


def _problems(needs: dict[str, list[str]]) -> list[str]:
    return [f"{gate} needs {need}" for gate, missing in needs.items() for need in missing]


def gate_problems(*, product: DataProduct, to_stage: str) -> list[str]:
    """Every reason the move from the product's stage to `to_stage` is refused (empty: allowed)."""
    return _problems(_gate_needs(product, to_stage, None))


def stage_gates(*, product: DataProduct) -> dict[str, dict]:
    """Every stage the product may be moved to, with what its gates still need, so a form can
    say before the click which moves a gate refuses and why: `{stage: {"needs": {gate name:
    [need, …]}, "problems": [sentence, …]}}` (both empty: the way is open). The gates' facts
    are read once, in one query, and only when some move passes a gate."""
    from metrics import selectors as metrics_selectors

    targets = [stage for stage in Stage.values if stage != product.stage]
    gated = any(_gates_on_the_way(product.stage, stage) for stage in targets)
    facts = metrics_selectors.gate_facts(product) if gated else None
    gates = {}
    for stage in targets:
        needs = _gate_needs(product, stage, facts)
        gates[stage] = {"needs": needs, "problems": _problems(needs)}
    return gates


# Slugs that would shadow a page under /products/.
RESERVED_SLUGS = frozenset({"new", "import"})


def unique_product_slug(name: str) -> str:
    base = slugify(name)[:100] or "product"
    if base in RESERVED_SLUGS:
        base = f"{base}-product"
    slug, n = base, 2
    while DataProduct.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _save_product(product: DataProduct, **save_kwargs) -> None:
    """Save, turning a slug taken between the form's check and the insert (two people saving at
    once) into a form error instead of a 500."""
    try:
        with transaction.atomic():
            product.save(**save_kwargs)
    except IntegrityError as exc:
        if DataProduct.objects.filter(slug=product.slug).exclude(pk=product.pk).exists():
            raise ValidationError(
                {"slug": "Another product took this address; choose another."}
            ) from exc
        raise


@transaction.atomic
def product_create(*, user, product: DataProduct, team_members=(), stakeholders=()) -> DataProduct:
    """Save a new product built by the form or an ODPS import, with its people.

    PMs create products; leads too, through an ODPS import (products/access.py
    may_import_products). Whoever creates it, its owner is a PM. A new product starts before any
    gate, so nobody can create a launched product out of thin air.
    """
    if not may_import_products(user):
        raise PermissionDenied("Only product managers can create products.")
    if product.owner_id is not None and not roles.is_pm(product.owner):
        raise ValidationError({"owner": "The owner must be a product manager (PM)."})
    if product.stage not in START_STAGES:
        raise ValidationError({"stage": "A new product starts before the gated stages."})
    if not product.slug:
        product.slug = unique_product_slug(product.name)
    product.full_clean()
    _save_product(product)
    product.team_members.set(team_members)
    product.stakeholders.set(stakeholders)
    return product


@transaction.atomic
def product_update(
    *,
    access: ProductAccess,
    product: DataProduct,
    fields: list[str],
    people: dict | None = None,
    imported: bool = False,
) -> DataProduct:
    """Save the edited `fields` of the product (and its team and stakeholders when given).

    Only the named columns are written, so an edit never puts back a stage or a score that a
    stage change or a recompute wrote meanwhile. `imported`: the edit comes from an ODPS
    descriptor, which leads may import for any product (ProductAccess.can_import).
    """
    if not (access.can_import if imported else access.can_edit):
        raise PermissionDenied(
            "Only the product's owner and team can change it (and leads, through an import)."
            if imported
            else "Only the product's owner and team can change it."
        )
    if (people is not None or "owner" in fields) and not access.can_manage_people:
        raise PermissionDenied("Only the owner or a lead can change who works on the product.")
    _save_product(product, update_fields=[*fields, "updated_at"])
    if people is not None:
        product.team_members.set(people["team_members"])
        product.stakeholders.set(people["stakeholders"])
    if "target_users" in fields:
        schedule_recompute(product.pk)  # the adoption component's denominator
    return product


@transaction.atomic
def product_change_stage(
    *, access: ProductAccess, user, to_stage: str, note: str = "", override_reason: str = ""
) -> StageChange:
    """Move the product to `to_stage` through the gates of DESIGN.md §4 and record the change.

    Raises GateRefused when a gate refuses and no override is given; only a lead may override,
    and an override needs a reason. The row lock serialises two people moving the same product.
    """
    if not access.can_change_stage:
        raise PermissionDenied("Only the product's team or a lead can change its stage.")
    override_reason = override_reason.strip()
    if override_reason and not access.can_override_gates:
        raise PermissionDenied("Only a lead can override a stage gate.")
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": "Choose a stage from the list."})

    product = DataProduct.objects.select_for_update().get(pk=access.product.pk)
    if product.stage == to_stage:
        raise ValidationError({"to_stage": f"The product is already in {Stage(to_stage).label}."})

    problems = gate_problems(product=product, to_stage=to_stage)
    if problems and not override_reason:
        raise GateRefused(to_stage, problems)

    change = StageChange(
        product=product,
        from_stage=product.stage,
        to_stage=to_stage,
        changed_by=user,
        note=note.strip(),
        override_reason=override_reason if problems else "",
    )
    change.save()
    product.stage = to_stage
    product.save(update_fields=["stage", "updated_at"])
    access.product.stage = to_stage
    return change


REVIEW_NOTE_MAX_LENGTH = 2000


@transaction.atomic
def product_mark_reviewed(*, access: ProductAccess, user, note: str = "") -> ProductReview:
    """Record that `user` looked the product over: reset its review clock (last reviewed at),
    keep the review with its optional note, and recompute its health once this commits (the
    review is one of the health components, DESIGN.md §5)."""
    if not access.can_review:
        raise PermissionDenied("Only the product's owner or a lead can mark it reviewed.")
    product = access.product
    review = ProductReview(product=product, reviewed_by=user, note=note.strip())
    if len(review.note) > REVIEW_NOTE_MAX_LENGTH:
        raise ValidationError({"note": f"Keep the note to {REVIEW_NOTE_MAX_LENGTH:,} characters."})
    review.full_clean()
    review.save()
    product.last_reviewed_at = review.created_at
    product.save(update_fields=["last_reviewed_at", "updated_at"])
    schedule_recompute(product.pk)
    return review


ACKNOWLEDGE_NOTE_MAX_LENGTH = 1000


class AlertResolved(Exception):
    """The alert was resolved (its cause fixed) before it could be acknowledged."""

    def __init__(self, alert: Alert):
        self.alert = alert
        super().__init__(f"The alert was resolved on {alert.resolved_at:%-d %b %Y}.")


@transaction.atomic
def alert_acknowledge(*, access: ProductAccess, user, alert_id: int, note: str = "") -> Alert:
    """Record that `user` has seen the open alert `alert_id` on the access's product, with an
    optional note; acknowledging again replaces who, when and the note. The alert stays open:
    only the staleness sweep resolves it, once its cause is fixed.

    The row lock orders this with a sweep resolving the same alert: whichever comes second sees
    the other's write, so a resolved alert raises AlertResolved instead of being acknowledged.
    The alert comes back with its product and acknowledger attached, ready to render.
    """
    if not access.can_acknowledge_alerts:
        raise PermissionDenied("Only the product's owner or a lead can acknowledge its alerts.")
    note = note.strip()
    if len(note) > ACKNOWLEDGE_NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": f"Keep the note to {ACKNOWLEDGE_NOTE_MAX_LENGTH:,} characters."}
        )
    alert = Alert.objects.select_for_update().get(product=access.product, pk=alert_id)
    alert.product = access.product
    if not alert.is_open:
        raise AlertResolved(alert)
    alert.acknowledged_by = user
    alert.acknowledged_at = timezone.now()
    alert.acknowledge_note = note
    alert.save(
        update_fields=["acknowledged_by", "acknowledged_at", "acknowledge_note", "updated_at"]
    )
    return alert
