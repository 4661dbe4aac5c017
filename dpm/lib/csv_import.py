"""Reading uploaded CSV files for imports: size, encoding, header, rows with their line numbers.

Imports are all-or-nothing: callers validate every row, collect the errors with their line
numbers ("row 3: …", the header being row 1 as spreadsheets show it), and write only when there
are none.
"""

import csv
import io

MAX_BYTES = 1_000_000
MAX_ROWS = 10_000


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
    skipped but keep their place in the numbering."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    while header is not None and not any(cell.strip() for cell in header):
        header = next(reader, None)
    expected = ",".join((*required, *optional))
    if header is None:
        raise CSVImportError([f"The file is empty: it needs the header {expected}."])
    names = [cell.strip().lower() for cell in header]
    if set(required) - set(names) or set(names) - set(required) - set(optional):
        found = ",".join(cell.strip() for cell in header)
        raise CSVImportError([f"The first row must be the header {expected} (found: {found})."])
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise CSVImportError([f"The file has more than {MAX_ROWS:,} rows: split it."])
        values = [cell.strip() for cell in cells] + [""] * (len(names) - len(cells))
        rows.append((reader.line_num, dict(zip(names, values, strict=False))))
    if not rows:
        raise CSVImportError(["The file has a header but no rows."])
    return rows
