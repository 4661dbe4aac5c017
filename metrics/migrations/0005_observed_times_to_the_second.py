"""Observed times to the whole second (dpm/lib/validators.py to_the_second): a measurement is its
KPI and its time, and the CSV export writes times to the second, so a time with a fraction of a
second re-imported as a second measurement. Rows within one second of each other become one row
when their figures are the same (the latest stays); when they differ, the migration stops, naming
them and changing nothing, as 0003 does for duplicates."""

import datetime

from django.db import migrations

import dpm.lib.models
import dpm.lib.validators

SHOWN = 20


def _cut_to_the_second(model, parent: str, moment: str, figures: tuple[str, ...]):
    """Move every row with a fraction of a second to its whole second. Returns the seconds whose
    rows disagree, left alone: [(parent id, second, [figures of each row, oldest first])]."""
    fractional = {
        (parent_id, at.replace(microsecond=0))
        for parent_id, at in model.objects.values_list(parent, moment).iterator()
        if at.microsecond
    }
    conflicts = []
    for parent_id, second in sorted(fractional):
        rows = list(
            model.objects.filter(**{parent: parent_id})
            .filter(**{f"{moment}__gte": second, f"{moment}__lt": second + _ONE_SECOND})
            .order_by("pk")
            .values_list("pk", *figures)
        )
        if len({row[1:] for row in rows}) > 1:
            conflicts.append((parent_id, second, [row[1:] for row in rows]))
            continue
        keep = rows[-1][0]
        model.objects.filter(pk__in=[row[0] for row in rows[:-1]]).delete()
        model.objects.filter(pk=keep).update(**{moment: second})
    return conflicts


_ONE_SECOND = datetime.timedelta(seconds=1)


def _figure(value, note: str = "") -> str:
    return f"{value.normalize():f}" + (f" ({note})" if note else "")


def forwards(apps, schema_editor):
    KPI = apps.get_model("metrics", "KPI")
    Measurement = apps.get_model("metrics", "Measurement")
    ServiceLevel = apps.get_model("metrics", "ServiceLevel")
    ServiceLevelCheck = apps.get_model("metrics", "ServiceLevelCheck")
    measurements = _cut_to_the_second(Measurement, "kpi_id", "observed_at", ("value", "note"))
    checks = _cut_to_the_second(ServiceLevelCheck, "service_level_id", "checked_at", ("observed",))
    names = dict(KPI.objects.filter(pk__in={c[0] for c in measurements}).values_list("pk", "name"))
    indicators = dict(
        ServiceLevel.objects.filter(pk__in={c[0] for c in checks}).values_list("pk", "indicator")
    )
    problems = [
        f"KPI {kpi_id} “{names[kpi_id]}” at {at.isoformat()}: "
        + "; ".join(_figure(value, note) for value, note in rows)
        for kpi_id, at, rows in measurements[:SHOWN]
    ] + [
        f"service level {level_id} ({indicators[level_id]}) at {at.isoformat()}: observed "
        + "; ".join(_figure(observed) for (observed,) in rows)
        for level_id, at, rows in checks[:SHOWN]
    ]
    if problems:
        raise RuntimeError(
            "Times are now kept to the whole second, and these rows fall within one second of "
            "each other with different figures. Nothing was changed. Keep the right row of each "
            "second in the admin with the previous release (delete the others), then migrate "
            "again:\n" + "\n".join(problems)
        )


class Migration(migrations.Migration):
    dependencies = [("metrics", "0004_history_integrity")]

    operations = [
        # Data first, under the old field, whose lookups still see the fractions.
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="measurement",
            name="observed_at",
            field=dpm.lib.models.WholeSecondDateTimeField(
                validators=[dpm.lib.validators.validate_observation]
            ),
        ),
        migrations.AlterField(
            model_name="servicelevelcheck",
            name="checked_at",
            field=dpm.lib.models.WholeSecondDateTimeField(
                validators=[dpm.lib.validators.validate_observation]
            ),
        ),
    ]
