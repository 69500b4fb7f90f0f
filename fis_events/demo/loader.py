"""Load demo data through the same services the pages use; loading twice changes nothing.

The Genova agenda gives no end time for the session: the last item (16.30, "Conclusioni e
spunti") is taken to last 30 minutes, so the event ends at 17.00.
"""
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..accounts.models import Role, User
from ..accounts.services import create_user
from ..checkin.models import StaffAssignment
from ..events import services as events
from ..events.models import AgendaItemKind, Event, EventKind, HostEvent
from ..extensions import db
from ..i18n import ROME
from ..meetings import services as meetings
from ..programme.models import OrganisationKind, Phase, Programme
from ..programme.services import find_or_create_organisation, today
from ..registration import services as registrations
from ..registration.models import AttendanceMode

DATA_DIR = Path(__file__).resolve().parent / "data"
LAST_ITEM_MINUTES = 30

DOOR_STAFF_EMAIL = "ingresso@example.org"
DEMO_USERS = (
    ("admin@example.org", "Amministratore demo", Role.ADMIN),
    ("organizzatore@example.org", "Organizzatore demo", Role.ORGANISER),
    (DOOR_STAFF_EMAIL, "Personale ingresso demo", Role.DOOR_STAFF),
)
DEMO_PASSWORD = "fis-demo-2023"


def read(name):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def rome(day, hhmm):
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=ROME)


def organisation_kind(name):
    """Guess the kind from the name the way the programme writes it."""
    if name == "Formez":
        return OrganisationKind.FORMEZ
    if name.startswith("Città metropolitana"):
        return OrganisationKind.CITTA_METROPOLITANA
    if name.startswith("Comune di"):
        return OrganisationKind.COMUNE_CAPOLUOGO
    return OrganisationKind.ALTRO


def organisation(name):
    return find_or_create_organisation(name, organisation_kind(name))


def load_programme():
    data = read("fis-programme.json")
    facts = data["programme"]
    programme = db.session.scalar(db.select(Programme).filter_by(code=facts["code"]))
    if programme is None:
        programme = Programme(
            code=facts["code"], name=facts["name"], owner=facts["owner"],
            implementer=facts["implementer"], contact_email=facts["contact"],
            ends_on=date.fromisoformat(facts["ends_on"]),
        )
        db.session.add(programme)
        for position, phase in enumerate(data["phases"]):
            programme.phases.append(Phase(code=phase["code"], name=phase["name"],
                                          label_in_results=phase["label_in_results"],
                                          position=position))
    organisation(facts["implementer"])
    for city in data["known_comuni_in_experimentation"]:
        organisation(f"Comune di {city}")
    return programme


def phase(programme, code):
    return next(p for p in programme.phases if p.code == code)


def existing_event(title):
    return db.session.scalar(db.select(Event).filter_by(title=title))


def load_genova(programme):
    data = read("genova-2023.json")
    info, host = data["event"], data["host_event"]
    if existing_event(info["title"]):
        return existing_event(info["title"])
    host_event = db.session.scalar(db.select(HostEvent).filter_by(title=host["title"]))
    if host_event is None:
        host_event = HostEvent(title=host["title"], city=host["city"],
                               starts_on=date.fromisoformat(host["start_date"]),
                               ends_on=date.fromisoformat(host["end_date"]))
        db.session.add(host_event)
    day = date.fromisoformat(info["date"])
    timed = [item["start"] for item in data["agenda"] if item["start"]]
    starts_at = rome(day, timed[0])
    ends_at = rome(day, timed[-1]) + timedelta(minutes=LAST_ITEM_MINUTES)
    event = events.create_event(
        title=info["title"], kind=EventKind(info["kind"]), description=info["description"],
        starts_at=starts_at, ends_at=ends_at, city=info["city"], host_event=host_event,
        programme=programme, phase=phase(programme, "experimentation"),
        offers_in_person=True, offers_remote=False,
    )
    load_agenda(event, day, data["agenda"])
    events.publish_event(event)
    return event


def load_agenda(event, day, agenda):
    for entry in agenda:
        item = events.add_agenda_item(
            event, title=entry["title"], kind=AgendaItemKind(entry["kind"]),
            starts_at=rome(day, entry["start"]) if entry.get("start") else None,
            ends_at=rome(day, entry["end"]) if entry.get("end") else None,
            section=entry.get("section"),
        )
        for speaker in entry.get("speakers", []):
            organisation(speaker["organisation"])
            events.add_speaker(item, speaker["name"], speaker["role"], speaker["organisation"],
                               remote=speaker["remote"])


#: support meetings with the two municipalities the programme names, held in the past
SUPPORT_MEETINGS = (
    ("Comune di Bergamo", date(2023, 11, 14), "Bergamo"),
    ("Comune di Catanzaro", date(2023, 11, 21), "Catanzaro"),
)


def support_meeting_title(name):
    return f"Incontro di supporto alla sperimentazione - {name}"


def past_events():
    """The loaded events that already took place (Genova and the support meetings): the ones
    `flask demo generate` gives attendance to."""
    titles = [read("genova-2023.json")["event"]["title"]]
    titles += [support_meeting_title(name) for name, _day, _city in SUPPORT_MEETINGS]
    return db.session.scalars(db.select(Event).where(Event.title.in_(titles))).all()


def load_support_meetings(programme):
    for name, day, city in SUPPORT_MEETINGS:
        title = support_meeting_title(name)
        if existing_event(title):
            continue
        event = events.create_event(
            title=title, kind=EventKind.SUPPORT_MEETING,
            description="Incontro di accompagnamento del gruppo di lavoro comunale: stato di "
                        "avanzamento della sperimentazione e prossimi passi.",
            starts_at=rome(day, "10:00"), ends_at=rome(day, "12:30"), city=city,
            venue=f"Sede del {name}", programme=programme,
            phase=phase(programme, "experimentation"), offers_in_person=True,
            offers_remote=True, remote_url="https://meet.jit.si/fis-supporto-" + city.lower(),
            remote_platform="Jitsi", invitation_only=True, capacity_in_person=15,
            beneficiaries=[organisation(name)],
        )
        load_agenda(event, day, [
            {"start": "10:00", "title": "Stato di avanzamento della sperimentazione", "kind": "talk",
             "speakers": [{"name": "Luciano Gallo", "role": "Esperto FIS", "organisation": "Formez",
                           "remote": False}]},
            {"start": "11:30", "title": "Prossimi passi e calendario delle attività", "kind": "other",
             "speakers": []},
        ])
        events.publish_event(event)


#: the record of each loaded support meeting: minutes, decisions and next steps as
#: (text, organisation, due: a date or days from the day of loading, done on)
MEETING_RECORDS = {
    "Comune di Bergamo": (
        "Il gruppo di lavoro comunale presenta lo stato di avanzamento della sperimentazione: "
        "mappatura dei servizi completata, tavolo con il terzo settore avviato.\n"
        "Formez illustra il calendario dell'accompagnamento e gli strumenti di valutazione "
        "d'impatto.",
        ["Avviare la co-progettazione del servizio con gli enti del terzo settore",
         "Adottare il piano di valutazione d'impatto proposto da Formez"],
        [("Inviare la bozza di delibera di giunta", "Comune di Bergamo", date(2023, 12, 15), None),
         ("Condividere il calendario dei tavoli di co-progettazione", "Formez", date(2023, 11, 30),
          date(2023, 11, 28)),
         ("Presentare il piano di valutazione d'impatto alla giunta", "Comune di Bergamo", 60, None)]),
    "Comune di Catanzaro": (
        "Si esaminano i risultati dello studio di fattibilità e i primi contatti con i "
        "possibili investitori.",
        ["Individuare un referente comunale unico per il progetto"],
        [("Nominare il referente comunale del progetto", "Comune di Catanzaro", 30, None),
         ("Inviare la sintesi dello studio di fattibilità agli investitori", "Formez",
          date(2023, 12, 1), date(2023, 11, 29))]),
}


def load_meeting_records():
    """A record for each loaded support meeting, with one next step overdue, so the record
    page, the organisations' pages and the dashboard show something; once only."""
    for name, (minutes, decisions, steps) in MEETING_RECORDS.items():
        event = existing_event(support_meeting_title(name))
        if event is None or meetings.record_of(event) is not None:
            continue
        meetings.save_minutes(event, minutes)
        for text in decisions:
            meetings.add_decision(event, text)
        for text, responsible, due, done_on in steps:
            due = today() + timedelta(days=due) if isinstance(due, int) else due
            step = meetings.add_next_step(event, text=text, organisation=organisation(responsible),
                                          due_on=due)
            if done_on:
                meetings.set_done(step, True, on=done_on)


UPCOMING_TITLE = "Innovazione sociale nei Comuni: risultati e prospettive del Programma FIS"


def load_upcoming_event(programme, today=None):
    """A public event three weeks from the day of loading, with registration open."""
    if existing_event(UPCOMING_TITLE):
        return existing_event(UPCOMING_TITLE)
    day = (today or date.today()) + timedelta(days=21)
    event = events.create_event(
        title=UPCOMING_TITLE, kind=EventKind.PUBLIC_EVENT,
        description="Una mattina di confronto tra Comuni, enti del terzo settore e investitori "
                    "sui risultati delle sperimentazioni del Programma FIS.\n\n"
                    "Si può partecipare in presenza o da remoto.",
        starts_at=rome(day, "10:00"), ends_at=rome(day, "13:00"), venue="Formez PA",
        address="Viale Marx 15", city="Roma", programme=programme,
        phase=phase(programme, "experimentation"), offers_in_person=True, offers_remote=True,
        capacity_in_person=80, capacity_remote=300,
        remote_url="https://meet.jit.si/fis-risultati-e-prospettive", remote_platform="Jitsi",
        registration_opens_at=rome(day - timedelta(days=28), "09:00"),
        registration_closes_at=rome(day - timedelta(days=1), "18:00"),
    )
    load_agenda(event, day, [
        {"start": "10:00", "title": "Accoglienza e registrazione dei partecipanti",
         "kind": "registration", "speakers": []},
        {"start": "10:30", "title": "Il Programma FIS: a che punto siamo", "kind": "talk",
         "section": "I risultati",
         "speakers": [{"name": "Cinzia Di Fenza", "role": "Responsabile del progetto",
                       "organisation": "Formez", "remote": False}]},
        {"start": "11:15", "title": "Le sperimentazioni raccontate dai Comuni", "kind": "panel",
         "speakers": [{"name": "Paola Garofalo", "role": "Direzione Servizi Socio-Educativi",
                       "organisation": "Comune di Bergamo", "remote": False},
                      {"name": "Gian Mauro Zumbo", "role": "Coordinatore partenariato di progetto",
                       "organisation": "Comune di Catanzaro", "remote": True}]},
        {"start": "12:15", "title": "Pausa", "kind": "break", "speakers": []},
        {"start": "12:30", "title": "Conclusioni", "kind": "conclusions", "section": "Prospettive",
         "speakers": [{"name": "Luciano Gallo", "role": "Esperto FIS", "organisation": "Formez",
                       "remote": False}]},
    ])
    events.publish_event(event)
    return event


DOOR_TITLE = "Sportello FIS: incontro con i Comuni"
#: the confirmed registrants of the day's event, whose badges the door staff can scan
DOOR_REGISTRANTS = (("Giulia", "Ferrari"), ("Marco", "Esposito"), ("Chiara", "Romano"),
                    ("Luca", "Colombo"), ("Sara", "Ricci"))


def load_door_event(programme, today=None):
    """An event on the day of loading, so that the demo door staff can try the door at once:
    assigned to it, with confirmed registrants and their badges. A load on a later day adds
    that day's event."""
    day = today or datetime.now(ROME).date()
    start, end = rome(day, "09:00"), rome(day, "23:59")
    event = db.session.scalar(db.select(Event).filter_by(title=DOOR_TITLE, starts_at=start))
    if event is None:
        event = events.create_event(
            title=DOOR_TITLE, kind=EventKind.WORKSHOP,
            description="Una giornata di sportello per i Comuni del Programma FIS.",
            starts_at=start, ends_at=end, venue="Formez PA", address="Viale Marx 15",
            city="Roma", programme=programme, phase=phase(programme, "experimentation"),
            offers_in_person=True, offers_remote=False, capacity_in_person=40,
            registration_opens_at=start - timedelta(days=14), registration_closes_at=start)
        events.publish_event(event)
        for number, (first_name, last_name) in enumerate(DOOR_REGISTRANTS, start=1):
            registrations.register(
                event, email=f"sportello{number}@example.org", first_name=first_name,
                last_name=last_name, mode=AttendanceMode.IN_PERSON,
                organisation=organisation("Comune di Bergamo"), source="organiser")
    staff = db.session.scalars(db.select(User).filter_by(email=DOOR_STAFF_EMAIL)).one()
    if not db.session.scalar(
            db.select(StaffAssignment.id).filter_by(event_id=event.id, user_id=staff.id)):
        db.session.add(StaffAssignment(event_id=event.id, user_id=staff.id))
    return event


def load_demo_users():
    for email, name, role in DEMO_USERS:
        if not db.session.scalar(db.select(User.id).filter_by(email=email)):
            create_user(email, name, DEMO_PASSWORD, role)


def load_all(with_users=True):
    programme = load_programme()
    load_genova(programme)
    load_support_meetings(programme)
    load_meeting_records()
    load_upcoming_event(programme)
    if with_users:
        load_demo_users()
        load_door_event(programme)
