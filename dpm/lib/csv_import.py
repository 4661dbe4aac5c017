"""Reading uploaded CSV files for imports: size, encoding, header, rows with their line numbers.

Imports are all-or-nothing: callers validate every row, collect the errors with their line
numbers ("row 3: …", the header being row 1 as spreadsheets show it), and write only when there
are none.
"""

import csv
import io

MAX_BYTES = 1_000_000
MAX_ROWS = 10_000
# Far above any value an import takes (notes stop at 300 characters), far below the csv
# module's own limit of 131,072, which it reports only as an exception.
MAX_CELL_CHARS = 10_000
ERRORS_SHOWN = 20  # a file that is wrong everywhere gets the first few, not a page of them


class CSVImportError(Exception):
    """What is wrong with the file, row by row, in words for the person importing it."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def decode_upload(upload) -> str:
    """The uploaded file as text, within the size limit."""
    if upload.size > MAX_BYTES:
        raise CSVImportError([f"The file is over {MAX_BYTES // 1_000_000} MB: split it."])
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CSVImportError(["The file is not UTF-8 text: export it as CSV (UTF-8)."]) from None


def csv_rows(text: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()):
    """[(line number, {column: value})] for the data rows of `text`. The header names the
    required columns (any order, any case) and perhaps some optional ones; blank lines are
    skipped but keep their place in the numbering.

    Nothing is dropped silently: a row with more (non-empty) cells than the header has columns,
    a column named twice, a quote left open (which would swallow the rows after it into one
    cell), a NUL character or an overlong cell is refused, naming its line. Lines may end in
    CR, LF or CRLF, as spreadsheets write them; no imported value spans lines.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = _records(reader)
    header = next(records, None)
    while header is not None and not any(cell.strip() for cell in header[1]):
        header = next(records, None)
    expected = ",".join((*required, *optional))
    if header is None:
        raise CSVImportError([f"The file is empty: it needs the header {expected}."])
    header_line, header_cells = header
    names = [cell.strip().lower() for cell in header_cells]
    if set(required) - set(names) or set(names) - set(required) - set(optional):
        found = ",".join(cell.strip() for cell in header_cells)
        raise CSVImportError([f"The first row must be the header {expected} (found: {found})."])
    twice = [name for n, name in enumerate(names) if name in names[:n]]
    if twice:
        raise CSVImportError(
            [f"row {header_line}: the header names the column {twice[0]} twice: which one counts?"]
        )
    rows, errors = [], []
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise CSVImportError([f"The file has more than {MAX_ROWS:,} rows: split it."])
        error = _row_error(line, reader.line_num, names, cells)
        if error:
            errors.append(error)
            if len(errors) >= ERRORS_SHOWN:
                break
            continue
        values = [cell.strip() for cell in cells] + [""] * (len(names) - len(cells))
        rows.append((line, dict(zip(names, values, strict=False))))
    if errors:
        raise CSVImportError(errors)
    if not rows:
        raise CSVImportError(["The file has a header but no rows."])
    return rows


def _records(reader):
    """(line the record starts on, cells) for each record; the csv module's own errors become
    the line-numbered words of a CSVImportError."""
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CSVImportError([_csv_error(exc, start)]) from None
        yield start, cells
        start = reader.line_num + 1


def _csv_error(exc: csv.Error, line: int) -> str:
    message = str(exc)
    if message.startswith("field larger than field limit"):
        return (
            f"row {line}: a cell is longer than {MAX_CELL_CHARS:,} characters; no value here is "
            "that long."
        )
    if message == "unexpected end of data":
        return (
            f'row {line}: a quote (") opens here and is not closed before the end of the file: '
            'close it (a quote inside a quoted cell is written twice: "").'
        )
    return (
        f"row {line}: the file is not valid CSV here ({message}): a quote inside a quoted cell is "
        'written twice ("").'
    )


def _row_error(line: int, last_line: int, names: list[str], cells: list[str]) -> str | None:
    """What is wrong with one record's cells, if anything."""
    extra = [cell.strip() for cell in cells[len(names) :]]
    if any(extra):
        return (
            f"row {line}: {len(cells)} cells, but the header has {len(names)} columns; the cells "
            f"beyond them ({','.join(extra).rstrip(',')}) would be lost."
        )
    for name, cell in zip(names, cells, strict=False):
        if "\n" in cell or "\r" in cell:
            return (
                f'row {line}: the {name} cell runs on to line {last_line}: a quote (") opened on '
                f"line {line} is closed only there. Close the quote on its own line (a quote "
                'inside a quoted cell is written twice: "").'
            )
        if "\x00" in cell:
            return f"row {line}: the {name} holds a NUL character: is this a text file?"
        if len(cell) > MAX_CELL_CHARS:
            return (
                f"row {line}: the {name} is {len(cell):,} characters long; no value here is "
                f"longer than {MAX_CELL_CHARS:,}."
            )
    return None
