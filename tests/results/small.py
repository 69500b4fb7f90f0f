"""A small programme built by hand, whose every figure is worked out in build_small's docstring."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from fis_events.db_types import utcnow
from fis_events.events import services as events
from fis_events.events.models import EventKind
from fis_events.extensions import db
from fis_events.i18n import ROME
from fis_events.participation.models import AttendanceSource
from fis_events.participation.services import record_attendance
from fis_events.programme.models import (
    Organisation,
    OrganisationKind,
    OrganisationStage,
    Phase,
    Programme,
    ProgrammeStage,
)
from fis_events.registration.models import AttendanceMode, Person, RegistrationStatus

IN_PERSON, REMOTE = AttendanceMode.IN_PERSON, AttendanceMode.REMOTE


@dataclass
class Small:
    programme: Programme
    first: Phase
    second: Phase
    bergamo: Organisation
    genova: Organisation
    coop: Organisation
    events: dict
    people: dict
    today: object


def build_small(enrol):
    """Phases: first (400 to 200 days ago), second (199 days ago to 200 days ahead).

    People: anna and bruno (Comune di Bergamo), chiara (Cooperativa Alfa, terzo settore),
    dario (Università di Pavia), elena (no organisation, came without registering).

    e1 support meeting, first phase, 300 days ago, published, for Bergamo:
       anna, bruno, chiara confirmed; anna in person (manual), chiara in person (QR + report);
       bruno is a no-show.
    e2 support meeting, first phase, 250 days ago, left as a draft: not held.
    e3 support meeting, second phase, now (started an hour ago), marked held, for Genova:
       anna remote (report), elena in person (manual, no registration).
    e4 public event, second phase, 100 days ago: anna and chiara confirmed, dario waiting,
       bruno cancelled; anna in person (QR), chiara remote (join link).
    e5 support meeting, second phase, 50 days ago, cancelled: anna confirmed.
    e6 support meeting, second phase, in 30 days: bruno confirmed.

    Pipeline: Bergamo applied, feasibility, experimentation (150 days ago); Genova applied and
    feasibility; Comune di Lecce applied only.
    """
    today = utcnow().astimezone(ROME).date()
    programme = Programme(code="FIS", name="FIS - Fondo Innovazione Sociale", implementer="Formez")
    first = Phase(programme=programme, code="feasibility", name="Fase di studio di fattibilità",
                  label_in_results="prima fase", position=1, starts_on=today - timedelta(days=400),
                  ends_on=today - timedelta(days=200))
    second = Phase(programme=programme, code="experimentation", name="Fase di sperimentazione",
                   label_in_results="fase di sperimentazione", position=2,
                   starts_on=today - timedelta(days=199), ends_on=today + timedelta(days=200))
    bergamo = Organisation(name="Comune di Bergamo", kind=OrganisationKind.COMUNE_CAPOLUOGO)
    genova = Organisation(name="Città metropolitana di Genova", kind=OrganisationKind.CITTA_METROPOLITANA)
    lecce = Organisation(name="Comune di Lecce", kind=OrganisationKind.COMUNE_CAPOLUOGO)
    coop = Organisation(name="Cooperativa Alfa", kind=OrganisationKind.TERZO_SETTORE)
    pavia = Organisation(name="Università di Pavia", kind=OrganisationKind.UNIVERSITA)
    db.session.add_all([programme, bergamo, genova, lecce, coop, pavia])
    for organisation, stages in ((bergamo, (400, 300, 150)), (genova, (400, 300)), (lecce, (400,))):
        for stage, days in zip(ProgrammeStage, stages):
            db.session.add(OrganisationStage(organisation=organisation, programme=programme,
                                             stage=stage, reached_on=today - timedelta(days=days)))
    db.session.commit()

    now = utcnow()

    def event(name, days, kind=EventKind.SUPPORT_MEETING, phase=second, publish=True, **fields):
        # 10.00 in Rome on the day `days` away, so that "100 days ago" is that Rome date at any
        # hour the tests run (near midnight, now + 100 days falls on the next Rome day)
        start = datetime.combine(today + timedelta(days=days), time(10), ROME)
        if days == 0:
            start = now - timedelta(hours=1)
        made = events.create_event(title=name, kind=kind, starts_at=start,
                                   ends_at=start + timedelta(hours=2), offers_in_person=True,
                                   offers_remote=True, remote_url="https://meet.jit.si/fis",
                                   programme=programme, phase=phase, **fields)
        if publish:
            events.publish_event(made)
        return made

    e = {
        "e1": event("Incontro Bergamo", -300, phase=first, beneficiaries=[bergamo]),
        "e2": event("Incontro in bozza", -250, phase=first, publish=False),
        "e3": event("Incontro Genova", 0, beneficiaries=[genova]),
        "e4": event("Evento pubblico", -100, kind=EventKind.PUBLIC_EVENT),
        "e5": event("Incontro annullato", -50),
        "e6": event("Incontro futuro", 30),
    }
    e["e3"].held_at = now
    events.cancel_event(e["e5"])
    db.session.commit()

    regs = {}

    def register(event_key, who, first_name, organisation, mode=IN_PERSON):
        regs[(event_key, who)] = enrol(e[event_key], first_name, "Rossi", mode=mode,
                                       organisation=organisation.name if organisation else None,
                                       email=f"{who}@example.org")
        return regs[(event_key, who)]

    for who, name, org in (("anna", "Anna", bergamo), ("bruno", "Bruno", bergamo),
                           ("chiara", "Chiara", coop)):
        register("e1", who, name, org)
    register("e4", "anna", "Anna", bergamo)
    register("e4", "chiara", "Chiara", coop, mode=REMOTE)
    register("e4", "dario", "Dario", pavia)
    register("e4", "bruno", "Bruno", bergamo)
    register("e5", "anna", "Anna", bergamo)
    register("e6", "bruno", "Bruno", bergamo)
    regs[("e4", "dario")].status = RegistrationStatus.WAITING
    regs[("e4", "bruno")].status = RegistrationStatus.CANCELLED
    elena = Person(email="elena@example.org", first_name="Elena", last_name="Bianchi")
    db.session.add(elena)
    db.session.commit()
    people = {who: reg.person for (_event, who), reg in regs.items()}
    people["elena"] = elena

    def attend(event_key, who, mode, *sources):
        for source in sources:
            record_attendance(e[event_key], people[who], mode, source,
                              registration=regs.get((event_key, who)))

    attend("e1", "anna", IN_PERSON, AttendanceSource.MANUAL)
    attend("e1", "chiara", IN_PERSON, AttendanceSource.QR_SCAN, AttendanceSource.PLATFORM_REPORT)
    attend("e3", "anna", REMOTE, AttendanceSource.PLATFORM_REPORT)
    attend("e3", "elena", IN_PERSON, AttendanceSource.MANUAL)
    attend("e4", "anna", IN_PERSON, AttendanceSource.QR_SCAN)
    attend("e4", "chiara", REMOTE, AttendanceSource.REMOTE_JOIN)
    db.session.commit()
    return Small(programme, first, second, bergamo, genova, coop, e, people, today)
