"""Agendas from a spreadsheet: CSV in the encodings and delimiters Excel and LibreOffice save,
XLSX, English or Italian column names, per-row errors (no app, no database)."""
import io
import zipfile
from datetime import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from fis_events.events.agenda_draft import AgendaUnreadable, as_json
from fis_events.events.agenda_sheet import model_file, parse_sheet

ROWS = [
    ["start", "end", "title", "kind", "section", "speaker", "role", "organisation", "remote"],
    ["15:00", "", "Registrazione dei partecipanti", "", "", "", "", "", ""],
    ["15.30", "16.15", "Il Programma FIS e l'accompagnamento ai Comuni", "", "", "Cinzia Di Fenza",
     "Responsabile del progetto", "Formez", "no"],
    ["", "", "Esperienze dai Comuni in via sperimentazione", "panel", "Sessione pomeridiana",
     "Paola Garofalo", "Direzione Servizi Socio-Educativi", "Comune di Bergamo", ""],
    ["", "", "Esperienze dai Comuni in via sperimentazione", "panel", "Sessione pomeridiana",
     "Giusy Pino", "Assessore alle Politiche Sociali", "Comune di Catanzaro", "sì"],
    ["16:30", "", "Conclusioni e spunti", "", "", "Niccolò D'Angelo", "", "Cooperativa Il Sole", ""],
]
EXPECTED = [
    {"start": "15:00", "end": None, "title": "Registrazione dei partecipanti", "kind": "registration",
     "section": None, "description": None, "speakers": []},
    {"start": "15:30", "end": "16:15", "title": "Il Programma FIS e l'accompagnamento ai Comuni",
     "kind": "talk", "section": None, "description": None, "speakers": [
         {"name": "Cinzia Di Fenza", "role": "Responsabile del progetto", "organisation": "Formez",
          "remote": False}]},
    {"start": None, "end": None, "title": "Esperienze dai Comuni in via sperimentazione", "kind": "panel",
     "section": "Sessione pomeridiana", "description": None, "speakers": [
         {"name": "Paola Garofalo", "role": "Direzione Servizi Socio-Educativi",
          "organisation": "Comune di Bergamo", "remote": False},
         {"name": "Giusy Pino", "role": "Assessore alle Politiche Sociali",
          "organisation": "Comune di Catanzaro", "remote": True}]},
    {"start": "16:30", "end": None, "title": "Conclusioni e spunti", "kind": "conclusions",
     "section": None, "description": None, "speakers": [
         {"name": "Niccolò D'Angelo", "role": None, "organisation": "Cooperativa Il Sole",
          "remote": False}]},
]
ITALIAN = ["inizio", "fine", "titolo", "tipo", "sezione", "relatore", "ruolo", "ente", "collegamento"]


def as_csv_bytes(rows, delimiter, encoding):
    text = "\r\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in row) for row in rows)
    return text.encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_in_every_encoding_and_delimiter(encoding, delimiter):
    draft = parse_sheet(as_csv_bytes(ROWS, delimiter, encoding))
    assert as_json(draft) == EXPECTED and draft.source == "csv"
    assert draft.unplaced == [] and draft.warnings == []


def test_italian_column_names_in_any_order():
    rows = [[ITALIAN[i] for i in (2, 0, 1, 3, 4, 5, 6, 7, 8)]] + [
        [row[i] for i in (2, 0, 1, 3, 4, 5, 6, 7, 8)] for row in ROWS[1:]]
    assert as_json(parse_sheet(as_csv_bytes(rows, ";", "cp1252"))) == EXPECTED


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_time_cells():
    rows = [list(r) for r in ROWS]
    rows[1][0], rows[2][0], rows[2][1] = time(15), time(15, 30), time(16, 15)
    draft = parse_sheet(xlsx(rows))
    assert as_json(draft) == EXPECTED and draft.source == "xlsx"


def test_one_row_per_item_with_rows_without_a_title_adding_speakers():
    rows = [ITALIAN, ["10:00", "", "Apertura", "", "", "Mario Rossi", "Sindaco", "Comune di Como", ""],
            ["", "", "", "", "", "Anna Bianchi", "Assessora", "Comune di Como", "x"],
            ["10:30", "11:00", "Pausa", "", "", "", "", "", ""]]
    draft = parse_sheet(xlsx(rows))
    assert [(i.title, i.kind, [s.name for s in i.speakers]) for i in draft.items] == [
        ("Apertura", "talk", ["Mario Rossi", "Anna Bianchi"]), ("Pausa", "break", [])]
    assert draft.items[0].speakers[1].remote


def test_the_model_file_reads_back_in_both_formats():
    for format in ("xlsx", "csv"):
        draft = parse_sheet(model_file(format))
        assert [i.title for i in draft.items] == [
            "Registrazione dei partecipanti", "Il Programma FIS e l'accompagnamento ai Comuni",
            "Esperienze dai Comuni in via sperimentazione", "Conclusioni e spunti"]
        assert [len(i.speakers) for i in draft.items] == [0, 1, 2, 1]
        assert draft.items[2].kind == "panel" and draft.items[2].speakers[1].remote
        assert draft.unplaced == draft.warnings == []


def test_a_wrong_column_is_named():
    rows = [["inizio", "titolo", "orario di arrivo"], ["10:00", "Apertura", "9"]]
    with pytest.raises(AgendaUnreadable, match="«orario di arrivo»"):
        parse_sheet(as_csv_bytes(rows, ";", "utf-8"))
    with pytest.raises(AgendaUnreadable, match="titolo"):
        parse_sheet(as_csv_bytes([["inizio", "relatore"], ["10:00", "Mario Rossi"]], ";", "utf-8"))


def test_rows_that_cannot_be_read_are_listed_with_their_number_and_the_rest_is_read():
    rows = [ITALIAN,
            ["10:00", "", "Apertura", "", "", "", "", "", ""],
            ["le dieci", "", "Saluti", "", "", "", "", "", ""],
            ["", "", "", "", "", "", "", "", "forse"],
            ["11:00", "10:30", "Intervento", "discorso", "", "Mario Rossi", "", "", "boh"],
            ["", "", "", "", "", "", "", "", ""],
            ["9:00", "", "Chiusura", "", "", "", "", "", ""]]
    draft = parse_sheet(as_csv_bytes(rows, ";", "utf-8"))
    assert [i.title for i in draft.items] == ["Apertura", "Intervento", "Chiusura"]
    assert [(n.line, n.code) for n in draft.unplaced] == [(3, "bad_time"), (4, "no_title")]
    assert sorted((n.line, n.code) for n in draft.warnings) == [
        (5, "bad_kind"), (5, "bad_remote"), (5, "end_before_start"), (7, "time_backwards")]
    assert "le dieci" in draft.unplaced[0].text


@pytest.mark.parametrize("data, message", [
    (b"", "vuoto"), (b"\xd0\xcf\x11\xe0rest", "xls"), (b"%PDF-1.4", "PDF"),
    (b"PK\x03\x04not really a workbook", "XLSX"), ("titolo;inizio\n".encode() + b"\x00\x01" * 50, "CSV"),
])
def test_files_that_are_no_spreadsheet_are_refused_with_a_message(data, message):
    with pytest.raises(AgendaUnreadable, match=message):
        parse_sheet(data)


CELLS = st.sampled_from(["inizio", "titolo", "relatore", "collegamento", "10:00", "9.45", "25:00",
                         "Saluti", "Mario Rossi", "sì", "forse", "", '"', ";", ",", "\t", "\n", "\r\n",
                         "\x00", "è", "=1+1"])


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b),
                 st.lists(CELLS, max_size=40).map(lambda cells: "".join(cells).encode("utf-8")),
                 st.lists(CELLS, max_size=40).map(lambda cells: "titolo;" + "".join(cells)).map(
                     lambda text: text.encode("utf-16"))))
def test_any_bytes_give_a_draft_or_a_clear_refusal(data):
    try:
        draft = parse_sheet(data)
    except AgendaUnreadable as error:
        assert str(error.message)
        return
    for entry in draft.items:
        assert entry.title and all(s.name for s in entry.speakers)


def test_a_zip_that_is_no_workbook_is_refused():
    for name, content in (("a.txt", "ciao"), ("[Content_Types].xml", "<x")):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(name, content)
        with pytest.raises(AgendaUnreadable, match="XLSX"):
            parse_sheet(buffer.getvalue())
