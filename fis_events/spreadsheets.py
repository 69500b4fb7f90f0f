"""Tables as CSV and XLSX for Excel in an Italian locale, safe to open: every export goes here.

Exporters hand over typed values (numbers, dates, aware datetimes), never pre-formatted text:
CSV writes them the Italian way (decimal comma, `dd/mm/yyyy`, Rome time), XLSX keeps them as
numbers and dates that sort and sum, shown in the same formats. Either way a spreadsheet
reads a number as a number and a date as a date.
"""
import csv
import io
from datetime import date, datetime
from decimal import Decimal

from flask import Response
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .i18n import to_rome

#: a cell starting with one of these is a formula to a spreadsheet (CSV/formula injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT, DATETIME_FORMAT = "%d/%m/%Y", "%d/%m/%Y %H:%M:%S"
#: the same formats in Excel's own notation, and one decimal for fractions
XLSX_FORMATS = {date: "DD/MM/YYYY", datetime: "DD/MM/YYYY HH:MM:SS", float: "0.0", Decimal: "0.0"}
#: column widths in characters: wide enough for the header and the longest value, within reason
MIN_WIDTH, MAX_WIDTH = 8, 60


def neutralise(value):
    """In CSV, text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_cell(value):
    """A typed value as Italian Excel reads it: '12,5', '24/10/2023', '24/10/2023 15:30:00'
    (seconds too: the activity log's order within a minute)."""
    if isinstance(value, datetime):
        return to_rome(value).strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, (float, Decimal)):
        text = format(value, "f")
        return (text.rstrip("0").rstrip(".") if "." in text else text).replace(".", ",")
    return neutralise(value)


def as_csv(header, rows):
    """UTF-8 with BOM and semicolons: what Excel opens correctly in an Italian locale."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_cell(value):
    """Excel has no time zones: datetimes go in as Rome wall-clock time."""
    return to_rome(value).replace(tzinfo=None) if isinstance(value, datetime) else value


def as_xlsx(header, rows, title, sheet_name):
    """One sheet: a frozen header row with an autofilter, columns sized to their contents."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name[:31]
    sheet.append(header)
    widths = [len(str(name)) for name in header]
    for row in rows:
        sheet.append([xlsx_cell(v) for v in row])
        for index, (cell, value) in enumerate(zip(sheet[sheet.max_row], row)):
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"  # stored as text as typed: never evaluated as a formula
            kind = next((k for k in XLSX_FORMATS if type(value) is k), None)
            if kind is not None:
                cell.number_format = XLSX_FORMATS[kind]
            widths[index] = max(widths[index], len(str(csv_cell(value) if value is not None else "")))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, MIN_WIDTH),
                                                                      MAX_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(header, rows, fmt, filename, title="", sheet_name=""):
    """The table as a CSV or XLSX attachment, with one charset in its Content-Type."""
    if fmt == "csv":
        body, content_type = as_csv(header, rows), CSV_TYPE
    else:
        body, content_type = as_xlsx(header, rows, title, sheet_name or title), XLSX_TYPE
    return Response(body, headers={"Content-Type": content_type,
                                   "Content-Disposition": f'attachment; filename="{filename}"'})
