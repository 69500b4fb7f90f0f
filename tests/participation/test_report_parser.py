"""Reading attendance reports of Teams and Zoom: plain Python, no app, no database."""
import codecs
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from fis_events.errors import DomainError
from fis_events.participation.report import (MAX_BYTES, MAX_ROWS, ReportError, parse_datetime,
                                             parse_duration, parse_email, parse_report)

SAMPLES = Path(__file__).parent / "samples"


def sample(name):
    return (SAMPLES / name).read_bytes()


def emails(report):
    return [row.email for row in report.rows]


def reasons(report):
    return [(bad.line, bad.reason) for bad in report.malformed]


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


# ---- the platforms' own exports -------------------------------------------------------------

TEAMS_EMAILS = ["c.difenza@formez.it", "niccolo.dangelo@comune.esempio.it",
                "maria.esposito@comune.napoli.it", "giulia.romano@example.org", "paolo.ferri@example.org"]


def test_teams_attendance_report_utf16le_tab_separated_with_summary():
    data = sample("teams_v2_utf16le.csv")
    assert data.startswith(codecs.BOM_UTF16_LE)
    report = parse_report(data)
    assert (report.platform, report.encoding, report.delimiter) == ("teams", "utf-16-le", "\t")
    assert report.title == "FIS – Incontro con i Comuni beneficiari"
    # the Summary block is skipped, and "3. In-Meeting Activities" is not read as participants
    assert emails(report) == TEAMS_EMAILS
    assert "solo.attivita@example.org" not in emails(report)
    niccolo = report.rows[1]
    assert niccolo.line == 12
    assert niccolo.name == "Niccolò D'Angelo"
    # 10/24/23, 3:01:22 PM is month/day and Rome summer time (UTC+2)
    assert niccolo.joined_at == utc(2023, 10, 24, 13, 1, 22)
    assert niccolo.left_at == utc(2023, 10, 24, 14, 30, 2)
    assert niccolo.duration == timedelta(hours=1, minutes=28, seconds=40)
    assert niccolo.role == "Attendee"
    # a guest without an address: missing e-mail, with its line number
    assert reasons(report) == [(14, "e-mail mancante")]


def test_teams_guest_without_email_is_found_through_the_upn():
    report = parse_report(sample("teams_v2_utf16le.csv"))
    maria = next(row for row in report.rows if row.name == "Maria Grazia Esposito")
    # maria.esposito_comune.napoli.it#EXT#@formez.onmicrosoft.com is how Teams names a guest
    assert maria.email == "maria.esposito@comune.napoli.it"


@pytest.mark.parametrize("encode", [
    pytest.param(lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), id="utf-16-be-bom"),
    pytest.param(lambda t: t.encode("utf-16-le"), id="utf-16-le-no-bom"),
    pytest.param(lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), id="utf-8-bom"),
    pytest.param(lambda t: t.encode("utf-8"), id="utf-8"),
    pytest.param(lambda t: t.replace("\r\n", "\n").encode("utf-8"), id="utf-8-lf"),
])
def test_the_same_report_in_every_encoding(encode):
    text = sample("teams_v2_utf16le.csv").decode("utf-16")
    report = parse_report(encode(text))
    assert emails(report) == TEAMS_EMAILS
    assert report.rows[1].name == "Niccolò D'Angelo"
    assert report.platform == "teams"


def test_windows_1252_as_excel_saves_it():
    text = "Nome;E-mail;Ora di ingresso\r\nNiccolò D'Angelo;niccolo@example.org;24/10/2023 15:01\r\n"
    report = parse_report(text.encode("cp1252"))
    assert report.encoding == "cp1252"
    assert report.rows[0].name == "Niccolò D'Angelo"


def test_teams_older_format_without_email():
    report = parse_report(sample("teams_legacy_utf16le.csv"))
    assert report.platform == "teams"
    assert not report.has_email_column
    assert report.rows == []
    assert reasons(report) == [(line, "e-mail mancante") for line in range(2, 7)]


def test_teams_older_format_with_an_email_column_keeps_the_first_join_and_last_leave():
    text = ("Full Name\tUser Action\tTimestamp\tParticipant ID (UPN)\r\n"
            "Niccolò D'Angelo\tJoined\t10/24/2023, 3:01:22 PM\tniccolo@example.org\r\n"
            "Niccolò D'Angelo\tLeft\t10/24/2023, 3:40:00 PM\tniccolo@example.org\r\n"
            "Niccolò D'Angelo\tJoined\t10/24/2023, 3:42:10 PM\tniccolo@example.org\r\n"
            "Niccolò D'Angelo\tLeft\t10/24/2023, 4:30:00 PM\tniccolo@example.org\r\n")
    report = parse_report(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert report.platform == "teams"
    [row] = report.rows
    assert (row.line, row.appearances) == (2, 4)
    assert row.joined_at == utc(2023, 10, 24, 13, 1, 22)
    assert row.left_at == utc(2023, 10, 24, 14, 30)


def test_zoom_participants_with_meeting_summary_block():
    data = sample("zoom_participants.csv")
    assert data.startswith(codecs.BOM_UTF8)
    report = parse_report(data)
    assert (report.platform, report.encoding, report.delimiter) == ("zoom", "utf-8-sig", ",")
    assert report.title == "FIS - Laboratorio di co-progettazione, sessione 2"
    # the host's address in the summary block is not a participant row of its own
    assert emails(report) == ["eventi@formez.it", "niccolo.dangelo@comune.esempio.it",
                              "anna.rossi@example.org", "giulia.romano@example.org"]
    niccolo = report.rows[1]
    # joined twice (lines 6 and 8): once, with the earliest join, the latest leave, both durations
    assert (niccolo.line, niccolo.appearances) == (6, 2)
    assert niccolo.joined_at == utc(2023, 10, 24, 13, 1, 5)
    assert niccolo.left_at == utc(2023, 10, 24, 14, 30)
    assert niccolo.duration == timedelta(minutes=39 + 48)
    assert report.rows[2].name == "Rossi, Anna (Anna R.)"  # quoted comma kept
    assert reasons(report) == [(9, "e-mail mancante")]


def test_italian_semicolon_export():
    report = parse_report(sample("italiano_punto_e_virgola.csv"))
    assert (report.platform, report.encoding, report.delimiter) == ("generic", "utf-8", ";")
    assert emails(report) == ["niccolo.dangelo@comune.esempio.it", "maria.esposito@comune.napoli.it",
                              "anna.rossi@example.org", "giuseppe.russo@comune.palermo.it"]
    niccolo, maria, anna, giuseppe = report.rows
    assert niccolo.name == "Niccolò D'Angelo"  # Nome + Cognome
    assert niccolo.joined_at == utc(2023, 10, 24, 13, 1)  # 24/10 is day/month
    assert niccolo.duration == timedelta(minutes=89)
    assert maria.duration == timedelta(hours=1, minutes=27)
    # Anna twice, with different capitals: one row, first line, earliest join
    assert (anna.line, anna.appearances) == (4, 2)
    assert anna.joined_at == utc(2023, 10, 24, 12, 58)
    assert anna.duration == timedelta(minutes=49)
    assert giuseppe.name == 'Giuseppe "Peppe" Russo'
    assert report.malformed == []


def test_malformed_rows_have_line_numbers_and_reasons():
    report = parse_report(sample("malformed.csv"))
    assert report.platform == "generic"
    assert reasons(report) == [(3, "e-mail mancante"), (4, "e-mail non valida"), (5, "riga incompleta"),
                               (6, "e-mail non valida"), (9, "riga incompleta")]
    assert [bad.code for bad in report.malformed] == [
        "missing_email", "invalid_email", "incomplete_row", "invalid_email", "incomplete_row"]
    assert report.malformed[1].excerpt.startswith("Indirizzo Sbagliato")
    assert emails(report) == ["anna.rossi@example.org", "formula@example.org", "controllo@example.org"]


def test_cells_are_text_never_evaluated_and_control_characters_are_gone():
    report = parse_report(sample("malformed.csv"))
    formula, control = report.rows[1], report.rows[2]
    assert formula.name == '=HYPERLINK("http://example.com","clic")'  # just text
    assert control.name.startswith("Carattere di")
    assert all(ch.isprintable() for ch in control.name)
    assert "\u202e" not in control.name


@pytest.mark.parametrize("header, row", [
    ("Nome;E-mail;Ora di ingresso;Durata", "Mario Rossi;mario.rossi@example.org;24/10/2023 15:01;45"),
    ("Nome completo\tIndirizzo e-mail\tPrimo accesso\tUltima uscita",
     "Mario Rossi\tmario.rossi@example.org\t24/10/2023, 15:01:00\t24/10/2023, 16:00:00"),
    ("Nome (nome originale),E-mail utente,Ora di ingresso,Ora di uscita,Durata (minuti),Ospite",
     "Mario Rossi,mario.rossi@example.org,24/10/2023 15:01:00,24/10/2023 16:00:00,59,Sì"),
    ('  NAME , "E-Mail Address" ,JOIN TIME ', "Mario Rossi,Mario.Rossi@Example.org,2023-10-24T15:01:00+02:00"),
    ("\ufeffFirst Name,Last Name,Email", "Mario,Rossi,<mario.rossi@example.org>"),
    ("Email", "mailto:mario.rossi@example.org"),
], ids=["italian-semicolon", "teams-italian", "zoom-italian", "case-and-spaces", "first-last", "email-only"])
def test_header_variants(header, row):
    report = parse_report(f"{header}\n{row}\n".encode())
    assert emails(report) == ["mario.rossi@example.org"]
    if "ingresso" in header.lower() or "join" in header.lower() or "accesso" in header.lower():
        assert report.rows[0].joined_at == utc(2023, 10, 24, 13, 1)
    if "ome" in header or "ame" in header.lower():
        assert report.rows[0].name == "Mario Rossi"


def test_a_name_like_header_in_the_summary_does_not_fool_the_parser():
    text = ("Meeting ID,Topic,Start Time,User Email,Duration (Minutes)\n"
            "812 3456 7890,Riunione,10/24/2023 02:58:33 PM,host@example.org,97\n"
            "\n"
            "Name (Original Name),User Email,Join Time\n"
            "Mario Rossi,mario.rossi@example.org,10/24/2023 03:01:00 PM\n")
    report = parse_report(text.encode())
    assert emails(report) == ["mario.rossi@example.org"]
    assert report.platform == "zoom"


# ---- cells ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value, dayfirst, expected", [
    ("2023-10-24T15:01:22", True, utc(2023, 10, 24, 13, 1, 22)),
    ("2023-10-24 13:01:22Z", True, utc(2023, 10, 24, 13, 1, 22)),
    ("24.10.2023 15.01.22", True, utc(2023, 10, 24, 13, 1, 22)),
    ("10/24/23, 3:01:22 PM", False, utc(2023, 10, 24, 13, 1, 22)),
    ("10/24/2023 12:05:00 AM", False, utc(2023, 10, 23, 22, 5)),
    ("Oct 24, 2023 03:01:22 PM", True, utc(2023, 10, 24, 13, 1, 22)),
    ("05/12/2023 10:00", True, utc(2023, 12, 5, 9, 0)),  # winter time, UTC+1
    ("05/12/2023 10:00", False, utc(2023, 5, 12, 8, 0)),
    ("31/02/2023 10:00", True, None),
    ("ieri sera", True, None),
    ("", True, None),
])
def test_parse_datetime(value, dayfirst, expected):
    assert parse_datetime(value, dayfirst) == expected


def test_ambiguous_dates_are_day_first_unless_the_file_says_otherwise():
    italian = parse_report(b"Nome,Email,Ora di ingresso\nA,a@example.org,03/04/2023 10:00\n")
    assert italian.rows[0].joined_at == utc(2023, 4, 3, 8, 0)
    american = parse_report(b"Name,Email,Join Time\nA,a@example.org,03/04/2023 10:00 AM\n")
    assert american.rows[0].joined_at == utc(2023, 3, 4, 9, 0)
    # one unambiguous date decides for the whole file
    mixed = parse_report(b"Nome,Email,Ora di ingresso\nA,a@example.org,03/04/2023 10:00\n"
                         b"B,b@example.org,03/14/2023 10:00\n")
    assert mixed.rows[0].joined_at == utc(2023, 3, 4, 9, 0)


@pytest.mark.parametrize("value, expected", [
    ("57", timedelta(minutes=57)),
    ("57,5", timedelta(minutes=57, seconds=30)),
    ("1:02:03", timedelta(hours=1, minutes=2, seconds=3)),
    ("12:30", timedelta(minutes=12, seconds=30)),
    ("1h 28m 40s", timedelta(hours=1, minutes=28, seconds=40)),
    ("45m", timedelta(minutes=45)),
    ("1 ora 5 minuti", timedelta(hours=1, minutes=5)),
    ("2 h 3 min 4 s", timedelta(hours=2, minutes=3, seconds=4)),
    ("", None),
    ("tanto", None),
])
def test_parse_duration(value, expected):
    assert parse_duration(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("  Mario.Rossi@Example.ORG ", "mario.rossi@example.org"),
    ("Mario Rossi <mario.rossi@example.org>", "mario.rossi@example.org"),
    ("mario.rossi_comune.bari.it#EXT#@formez.onmicrosoft.com", "mario.rossi@comune.bari.it"),
    ("", ""),
    ("mario.rossi", None),
    ("mario@", None),
    ("a" * 250 + "@example.org", None),
])
def test_parse_email(value, expected):
    assert parse_email(value) == expected


# ---- limits and garbage ---------------------------------------------------------------------

def test_too_large():
    data = b"Name,Email\n" + b"Mario Rossi,mario.rossi@example.org\n" * (MAX_BYTES // 36 + 1)
    assert len(data) > MAX_BYTES
    with pytest.raises(ReportError, match="troppo grande"):
        parse_report(data)


def rows_file(n):
    return ("Name,Email\n" + "".join(f"P {i},p{i}@example.org\n" for i in range(n))).encode()


def test_too_many_rows():
    with pytest.raises(ReportError, match="troppe righe"):
        parse_report(rows_file(MAX_ROWS + 1))


def test_many_blank_lines_count_as_too_many_rows():
    with pytest.raises(ReportError, match="troppe righe"):
        parse_report(b"Name,Email\nA,a@example.org\n" + b"\n" * (MAX_ROWS * 2))


def test_exactly_the_maximum_is_read():
    report = parse_report(rows_file(MAX_ROWS))
    assert len(report.rows) == MAX_ROWS


GARBAGE = {
    "empty": b"",
    "blank": b" \r\n\t\r\n",
    "utf-8-bom-only": codecs.BOM_UTF8,
    "utf-16-bom-only": codecs.BOM_UTF16_LE,
    "random-bytes": random.Random(7).randbytes(4096),
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "xlsx": b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml" + bytes(200),
    "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200),
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    "controls": b"\x01\x02\x03\x04 Name,Email\n\x05\x06,a@example.org\x07\x08\n",
    "odd-utf-16": codecs.BOM_UTF16_LE + b"N\x00a\x00m",
    "prose": "Elenco dei partecipanti all'incontro di martedì.\nGrazie a tutti!\n".encode(),
    "header-only": b"Name,Email,Join Time\n",
    "header-and-blank-lines": b"Name,Email,Join Time\n\n\n",
    "unterminated-field": b'Name,Email\n"' + b"x" * 200_000 + b"\n",
}


@pytest.mark.parametrize("data", GARBAGE.values(), ids=GARBAGE.keys())
def test_garbage_is_refused_with_a_message(data):
    with pytest.raises(ReportError) as caught:
        parse_report(data)
    message = str(caught.value.message)
    assert message and message[0].isupper() and message.endswith(".")


def test_spreadsheet_gets_a_specific_message():
    with pytest.raises(ReportError, match="Excel"):
        parse_report(GARBAGE["xlsx"])


def test_report_error_is_a_domain_error_on_the_file_field():
    with pytest.raises(DomainError) as caught:
        parse_report(b"")
    assert caught.value.field == "report"
    assert str(caught.value.message) == "Il file è vuoto."


def test_text_in_an_unknown_encoding_gets_an_encoding_message():
    with pytest.raises(ReportError, match="codifica"):
        parse_report(b"Name,Email\nMario \x81\x8d\x8f,mario@example.org\n")


def test_too_many_columns():
    with pytest.raises(ReportError):
        parse_report(b"Name,Email\n" + b"a," * 5000 + b"\n")


@pytest.mark.parametrize("data", [
    b',"' * (MAX_BYTES // 2 - 10),
    b";\t," * (MAX_BYTES // 3 - 10),
], ids=["quotes", "delimiters-only"])
def test_hostile_input_of_the_maximum_size_is_refused(data):
    with pytest.raises(ReportError, match="intestazione"):
        parse_report(data)


def test_wide_rows_are_read_as_malformed():
    report = parse_report(b"Name,Email\n" + (b"a," * 199 + b"\n") * 12000)
    assert report.rows == [] and len(report.malformed) == 12000
