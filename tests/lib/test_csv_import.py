import pytest

from dpm.lib.csv_import import CSVImportError, csv_rows


def test_rows_keep_their_line_numbers_across_blank_lines():
    rows = csv_rows("Value,Observed_At\n\n3,2026-11-02\n\n4,2026-11-09\n",
                    required=("observed_at", "value"))  # fmt: skip
    assert rows == [
        (3, {"value": "3", "observed_at": "2026-11-02"}),
        (5, {"value": "4", "observed_at": "2026-11-09"}),
    ]


def test_optional_columns_may_be_missing_from_a_row():
    rows = csv_rows("observed_at,value,note\n2026-11-02,3\n", required=("observed_at", "value"),
                    optional=("note",))  # fmt: skip
    assert rows == [(2, {"observed_at": "2026-11-02", "value": "3", "note": ""})]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("\n\n", "The file is empty"),
        ("observed_at,value\n", "a header but no rows"),
        ("observed_at,value,extra\n1,2,3\n", "The first row must be the header observed_at,value"),
        ("value\n1\n", "The first row must be the header"),
    ],
)
def test_file_level_problems_are_named(text, message):
    with pytest.raises(CSVImportError) as caught:
        csv_rows(text, required=("observed_at", "value"))
    assert message in caught.value.errors[0]
