"""Before the constraints of 0004: keep one measurement per KPI and time (and one check per
service level and time), the latest row written; and stop, naming the rows, when a date is out of
range or a KPI's target contradicts its direction, which only a person can put right."""

import datetime

from django.db import migrations
from django.db.models import Count, F, Max, Q

EARLIEST = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2199, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC)
EARLIEST_DAY, LATEST_DAY = EARLIEST.date(), LATEST.date()
SHOWN = 20


def _keep_latest(model, parent: str, moment: str) -> None:
    """Delete all but the highest pk of each (parent, moment): the last write is the one a
    re-import or retry meant to stand."""
    doubled = (
        model.objects.values(parent, moment)
        .annotate(rows=Count("pk"), keep=Max("pk"))
        .filter(rows__gt=1)
        .order_by()
    )
    for group in doubled.iterator():
        model.objects.filter(**{parent: group[parent], moment: group[moment]}).exclude(
            pk=group["keep"]
        ).delete()


def _out_of_range(queryset, field: str, *, low, high, nullable: bool = False):
    wrong = Q(**{f"{field}__lt": low}) | Q(**{f"{field}__gt": high})
    return [f"{queryset.model.__name__} {pk}: {field} {value}" for pk, value in
            queryset.filter(wrong).values_list("pk", field)[:SHOWN]]  # fmt: skip


def forwards(apps, schema_editor):
    KPI = apps.get_model("metrics", "KPI")
    Measurement = apps.get_model("metrics", "Measurement")
    ServiceLevelCheck = apps.get_model("metrics", "ServiceLevelCheck")
    Experiment = apps.get_model("metrics", "Experiment")
    _keep_latest(Measurement, "kpi_id", "observed_at")
    _keep_latest(ServiceLevelCheck, "service_level_id", "checked_at")

    problems = []
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
            "These rows break rules the database now enforces (dates from 1900-01-01 to "
            "2199-12-31; a KPI to increase has its target above its baseline, one to decrease "
            "below). Correct them in the admin with the previous release, then migrate again:\n"
            + "\n".join(problems)
        )


class Migration(migrations.Migration):
    dependencies = [("metrics", "0002_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
