"""Properties of the attendance-report reader (plain Python, no app): whatever the bytes, a
Report or a ReportError with a message, never a crash; and a well-formed report, however it is
encoded and delimited, reads back to exactly the participants written into it."""
import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fis_events.i18n import ROME
from fis_events.participation.report import (MALFORMED_REASONS, NOT_TEXT, Report, ReportError,
                                             parse_datetime, parse_duration, parse_report)

FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(FAST, max_examples=60)

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
DELIMITERS = [",", ";", "\t"]


def read(data):
    """parse_report's answer: a Report, or the ReportError it raised (anything else fails)."""
    try:
        return parse_report(data)
    except ReportError as error:
        assert str(error.message).strip() and error.field == "report"
        return error


def assert_sound(report):
    """What any Report promises, whatever file it came from."""
    assert isinstance(report, Report)
    lines = [row.line for row in report.rows]
    assert lines == sorted(lines)
    emails = [row.email for row in report.rows]
    assert len(emails) == len(set(emails))
    for row in report.rows:
        assert row.email == row.email.lower() and "@" in row.email
        assert not CONTROL.search(row.name + row.role) and len(row.name) <= 200
        assert row.joined_at is None or row.joined_at.tzinfo is not None
        assert row.duration is None or timedelta(0) <= row.duration
    assert {bad.code for bad in report.malformed} <= MALFORMED_REASONS.keys()


# ---- hostile files ----------------------------------------------------------------------------

HEADERS = ["Name,Email,Join Time,Leave Time,Duration", "Nome;Cognome;Indirizzo e-mail;Ora di ingresso;Durata",
           "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole",
           "Full Name\tUser Action\tTimestamp\tParticipant ID (UPN)"]
CELL = st.one_of(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20), st.sampled_from([
    "mario@example.org", "Mario Rossi <mario@example.org>", "x#EXT#@t.onmicrosoft.com", '"', '""',
    "0001-01-01 00:00", "31/12/9999 23:59", "99999999999999999999", "9" * 5000 + ":00:00", "1e308",
    "Left", "2. Participants", "\x07", "\u202e", "\ufeff", "=cmd|' /C calc'!A0"]))


@st.composite
def csv_like(draw):
    """Text that looks enough like a report to get past the header search now and then."""
    rows = draw(st.lists(st.lists(CELL, max_size=8), max_size=12))
    delimiter = draw(st.sampled_from(DELIMITERS))
    lines = [delimiter.join(row) for row in rows]
    header = re.sub("[,;\t]", delimiter, draw(st.sampled_from(HEADERS)))
    lines.insert(draw(st.integers(0, min(len(lines), 2))), header)
    text = draw(st.sampled_from(["\r\n", "\n", "\r"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "cp1252"]))
    return text.encode(encoding, errors="replace")


@FAST
@given(st.binary(max_size=3000))
def test_any_bytes_give_a_report_or_a_clear_refusal(data):
    answer = read(data)
    if isinstance(answer, Report):
        assert_sound(answer)


@FAST
@given(csv_like())
def test_csv_like_text_gives_a_report_or_a_clear_refusal(data):
    answer = read(data)
    if isinstance(answer, Report):
        assert_sound(answer)


@st.composite
def hostile_table(draw):
    """A real header, real addresses, and anything at all in the time and duration cells."""
    rows = [["Name", "Email", "Join Time", "Leave Time", "Duration"]]
    for n in range(draw(st.integers(1, 6))):
        rows.append([draw(CELL), f"persona{n}@example.org", draw(CELL), draw(CELL), draw(CELL)])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


@FAST
@given(hostile_table())
def test_hostile_cells_in_a_real_table_are_read_or_left_empty(data):
    """Every participant is read (a cell that is no time is left empty), unless control
    characters make the file look binary, which is refused as such."""
    report = read(data)
    if isinstance(report, ReportError):
        assert report.message == NOT_TEXT and re.search("[\x00-\x08]", data.decode())
        return
    assert_sound(report)
    written = len(list(csv.reader(io.StringIO(data.decode(), newline="")))) - 1
    assert [row.email for row in report.rows] == [f"persona{n}@example.org" for n in range(written)]


def test_a_participant_whose_cells_read_like_headers_is_still_a_participant():
    """Found by the property above: a row with an address is never a repeated header."""
    report = read(b"Name,Email,Join Time,Leave Time,Duration\r\n"
                  b"Left,persona0@example.org,,,user principal name\r\n")
    assert not isinstance(report, ReportError)
    assert [row.email for row in report.rows] == ["persona0@example.org"]


@FAST
@given(CELL)
def test_cells_never_crash_the_time_readers(cell):
    moment = parse_datetime(cell)
    assert moment is None or moment.utcoffset() == timedelta(0)
    duration = parse_duration(cell)
    assert duration is None or timedelta(0) <= duration <= timedelta(days=7)


def test_the_edges_of_the_calendar_and_of_numbers_are_not_times():
    assert parse_datetime("0001-01-01 00:00") is None  # year 0 in UTC does not exist
    assert parse_datetime("01/01/0001 00:00") is None
    assert parse_datetime("31/12/9999 23:59") == datetime(9999, 12, 31, 22, 59, tzinfo=timezone.utc)
    for cell in ("99999999999999999999", "9" * 400, "9" * 5000 + ":00:00", "99999999999999 ore",
                 "200:00:00"):
        assert parse_duration(cell) is None, cell


# ---- well-formed reports ----------------------------------------------------------------------

LATIN = "abcdefghijklmnopqrstuvwxyzàèéìòùçñüöABCDEFGHIJKLMNOPQRSTUVWXYZÀÈÉÌÒÙ'’-"
WORLD = LATIN + "أحمدعليשלוםדוד李王Ωαβ😀🎉"
DOMAINS = ["comune.bergamo.it", "example.org", "formez.it", "comunità-metropolitana.it"]


@dataclass
class Person:
    first: str
    last: str
    email: str
    joined: datetime  # Rome wall-clock time
    minutes: int

    @property
    def name(self):
        return f"{self.first} {self.last}"

    @property
    def left(self):
        return self.joined + timedelta(minutes=self.minutes)


def words(alphabet):
    word = st.text(alphabet=alphabet, min_size=1, max_size=10)
    return st.lists(word, min_size=1, max_size=3).map(" ".join)


@st.composite
def people(draw, alphabet):
    count = draw(st.integers(1, 12))
    day = datetime(2023, 10, draw(st.integers(1, 28)), tzinfo=ROME)
    found = []
    for n in range(count):
        local = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1,
                             max_size=12).filter(lambda s: s[0] not in "." and s[-1] != "." and ".." not in s))
        email = f"{local}{n}@{draw(st.sampled_from(DOMAINS))}"
        found.append(Person(draw(words(alphabet)), draw(words(alphabet)),
                            "".join(c.upper() if draw(st.booleans()) else c for c in email),
                            day + timedelta(hours=8, minutes=draw(st.integers(0, 600))),
                            draw(st.integers(1, 240))))
    return found


def teams_time(moment):
    return f"{moment:%m/%d/%y}, {int(moment.strftime('%I'))}:{moment:%M:%S %p}"


def teams_duration(minutes):
    hours, rest = divmod(minutes, 60)
    return f"{hours}h {rest}m" if hours else f"{rest}m"


FORMATS = {
    # header, one participant's cells, what comes before the table
    "zoom": (["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)",
              "Guest"],
             lambda p: [p.name, p.email, f"{p.joined:%m/%d/%Y %I:%M:%S %p}", f"{p.left:%m/%d/%Y %I:%M:%S %p}",
                        str(p.minutes), "No"],
             [["Meeting ID", "Topic", "Start Time"], ["812 3456 7890", "FIS, sessione 2", "10/24/2023"], []]),
    "italian": (["Nome", "Cognome", "Indirizzo e-mail", "Ora di ingresso", "Ora di uscita", "Durata"],
                lambda p: [p.first, p.last, p.email, f"{p.joined:%d/%m/%Y %H:%M}", f"{p.left:%d/%m/%Y %H:%M}",
                           f"{p.minutes // 60}:{p.minutes % 60:02}:00"],
                []),
    "teams": (["Name", "First Join", "Last Leave", "In-Meeting Duration", "Email", "Participant ID (UPN)",
               "Role"],
              lambda p: [p.name, teams_time(p.joined), teams_time(p.left), teams_duration(p.minutes),
                         p.email, p.email, "Attendee"],
              [["1. Summary"], ["Meeting title", "FIS – Incontro"], [], ["2. Participants"]]),
}


def write(rows, delimiter, encoding):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    if encoding == "utf-16-be":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)


def expected(person):
    return (person.email.lower(), person.name, person.joined.astimezone(timezone.utc),
            person.left.astimezone(timezone.utc), timedelta(minutes=person.minutes))


def check_reads_back(platform, delimiter, encoding, participants):
    header, cells, preamble = FORMATS[platform]
    report = parse_report(write([*preamble, header, *map(cells, participants)], delimiter, encoding))
    assert_sound(report)
    assert report.delimiter == delimiter and report.malformed == []
    assert [(r.email, r.name, r.joined_at, r.left_at, r.duration) for r in report.rows] == \
        [expected(p) for p in participants]
    assert [r.line for r in report.rows] == [len(preamble) + 2 + n for n in range(len(participants))]


@SLOW
@given(st.sampled_from(sorted(FORMATS)), st.sampled_from(DELIMITERS),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be"]), people(WORLD))
def test_a_well_formed_report_reads_back_exactly(platform, delimiter, encoding, participants):
    check_reads_back(platform, delimiter, encoding, participants)


@SLOW
@given(st.sampled_from(sorted(FORMATS)), st.sampled_from(DELIMITERS), people(LATIN))
def test_a_report_saved_by_excel_in_windows_1252_reads_back_exactly(platform, delimiter, participants):
    check_reads_back(platform, delimiter, "cp1252", participants)


@SLOW
@given(people(LATIN), st.integers(2, 4))
def test_someone_joining_several_times_is_one_row(participants, times):
    """The first line, the earliest join, the latest leave, the durations added up."""
    header, cells, _preamble = FORMATS["italian"]
    first = participants[0]
    visits = [Person(first.first, first.last, first.email, first.joined + timedelta(minutes=300 * n),
                     first.minutes) for n in range(times)]
    report = parse_report(write([header, *map(cells, [*reversed(visits), *participants[1:]])], ";", "utf-8"))
    row = report.rows[0]
    assert (row.line, row.appearances, row.email) == (2, times, first.email.lower())
    assert (row.joined_at, row.left_at) == (expected(visits[0])[2], expected(visits[-1])[3])
    assert row.duration == timedelta(minutes=first.minutes * times)
    assert [r.email for r in report.rows[1:]] == [p.email.lower() for p in participants[1:]]
