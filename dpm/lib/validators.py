"""The rules every date people enter obeys (and the one-line rule of notes), shared by the
models, the forms, the CSV imports, the JSON API and the ODPS import, so the same bad value reads
the same everywhere.

- Every date is within EARLIEST_DATE and LATEST_DATE. Python's dates reach from year 1 to 9999,
  but a usage week in year 1 is a typing slip, and date arithmetic near either end overflows (the
  health page compared a year-1 week with the week four weeks before it and answered 500).
- An observation (a measurement, a service-level check, a week of usage, feedback) happened: it
  is not after now. CLOCK_SKEW allows for a sender whose clock runs a little ahead.
- An observed time is kept to the whole second (to_the_second, at every input and in the model
  field): a measurement is its KPI and its time, and the CSV export writes times to the second,
  so a sub-second time would re-import as another measurement.
- A note (a measurement's comment) is one line: a line break or another control character would
  make its CSV cell span lines, which the import rightly refuses, so it is refused on input.
"""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone

# 1900: older figures do not belong in a product's tracking; 2199: a target date or an
# experiment's end far beyond any plan is a slip, and stays far from the overflow at 9999.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2199, 12, 31)
# Date-times are compared in UTC, as the database stores them, so the database constraint and
# the validator draw the line at the same instant.
EARLIEST_DATETIME = datetime.datetime.combine(EARLIEST_DATE, datetime.time.min, tzinfo=datetime.UTC)
LATEST_DATETIME = datetime.datetime.combine(LATEST_DATE, datetime.time.max, tzinfo=datetime.UTC)
# A pipeline's clock a few minutes ahead of dpm's must not turn "now" into "the future".
CLOCK_SKEW = datetime.timedelta(minutes=5)

RANGE_MESSAGE = "Enter a date between 1 January 1900 and 31 December 2199."
FUTURE_MESSAGE = "This cannot be in the future: record only what has already happened."
ONE_LINE_MESSAGE = "Keep this to one line: no line breaks, tabs or other control characters."
# Control characters (line breaks, tab, NUL, …) and the Unicode line and paragraph separators.
_NOT_ONE_LINE = {"Cc", "Zl", "Zp"}


def to_the_second(value):
    """An observed date-time without its fraction of a second (other values unchanged): the
    precision at which dpm tells two observations apart and writes them to CSV."""
    if isinstance(value, datetime.datetime) and value.microsecond:
        return value.replace(microsecond=0)
    return value


def date_out_of_range(value: datetime.date | datetime.datetime) -> bool:
    """Whether a date (or date-time) is outside EARLIEST_DATE … LATEST_DATE."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            return not EARLIEST_DATE <= value.date() <= LATEST_DATE
        try:
            return not EARLIEST_DATETIME <= value <= LATEST_DATETIME
        except OverflowError:  # a zone offset that pushes the instant past year 1 or 9999
            return True
    return not EARLIEST_DATE <= value <= LATEST_DATE


def in_future(
    value: datetime.date | datetime.datetime, *, now: datetime.datetime | None = None
) -> bool:
    """Whether an observation is after now (plus CLOCK_SKEW); a date, after today's date in the
    site's time zone at that moment."""
    latest = (now or timezone.now()) + CLOCK_SKEW
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value > latest
    return value > timezone.localdate(latest)


def validate_date_range(value) -> None:
    """Field validator: the date is within EARLIEST_DATE … LATEST_DATE."""
    if value is not None and date_out_of_range(value):
        raise ValidationError(RANGE_MESSAGE, code="date_range")


def observation_problem(
    value: datetime.date | datetime.datetime, *, now: datetime.datetime | None = None
) -> str | None:
    """What is wrong with the date or time of something that happened, in the words every path
    shows (form, CSV, API, service), or None: the future first (9999-12-31 reads as "in the
    future"), then the range (year 1 as out of range)."""
    if in_future(value, now=now):
        return FUTURE_MESSAGE
    if date_out_of_range(value):
        return RANGE_MESSAGE
    return None


def validate_observation(value) -> None:
    """Field validator for what happened: observation_problem as a ValidationError."""
    problem = None if value is None else observation_problem(value)
    if problem:
        raise ValidationError(problem, code="future" if problem == FUTURE_MESSAGE else "date_range")


OBSERVATION_VALIDATORS = [validate_observation]


def validate_one_line(value: str) -> None:
    """Field validator for a one-line text: no line break or other control character."""
    if value and any(unicodedata.category(char) in _NOT_ONE_LINE for char in value):
        raise ValidationError(ONE_LINE_MESSAGE, code="one_line")
