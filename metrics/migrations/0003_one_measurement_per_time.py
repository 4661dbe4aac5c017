"""Before the constraints of 0004: one measurement per KPI and time, one check per service level
and time. Exact duplicates (the same figures: a re-import or a retry) keep their latest row; the
migration stops, naming the rows and deleting nothing, when duplicates disagree, a date is out of
range or a KPI's target contradicts its direction: which figure is right, only a person knows."""

import datetime

from django.db import migrations
from django.db.models import Count, F, Q

EARLIEST = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2199, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC)
EARLIEST_DAY, LATEST_DAY = EARLIEST.date(), LATEST.date()
SHOWN = 20


def _drop_exact_duplicates(model, parent: str, moment: str, figures: tuple[str, ...]):
    """Delete all but the highest pk of each (parent, moment) whose rows carry the same
    `figures` (the last write is the one a re-import or retry meant to stand; where it came
    from, `source`, is not a figure). Returns the groups whose figures differ, left alone:
    [(parent id, moment, [figures of each row, oldest first])]."""
    doubled = (
        model.objects.values(parent, moment)
        .annotate(rows=Count("pk"))
        .filter(rows__gt=1)
        .order_by(parent, moment)
    )
    conflicts = []
    for group in doubled.iterator():
        rows = list(
            model.objects.filter(**{parent: group[parent], moment: group[moment]})
            .order_by("pk")
            .values_list("pk", *figures)
        )
        if len({row[1:] for row in rows}) > 1:
            conflicts.append((group[parent], group[moment], [row[1:] for row in rows]))
            continue
        model.objects.filter(pk__in=[row[0] for row in rows[:-1]]).delete()
    return conflicts


def _figure(value, note: str) -> str:
    return f"{value.normalize():f}" + (f" ({note})" if note else "")


def _conflicting_measurements(KPI, conflicts) -> list[str]:
    names = dict(KPI.objects.filter(pk__in={c[0] for c in conflicts}).values_list("pk", "name"))
    return [
        f"KPI {kpi_id} “{names.get(kpi_id, '')}” at {at.isoformat()}: "
        + "; ".join(_figure(value, note) for value, note in rows)
        for kpi_id, at, rows in conflicts[:SHOWN]
    ]


def _conflicting_checks(ServiceLevel, conflicts) -> list[str]:
    indicators = dict(
        ServiceLevel.objects.filter(pk__in={c[0] for c in conflicts}).values_list("pk", "indicator")
    )
    return [
        f"service level {level_id} ({indicators.get(level_id, '')}) at {at.isoformat()}: "
        f"observed {'; '.join(f'{observed.normalize():f}' for (observed,) in rows)}"
        for level_id, at, rows in conflicts[:SHOWN]
    ]


def _out_of_range(queryset, field: str, *, low, high, nullable: bool = False):
    wrong = Q(**{f"{field}__lt": low}) | Q(**{f"{field}__gt": high})
    return [f"{queryset.model.__name__} {pk}: {field} {value}" for pk, value in
            queryset.filter(wrong).values_list("pk", field)[:SHOWN]]  # fmt: skip


def forwards(apps, schema_editor):
    KPI = apps.get_model("metrics", "KPI")
    Measurement = apps.get_model("metrics", "Measurement")
    ServiceLevelCheck = apps.get_model("metrics", "ServiceLevelCheck")
    ServiceLevel = apps.get_model("metrics", "ServiceLevel")
    Experiment = apps.get_model("metrics", "Experiment")

    problems = _conflicting_measurements(
        KPI, _drop_exact_duplicates(Measurement, "kpi_id", "observed_at", ("value", "note"))
    )
    problems += _conflicting_checks(
        ServiceLevel,
        _drop_exact_duplicates(ServiceLevelCheck, "service_level_id", "checked_at", ("observed",)),
    )
    for model, field in ((KPI, "baseline_date"), (KPI, "target_date"),
                         (Experiment, "starts_on"), (Experiment, "ends_on")):  # fmt: skip
        problems += _out_of_range(model.objects, field, low=EARLIEST_DAY, high=LATEST_DAY)
    problems += _out_of_range(Measurement.objects, "observed_at", low=EARLIEST, high=LATEST)
    problems += _out_of_range(ServiceLevelCheck.objects, "checked_at", low=EARLIEST, high=LATEST)
    contradictions = KPI.objects.filter(
        Q(direction="increase", target__lte=F("baseline"))
        | Q(direction="decrease", target__gte=F("baseline"))
    )
    problems += [
        f"KPI {pk} “{name}”: {direction} from {baseline} to {target}"
        for pk, name, direction, baseline, target in contradictions.values_list(
            "pk", "name", "direction", "baseline", "target"
        )[:SHOWN]
    ]
    if problems:
        raise RuntimeError(
            "These rows break rules the database now enforces (one measurement per KPI and "
            "time, one check per service level and time, and these duplicates differ; dates "
            "from 1900-01-01 to 2199-12-31; a KPI to increase has its target above its "
            "baseline, one to decrease below). Nothing was changed. Correct them in the admin "
            "with the previous release (keep the right row of each duplicate, delete the "
            "others), then migrate again:\n" + "\n".join(problems)
        )


class Migration(migrations.Migration):
    dependencies = [("metrics", "0002_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
