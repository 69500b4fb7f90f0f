"""Exports open in an Italian Excel as numbers and dates: CSV with decimal commas and
dd/mm/yyyy dates, one charset in its Content-Type; XLSX with typed cells, sized columns, a
frozen header and an autofilter."""
import csv
import io
import re
from datetime import datetime

from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))


def test_csv_writes_decimals_with_a_comma_and_dates_day_first(client, auth, small):
    auth.login("organiser")
    response = client.get("/gestione/risultati/eventi.csv?programma=FIS")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = csv_rows(response)
    bergamo = next(row for row in rows if row[1] == "Incontro Bergamo")
    assert bergamo[header.index("Tasso di assenza (%)")] == "33,3"  # 1 absent out of 3
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", row[0]) for row in rows)
    header, *rows = csv_rows(client.get("/gestione/risultati/partecipanti.csv?programma=FIS"))
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", row[-1]) for row in rows)


def test_xlsx_has_typed_cells_sized_columns_a_frozen_header_and_a_filter(client, auth, small):
    auth.login("organiser")
    response = client.get("/gestione/risultati/eventi.xlsx?programma=FIS")
    assert response.headers["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:K{sheet.max_row}"
    header = [cell.value for cell in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2))
    bergamo = next(row for row in rows if row[1].value == "Incontro Bergamo")
    rate = bergamo[header.index("Tasso di assenza (%)")]
    assert (rate.value, rate.number_format) == (33.3, "0.0")
    assert isinstance(bergamo[0].value, datetime) and bergamo[0].number_format == "DD/MM/YYYY HH:MM:SS"
    assert bergamo[0].value.hour == 10  # Rome wall-clock time, as the pages show it
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABK"}
    assert widths["A"] >= len("05/02/2026 10:00:00")
    assert widths["B"] >= len("Incontro annullato")
    assert widths["K"] >= len("Tasso di assenza (%)")
    assert all(width <= 62 for width in widths.values())
