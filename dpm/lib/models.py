from django.db import models

from dpm.lib.validators import (
    EARLIEST_DATE,
    EARLIEST_DATETIME,
    LATEST_DATE,
    LATEST_DATETIME,
    to_the_second,
)


class TimeStampedModel(models.Model):
    """Every dpm row says when it was created and last changed (DESIGN.md §4)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def choices_constraint(
    field: str, choices: type[models.TextChoices], name: str
) -> models.CheckConstraint:
    """Keep a column inside its TextChoices in the database, not only in forms."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)


def range_constraint(
    field: str, low, high, name: str, *, nullable: bool = False
) -> models.CheckConstraint:
    """Keep a number within [low, high] (either bound may be None); NULL allowed when nullable."""
    condition = models.Q()
    if low is not None:
        condition &= models.Q(**{f"{field}__gte": low})
    if high is not None:
        condition &= models.Q(**{f"{field}__lte": high})
    if nullable:
        condition |= models.Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)


def date_range_constraint(
    field: str, name: str, *, datetime_field: bool = False, nullable: bool = False
) -> models.CheckConstraint:
    """The database's side of dpm.lib.validators.validate_date_range, so no write path (admin,
    shell, bulk_create) stores a date that breaks the pages reading it."""
    low, high = (
        (EARLIEST_DATETIME, LATEST_DATETIME) if datetime_field else (EARLIEST_DATE, LATEST_DATE)
    )
    return range_constraint(field, low, high, name, nullable=nullable)


def one_line_constraint(field: str, name: str) -> models.CheckConstraint:
    """The database's side of dpm.lib.validators.validate_one_line for the characters that break
    a CSV row, so no write path stores a note its export could not re-import."""
    condition = ~models.Q(**{f"{field}__contains": "\n"}) & ~models.Q(
        **{f"{field}__contains": "\r"}
    )
    return models.CheckConstraint(condition=condition, name=name)


class WholeSecondDateTimeField(models.DateTimeField):
    """A date-time stored to the whole second whoever writes it (forms, admin, bulk_create,
    update) and compared to the second in lookups: an observation is told apart from another by
    its time to the second, the precision of the CSV export (dpm/lib/validators.py)."""

    def to_python(self, value):
        # DateTimeField.get_prep_value goes through to_python: saves and lookups are truncated.
        return to_the_second(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = to_the_second(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)  # the saved object reads what was stored
        return value
