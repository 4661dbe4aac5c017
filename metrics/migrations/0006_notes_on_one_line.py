"""A measurement's note is one line (dpm/lib/validators.py validate_one_line): a line break made
its CSV cell span lines, which the import refuses, so an export did not re-import. Stored notes
get each run of line breaks and other control characters replaced by one space — the words stay —
before the database refuses line breaks."""

import re

from django.db import migrations, models

import dpm.lib.validators

# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.
NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def forwards(apps, schema_editor):
    Measurement = apps.get_model("metrics", "Measurement")
    for pk, note in Measurement.objects.exclude(note="").values_list("pk", "note").iterator():
        one_line = NOT_ONE_LINE.sub(" ", note).strip()
        if one_line != note:
            Measurement.objects.filter(pk=pk).update(note=one_line)


class Migration(migrations.Migration):
    dependencies = [("metrics", "0005_observed_times_to_the_second")]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="measurement",
            name="note",
            field=models.CharField(
                blank=True, max_length=300, validators=[dpm.lib.validators.validate_one_line]
            ),
        ),
        migrations.AddConstraint(
            model_name="measurement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("note__contains", "\n"), _negated=True),
                    models.Q(("note__contains", "\r"), _negated=True),
                ),
                name="metrics_measurement_note_one_line",
            ),
        ),
    ]
