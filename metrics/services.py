"""Writes of the metrics page: the Definition of Done, KPIs and measurements, service levels,
experiments."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from dpm.lib.bulk import update_rows
from dpm.lib.csv_export import from_spreadsheet_safe
from dpm.lib.csv_import import CSVImportError, csv_rows, decode_upload
from dpm.lib.validators import observation_problem, to_the_second
from metrics.forms import MeasurementRowForm
from metrics.models import (
    KPI,
    DefinitionOfDone,
    DoneCriterion,
    Experiment,
    Measurement,
    ServiceLevel,
    ServiceLevelCheck,
)
from metrics.readout import mean_readout, proportion_readout
from products.access import ProductAccess
from products.recompute import schedule_recompute


def require_edit(access: ProductAccess) -> None:
    """The product's team changes its metrics (DESIGN.md §7)."""
    if not access.can_edit:
        raise PermissionDenied("Only the product's team can change its metrics.")


# --- KPIs and measurements --------------------------------------------------------------------


@transaction.atomic
def kpi_save(*, access: ProductAccess, kpi: KPI, fields: list[str] | None = None) -> KPI:
    """Create the KPI (fields None) or save the edited `fields`; names are unique per product."""
    require_edit(access)
    if kpi.product_id != access.product.pk:
        raise PermissionDenied("The KPI belongs to another product.")
    kpi.full_clean()
    try:
        with transaction.atomic():
            if fields is None:
                kpi.save()
            else:
                kpi.save(update_fields=[*fields, "updated_at"])
    except IntegrityError as exc:
        raise ValidationError({"name": "This product already has a KPI with that name."}) from exc
    schedule_recompute(access.product.pk)
    return kpi


def _time_label(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


@transaction.atomic
def measurement_add(
    *, access: ProductAccess, kpi: KPI, value, observed_at, note: str = ""
) -> Measurement:
    """Record one measurement by hand. A time already recorded for the KPI is refused rather
    than overwritten unseen (a re-import updates it)."""
    require_edit(access)
    if kpi.product_id != access.product.pk:
        raise PermissionDenied("The KPI belongs to another product.")
    observed_at = to_the_second(observed_at)
    taken = ValidationError(
        {"observed_at": f"A measurement at {_time_label(observed_at)} is already recorded."}
    )
    if Measurement.objects.filter(kpi=kpi, observed_at=observed_at).exists():
        raise taken
    measurement = Measurement(kpi=kpi, value=value, observed_at=observed_at, note=note.strip())
    measurement.full_clean()
    try:
        with transaction.atomic():
            measurement.save()
    except IntegrityError as exc:  # the same time recorded by someone else a moment ago
        raise taken from exc
    schedule_recompute(access.product.pk)
    return measurement


@dataclass(frozen=True)
class UpsertResult:
    added: int
    updated: int


class MeasurementsTaken(Exception):
    """Another write recorded one of the new times between the read and the insert."""


# Rows per INSERT when measurements are written in bulk (SQLite's parameter limit).
MEASUREMENT_WRITE_BATCH = 500


def measurements_upsert(*, rows: dict[tuple[int, datetime.datetime], dict], source: str):
    """Record measurements keyed by (KPI id, observed time): new times are added, times already
    recorded get the given value and note. A measurement is its KPI and time (the
    metrics_measurement_one_per_time constraint), so a re-imported file or a retried API batch
    updates in place instead of counting twice. The caller validated the rows, inside its
    transaction. Shared by the CSV import and the JSON API. Raises MeasurementsTaken when a
    concurrent write took one of the new times."""
    if not rows:
        return UpsertResult(added=0, updated=0)
    kpi_ids = {kpi_id for kpi_id, _at in rows}
    times = [at for _kpi_id, at in rows]
    # One range query rather than an IN list of up to 10,000 times; rows of the range that the
    # batch does not name are read but left alone.
    existing = {
        (row.kpi_id, row.observed_at): row
        for row in Measurement.objects.select_for_update()
        .filter(kpi_id__in=kpi_ids, observed_at__range=(min(times), max(times)))
        .order_by()
    }
    new, changed, now = [], [], timezone.now()
    for (kpi_id, observed_at), figures in rows.items():
        row = existing.get((kpi_id, observed_at))
        if row is None:
            new.append(
                Measurement(kpi_id=kpi_id, observed_at=observed_at, source=source, **figures)
            )
            continue
        for name, value in figures.items():
            setattr(row, name, value)
        row.source, row.updated_at = source, now
        changed.append(row)
    try:
        with transaction.atomic():
            Measurement.objects.bulk_create(new, batch_size=MEASUREMENT_WRITE_BATCH)
    except IntegrityError as exc:
        raise MeasurementsTaken(
            "Some of these measurements were recorded by someone else meanwhile."
        ) from exc
    fields = ("value", "note", "source", "updated_at")
    update_rows(
        Measurement, fields, [(row.pk, *(getattr(row, f) for f in fields)) for row in changed]
    )
    return UpsertResult(added=len(new), updated=len(changed))


@transaction.atomic
def measurements_import(*, access: ProductAccess, kpi: KPI, upload) -> UpsertResult:
    """Import measurements from a CSV (observed_at,value[,note]): every row is checked first and
    nothing is written when any row is wrong; the errors name their rows. A time already
    recorded is updated with the file's value and note, so the KPI's own export re-imports
    without doubling; returns how many were added and updated."""
    require_edit(access)
    if kpi.product_id != access.product.pk:
        raise PermissionDenied("The KPI belongs to another product.")
    lines = csv_rows(decode_upload(upload), required=("observed_at", "value"), optional=("note",))
    rows, seen, errors = {}, {}, []
    for line, cells in lines:
        form = MeasurementRowForm(cells)
        if not form.is_valid():
            for field, field_errors in form.errors.items():
                errors += [f"row {line}: {field} — {error}" for error in field_errors]
            continue
        observed_at = form.cleaned_data["observed_at"]
        if observed_at in seen:
            errors.append(f"row {line}: observed_at — repeats row {seen[observed_at]}")
            continue
        seen[observed_at] = line
        rows[kpi.pk, observed_at] = {
            "value": form.cleaned_data["value"],
            # The export wrote a note a spreadsheet would run as text ('=…): read it back.
            "note": from_spreadsheet_safe(form.cleaned_data["note"]),
        }
    if errors:
        raise CSVImportError(errors)
    try:
        result = measurements_upsert(rows=rows, source=Measurement.Source.IMPORT)
    except MeasurementsTaken as exc:
        raise CSVImportError([f"{exc} Upload again."]) from exc
    schedule_recompute(access.product.pk)
    return result


# Definition of Done

# The starter checklist a product's Definition of Done begins from: what a data product must show
# before it counts as done, one group at a time (DESIGN.md §4). The team edits it afterwards; the
# placeholders in <angle brackets> are theirs to fill in.
STARTER_CRITERIA: list[tuple[str, str, bool]] = [
    (
        DoneCriterion.Group.OUTCOME,
        "The decision or workflow it serves changes, measured by a KPI with baseline and target",
        True,
    ),
    (
        DoneCriterion.Group.OUTCOME,
        "The target users use it where the decision is made (meeting, tool or process named)",
        True,
    ),
    (
        DoneCriterion.Group.FAIL_FAST,
        "We stop if the pilot does not beat the baseline by <X> within <N> weeks",
        True,
    ),
    (
        DoneCriterion.Group.FAIL_FAST,
        "A lead reviews the pilot's readout and records roll out, iterate or stop",
        True,
    ),
    (
        DoneCriterion.Group.FEASIBILITY,
        "Source data exists, is accessible and its quality was checked on a sample",
        True,
    ),
    (
        DoneCriterion.Group.FEASIBILITY,
        "Run cost per month is estimated and within the agreed budget",
        False,
    ),
    (
        DoneCriterion.Group.QUALITY,
        "Data quality tests run on every load and alert the owner",
        True,
    ),
    (
        DoneCriterion.Group.QUALITY,
        "Freshness and availability have service levels that are monitored",
        True,
    ),
    (
        DoneCriterion.Group.DOCUMENTATION,
        "Definitions, owner and known limitations are documented where users look",
        True,
    ),
    (
        DoneCriterion.Group.DOCUMENTATION,
        "Users were shown how to use it (training, office hours or a walkthrough)",
        False,
    ),
    (
        DoneCriterion.Group.COMPLIANCE,
        "PII is identified, minimised and access-controlled; retention is agreed",
        True,
    ),
    (
        DoneCriterion.Group.COMPLIANCE,
        "Legal basis and data-protection review are recorded where required",
        True,
    ),
]


def _locked_definition(access: ProductAccess) -> DefinitionOfDone:
    """The product's Definition of Done, row-locked: a change to its criteria and a sign-off run
    one after the other, so a lead never signs a checklist that changed under them."""
    return DefinitionOfDone.objects.select_for_update().get(product=access.product)


def _withdraw_sign_off(definition: DefinitionOfDone) -> None:
    """What was signed changed: the sign-off no longer stands."""
    if definition.signed_off_at is None and definition.signed_off_by_id is None:
        return
    definition.signed_off_by = None
    definition.signed_off_at = None
    definition.save(update_fields=["signed_off_by", "signed_off_at", "updated_at"])


@transaction.atomic
def definition_of_done_start(*, access: ProductAccess) -> DefinitionOfDone:
    """Create the product's Definition of Done from STARTER_CRITERIA. Starting again (a double
    click, two tabs) returns the existing one and adds nothing."""
    require_edit(access)
    definition, created = DefinitionOfDone.objects.get_or_create(product=access.product)
    if created:
        positions: dict[str, int] = {}
        criteria = []
        for group, text, required in STARTER_CRITERIA:
            positions[group] = positions.get(group, -1) + 1
            criteria.append(
                DoneCriterion(
                    definition=definition,
                    group=group,
                    text=text,
                    required=required,
                    position=positions[group],
                )
            )
        DoneCriterion.objects.bulk_create(criteria)
    schedule_recompute(access.product.pk)
    return definition


@transaction.atomic
def done_criterion_add(
    *, access: ProductAccess, group: str, text: str, required: bool
) -> DoneCriterion:
    """Add a criterion at the end of its group; withdraws a sign-off."""
    require_edit(access)
    definition = _locked_definition(access)
    last = definition.criteria.filter(group=group).order_by("-position").values_list("position")[:1]
    criterion = DoneCriterion(
        definition=definition,
        group=group,
        text=text.strip(),
        required=required,
        position=last[0][0] + 1 if last else 0,
    )
    criterion.full_clean()
    criterion.save()
    _withdraw_sign_off(definition)
    schedule_recompute(access.product.pk)
    return criterion


@transaction.atomic
def done_criterion_set_met(
    *, access: ProductAccess, user, criterion_id: int, met: bool, evidence_url: str = ""
) -> DoneCriterion:
    """Mark a criterion met (recording who and when, with the evidence link) or not met
    (clearing them); withdraws a sign-off when the state or the evidence changes."""
    require_edit(access)
    definition = _locked_definition(access)
    criterion = DoneCriterion.objects.get(pk=criterion_id, definition=definition)
    evidence_url = evidence_url if met else ""
    if criterion.met == met and criterion.evidence_url == evidence_url:
        return criterion
    criterion.met = met
    criterion.evidence_url = evidence_url
    criterion.checked_by = user if met else None
    criterion.checked_at = timezone.now() if met else None
    criterion.full_clean()
    criterion.save(update_fields=["met", "evidence_url", "checked_by", "checked_at", "updated_at"])
    _withdraw_sign_off(definition)
    schedule_recompute(access.product.pk)
    return criterion


@transaction.atomic
def done_criterion_delete(*, access: ProductAccess, criterion_id: int) -> None:
    """Remove a criterion; withdraws a sign-off."""
    require_edit(access)
    definition = _locked_definition(access)
    deleted, _ = DoneCriterion.objects.filter(pk=criterion_id, definition=definition).delete()
    if not deleted:
        raise ValidationError("That criterion is not part of this Definition of Done.")
    _withdraw_sign_off(definition)
    schedule_recompute(access.product.pk)


@transaction.atomic
def definition_of_done_sign_off(*, access: ProductAccess, user) -> DefinitionOfDone:
    """A lead signs the Definition of Done off once every required criterion is met. The
    signer recorded is `user`, so the rights checked are theirs: `access` must be `user`'s."""
    if not access.is_lead or access.user_id != user.pk:
        raise PermissionDenied("Only a lead signs off a Definition of Done.")
    definition = _locked_definition(access)
    required = list(definition.criteria.filter(required=True).values_list("met", flat=True))
    if not required:
        raise ValidationError("Add at least one required criterion before signing off.")
    open_count = required.count(False)
    if open_count:
        raise ValidationError(
            f"{open_count} of {len(required)} required criteria are not met yet: "
            "a Definition of Done is signed off when every required criterion is met."
        )
    if definition.signed_off_at is None:
        definition.signed_off_by = user
        definition.signed_off_at = timezone.now()
        definition.save(update_fields=["signed_off_by", "signed_off_at", "updated_at"])
    return definition


# --- Service levels ------------------------------------------------------------------------------

# An upload is read into memory and validated whole before anything is written (all or nothing);
# these bound that work. 10,000 rows is a year of hourly checks.
SL_IMPORT_HEADER = ("checked_at", "observed")
SL_IMPORT_ERRORS_SHOWN = 20
SL_OBSERVED_PLACES = Decimal("0.001")  # ServiceLevelCheck.observed: decimal_places=3
_SL_OBSERVED_LIMIT = Decimal("10000000")  # max_digits=10 with 3 places


def service_level_meets(service_level: ServiceLevel, observed: Decimal) -> bool:
    """Whether an observed value meets the objective: freshness is a lag (met at or below the
    objective), the rates are shares (met at or above it). Equal counts as met."""
    objective = Decimal(service_level.objective)
    return observed <= objective if service_level.lower_is_better else observed >= objective


def sl_observed_problem(service_level: ServiceLevel, observed: Decimal) -> str | None:
    if not observed.is_finite():
        return "is not a number"
    if observed < 0:
        return "cannot be negative"
    if not service_level.lower_is_better and observed > 100:
        return "is a percentage: at most 100"
    if observed >= _SL_OBSERVED_LIMIT:
        return "is too large"
    return None


@transaction.atomic
def service_level_create(
    *,
    access: ProductAccess,
    indicator: str,
    objective: Decimal,
    unit: str = "",
    description: str = "",
) -> ServiceLevel:
    """Add a service level; one per indicator per product. Freshness is in hours, the rates in
    % (at most 100); an empty unit takes the indicator's."""
    require_edit(access)
    service_level = ServiceLevel(
        product=access.product,
        indicator=indicator,
        objective=objective,
        unit=unit.strip() or ("hours" if indicator == ServiceLevel.Indicator.FRESHNESS else "%"),
        description=description.strip(),
    )
    label = service_level.get_indicator_display()
    duplicate = f"{access.product.name} already has a {label.lower()} service level."
    if not service_level.lower_is_better and objective > 100:
        raise ValidationError({"objective": f"{label} is a percentage: at most 100."})
    if ServiceLevel.objects.filter(product=access.product, indicator=indicator).exists():
        raise ValidationError({"indicator": duplicate})
    service_level.full_clean()
    try:
        with transaction.atomic():
            service_level.save()
    except IntegrityError as exc:  # the same indicator added twice at once
        raise ValidationError({"indicator": duplicate}) from exc
    schedule_recompute(access.product.pk)
    return service_level


@transaction.atomic
def service_level_check_add(
    *,
    access: ProductAccess,
    service_level: ServiceLevel,
    observed: Decimal,
    checked_at: datetime.datetime | None = None,
) -> ServiceLevelCheck:
    """Record one observation; whether it met the objective is computed here, never taken from
    the caller."""
    require_edit(access)
    if service_level.product_id != access.product.pk:
        raise PermissionDenied("The service level belongs to another product.")
    checked_at = to_the_second(checked_at or timezone.now())
    problem = sl_observed_problem(service_level, observed)
    if problem:
        raise ValidationError({"observed": f"The observed value {problem}."})
    problem = observation_problem(checked_at)
    if problem:
        raise ValidationError({"checked_at": problem})
    taken = ValidationError(
        {"checked_at": f"A check at {_time_label(checked_at)} is already recorded."}
    )
    if service_level.checks.filter(checked_at=checked_at).exists():
        raise taken
    check = ServiceLevelCheck(
        service_level=service_level,
        observed=observed,
        met=service_level_meets(service_level, observed),
        checked_at=checked_at,
    )
    check.full_clean()
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError as exc:  # the same time recorded by someone else a moment ago
        raise taken from exc
    schedule_recompute(access.product.pk)
    return check


def _sl_parse_checked_at(value: str) -> datetime.datetime | None:
    """An ISO date-time (naive ones are in the site's time zone) or date (its midnight)."""
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is None:
                return None
            parsed = datetime.datetime.combine(day, datetime.time.min)
    except ValueError:  # well-formed but impossible, e.g. 2025-02-30
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return to_the_second(parsed)


def _sl_parse_rows(service_level: ServiceLevel, text: str) -> list[ServiceLevelCheck]:
    """Every row of the file as an unsaved check, or a ValidationError listing every bad row
    ("row 3: observed is not a number"; row 1 is the header)."""
    try:
        rows = csv_rows(text, required=SL_IMPORT_HEADER)
    except CSVImportError as exc:
        raise ValidationError(exc.errors) from exc
    checks, errors, seen = [], [], {}
    for line, cells in rows:
        row = f"row {line}"
        raw_at, raw_observed = cells["checked_at"], cells["observed"]
        checked_at = _sl_parse_checked_at(raw_at)
        problems = []
        if checked_at is None:
            problems.append(f"checked_at “{raw_at}” is not an ISO date or date-time")
        elif observation_problem(checked_at):
            problems.append(f"checked_at: {observation_problem(checked_at)}")
        elif checked_at in seen:
            problems.append(f"checked_at repeats row {seen[checked_at]}")
        try:
            observed = Decimal(raw_observed)
        except InvalidOperation:
            observed = None
            problems.append("observed is not a number")
        else:
            problem = sl_observed_problem(service_level, observed)
            if problem:
                problems.append(f"observed {problem}")
        if problems:
            errors.append(f"{row}: {'; '.join(problems)}")
            continue
        seen[checked_at] = line
        observed = observed.quantize(SL_OBSERVED_PLACES, rounding=ROUND_HALF_UP)
        checks.append(
            ServiceLevelCheck(
                service_level=service_level,
                observed=observed,
                met=service_level_meets(service_level, observed),
                checked_at=checked_at,
            )
        )
    if checks and not errors:
        # One range query, so importing the same file twice does not count its checks twice.
        recorded = set(
            service_level.checks.filter(checked_at__range=(min(seen), max(seen))).values_list(
                "checked_at", flat=True
            )
        )
        errors = [
            f"row {seen[at]}: a check at {at.isoformat()} is already recorded"
            for at in sorted(recorded & seen.keys())
        ]
    if errors:
        shown = errors[:SL_IMPORT_ERRORS_SHOWN]
        if len(errors) > len(shown):
            shown.append(f"… and {len(errors) - len(shown)} more rows with problems")
        raise ValidationError(["Nothing was imported. Fix these rows and upload again:", *shown])
    return checks


@transaction.atomic
def service_level_checks_import(
    *, access: ProductAccess, service_level: ServiceLevel, text: str
) -> int:
    """Import checks from CSV text (header checked_at,observed); returns how many. All rows are
    validated first: one bad row and nothing is written. `met` is computed, as for one check."""
    require_edit(access)
    if service_level.product_id != access.product.pk:
        raise PermissionDenied("The service level belongs to another product.")
    checks = _sl_parse_rows(service_level, text)
    ServiceLevelCheck.objects.bulk_create(checks, batch_size=1000)
    schedule_recompute(access.product.pk)
    return len(checks)


# --- Experiments ---------------------------------------------------------------------------------


def experiment_readout(experiment: Experiment) -> dict:
    """The statistics and the plain-language sentence of DESIGN.md §5 for the figures entered;
    empty while the figures are incomplete."""
    name = experiment.metric_name or "the metric"
    if name[1:2].islower():  # "Offer conversion" reads "raised offer conversion" mid-sentence
        name = name[0].lower() + name[1:]
    share = experiment.planned_variant_share
    if experiment.metric_kind == Experiment.MetricKind.PROPORTION:
        figures = (
            experiment.control_n,
            experiment.control_conversions,
            experiment.variant_n,
            experiment.variant_conversions,
        )
        if any(value is None for value in figures):
            return {}
        return proportion_readout(
            control_n=experiment.control_n,
            control_conversions=experiment.control_conversions,
            variant_n=experiment.variant_n,
            variant_conversions=experiment.variant_conversions,
            planned_variant_share=share,
            metric_name=name,
        )
    figures = (
        experiment.control_n,
        experiment.control_mean,
        experiment.control_sd,
        experiment.variant_n,
        experiment.variant_mean,
        experiment.variant_sd,
    )
    if any(value is None for value in figures):
        return {}
    return mean_readout(
        control_n=experiment.control_n,
        control_mean=experiment.control_mean,
        control_sd=experiment.control_sd,
        variant_n=experiment.variant_n,
        variant_mean=experiment.variant_mean,
        variant_sd=experiment.variant_sd,
        planned_variant_share=share,
        metric_name=name,
    )


@transaction.atomic
def experiment_save(
    *, access: ProductAccess, experiment: Experiment, fields: list[str] | None = None
) -> Experiment:
    """Create or update the experiment and recompute its readout from its figures."""
    require_edit(access)
    if experiment.product_id != access.product.pk:
        raise PermissionDenied("The experiment belongs to another product.")
    if experiment.hypothesis_id and experiment.hypothesis.product_id != access.product.pk:
        raise ValidationError({"hypothesis": "Choose one of this product's hypotheses."})
    try:
        experiment.readout = experiment_readout(experiment)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    experiment.full_clean()
    if fields is None:
        experiment.save()
    else:
        experiment.save(update_fields=[*fields, "readout", "updated_at"])
    return experiment


@transaction.atomic
def experiment_decide(
    *, access: ProductAccess, user, experiment: Experiment, decision: str, note: str = ""
) -> Experiment:
    """Conclude the experiment with a decision: roll out, iterate or stop (the launch gate reads
    'roll out')."""
    require_edit(access)
    experiment = Experiment.objects.select_for_update().get(
        pk=experiment.pk, product=access.product
    )
    experiment.status = Experiment.Status.CONCLUDED
    experiment.decision = decision
    experiment.decision_note = note.strip()
    experiment.decided_by = user
    experiment.decided_at = timezone.now()
    experiment.full_clean()
    experiment.save(
        update_fields=[
            "status",
            "decision",
            "decision_note",
            "decided_by",
            "decided_at",
            "updated_at",
        ]
    )
    return experiment
