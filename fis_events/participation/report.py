"""Attendance reports exported by Microsoft Teams or Zoom: read them, match them, record them.

`parse_report(data)` is pure (bytes in, a `Report` out; no app, no database): it finds the
encoding (UTF-8 with or without BOM, UTF-16 LE/BE, Windows-1252 as Excel saves it), the
delimiter (comma, semicolon, tab), the participants' header row after any summary block, and
reads each row into an e-mail, a name and the times, deduplicated by e-mail. Nothing in the
file is ever evaluated: cells are plain text, control characters are removed.

`preview(event, report)` says what an import would do, `apply(event, report, user)` does it:
one remote Attendance per registered person, in one transaction, never twice.
"""
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager

from .. import audit_record as audit
from ..errors import DomainError
from ..extensions import db
from ..spreadsheets import UnreadableFile, decode, guess_delimiters, plain_text, records
from ..registration.models import AttendanceMode, Person, Registration
from .models import Attendance, AttendanceSource
from .services import record_attendance

#: bounds on what we read
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
#: no export has more than a few dozen columns
MAX_COLUMNS = 200
#: the summary block before the participants' header is never longer than this
MAX_PREAMBLE_ROWS = 200
#: no meeting lasts longer: a longer duration is a misread cell
MAX_DURATION = timedelta(days=7)
#: report times without an offset are Italian wall-clock times
REPORT_TZ = ZoneInfo("Europe/Rome")


class ReportError(DomainError):
    """The file cannot be read as an attendance report; the message says why, in Italian."""

    def __init__(self, message):
        super().__init__(message, field="report")


# ---- what a report is -----------------------------------------------------------------------

@dataclass(frozen=True)
class ReportRow:
    """One participant: the first line they appear on, and their times over every appearance."""

    line: int
    email: str
    name: str = ""
    joined_at: datetime | None = None
    left_at: datetime | None = None
    duration: timedelta | None = None
    role: str = ""
    appearances: int = 1


MALFORMED_REASONS = {
    "missing_email": _l("e-mail mancante"),
    "invalid_email": _l("e-mail non valida"),
    "incomplete_row": _l("riga incompleta"),
}


@dataclass(frozen=True)
class MalformedRow:
    line: int
    code: str
    #: what the row said, shortened, to help the organiser find it
    excerpt: str = ""

    @property
    def reason(self):
        return str(MALFORMED_REASONS[self.code])


@dataclass
class Report:
    platform: str  # "teams", "zoom" or "generic"
    rows: list = field(default_factory=list)
    malformed: list = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","
    #: the meeting's title when the summary block gives it
    title: str = ""
    #: False when the participants' table has no e-mail column at all (older Teams format)
    has_email_column: bool = True

    @property
    def platform_label(self):
        return str(PLATFORM_LABELS[self.platform])


PLATFORM_LABELS = {"teams": _l("Microsoft Teams"), "zoom": _l("Zoom"), "generic": _l("generico")}


# ---- headers --------------------------------------------------------------------------------

_HEADERS = {
    "email": ["email", "e-mail", "email address", "e-mail address", "user email", "attendee email",
              "participant email", "indirizzo e-mail", "indirizzo email", "indirizzo mail",
              "indirizzo di posta elettronica", "posta elettronica", "e-mail utente", "email utente",
              "e-mail partecipante", "email partecipante", "mail"],
    "upn": ["participant id (upn)", "id partecipante (upn)", "upn", "user principal name"],
    "name": ["name", "full name", "name (original name)", "user name (original name)",
             "participant", "participant name", "display name", "attendee name", "nome completo",
             "nome (nome originale)", "nome utente (nome originale)", "nome e cognome",
             "cognome e nome", "partecipante", "nome partecipante", "nome visualizzato", "nome"],
    "first_name": ["first name", "given name"],
    "last_name": ["last name", "surname", "family name", "cognome"],
    "joined_at": ["first join", "first joined", "join time", "joined", "joined at", "first join time",
                  "primo accesso", "primo ingresso", "primo collegamento", "ora di ingresso",
                  "ora ingresso", "orario di ingresso", "data e ora di ingresso", "ingresso",
                  "ora di accesso", "accesso", "entrata", "ora di entrata",
                  "ora di partecipazione"],
    "left_at": ["last leave", "last left", "leave time", "left", "left at", "last leave time",
                "ultima uscita", "ultimo abbandono", "ora di uscita", "ora uscita",
                "orario di uscita", "data e ora di uscita", "uscita"],
    "duration": ["in-meeting duration", "in meeting duration", "duration", "duration (minutes)",
                 "total duration (minutes)", "time in session (minutes)", "attendance duration",
                 "durata", "durata (minuti)", "durata totale (minuti)", "durata nella riunione",
                 "durata in riunione", "durata riunione", "durata della riunione", "durata della partecipazione",
                 "tempo di partecipazione", "tempo nella riunione", "minuti"],
    "action": ["user action", "action", "azione utente", "azione"],
    "timestamp": ["timestamp", "data e ora", "data/ora", "ora"],
    "role": ["role", "ruolo"],
}
HEADER_NAMES = {name: key for key, names in _HEADERS.items() for name in names}
#: when a table also has "Cognome", its "Nome" is the first name only
FIRST_NAME_WHEN_SURNAME = {"nome"}
#: columns of a Zoom meeting summary, never of the participants' table
SUMMARY_MARKERS = {"meeting id", "topic", "id riunione", "argomento", "id della riunione"}
TITLE_KEYS = {"meeting title", "titolo riunione", "titolo della riunione", "topic", "argomento",
              "meeting topic", "oggetto"}
SECTION_TITLE = re.compile(r"^\d+\.\s+\S")

TEAMS_MARKERS = {"participant id (upn)", "id partecipante (upn)", "first join", "last leave",
                 "in-meeting duration", "in meeting duration", "primo accesso", "ultima uscita",
                 "user action", "azione utente", "full name"}
TEAMS_PREAMBLE = {"1. summary", "1. riepilogo", "meeting title", "titolo riunione",
                  "attended participants", "partecipanti presenti", "meeting summary"}
ZOOM_MARKERS = {"name (original name)", "user name (original name)", "nome (nome originale)",
                "user email", "e-mail utente", "guest", "ospite", "in waiting room",
                "recording consent", "time in session (minutes)"}


def normalise_header(cell):
    cell = (cell or "").replace("\ufeff", "").strip().strip('"').strip().rstrip(":").strip()
    return " ".join(cell.lower().split())


def header_key(cell):
    name = normalise_header(cell)
    if name in HEADER_NAMES:
        return HEADER_NAMES[name]
    bare = re.sub(r"\s*\(.*?\)\s*", " ", name).strip()  # "Durata (min)" is a duration
    return HEADER_NAMES.get(bare)


@dataclass
class _Table:
    columns: dict  # field -> index
    width: int  # cells up to the last column we read
    names: set  # every normalised header cell


def as_header(row):
    """The participants' header if this row is one, else None. A row holding an e-mail address
    is a participant's, whatever words its other cells hold ("Left", "user principal name")."""
    names = [normalise_header(c) for c in row]
    if not any(names) or SUMMARY_MARKERS & set(names) or any(parse_email(c) for c in row):
        return None
    columns = {}
    has_surname = any(header_key(n) == "last_name" for n in names)
    for index, name in enumerate(names):
        key = header_key(name)
        if key == "name" and name in FIRST_NAME_WHEN_SURNAME and has_surname:
            key = "first_name"
        if key is not None and key not in columns:
            columns[key] = index
    has_name = bool({"name", "first_name", "last_name"} & columns.keys())
    has_email = bool({"email", "upn"} & columns.keys())
    other = {"joined_at", "left_at", "duration", "action", "timestamp", "role"} & columns.keys()
    if has_name and (has_email or other) or has_email and (other or len([n for n in names if n]) == 1):
        return _Table(columns, max(columns.values()) + 1, set(names))
    return None


# ---- reading the bytes ----------------------------------------------------------------------

TOO_LARGE = _l("Il file è troppo grande: al massimo %(mb)s MB.", mb=MAX_BYTES // (1024 * 1024))
NOT_TEXT = _l("Il file non è un CSV leggibile: carica il report esportato da Teams o Zoom in "
              "formato CSV.")
REPORT_UNREADABLE = {
    "xlsx": _l("Il file è un foglio Excel (.xlsx) o un archivio: esporta il report in formato CSV "
               "e carica quello."),
    "xls": _l("Il file è un foglio Excel (.xls): esporta il report in formato CSV e carica quello."),
    "pdf": _l("Il file è un PDF: serve il report in formato CSV."),
    "not_text": NOT_TEXT,
    "encoding": _l("La codifica del file non è leggibile: salva il report come CSV UTF-8."),
}


def _report_error(error):
    """The spreadsheet reader's refusal, in the words of an attendance report."""
    if error.reason == "too_many_columns":
        return ReportError(_l("Il file ha troppe colonne (riga %(line)s): non sembra un report "
                              "delle presenze.", line=error.line))
    return ReportError(REPORT_UNREADABLE.get(error.reason, error.message))


def _records(text, delimiter):
    try:
        yield from records(text, delimiter, MAX_COLUMNS)
    except UnreadableFile as error:
        raise _report_error(error) from None


def _find_table(text):
    """(delimiter, table, preamble rows, records iterator positioned after the header)."""
    for delimiter in guess_delimiters(text):
        records = _records(text, delimiter)
        preamble = []
        try:
            for _line, cells in records:
                table = as_header(cells)
                if table is not None:
                    return delimiter, table, preamble, records
                preamble.append(cells)
                if len(preamble) >= MAX_PREAMBLE_ROWS:
                    break
        except ReportError:
            continue
    raise ReportError(_l("Non trovo l'intestazione delle colonne: il report deve avere almeno il "
                         "nome e l'e-mail dei partecipanti (come nei report di Teams e Zoom)."))


# ---- cells ----------------------------------------------------------------------------------

def clean_cell(value):
    return " ".join((value or "").split())


def parse_email(value):
    """The normalised address, '' when the cell is empty, None when it is not an address."""
    value = clean_cell(value)
    if not value:
        return ""
    match = re.search(r"<([^<>]+)>", value)  # "Mario Rossi <mario@comune.it>"
    if match:
        value = match.group(1).strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    if "#ext#" in value.lower():  # a Teams guest: mario.rossi_comune.it#EXT#@tenant.onmicrosoft.com
        local = value[:value.lower().index("#ext#")]
        if "_" in local:
            head, _, domain = local.rpartition("_")
            value = f"{head}@{domain}"
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


_DMY = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})[,\sT]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?"
                  r"(?:\.\d+)?\s*([AaPp])?\.?\s*[Mm]?\.?$")
_ENGLISH = ["%b %d, %Y %I:%M:%S %p", "%b %d, %Y %I:%M %p", "%B %d, %Y %I:%M:%S %p", "%d %b %Y %H:%M:%S"]


def _date_parts(value):
    match = _DMY.match(value)
    if not match:
        return None
    a, b, c, hh, mm, ss, meridiem = match.groups()
    return a, b, c, int(hh), int(mm), int(ss or 0), (meridiem or "").lower()


def day_first(values):
    """Whether dates like 03/04/2023 are day/month (Italian) or month/day (US) in this file."""
    us_clock = False
    for value in values:
        parts = _date_parts(value)
        if parts is None or len(parts[0]) == 4:
            continue
        a, b = int(parts[0]), int(parts[1])
        if a > 12:
            return True
        if b > 12:
            return False
        us_clock = us_clock or bool(parts[6])
    return not us_clock


def parse_datetime(value, dayfirst=True, tz=REPORT_TZ):
    """An aware UTC datetime, or None when the cell is empty or not a date and time."""
    value = clean_cell(value)
    if not value:
        return None
    moment = None
    if re.match(r"^\d{4}-\d{2}-\d{2}", value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if moment is None and (parts := _date_parts(value)) is not None:
        a, b, c, hh, mm, ss, meridiem = parts
        if len(a) == 4:
            year, month, day = int(a), int(b), int(c)
        else:
            day, month = (int(a), int(b)) if dayfirst else (int(b), int(a))
            year = int(c) + (2000 if len(c) <= 2 else 0)
        if meridiem == "p" and hh < 12:
            hh += 12
        elif meridiem == "a" and hh == 12:
            hh = 0
        try:
            moment = datetime(year, month, day, hh, mm, ss)
        except ValueError:
            return None
    if moment is None:
        for pattern in _ENGLISH:
            try:
                moment = datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:  # midnight of year 1 in Rome was still year 0 in UTC
        return None


_DURATION_PART = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(hours?|hrs?|h|ore|ora|minutes?|mins?|minut[oi]|m|seconds?|secs?|second[oi]|s)\b",
    re.IGNORECASE)


def parse_duration(value):
    """'57' (minutes, as Zoom writes), '1:02:03', '1h 2m 3s', '1 ora 5 minuti'; None otherwise,
    and for anything past MAX_DURATION (a misread cell; adding such ones up would overflow)."""
    try:
        duration = _duration(clean_cell(value).lower())
    except (OverflowError, ValueError):  # ValueError: past Python's 4300 digits for an int
        return None
    return duration if duration is not None and duration <= MAX_DURATION else None


def _duration(value):
    if not value:
        return None
    if re.fullmatch(r"\d+(?:[.,]\d+)?", value):
        return timedelta(minutes=float(value.replace(",", ".")))
    match = re.fullmatch(r"(\d+):(\d{2})(?::(\d{2}))?", value)
    if match:
        first, second, third = match.groups()
        if third is None:  # mm:ss
            return timedelta(minutes=int(first), seconds=int(second))
        return timedelta(hours=int(first), minutes=int(second), seconds=int(third))
    total, found = timedelta(), False
    for amount, unit in _DURATION_PART.findall(value):
        amount = float(amount.replace(",", "."))
        if unit.startswith(("h", "or")):
            total += timedelta(hours=amount)
        elif unit.startswith("m"):
            total += timedelta(minutes=amount)
        else:
            total += timedelta(seconds=amount)
        found = True
    return total if found else None


def is_leave_action(action):
    action = action.lower()
    return any(word in action for word in ("left", "leave", "uscit", "abbandon", "lasciat"))


# ---- the report -----------------------------------------------------------------------------

def detect_platform(table, preamble):
    before = {normalise_header(cell) for row in preamble for cell in row}
    if table.names & ZOOM_MARKERS or {"meeting id", "topic"} <= before or {"id riunione", "argomento"} <= before:
        return "zoom"
    if table.names & TEAMS_MARKERS or before & TEAMS_PREAMBLE:
        return "teams"
    return "generic"


def meeting_title(preamble):
    """The meeting's title from a Teams summary ('Meeting title<TAB>…') or a Zoom one ('Topic' column)."""
    for index, row in enumerate(preamble):
        keys = [normalise_header(c) for c in row]
        if len(row) >= 2 and keys[0] in TITLE_KEYS and clean_cell(row[1]):
            return clean_cell(row[1])[:300]
        for column, key in enumerate(keys):
            if key in TITLE_KEYS and index + 1 < len(preamble) and column < len(preamble[index + 1]):
                return clean_cell(preamble[index + 1][column])[:300]
    return ""


def _excerpt(cells):
    return clean_cell(" · ".join(c for c in cells if c.strip()))[:120]


def parse_report(data):
    """Read an attendance report (bytes) into a Report; ReportError when it cannot be one."""
    if data is None or len(data) == 0 or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ReportError(_l("Il file è vuoto."))
    if len(data) > MAX_BYTES:
        raise ReportError(TOO_LARGE)
    try:
        text, encoding = decode(data)
        text = plain_text(text)
    except UnreadableFile as error:
        raise _report_error(error) from None
    if not text.strip():
        raise ReportError(_l("Il file è vuoto."))
    if text.count("\n") > MAX_ROWS + MAX_PREAMBLE_ROWS + 1000:
        raise TooManyRows()
    delimiter, table, preamble, records = _find_table(text)
    cols = table.columns

    def cell(cells, key):
        index = cols.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    raw, malformed, count = [], [], 0
    for line, cells in records:
        if not any(c.strip() for c in cells):
            continue  # blank lines separate sections; they are not participants
        if SECTION_TITLE.match(cells[0].strip()) and len([c for c in cells if c.strip()]) == 1 or (
                header_key(cells[0]) is not None and as_header(cells) is not None):
            break  # the next section ("3. In-Meeting activities") or a repeated table
        count += 1
        if count > MAX_ROWS:
            raise TooManyRows()
        if len(cells) < table.width:
            malformed.append(MalformedRow(line, "incomplete_row", _excerpt(cells)))
            continue
        email = parse_email(cell(cells, "email"))
        if not email and "upn" in cols:
            email = parse_email(cell(cells, "upn")) or email
        if email is None:
            malformed.append(MalformedRow(line, "invalid_email", _excerpt(cells)))
            continue
        if not email:
            malformed.append(MalformedRow(line, "missing_email", _excerpt(cells)))
            continue
        raw.append((line, email, cells))
    if count == 0:
        raise ReportError(_l("Il report non elenca nessun partecipante."))

    time_values = [cell(cells, key) for _, _, cells in raw for key in ("joined_at", "left_at", "timestamp")]
    dayfirst = day_first(v.strip() for v in time_values if v.strip())
    people = {}
    for line, email, cells in raw:
        name = clean_cell(cell(cells, "name")) or clean_cell(
            f"{cell(cells, 'first_name')} {cell(cells, 'last_name')}")
        joined_at = parse_datetime(cell(cells, "joined_at"), dayfirst)
        left_at = parse_datetime(cell(cells, "left_at"), dayfirst)
        if "timestamp" in cols:  # older Teams format: one row per join or leave
            moment = parse_datetime(cell(cells, "timestamp"), dayfirst)
            if is_leave_action(cell(cells, "action")):
                left_at = left_at or moment
            else:
                joined_at = joined_at or moment
        row = ReportRow(line=line, email=email, name=name[:200], joined_at=joined_at, left_at=left_at,
                        duration=parse_duration(cell(cells, "duration")),
                        role=clean_cell(cell(cells, "role"))[:50])
        people[email] = _merge(people[email], row) if email in people else row
    return Report(platform=detect_platform(table, preamble), rows=sorted(people.values(), key=lambda r: r.line),
                  malformed=malformed, encoding=encoding, delimiter=delimiter,
                  title=meeting_title(preamble), has_email_column=bool({"email", "upn"} & cols.keys()))


class TooManyRows(ReportError):
    def __init__(self):
        super().__init__(_l("Il report ha troppe righe: al massimo %(rows)s partecipanti.",
                            rows=f"{MAX_ROWS:,}".replace(",", ".")))


def _earliest(a, b):
    return min(x for x in (a, b) if x is not None) if a or b else None


def _latest(a, b):
    return max(x for x in (a, b) if x is not None) if a or b else None


def _merge(first, other):
    """Someone who joined several times: one row, the earliest join, the latest leave."""
    duration = first.duration + other.duration if first.duration is not None and other.duration is not None \
        else first.duration or other.duration
    return replace(first, name=first.name or other.name, role=first.role or other.role,
                   joined_at=_earliest(first.joined_at, other.joined_at),
                   left_at=_latest(first.left_at, other.left_at), duration=duration,
                   appearances=first.appearances + other.appearances)


# ---- matching against the event -------------------------------------------------------------
# (from here on the database is needed; everything above is plain Python)

#: join times further than this from the event are not trusted as the attendance time
PLAUSIBLE_MARGIN = timedelta(hours=12)


def measured_minutes(row):
    """The whole minutes the report says the person spent in the meeting: its duration column,
    else, for someone who joined once, the span from joining to leaving (over several
    appearances the span would count the gaps); None when the report measured neither."""
    duration = row.duration
    if duration is None and row.appearances == 1 and row.joined_at is not None \
            and row.left_at is not None and row.left_at >= row.joined_at:
        duration = row.left_at - row.joined_at
    return int(duration.total_seconds() // 60) if duration is not None else None


IN_CHUNKS = 500


@dataclass
class Match:
    row: ReportRow
    person: object
    registration: object = None
    attendance: object = None

    @property
    def registered_remote(self):
        return self.registration is not None and self.registration.mode is AttendanceMode.REMOTE


@dataclass
class Preview:
    report: Report
    #: registered for the event, no attendance yet: these get one
    matched: list = field(default_factory=list)
    #: an attendance exists already (any source): nothing changes
    already: list = field(default_factory=list)
    #: a person known by e-mail but not registered for this event: no attendance unless asked
    known: list = field(default_factory=list)
    #: addresses nobody knows
    unmatched: list = field(default_factory=list)
    #: rows whose join time lies far from the event (wrong report, or wrong date format)
    outside_event: int = 0

    @property
    def malformed(self):
        return self.report.malformed


@dataclass
class ApplyResult:
    created: int = 0
    already: int = 0
    known_created: int = 0
    known_skipped: int = 0
    unmatched: int = 0
    malformed: int = 0


def _check_event(event):
    if event.is_cancelled:
        raise ReportError(_l("L'evento è annullato: non si registrano presenze."))


def plausible_time(event, moment):
    if moment is None:
        return None
    if event.starts_at - PLAUSIBLE_MARGIN <= moment <= event.ends_at + PLAUSIBLE_MARGIN:
        return moment
    return None


def preview(event, report):
    """What importing `report` for `event` would do; writes nothing."""
    _check_event(event)
    registrations = {
        r.person.email: r for r in db.session.scalars(
            db.select(Registration).join(Registration.person)
            .where(Registration.event_id == event.id, Person.email.is_not(None))
            .options(contains_eager(Registration.person)))}
    attendances = {a.person_id: a for a in db.session.scalars(
        db.select(Attendance).where(Attendance.event_id == event.id))}
    unknown = [row.email for row in report.rows if row.email not in registrations]
    people = {}
    for start in range(0, len(unknown), IN_CHUNKS):
        people.update({p.email: p for p in db.session.scalars(
            db.select(Person).where(Person.email.in_(unknown[start:start + IN_CHUNKS])))})

    result = Preview(report=report)
    for row in report.rows:
        registration = registrations.get(row.email)
        person = registration.person if registration is not None else people.get(row.email)
        if person is None:
            result.unmatched.append(row)
            continue
        match = Match(row=row, person=person, registration=registration,
                      attendance=attendances.get(person.id))
        if match.attendance is not None:
            result.already.append(match)
        elif registration is not None:
            result.matched.append(match)
        else:
            result.known.append(match)
        if row.joined_at is not None and plausible_time(event, row.joined_at) is None:
            result.outside_event += 1
    return result


def apply(event, report, user=None, include_known=False):
    """Record a remote attendance for everyone matched (and, when asked, for people known but
    not registered), in one transaction. Running it again with the same report adds nothing."""
    plan = preview(event, report)
    result = ApplyResult(already=len(plan.already), unmatched=len(plan.unmatched),
                         malformed=len(report.malformed))
    todo = list(plan.matched) + (list(plan.known) if include_known else [])
    if not include_known:
        result.known_skipped = len(plan.known)
    for match in todo:
        _, created = record_attendance(
            event, match.person, AttendanceMode.REMOTE, AttendanceSource.PLATFORM_REPORT,
            registration=match.registration, recorded_by=user, device=f"{report.platform} report",
            at=plausible_time(event, match.row.joined_at), minutes=measured_minutes(match.row))
        if not created:
            result.already += 1
        elif match.registration is None:
            result.known_created += 1
        else:
            result.created += 1
    audit.record("attendance.report_imported", event=event, user=user,
                 count=result.created + result.known_created, platform=report.platform)
    return result
