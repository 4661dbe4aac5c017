"""Writes of the discovery workspace: interviews, their notes (optimistically locked), insights."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from discovery.models import (
    Evidence,
    Hypothesis,
    Insight,
    Interview,
    Persona,
    Tag,
    Why,
    WhyChain,
)
from products.access import ProductAccess
from products.recompute import schedule_recompute


class NotesConflict(Exception):
    """Someone saved the notes since this editor loaded them; nothing was overwritten."""

    def __init__(self, interview: Interview):
        self.interview = interview  # as saved now: their text and the current version
        super().__init__(f"Notes of interview {interview.pk} changed since version was read")


def _require_edit(access: ProductAccess) -> None:
    if not access.can_edit:
        raise PermissionDenied("Only the product's team can change its discovery records.")


@transaction.atomic
def interview_create(*, access: ProductAccess, user, interview: Interview) -> Interview:
    _require_edit(access)
    interview.product = access.product
    if interview.conducted_by_id is None:
        interview.conducted_by = user
    interview.full_clean()
    interview.save()
    return interview


@transaction.atomic
def interview_update(
    *, access: ProductAccess, interview: Interview, fields: list[str]
) -> Interview:
    """Save the interview's details (not its notes, which go through `interview_save_notes`)."""
    _require_edit(access)
    interview.full_clean(exclude=["notes"])
    interview.save(update_fields=[*fields, "updated_at"])
    return interview


def interview_save_notes(
    *, access: ProductAccess, interview_id: int, notes: str, version: int
) -> int:
    """Save notes edited from `version`; returns the new version.

    One conditional UPDATE: it writes only if nobody saved since `version`, so two editors can
    never silently overwrite each other, however their requests interleave. Raises NotesConflict
    with the current text when they would.
    """
    _require_edit(access)
    updated = Interview.objects.filter(
        pk=interview_id, product=access.product, version=version
    ).update(notes=notes, version=F("version") + 1, updated_at=timezone.now())
    if updated:
        return version + 1
    raise NotesConflict(Interview.objects.get(pk=interview_id, product=access.product))


def insight_delete(*, access: ProductAccess, interview: Interview, insight_id: int) -> None:
    """Remove an insight added by mistake; evidence links to it go with it."""
    _require_edit(access)
    deleted, _ = Insight.objects.filter(
        pk=insight_id, interview=interview, interview__product=access.product
    ).delete()
    if not deleted:
        raise ValidationError("That insight is not one of this interview's.")


# Which status a hypothesis may move to from each status. A validated or invalidated hypothesis
# can be re-opened for testing when new evidence comes in; nothing jumps straight to a verdict.
STATUS_MOVES = {
    Hypothesis.Status.PROPOSED: {Hypothesis.Status.TESTING, Hypothesis.Status.PARKED},
    Hypothesis.Status.TESTING: {
        Hypothesis.Status.VALIDATED,
        Hypothesis.Status.INVALIDATED,
        Hypothesis.Status.PARKED,
    },
    Hypothesis.Status.PARKED: {Hypothesis.Status.PROPOSED, Hypothesis.Status.TESTING},
    Hypothesis.Status.VALIDATED: {Hypothesis.Status.TESTING},
    Hypothesis.Status.INVALIDATED: {Hypothesis.Status.TESTING},
}


@transaction.atomic
def hypothesis_create(*, access: ProductAccess, user, hypothesis: Hypothesis) -> Hypothesis:
    _require_edit(access)
    hypothesis.product = access.product
    hypothesis.status = Hypothesis.Status.PROPOSED
    hypothesis.status_changed_at = timezone.now()
    hypothesis.status_changed_by = user
    hypothesis.full_clean()
    hypothesis.save()
    return hypothesis


@transaction.atomic
def hypothesis_update(
    *, access: ProductAccess, hypothesis: Hypothesis, fields: list[str]
) -> Hypothesis:
    """Save the statement's parts, type and importance (the status has its own moves)."""
    _require_edit(access)
    hypothesis.full_clean()
    hypothesis.save(update_fields=[*fields, "updated_at"])
    return hypothesis


@transaction.atomic
def hypothesis_change_status(
    *, access: ProductAccess, user, hypothesis_id: int, to_status: str
) -> Hypothesis:
    """Move a hypothesis along STATUS_MOVES, recording who and when. The row lock makes two
    simultaneous moves apply one after the other, each checked against the status it finds."""
    _require_edit(access)
    hypothesis = Hypothesis.objects.select_for_update().get(
        pk=hypothesis_id, product=access.product
    )
    if to_status not in STATUS_MOVES.get(hypothesis.status, ()):
        current = hypothesis.get_status_display()
        raise ValidationError(
            {"status": f"A {current.lower()} hypothesis cannot move to “{to_status}”."}
        )
    hypothesis.status = to_status
    hypothesis.status_changed_at = timezone.now()
    hypothesis.status_changed_by = user
    hypothesis.save(
        update_fields=["status", "status_changed_at", "status_changed_by", "updated_at"]
    )
    _rescore_product_after_commit(access.product.pk, user)
    return hypothesis


def _rescore_product_after_commit(product_id: int, user) -> None:
    """A hypothesis's status is an input of the confidence of the roadmap items linked to it
    (DESIGN.md §5): rescore them once the change is committed (in this request, so the items
    show their new scores at once), and let a worker follow with the product's opportunity."""
    from roadmaps.services import recompute_item_scores

    transaction.on_commit(lambda: recompute_item_scores(product_ids=[product_id], changed_by=user))
    schedule_recompute(product_id)


@transaction.atomic
def evidence_attach(
    *,
    access: ProductAccess,
    user,
    hypothesis: Hypothesis,
    stance: str,
    note: str = "",
    insight_id: int | None = None,
    experiment_id: int | None = None,
) -> Evidence:
    """Link an insight of this product, or one of its concluded experiments, as evidence."""
    _require_edit(access)
    if hypothesis.product_id != access.product.pk:
        raise PermissionDenied("The hypothesis belongs to another product.")
    evidence = Evidence(hypothesis=hypothesis, stance=stance, note=note.strip(), added_by=user)
    if insight_id:
        evidence.insight = Insight.objects.readable_with(access).filter(pk=insight_id).first()
        if evidence.insight is None:
            raise ValidationError("That insight is not one of this product's.")
        duplicate = hypothesis.evidence.filter(insight=evidence.insight)
    else:
        evidence.experiment = access.product.experiments.filter(
            pk=experiment_id, status="concluded"
        ).first()
        if evidence.experiment is None:
            raise ValidationError("Only a concluded experiment of this product can be evidence.")
        duplicate = hypothesis.evidence.filter(experiment=evidence.experiment)
    if duplicate.exists():
        raise ValidationError("This is already linked as evidence to the hypothesis.")
    evidence.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            evidence.save()
    except IntegrityError as exc:  # the same link added twice at once
        raise ValidationError("This is already linked as evidence to the hypothesis.") from exc
    return evidence


def evidence_detach(*, access: ProductAccess, hypothesis: Hypothesis, evidence_id: int) -> None:
    _require_edit(access)
    deleted, _ = Evidence.objects.filter(pk=evidence_id, hypothesis=hypothesis).delete()
    if not deleted:
        raise ValidationError("That evidence is not linked to this hypothesis.")


def parse_tags(raw: str) -> list[str]:
    """'Trust, excel ,  trust' → ['trust', 'excel']: lower case, trimmed, de-duplicated."""
    seen: dict[str, None] = {}
    for part in raw.split(","):
        name = " ".join(part.split()).lower()[: Tag._meta.get_field("name").max_length]
        if name:
            seen[name] = None
    return list(seen)


@transaction.atomic
def insight_add(
    *,
    access: ProductAccess,
    interview: Interview,
    kind: str,
    text: str,
    severity: int,
    tags: list[str],
) -> Insight:
    _require_edit(access)
    if interview.product_id != access.product.pk:
        raise PermissionDenied("The interview belongs to another product.")
    insight = Insight(interview=interview, kind=kind, text=text.strip(), severity=severity)
    insight.full_clean()
    insight.save()
    if tags:
        existing = {t.name: t for t in Tag.objects.filter(name__in=tags)}
        Tag.objects.bulk_create(
            [Tag(name=name) for name in tags if name not in existing], ignore_conflicts=True
        )
        insight.tags.set(Tag.objects.filter(name__in=tags))
    return insight


# Five Whys. A chain's whys are numbered 1..n; every write that changes the order locks the chain
# row first, so two people reordering (or appending to) the same chain apply one after the other.

WHY_DIRECTIONS = ("up", "down")


def _lock_chain(access: ProductAccess, chain: WhyChain) -> WhyChain:
    _require_edit(access)
    if chain.product_id != access.product.pk:
        raise PermissionDenied("The chain belongs to another product.")
    return WhyChain.objects.select_for_update().get(pk=chain.pk)


def _renumber_whys(chain: WhyChain, whys: list[Why]) -> None:
    """Give `whys`, in their list order, the positions 1..n: one UPDATE (bulk_update's CASE) for
    the rows whose position changes, however long the chain."""
    now = timezone.now()
    changed = []
    for number, why in enumerate(whys, start=1):
        if why.position != number:
            why.position, why.updated_at = number, now
            changed.append(why)
    Why.objects.bulk_update(changed, ["position", "updated_at"])
    WhyChain.objects.filter(pk=chain.pk).update(updated_at=now)


@transaction.atomic
def why_chain_create(*, access: ProductAccess, problem: str) -> WhyChain:
    _require_edit(access)
    chain = WhyChain(product=access.product, problem=problem.strip())
    chain.full_clean()
    chain.save()
    return chain


@transaction.atomic
def why_chain_update(*, access: ProductAccess, chain: WhyChain) -> WhyChain:
    """Save the chain's problem and root cause (its whys have their own writes)."""
    _require_edit(access)
    if chain.product_id != access.product.pk:
        raise PermissionDenied("The chain belongs to another product.")
    chain.problem = chain.problem.strip()
    chain.root_cause = chain.root_cause.strip()
    chain.full_clean()
    chain.save(update_fields=["problem", "root_cause", "updated_at"])
    return chain


@transaction.atomic
def why_append(*, access: ProductAccess, chain: WhyChain, text: str) -> Why:
    """Ask "why?" once more: the new why answers the last one and goes to the end."""
    chain = _lock_chain(access, chain)
    last = Why.objects.filter(chain=chain).order_by("-position").values_list("position").first()
    why = Why(chain=chain, position=(last[0] if last else 0) + 1, text=text.strip())
    why.full_clean()
    why.save()
    WhyChain.objects.filter(pk=chain.pk).update(updated_at=timezone.now())
    return why


@transaction.atomic
def why_shift(*, access: ProductAccess, chain: WhyChain, why_id: int, direction: str) -> None:
    """Swap a why with its neighbour above ("up") or below ("down") and renumber 1..n.

    Raises ValidationError, writing nothing, for an unknown direction, a why of another chain,
    or a move past either end.
    """
    chain = _lock_chain(access, chain)
    if direction not in WHY_DIRECTIONS:
        raise ValidationError("Move a why up or down.")
    whys = list(Why.objects.filter(chain=chain))
    index = next((n for n, why in enumerate(whys) if why.pk == why_id), None)
    if index is None:
        raise ValidationError("That why is not part of this chain.")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(whys):
        where = "first" if direction == "up" else "last"
        raise ValidationError(f"Why {index + 1} is already the {where} one.")
    whys[index], whys[other] = whys[other], whys[index]
    _renumber_whys(chain, whys)


@transaction.atomic
def why_delete(*, access: ProductAccess, chain: WhyChain, why_id: int) -> None:
    """Remove a why; the ones after it move up a place, so the chain stays numbered 1..n."""
    chain = _lock_chain(access, chain)
    deleted, _ = Why.objects.filter(pk=why_id, chain=chain).delete()
    if not deleted:
        raise ValidationError("That why is not part of this chain.")
    _renumber_whys(chain, list(Why.objects.filter(chain=chain)))


# Personas. Names are unique per product without regard to case ("Analyst" and "analyst" are one
# persona); the database's case-sensitive constraint backs this up against simultaneous saves.


def _persona_name_taken(persona: Persona) -> ValidationError:
    return ValidationError({"name": f"This product already has a persona called “{persona.name}”."})


def _persona_save(persona: Persona, **save_kwargs) -> Persona:
    duplicate = Persona.objects.filter(product=persona.product, name__iexact=persona.name)
    if persona.pk:
        duplicate = duplicate.exclude(pk=persona.pk)
    if duplicate.exists():
        raise _persona_name_taken(persona)
    persona.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            persona.save(**save_kwargs)
    except IntegrityError as exc:  # the same name saved twice at once
        raise _persona_name_taken(persona) from exc
    return persona


@transaction.atomic
def persona_create(*, access: ProductAccess, persona: Persona) -> Persona:
    _require_edit(access)
    persona.product = access.product
    return _persona_save(persona)


@transaction.atomic
def persona_update(*, access: ProductAccess, persona: Persona, fields: list[str]) -> Persona:
    _require_edit(access)
    if persona.product_id != access.product.pk:
        raise PermissionDenied("The persona belongs to another product.")
    return _persona_save(persona, update_fields=[*fields, "updated_at"])


@transaction.atomic
def persona_delete(*, access: ProductAccess, persona_id: int) -> None:
    """Delete a persona. Its interviews and hypotheses stay, without a persona (SET_NULL)."""
    _require_edit(access)
    deleted, _ = Persona.objects.filter(pk=persona_id, product=access.product).delete()
    if not deleted:
        raise ValidationError("That persona is not one of this product's.")
