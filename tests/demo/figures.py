"""Figures counted straight from the rows with queries of our own (not the results service): to
check the generated programme, and that erasing people changes none of them."""
from sqlalchemy import func, select

from fis_events.events.models import Event, EventKind, EventStatus
from fis_events.extensions import db
from fis_events.participation.models import Attendance, AttendanceEvidence
from fis_events.programme.models import Organisation, OrganisationKind, OrganisationStage, Phase
from fis_events.registration.models import Registration, RegistrationStatus

MUNICIPAL = (OrganisationKind.COMUNE_CAPOLUOGO, OrganisationKind.CITTA_METROPOLITANA)


def rows(statement):
    return db.session.execute(statement).all()


def held(now):
    return db.and_(Event.status != EventStatus.CANCELLED, db.or_(
        Event.held_at.is_not(None), db.and_(Event.status == EventStatus.PUBLISHED, Event.ends_at <= now)))


def held_meetings(now):
    return db.session.scalar(select(func.count(Event.id)).where(
        Event.kind == EventKind.SUPPORT_MEETING, Event.phase_id.is_not(None), held(now)))


def stages():
    return dict(rows(select(OrganisationStage.stage, func.count(OrganisationStage.organisation_id.distinct()))
                     .group_by(OrganisationStage.stage)))


def participants_by_phase():
    return dict(rows(select(Phase.code, func.count(Attendance.person_id.distinct()))
                     .join(Event, Event.phase_id == Phase.id).join(Attendance, Attendance.event_id == Event.id)
                     .group_by(Phase.code)))


def persons_in_both_phases():
    per_person = (select(Attendance.person_id).join(Event, Event.id == Attendance.event_id)
                  .group_by(Attendance.person_id).having(func.count(Event.phase_id.distinct()) == 2))
    return db.session.scalar(select(func.count()).select_from(per_person.subquery()))


def no_shows(now):
    return db.session.scalar(
        select(func.count(Registration.id)).join(Event, Event.id == Registration.event_id)
        .outerjoin(Attendance, db.and_(Attendance.event_id == Registration.event_id,
                                       Attendance.person_id == Registration.person_id))
        .where(Registration.status == RegistrationStatus.CONFIRMED, Event.ends_at <= now,
               Attendance.id.is_(None)))


def counted(*columns):
    """Rows per combination of the columns, in a fixed order."""
    return rows(select(*columns, func.count()).group_by(*columns).order_by(*columns))


def snapshot(now):
    """Everything a total is made of, per event, phase, organisation and group."""
    group = db.case((Organisation.kind.in_(MUNICIPAL), "comuni"), else_="partenariato")
    return {
        "registrations": counted(Registration.event_id, Registration.status, Registration.mode),
        "attendances": counted(Attendance.event_id, Attendance.mode, Attendance.source),
        "evidence": counted(AttendanceEvidence.source),
        "by_phase": participants_by_phase(),
        "in_both_phases": persons_in_both_phases(),
        "groups": rows(select(group, func.count(Attendance.id), func.count(Attendance.person_id.distinct()))
                       .outerjoin(Organisation, Organisation.id == Attendance.organisation_id)
                       .group_by(group).order_by(group)),
        "per_organisation": counted(Attendance.organisation_id),
        "held_meetings": held_meetings(now),
        "no_shows": no_shows(now),
        "stages": stages(),
    }
