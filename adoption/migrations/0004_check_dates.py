"""Before the constraints of 0005: stop, naming the rows, when a week or feedback is dated
outside 1900-01-01 … 2199-12-31 (a year-1 week made the health page a 500); only a person knows
the date that was meant."""

import datetime

from django.db import migrations
from django.db.models import Q

EARLIEST = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2199, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC)
SHOWN = 20


def forwards(apps, schema_editor):
    UsageSnapshot = apps.get_model("adoption", "UsageSnapshot")
    Feedback = apps.get_model("adoption", "Feedback")
    weeks = UsageSnapshot.objects.filter(
        Q(week_start__lt=EARLIEST.date()) | Q(week_start__gt=LATEST.date())
    ).values_list("pk", "product_id", "week_start")[:SHOWN]
    feedback = Feedback.objects.filter(
        Q(given_at__lt=EARLIEST) | Q(given_at__gt=LATEST)
    ).values_list("pk", "given_at")[:SHOWN]
    problems = [f"UsageSnapshot {pk} (product {product}): week of {week}" for pk, product, week
                in weeks] + [f"Feedback {pk}: given at {at}" for pk, at in feedback]  # fmt: skip
    if problems:
        raise RuntimeError(
            "These rows are dated outside 1900-01-01 … 2199-12-31, which the database now "
            "refuses. Correct them in the admin with the previous release, then migrate again:\n"
            + "\n".join(problems)
        )


class Migration(migrations.Migration):
    dependencies = [("adoption", "0003_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
