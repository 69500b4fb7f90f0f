"""Tables as CSV and XLSX for Excel in an Italian locale, safe to open: every export goes
here, and every uploaded CSV is decoded here (encoding, delimiter, records).

Exporters hand over typed values (numbers, dates, aware datetimes), never pre-formatted text:
CSV writes them the Italian way (decimal comma, `dd/mm/yyyy`, Rome time), XLSX keeps them as
numbers and dates that sort and sum, shown in the same formats. Either way a spreadsheet
reads a number as a number and a date as a date.
"""
import codecs
import csv
import io
import re
from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from flask import Response
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .i18n import to_rome

from .errors import DomainError

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


def render(header, rows, fmt, title="", sheet_name=""):
    """(bytes, Content-Type) of the table as CSV or XLSX: for a download or an e-mail."""
    if fmt == "csv":
        return as_csv(header, rows), CSV_TYPE
    return as_xlsx(header, rows, title, sheet_name or title), XLSX_TYPE


def download(header, rows, fmt, filename, title="", sheet_name=""):
    """The table as a CSV or XLSX attachment, with one charset in its Content-Type."""
    body, content_type = render(header, rows, fmt, title, sheet_name)
    return Response(body, headers={"Content-Type": content_type,
                                   "Content-Disposition": f'attachment; filename="{filename}"'})


# ---- reading tables that people upload -------------------------------------------------------
# Bytes as Excel, LibreOffice, Teams or Zoom save a CSV: the encoding and the delimiter are
# guessed, nothing is ever evaluated. Every reader of uploaded tables (attendance reports,
# agendas) goes through here; each words the refusals for its own file.

DELIMITERS = ",;\t"
#: the ZIP signature of an .xlsx workbook
XLSX_SIGNATURE = b"PK\x03\x04"
BINARY_SIGNATURES = [(XLSX_SIGNATURE, "xlsx"), (b"\xd0\xcf\x11\xe0", "xls"), (b"%PDF", "pdf")]
#: control characters that no text table contains: their presence means a binary file
BINARY_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f]")
#: control characters become spaces; invisible format and direction marks are dropped
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
INVISIBLE_CHARS = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")

def N_(message):
    """Marks a message for translation where it is defined; it is translated where it is used."""
    return message


UNREADABLE = {
    "xlsx": N_("Il file è un foglio Excel (.xlsx) o un archivio: salvalo in formato CSV."),
    "xls": N_("Il file è un foglio Excel (.xls): salvalo in formato CSV o XLSX."),
    "pdf": N_("Il file è un PDF: serve un foglio CSV o XLSX."),
    "not_text": N_("Il file non è un CSV leggibile."),
    "encoding": N_("La codifica del file non è leggibile: salvalo come CSV UTF-8."),
    "bad_csv": N_("Il file non è un CSV valido intorno alla riga %(line)s."),
    "too_many_columns": N_("Il file ha troppe colonne (riga %(line)s)."),
}


class UnreadableFile(DomainError):
    """The bytes are not a readable table; `reason` (a key of UNREADABLE) says why, so that each
    reader can put it in the words of its own file."""

    def __init__(self, reason, line=None):
        super().__init__(_l(UNREADABLE[reason], line=line))
        self.reason, self.line = reason, line


def decode(data):
    """(text, encoding name) of uploaded bytes: UTF-8 with or without BOM, UTF-16 LE/BE with or
    without BOM, else Windows-1252 as Excel saves it. UnreadableFile when they are not text."""
    for signature, reason in BINARY_SIGNATURES:
        if data.startswith(signature):
            raise UnreadableFile(reason)
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]  # the BOM says which end first, and is dropped
    else:
        candidates = [_utf16_without_bom(data), "utf-8", "cp1252"]
    for encoding in filter(None, candidates):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16":
            encoding = "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        return text, encoding
    if b"\x00" in data[:65536] or BINARY_CHARS.search(data[:65536].decode("latin-1")):
        raise UnreadableFile("not_text")
    raise UnreadableFile("encoding")


def _utf16_without_bom(data):
    """UTF-16 without a BOM shows as a NUL byte in every other position (for Latin text)."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sum(1 for i in range(0, pairs * 2, 2) if sample[i] == 0)
    odd = sum(1 for i in range(1, pairs * 2, 2) if sample[i] == 0)
    if odd > pairs * 0.4 and even < pairs * 0.05:
        return "utf-16-le"
    if even > pairs * 0.4 and odd < pairs * 0.05:
        return "utf-16-be"
    return None


def plain_text(text):
    """Refuse binary content; drop the control and invisible characters a cell may carry."""
    binary = BINARY_CHARS.findall(text[:65536])
    if "\x00" in text or len(binary) > max(2, len(text[:65536]) // 200):
        raise UnreadableFile("not_text")
    return visible(text)


def visible(text):
    """Control characters as spaces, invisible format and direction marks dropped."""
    return INVISIBLE_CHARS.sub("", CONTROL_CHARS.sub(" ", text))


def guess_delimiters(text):
    """Delimiters to try, most likely first: csv.Sniffer's guess, then by how often each occurs."""
    sample = text[:8192]  # enough for any summary block; the Sniffer slows down fast beyond
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    counts = Counter({d: sample.count(d) for d in DELIMITERS})
    ordered = [d for d, _ in sorted(counts.items(), key=lambda kv: (-kv[1], DELIMITERS.index(kv[0])))]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ordered
    return [sniffed] + [d for d in ordered if d != sniffed]


def records(text, delimiter, max_columns):
    """(first line number, cells) for every record, blank ones included."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, strict=False)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise UnreadableFile("bad_csv", line=reader.line_num) from None
        if len(cells) > max_columns:
            raise UnreadableFile("too_many_columns", line=line)
        yield line, cells
        line = reader.line_num + 1
