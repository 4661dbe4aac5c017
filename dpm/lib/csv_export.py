"""Writing CSV downloads that spreadsheets open safely and that dpm's imports read back."""

import csv
import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (and a
# tab or carriage return hides one): OWASP's CSV injection advice is to make it text with '.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Free text (a note, a name) as a cell no spreadsheet runs as a formula. Numbers and dates
    that dpm writes itself need no prefix: a negative number is not a formula, and a prefixed
    one would not import back."""
    # A leading ' is doubled too, so from_spreadsheet_safe can tell the prefix from the text.
    return f"'{text}" if text.startswith((*FORMULA_STARTS, "'")) else text


def from_spreadsheet_safe(cell: str) -> str:
    """The text spreadsheet_safe was given: an import reads its own export back unchanged."""
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_STARTS, "'")):
        return cell[1:]
    return cell


def plain_number(value: Decimal | int | None) -> str:
    """12.5000 → "12.5", 100 → "100", None → "": as a person would type it (no exponent, no
    trailing zeros)."""
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        return str(value)
    if value == 0:
        return "0"
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def local_datetime(value: datetime.datetime) -> str:
    """In the site's time zone, to the second, without an offset: the form the imports read
    (naive times are taken in the site's time zone), and the precision observed times are
    stored at (WholeSecondDateTimeField), so a re-import finds each row again. isoformat, not
    strftime: strftime writes year 1 as "1", which no import reads."""
    return timezone.localtime(value).replace(tzinfo=None).isoformat(timespec="seconds")


def csv_download(filename: str, header: list[str] | tuple[str, ...]):
    """An attachment response and a csv writer on it, the header written."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    return response, writer
