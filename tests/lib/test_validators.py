"""The shared date rules (dpm/lib/validators.py): a sane range for every date, and no
observation after now beyond the allowed clock skew."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dpm.lib.validators import (
    CLOCK_SKEW,
    EARLIEST_DATE,
    LATEST_DATE,
    in_future,
    validate_date_range,
    validate_observation,
)

EST = datetime.timezone(datetime.timedelta(hours=-5))
NOW = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "value",
    [
        EARLIEST_DATE,
        LATEST_DATE,
        datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(2026, 11, 23, 9, 0),  # naive: the site's zone
    ],
)
def test_it_accepts_dates_in_the_range(value):
    validate_date_range(value)


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(1, 1, 1),
        datetime.date(1899, 12, 31),
        datetime.date(2200, 1, 1),
        datetime.date(9999, 12, 31),
        datetime.datetime(1, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(1899, 12, 31, 23, 59, tzinfo=datetime.UTC),
        datetime.datetime(9999, 12, 31, 23, 59, tzinfo=EST),
    ],
)  # fmt: skip
def test_it_refuses_dates_outside_the_range_with_one_message(value):
    with pytest.raises(ValidationError) as refused:
        validate_date_range(value)

    assert refused.value.messages == ["Enter a date between 1 January 1900 and 31 December 2199."]


def test_a_few_minutes_ahead_is_clock_skew_not_the_future():
    assert datetime.timedelta(minutes=5) == CLOCK_SKEW
    assert not in_future(NOW + CLOCK_SKEW, now=NOW)
    assert in_future(NOW + CLOCK_SKEW + datetime.timedelta(seconds=1), now=NOW)
    assert in_future(NOW + datetime.timedelta(days=2), now=NOW)


def test_a_date_is_in_the_future_from_tomorrow_on():
    today = timezone.localdate()

    assert not in_future(today)
    assert in_future(today + datetime.timedelta(days=1))


def test_the_future_validator_names_the_rule():
    with pytest.raises(ValidationError) as refused:
        validate_observation(timezone.now() + datetime.timedelta(hours=1))

    assert "in the future" in refused.value.messages[0]
    validate_observation(timezone.now() + datetime.timedelta(minutes=4))
