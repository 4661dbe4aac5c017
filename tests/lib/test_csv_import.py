import pytest

from dpm.lib.csv_import import MAX_CELL_CHARS, CSVImportError, csv_rows


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


def _errors(text, **columns) -> list[str]:
    columns.setdefault("required", ("observed_at", "value"))
    with pytest.raises(CSVImportError) as caught:
        csv_rows(text, **columns)
    return caught.value.errors


def test_lines_may_end_in_a_bare_carriage_return_as_old_spreadsheets_write_them():
    text = "observed_at,value\r2026-11-02,3\r\r2026-11-09,4\r"
    rows = csv_rows(text, required=("observed_at", "value"))
    assert rows == [
        (2, {"observed_at": "2026-11-02", "value": "3"}),
        (4, {"observed_at": "2026-11-09", "value": "4"}),
    ]


def test_a_cell_over_the_csv_modules_own_limit_is_refused_with_its_line():
    errors = _errors("observed_at,value\n2026-11-02,3\n2026-11-09," + "9" * 131_073 + "\n")
    assert errors == [
        f"row 3: a cell is longer than {MAX_CELL_CHARS:,} characters; no value here is that long."
    ]


def test_a_cell_over_the_readers_limit_is_refused_with_its_line_and_column():
    errors = _errors("observed_at,value\n2026-11-02," + "9" * (MAX_CELL_CHARS + 1) + "\n")
    assert errors == [
        f"row 2: the value is {MAX_CELL_CHARS + 1:,} characters long; "
        f"no value here is longer than {MAX_CELL_CHARS:,}."
    ]


def test_a_cell_at_the_readers_limit_is_read():
    rows = csv_rows("observed_at,value\n2026-11-02," + "9" * MAX_CELL_CHARS + "\n",
                    required=("observed_at", "value"))  # fmt: skip
    assert len(rows[0][1]["value"]) == MAX_CELL_CHARS


def test_a_nul_character_is_refused_with_its_line():
    assert _errors("observed_at,value\n2026-11-02,3\n2026-11-09,4\x00\n") == [
        "row 3: the value holds a NUL character: is this a text file?"
    ]


def test_cells_beyond_the_headers_columns_are_refused_not_dropped():
    errors = _errors("observed_at,value\n2026-11-02,3\n2026-11-09,4,oops\n2026-11-16,5,,\n")
    # Row 4's extra cells are empty: nothing would be lost, so only row 3 is refused.
    assert errors == [
        "row 3: 3 cells, but the header has 2 columns; the cells beyond them (oops) would be lost."
    ]


def test_an_unclosed_quote_is_refused_instead_of_swallowing_the_rows_after_it():
    text = 'observed_at,value,note\n2026-11-02,3,"Started\n2026-11-09,4,fine\n2026-11-16,5,ok\n'
    assert _errors(text, optional=("note",)) == [
        'row 2: a quote (") opens here and is not closed before the end of the file: close it '
        '(a quote inside a quoted cell is written twice: "").'
    ]


def test_a_quote_closed_only_on_a_later_line_is_refused_with_both_lines():
    text = 'observed_at,value,note\n2026-11-02,3,"Started\n2026-11-09,4,fine"\n2026-11-16,5,ok\n'
    assert _errors(text, optional=("note",)) == [
        'row 2: the note cell runs on to line 3: a quote (") opened on line 2 is closed only '
        "there. Close the quote on its own line (a quote inside a quoted cell is written "
        'twice: "").'
    ]


def test_text_after_a_closing_quote_is_refused_with_its_line():
    errors = _errors('observed_at,value,note\n2026-11-02,3,"a" b\n', optional=("note",))
    assert errors == [
        "row 2: the file is not valid CSV here (',' expected after '\"'): a quote inside a "
        'quoted cell is written twice ("").'
    ]


def test_a_column_named_twice_in_the_header_is_refused():
    errors = _errors("observed_at,value,Value\n2026-11-02,3,4\n")
    assert errors == ["row 1: the header names the column value twice: which one counts?"]
