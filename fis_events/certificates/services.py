"""Certificates of attendance: issued once per attendance, found again by their code.

A certificate exists only for a recorded Attendance (whatever its source: door scan, organiser,
join link, platform report). It is issued the first time someone asks for it (the participant
or an organiser) and never changes afterwards: the same code, the same issue date. The unique
constraint on `attendance_id` decides between parallel requests; the code is 12 characters of
an alphabet without look-alikes (31^12 ≈ 8·10^17 codes), so a clash of two new codes is not a
practical concern, and the unique constraint on `code` would refuse it anyway.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import contains_eager

from ..db_types import utcnow
from ..extensions import db
from ..i18n import date_range, long_date, short_time
from ..participation.models import Attendance, AttendanceSource
from ..registration.models import AttendanceMode, Person
from ..search import search_key
from ..sql import insert_all_unless_exist, insert_unless_exists
from .models import CODE_ALPHABET, CODE_LENGTH, Certificate, new_code

CODE_GROUP = 4
#: what people put between the groups, or what a copy from a PDF turns the dash into
SEPARATORS = "-\u2010\u2011\u2012\u2013\u2014"
#: who issues certificates of events outside any programme
DEFAULT_ISSUER = "Formez"


# -- codes -------------------------------------------------------------------------------------

def normalise_code(text):
    """What a person typed or scanned ("abcd efgh-jklm") as a stored code, or None when it
    cannot be one (so a malformed code costs no query)."""
    code = "".join(c for c in (text or "").upper() if not c.isspace() and c not in SEPARATORS)
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def format_code(code):
    """'ABCDEFGHJKLM' -> 'ABCD-EFGH-JKLM': easier to read off paper and type."""
    return "-".join(code[i:i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def certificate_by_code(text):
    """The certificate a (possibly sloppily typed) code names, with its attendance, person and
    event, or None."""
    code = normalise_code(text)
    if code is None:
        return None
    return db.session.scalar(
        db.select(Certificate).join(Certificate.attendance).where(Certificate.code == code)
        .options(contains_eager(Certificate.attendance).joinedload(Attendance.person),
                 contains_eager(Certificate.attendance).joinedload(Attendance.event),
                 contains_eager(Certificate.attendance).selectinload(Attendance.evidence)))


# -- issuing -----------------------------------------------------------------------------------

def _new_certificate(attendance_id):
    return dict(attendance_id=attendance_id, code=new_code(), issued_at=utcnow())


def attendance_of(registration):
    """The person's attendance at the registration's event: what entitles them to a
    certificate."""
    return db.session.scalar(db.select(Attendance).filter_by(
        event_id=registration.event_id, person_id=registration.person_id))


def issue_certificate(attendance):
    """The attendance's certificate, issued now if it has none. Parallel calls give one
    certificate: the loser's INSERT does nothing and it reads the winner's row."""
    find = db.select(Certificate).filter_by(attendance_id=attendance.id)
    certificate = db.session.scalar(find)
    if certificate is None:
        insert_unless_exists(Certificate, _new_certificate(attendance.id), ("attendance_id",))
        certificate = db.session.scalar(find)
    return certificate


def certificate_for_registration(registration):
    """The participant's certificate, or None while no attendance of theirs is recorded."""
    attendance = attendance_of(registration)
    return issue_certificate(attendance) if attendance is not None else None


def _printable(event):
    """Attendances of the event whose person can still be named: an anonymised person's
    certificate would certify nobody, so it is not printed in bulk."""
    return db.and_(Attendance.event_id == event.id,
                   Attendance.person.has(Person.erased_at.is_(None)))


def certificate_count(event):
    """How many certificates the event's bulk download holds."""
    return db.session.scalar(db.select(db.func.count(Attendance.id)).where(_printable(event)))


def issue_event_certificates(event):
    """The certificates of everyone who attended the event (issuing the missing ones), sorted
    by surname and name. A fixed number of queries, whatever the number of attendees."""
    missing = db.session.scalars(
        db.select(Attendance.id).outerjoin(Certificate, Certificate.attendance_id == Attendance.id)
        .where(_printable(event), Certificate.id.is_(None))).all()
    if missing:
        insert_all_unless_exist(Certificate, map(_new_certificate, missing), ("attendance_id",))
    certificates = db.session.scalars(
        db.select(Certificate).join(Certificate.attendance).join(Attendance.person)
        .where(_printable(event))
        .options(contains_eager(Certificate.attendance).contains_eager(Attendance.person),
                 contains_eager(Certificate.attendance).selectinload(Attendance.evidence))).all()
    return sorted(certificates, key=lambda c: (search_key(c.attendance.person.last_name),
                                               search_key(c.attendance.person.first_name), c.id))


# -- what a certificate says -------------------------------------------------------------------

def event_hours(event):
    """The event's length in hours, from its start to its end, to the hundredth."""
    seconds = Decimal((event.ends_at - event.starts_at).total_seconds())
    return (seconds / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def hours_label(hours):
    """'3 ore', '2,5 ore', '1 ora' in Italian ('2.5 hours' in English)."""
    number = format_decimal(hours, format="#,##0.##", locale=str(get_locale() or "it"))
    return ngettext("%(hours)s ora", "%(hours)s ore", 1 if hours == 1 else 2, hours=number)


def minutes_label(minutes):
    """'57 minuti', '1 minuto'."""
    return ngettext("%(num)s minuto", "%(num)s minuti", minutes)


def measured_minutes(attendance):
    """The minutes a platform report measured for this attendance, or None."""
    return next((item.minutes for item in attendance.evidence
                 if item.source is AttendanceSource.PLATFORM_REPORT and item.minutes is not None),
                None)


def duration_and_basis(attendance):
    """(how long, on what record), only as far as the records support it: in person, the
    event's length from its agenda; remote, the time a platform report measured; remote without
    such a report (a join click, an organiser's tick), presence only: ("", "")."""
    if attendance.mode is AttendanceMode.IN_PERSON:
        return hours_label(event_hours(attendance.event)), _("secondo il programma dell'evento")
    minutes = measured_minutes(attendance)
    if minutes is None:
        return "", ""
    return minutes_label(minutes), _("collegamento rilevato dal report della piattaforma")


def issuer(event):
    """'FIS - Fondo Innovazione Sociale · Formez': the programme and who runs it."""
    programme = event.programme
    if programme is None:
        return DEFAULT_ISSUER
    return " · ".join(part for part in (programme.name, programme.implementer) if part)


@dataclass(frozen=True)
class CertificateFacts:
    """Everything printed on the certificate and shown on its check page, already worded in
    the current language."""

    code: str
    url: str
    participant: str
    anonymised: bool
    event_title: str
    date: str
    time_span: str
    #: how long, and on what record ("" when no record measured it)
    duration: str
    duration_basis: str
    mode: str
    in_person: bool
    place: str
    issuer: str
    issued_on: str


def certificate_facts(certificate):
    attendance = certificate.attendance
    person, event = attendance.person, attendance.event
    code = format_code(certificate.code)
    duration, duration_basis = duration_and_basis(attendance)
    in_person = attendance.mode is AttendanceMode.IN_PERSON
    return CertificateFacts(
        code=code,
        url=url_for("certificates.check", code=code, _external=True),
        participant=_("Partecipante anonimizzato") if person.erased_at else person.full_name,
        anonymised=person.erased_at is not None,
        event_title=event.title,
        date=date_range(event.starts_at, event.ends_at),
        time_span=_("ore %(start)s–%(end)s", start=short_time(event.starts_at),
                    end=short_time(event.ends_at)),
        duration=duration, duration_basis=duration_basis,
        mode=attendance.mode.label,
        in_person=in_person,
        place=", ".join(p for p in (event.venue, event.city) if p) if in_person else "",
        issuer=issuer(event),
        issued_on=long_date(certificate.issued_at),
    )
