"""Writes of the adoption page: weekly usage (one at a time or imported from CSV), adoption
barriers, enablement assets and feedback. Each checks the caller's rights itself (DESIGN.md §7):
the product's team edits, everyone else only reads."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

from adoption.models import AdoptionBarrier, EnablementAsset, Feedback, UsageSnapshot
from discovery.models import Insight
from dpm.lib.csv_import import CSVImportError, csv_rows, decode_upload
from dpm.lib.validators import RANGE_MESSAGE, date_out_of_range, in_future, observation_problem
from products import recompute
from products.access import ProductAccess

# PositiveIntegerField's ceiling on PostgreSQL; checked here so SQLite and PostgreSQL refuse the
# same figures with the same words (PostgreSQL would otherwise answer with a DataError).
MAX_COUNT = 2_147_483_647
USAGE_IMPORT_REQUIRED = ("week_start", "active_users")
USAGE_IMPORT_OPTIONAL = ("sessions", "median_task_seconds", "decisions_supported")
USAGE_IMPORT_ERRORS_SHOWN = 20
# Rows per INSERT / UPDATE when weeks are written in bulk (SQLite's parameter limit).
USAGE_WRITE_BATCH = 500


def require_edit(access: ProductAccess) -> None:
    """The product's team changes its adoption records (DESIGN.md §7)."""
    if not access.can_edit:
        raise PermissionDenied("Only the product's team can change its adoption records.")


def week_start_of(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s week: usage is recorded per ISO week."""
    return day - datetime.timedelta(days=day.weekday())


def _week_label(week: datetime.date) -> str:
    return f"{week.day} {week:%b %Y}"


# --- Weekly usage ---------------------------------------------------------------------------------


def _week_problem(product_id: int, week: datetime.date, *, exclude_pk: int | None = None):
    """Why `week` cannot be (re)recorded, or None."""
    if in_future(week):
        return f"The week of {_week_label(week)} has not started yet."
    if date_out_of_range(week):
        return RANGE_MESSAGE
    taken = UsageSnapshot.objects.filter(product_id=product_id, week_start=week)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        return f"The week of {_week_label(week)} is already recorded: edit that week in the table."
    return None


def _save_snapshot(snapshot: UsageSnapshot, *, exclude_pk: int | None = None) -> None:
    problem = _week_problem(snapshot.product_id, snapshot.week_start, exclude_pk=exclude_pk)
    if problem:
        raise ValidationError({"week_of": problem})
    snapshot.full_clean()
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError as exc:  # the same week recorded by someone else a moment ago
        raise ValidationError(
            {"week_of": f"The week of {_week_label(snapshot.week_start)} is already recorded."}
        ) from exc


@transaction.atomic
def usage_snapshot_add(
    *,
    access: ProductAccess,
    week_of: datetime.date,
    active_users: int,
    sessions: int | None = None,
    median_task_seconds: int | None = None,
    decisions_supported: int | None = None,
) -> UsageSnapshot:
    """Record a week of usage by hand; any day of the week stands for its Monday. A week already
    recorded is refused (edit it instead) rather than overwritten unseen."""
    require_edit(access)
    snapshot = UsageSnapshot(
        product=access.product,
        week_start=week_start_of(week_of),
        active_users=active_users,
        sessions=sessions,
        median_task_seconds=median_task_seconds,
        decisions_supported=decisions_supported,
        source=UsageSnapshot.Source.MANUAL,
    )
    _save_snapshot(snapshot)
    recompute.schedule_recompute(access.product.pk)
    return snapshot


@transaction.atomic
def usage_snapshot_update(
    *,
    access: ProductAccess,
    snapshot: UsageSnapshot,
    week_of: datetime.date,
    active_users: int,
    sessions: int | None = None,
    median_task_seconds: int | None = None,
    decisions_supported: int | None = None,
) -> UsageSnapshot:
    """Correct a recorded week (its figures, or the week itself); it becomes a manual entry."""
    require_edit(access)
    if snapshot.product_id != access.product.pk:
        raise PermissionDenied("The week belongs to another product.")
    snapshot.week_start = week_start_of(week_of)
    snapshot.active_users = active_users
    snapshot.sessions = sessions
    snapshot.median_task_seconds = median_task_seconds
    snapshot.decisions_supported = decisions_supported
    snapshot.source = UsageSnapshot.Source.MANUAL
    _save_snapshot(snapshot, exclude_pk=snapshot.pk)
    recompute.schedule_recompute(access.product.pk)
    return snapshot


@transaction.atomic
def usage_snapshot_delete(*, access: ProductAccess, snapshot_id: int) -> None:
    require_edit(access)
    deleted, _ = UsageSnapshot.objects.filter(pk=snapshot_id, product=access.product).delete()
    if not deleted:
        raise ValidationError("That week is not recorded for this product (any more).")
    recompute.schedule_recompute(access.product.pk)


@dataclass(frozen=True)
class UsageImportResult:
    added: int
    updated: int


def _count_problem(column: str, raw: str, *, required: bool) -> tuple[int | None, str | None]:
    """The cell as a whole number ≥ 0 (None when empty and optional), or why it is not one."""
    if raw == "":
        return None, (f"{column} is required" if required else None)
    if not raw.isascii() or not raw.isdigit():
        return None, f"{column} must be a whole number ≥ 0 (found “{raw}”)"
    value = int(raw)
    if value > MAX_COUNT:
        return None, f"{column} is too large (at most {MAX_COUNT:,})"
    return value, None


def _parse_usage_rows(text: str):
    """{week: (line, {column: value})} for every row of the file, or CSVImportError naming every
    problem by its line (the header is line 1)."""
    rows = csv_rows(text, required=USAGE_IMPORT_REQUIRED, optional=USAGE_IMPORT_OPTIONAL)
    present = set(rows[0][1])
    weeks: dict[datetime.date, tuple[int, dict]] = {}
    seen: dict[datetime.date, int] = {}  # week → the first line that named it
    errors = []
    for line, cells in rows:
        problems = []
        raw_day = cells["week_start"]
        try:
            day = parse_date(raw_day) if raw_day else None
        except ValueError:  # well-formed but impossible, e.g. 2026-02-30
            day = None
        week = None
        if not raw_day:
            problems.append("week_start is required")
        elif day is None:
            problems.append(f"week_start “{raw_day}” is not a date like 2026-11-16")
        elif date_out_of_range(day):
            problems.append(f"week_start {raw_day}: {RANGE_MESSAGE}")
        else:
            week = week_start_of(day)
            if in_future(week):
                problems.append(f"week_start {day} is in a week that has not started yet")
            elif week in seen:
                problems.append(
                    f"week_start {day} falls in the week of {week}, as line {seen[week]} does"
                )
            else:
                seen[week] = line
        values = {}
        for column in ("active_users", *USAGE_IMPORT_OPTIONAL):
            if column not in present:
                continue
            value, problem = _count_problem(
                column, cells[column], required=column == "active_users"
            )
            if problem:
                problems.append(problem)
            values[column] = value
        if problems:
            errors.append(f"line {line}: {'; '.join(problems)}")
        elif week is not None:
            weeks[week] = (line, values)
    if errors:
        shown = errors[:USAGE_IMPORT_ERRORS_SHOWN]
        if len(errors) > len(shown):
            shown.append(f"… and {len(errors) - len(shown)} more lines with problems")
        raise CSVImportError(shown)
    return weeks


@transaction.atomic
def usage_import(*, access: ProductAccess, upload) -> UsageImportResult:
    """Import weekly usage from a CSV upload (header
    week_start,active_users[,sessions,median_task_seconds,decisions_supported]). Every row is
    checked first and nothing is written when any row is wrong. Dates stand for their week's
    Monday; weeks already recorded are updated with the file's figures (columns the file lacks
    are left as they were)."""
    require_edit(access)
    weeks = _parse_usage_rows(decode_upload(upload))
    try:
        added, updated = usage_weeks_upsert(
            product=access.product,
            figures_by_week={week: values for week, (_line, values) in weeks.items()},
            source=UsageSnapshot.Source.IMPORT,
        )
    except WeeksTaken as exc:
        raise CSVImportError([f"{exc} Upload again."]) from exc
    recompute.schedule_recompute(access.product.pk)
    return UsageImportResult(added=added, updated=updated)


class WeeksTaken(Exception):
    """Another import or entry recorded one of the weeks between the read and the insert."""


def usage_weeks_upsert(*, product, figures_by_week: dict, source: str) -> tuple[int, int]:
    """Record each week's figures: new weeks are added, weeks already recorded get the given
    figures (figures not given stay as they were). The caller has validated the figures and
    normalised the weeks to Mondays, inside its transaction. Returns (added, updated); raises
    WeeksTaken when a concurrent write took one of the new weeks. Shared by the CSV import and
    the JSON API, so both update weeks the same way."""
    existing = {
        snapshot.week_start: snapshot
        for snapshot in UsageSnapshot.objects.select_for_update().filter(
            product=product, week_start__in=list(figures_by_week)
        )
    }
    new, changed, fields = [], [], {"source", "updated_at"}
    now = timezone.now()
    for week, figures in figures_by_week.items():
        snapshot = existing.get(week)
        if snapshot is None:
            new.append(UsageSnapshot(product=product, week_start=week, source=source, **figures))
            continue
        for column, value in figures.items():
            setattr(snapshot, column, value)
        fields.update(figures)
        snapshot.source, snapshot.updated_at = source, now
        changed.append(snapshot)
    try:
        with transaction.atomic():
            UsageSnapshot.objects.bulk_create(new, batch_size=USAGE_WRITE_BATCH)
    except IntegrityError as exc:
        raise WeeksTaken("Some of these weeks were recorded by someone else meanwhile.") from exc
    UsageSnapshot.objects.bulk_update(changed, sorted(fields), batch_size=USAGE_WRITE_BATCH)
    return len(new), len(changed)


# --- Adoption barriers ----------------------------------------------------------------------------


@transaction.atomic
def adoption_barrier_save(
    *, access: ProductAccess, barrier: AdoptionBarrier, insights: list[Insight] | None = None
) -> AdoptionBarrier:
    """Create or update a barrier and the insights that revealed it (this product's only)."""
    require_edit(access)
    if barrier.product_id != access.product.pk:
        raise PermissionDenied("The barrier belongs to another product.")
    insight_ids = {insight.pk for insight in insights or ()}
    if insight_ids:
        own = Insight.objects.filter(pk__in=insight_ids, interview__product=access.product)
        if own.count() != len(insight_ids):
            raise ValidationError({"insights": "Choose insights from this product's interviews."})
    barrier.description = barrier.description.strip()
    barrier.action = barrier.action.strip()
    barrier.full_clean()
    barrier.save()
    barrier.insights.set(insight_ids)
    return barrier


@transaction.atomic
def adoption_barrier_move(*, access: ProductAccess, barrier_id: int, status: str):
    """Move a barrier on the board: open → mitigating → resolved (or back)."""
    require_edit(access)
    barrier = (
        AdoptionBarrier.objects.select_for_update()
        .filter(pk=barrier_id, product=access.product)
        .first()
    )
    if barrier is None:
        raise ValidationError("That barrier is not on this product's board (any more).")
    if barrier.status != status:
        barrier.status = status
        barrier.full_clean()
        barrier.save(update_fields=["status", "updated_at"])
    return barrier


# --- Enablement assets and feedback ---------------------------------------------------------------


@transaction.atomic
def enablement_asset_add(
    *, access: ProductAccess, kind: str, title: str, url: str = ""
) -> EnablementAsset:
    require_edit(access)
    asset = EnablementAsset(product=access.product, kind=kind, title=title.strip(), url=url)
    asset.full_clean()
    asset.save()
    return asset


@transaction.atomic
def enablement_asset_delete(*, access: ProductAccess, asset_id: int) -> None:
    require_edit(access)
    deleted, _ = EnablementAsset.objects.filter(pk=asset_id, product=access.product).delete()
    if not deleted:
        raise ValidationError("That asset is not listed for this product (any more).")


@transaction.atomic
def feedback_add(
    *,
    access: ProductAccess,
    rating: int,
    given_on: datetime.date,
    text: str = "",
    user=None,
    author_name: str = "",
) -> Feedback:
    """Record what a user said and their rating (1–5), from a person with an account or a name."""
    require_edit(access)
    author_name = author_name.strip()
    if user is None and not author_name:
        raise ValidationError("Say who gave the feedback: choose a person or type a name.")
    problem = observation_problem(given_on)
    if problem:
        raise ValidationError({"given_on": problem})
    # Noon, so the date reads the same in any nearby time zone; but not later than now, which
    # the model's rule for observations refuses.
    noon = timezone.make_aware(datetime.datetime.combine(given_on, datetime.time(12)))
    given_at = min(noon, timezone.now())
    feedback = Feedback(
        product=access.product,
        user=user,
        author_name=author_name,
        rating=rating,
        text=text.strip(),
        given_at=given_at,
    )
    feedback.full_clean()
    feedback.save()
    return feedback
