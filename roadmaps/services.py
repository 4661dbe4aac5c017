"""Writes of roadmap items: drafts that start elsewhere in the product's work, and scores."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from discovery.models import WhyChain
from dpm.lib.bulk import BATCH_SIZE, insert_rows, update_rows
from products import roles
from products.access import ProductAccess
from products.recompute import schedule_recompute
from roadmaps.models import RoadmapItem, ScoreChange, ScoringModel
from roadmaps.scoring import ItemInputs, ScoringConfig, score_item

# What a score depends on: read only these (and the stored result) when recomputing.
SCORE_INPUT_FIELDS = (
    "impact",
    "effort",
    "reach",
    "build_cost",
    "run_cost_yearly",
    "confidence_override",
    "confidence_reason",
    "time_criticality",
    "risk_reduction",
)


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
    recompute_item_scores(item_ids=[item.pk])
    schedule_recompute(access.product.pk)  # the product's opportunity
    return item


@transaction.atomic
def roadmap_item_create(
    *, access: ProductAccess, user, item: RoadmapItem, hypotheses=()
) -> RoadmapItem:
    """Add an item to the product's roadmap and score it."""
    if not access.can_edit:
        raise PermissionDenied("Only the product's team can add items to its roadmap.")
    item.product = access.product
    item.status_changed_at = timezone.now()
    item.full_clean()
    item.save()
    _link_hypotheses(item, hypotheses)
    recompute_item_scores(item_ids=[item.pk], changed_by=user)
    schedule_recompute(access.product.pk)  # the product's opportunity
    return item


@transaction.atomic
def roadmap_item_update(
    *, access: ProductAccess, user, item: RoadmapItem, fields: list[str], hypotheses=None
) -> RoadmapItem:
    """Save the edited `fields` (and linked hypotheses when given) and rescore the item; a worker
    follows with the product's opportunity.

    The team edits everything; a lead edits the prioritization fields of any product's item.
    """
    if item.product_id != access.product.pk:
        raise PermissionDenied("The item belongs to another product.")
    allowed = set(RoadmapItem.PRIORITIZATION_FIELDS) if access.can_prioritize else set()
    if access.can_edit:
        allowed = None  # everything
    if allowed is not None and (set(fields) - allowed or hypotheses is not None):
        raise PermissionDenied("Only the product's team edits this; leads set priorities.")
    previous_status = RoadmapItem.objects.filter(pk=item.pk).values_list("status", flat=True).get()
    if "status" in fields and item.status != previous_status:
        item.status_changed_at = timezone.now()
        fields = [*fields, "status_changed_at"]
    item.full_clean()
    item.save(update_fields=[*fields, "updated_at"])
    if hypotheses is not None:
        _link_hypotheses(item, hypotheses)
    # Only this item: its inputs are the only ones that changed. Rescoring (and so locking) every
    # item of the product made two leads moving two cards of one product deadlock (issue 12).
    recompute_item_scores(item_ids=[item.pk], changed_by=user)
    schedule_recompute(item.product_id)  # the product's opportunity
    return item


def _link_hypotheses(item: RoadmapItem, hypotheses) -> None:
    foreign = [h for h in hypotheses if h.product_id != item.product_id]
    if foreign:
        raise ValidationError("Only the product's own hypotheses can be linked.")
    item.hypotheses.set(hypotheses)


@transaction.atomic
def scoring_model_save(*, user, config: ScoringConfig) -> ScoringModel:
    """Make `config` the portfolio's active scoring model; a worker rescores every item with it.

    Only leads (and superusers) decide how the portfolio is prioritized. The save commits at once
    (rescoring thousands of items inside the request outlasted its timeout and saved nothing,
    issue 12): the model's `version` goes up, which stops any recompute still applying the old
    version from writing (see `recompute_item_scores`), and a full recompute is queued after
    commit. The active row is locked so two leads saving at once apply one after the other.
    """
    if not roles.is_lead(user):
        raise PermissionDenied("Only leads change how the portfolio is scored.")
    model = ScoringModel.objects.select_for_update().filter(is_active=True).first()
    if model is None:
        model = ScoringModel(name="Portfolio scoring", is_active=True, version=0)
    model.framework = config.framework
    model.tshirt_points = dict(config.tshirt_points)
    model.cost_bands = [[float(bound), points] for bound, points in config.cost_bands]
    model.cost_top_points = config.cost_top_points
    model.weights = {**config.weights, "reach_cap": float(config.reach_cap)}
    model.version += 1
    model.saved_by = user
    model.full_clean()
    model.save()
    schedule_recompute(None)  # every item's score and every product's opportunity
    return model


HISTORY_FIELDS = (
    "item_id",
    "score",
    "previous_score",
    "inputs",
    "changed_inputs",
    "changed_by_id",
    "created_at",
    "updated_at",
)

# A recompute writes only while the active scoring model is still the one, at the version, it
# read: a run that started before a lead saved a new model (or switched the active one in the
# admin) must not write the old model's scores over the new ones (issue 12). No active model
# means the defaults: ''.
MODEL_UNCHANGED = (
    "COALESCE((SELECT CAST(id AS TEXT) || ':' || CAST(version AS TEXT) "
    "FROM roadmaps_scoringmodel WHERE is_active), '') = %s"
)


def model_key(model: ScoringModel | None) -> str:
    return "" if model is None else f"{model.pk}:{model.version}"


def recompute_item_scores(*, product_ids=None, item_ids=None, changed_by=None) -> int:
    """Score every roadmap item (or those of `product_ids`, or the items `item_ids`) from its
    inputs with the active scoring model, keep the breakdown, and record a ScoreChange for each
    score that moved. Returns how many items were written.

    Set-based: one read of the scoring model, then per chunk of `dpm.lib.bulk.BATCH_SIZE` items
    (in key order) one read of the items, one of their hypotheses' statuses, one UPDATE of the
    changed ones and one INSERT of the history, each chunk committed on its own so that row
    locks are held briefly and memory is one chunk's.

    Writes are compare-and-set, so no lock is held while scoring: an item is written only while
    its `scored_at` is still the one read (nobody rescored it meanwhile) and the active scoring
    model is still the version read. A duplicate delivery, or a run racing an edit, therefore
    records each change once, and never writes scores computed from inputs or a model that
    changed since it read them; whoever changed them rescores (edits do at once, a model change
    queues a full recompute). Running it twice changes nothing.
    """
    model = ScoringModel.objects.filter(is_active=True).first()
    config = ScoringConfig.from_model(model)
    version = model.version if model is not None else 0
    changed_by_id = changed_by.pk if changed_by is not None else None
    if changed_by_id is None and model is not None and model.rescoring:
        # The run that applies a newly saved model: its score changes are the lead's doing.
        changed_by_id = model.saved_by_id
    # Tuples, not model instances: building 100,000 instances cost more than scoring them.
    items = RoadmapItem.objects.values_list(
        "pk", *SCORE_INPUT_FIELDS, "score", "score_breakdown", "scored_at"
    )
    if product_ids is not None:
        items = items.filter(product_id__in=product_ids)
    if item_ids is not None:
        items = items.filter(pk__in=item_ids)
    now = timezone.now()
    written, after = 0, 0
    # Chunks of BATCH_SIZE items in key order (keyset pages): memory stays that of one chunk
    # whatever the portfolio (all 100,000 breakdowns at once took 820 MB).
    while chunk := list(items.filter(pk__gt=after).order_by("pk")[:BATCH_SIZE]):
        after = chunk[-1][0]
        rows, history = _rescored(chunk, product_ids, config, changed_by_id, now)
        with transaction.atomic():
            done = update_rows(
                RoadmapItem,
                ["score", "score_breakdown", "scored_at"],
                rows,
                expect=["scored_at"],
                where=MODEL_UNCHANGED,
                where_params=[model_key(model)],
            )
            insert_rows(
                ScoreChange,
                HISTORY_FIELDS,
                [history[pk] for pk in sorted(done) if pk in history],
            )
        written += len(done)
        if len(chunk) < BATCH_SIZE:
            break
    if model is not None and model.rescoring and product_ids is None and item_ids is None:
        # Every score now follows this version (unless a newer one was saved meanwhile).
        ScoringModel.objects.filter(pk=model.pk, is_active=True, version=version).update(
            rescored_version=version, rescored_at=now
        )
    return written


def _rescored(chunk, product_ids, config, changed_by_id, now) -> tuple[list, dict]:
    """The chunk's items whose score or breakdown moved, as update_rows rows (pk, score,
    breakdown, scored_at, the scored_at read), and their ScoreChange rows by pk."""
    statuses: dict[int, list[str]] = defaultdict(list)
    for item_id, status in _hypothesis_links(product_ids, chunk[0][0], chunk[-1][0]):
        statuses[item_id].append(status)
    rows, history = [], {}
    inputs_end = 1 + len(SCORE_INPUT_FIELDS)
    for row in chunk:
        pk, (score, breakdown, scored_at) = row[0], row[inputs_end:]
        given = dict(zip(SCORE_INPUT_FIELDS, row[1:inputs_end], strict=True))
        given["confidence_reason"] = given["confidence_reason"] or ""
        inputs = ItemInputs(**given, hypothesis_statuses=tuple(sorted(statuses[pk])))
        result = score_item(inputs, config)
        if result.value == score and result.breakdown == breakdown:
            continue
        if result.value != score:
            history[pk] = (
                pk,
                result.value,
                score,
                result.breakdown.get("inputs", {}),
                _changed_inputs(breakdown, result.breakdown),
                changed_by_id,
                now,
                now,
            )
        rows.append((pk, result.value, result.breakdown, now, scored_at))
    return rows, history


def _hypothesis_links(product_ids, first: int, last: int) -> list[tuple[int, str]]:
    """(item id, status of a linked hypothesis) for every link of the items with keys from
    `first` to `last` in scope, in one query."""
    links = RoadmapItem.hypotheses.through.objects.filter(
        roadmapitem_id__gte=first, roadmapitem_id__lte=last
    )
    if product_ids is not None:
        links = links.filter(roadmapitem__product_id__in=product_ids)
    return list(links.values_list("roadmapitem_id", "hypothesis__status"))


def _changed_inputs(before: dict, after: dict) -> list[str]:
    """Which inputs moved between two breakdowns: the answer to "why did this score drop?"."""
    if not before:
        return []
    if before.get("framework") != after.get("framework"):
        return ["framework"]
    old, new = before.get("inputs", {}), after.get("inputs", {})
    return sorted(
        name
        for name in old.keys() | new.keys()
        if old.get(name, {}).get("value") != new.get(name, {}).get("value")
    )
