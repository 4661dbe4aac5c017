"""What dpm writes into CSV downloads reads back through its own imports."""

import datetime

import pytest

from dpm.lib.csv_export import from_spreadsheet_safe, local_datetime, spreadsheet_safe


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime.datetime(1, 1, 1, tzinfo=datetime.UTC), "0001-01-01T00:00:00"),
        (datetime.datetime(999, 3, 4, 5, 6, 7, 890, tzinfo=datetime.UTC), "0999-03-04T05:06:07"),
        (datetime.datetime(2026, 11, 23, 9, 30, tzinfo=datetime.UTC), "2026-11-23T09:30:00"),
    ],
)
def test_times_are_written_with_four_digit_years(moment, text, settings):
    settings.TIME_ZONE = "UTC"

    assert local_datetime(moment) == text


@pytest.mark.parametrize(
    "note", ["", "plain", "=SUM(A1)", "+1", "-2", "@x", "'quoted", "''twice", "'=x", "'"]
)
def test_a_spreadsheet_safe_cell_reads_back_as_it_was(note):
    assert from_spreadsheet_safe(spreadsheet_safe(note)) == note
