"""Copying an event through the organiser's form: its shape comes along, its people never."""
from datetime import datetime

import pytest

from support import commit_test_work, csrf_from
from fis_events.accounts.models import User
from fis_events.audit_record import AuditEntry
from fis_events.checkin import services as checkin
from fis_events.events import services as events
from fis_events.events.models import AgendaItemKind, Event, EventKind, EventStatus
from fis_events.extensions import db
from fis_events.i18n import ROME
from fis_events.participation.models import Attendance
from fis_events.programme.models import OrganisationKind, Phase, Programme
from fis_events.programme.services import find_or_create_organisation
from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode, Invitation, Registration


def rome(*parts):
    return datetime(*parts, tzinfo=ROME)


@pytest.fixture
def meeting(app_ctx, auth):
    """A support meeting with everything an organiser sets, people registered, invited, at the
    door and checked in, held: in October (summer time), so a copy in December crosses a change
    of daylight saving time."""
    programme = Programme(code="FIS", name="FIS - Fondo Innovazione Sociale")
    phase = Phase(programme=programme, code="F2", name="Fase 2", position=1)
    db.session.add_all([programme, phase])
    bergamo = find_or_create_organisation("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    host = events.find_or_create_host_event("40ª Assemblea ANCI", "Genova",
                                            rome(2030, 10, 22).date(), rome(2030, 10, 24).date())
    event = events.create_event(
        title="Incontro di supporto", kind=EventKind.SUPPORT_MEETING, description="Il percorso.",
        starts_at=rome(2030, 10, 22, 15, 30), ends_at=rome(2030, 10, 22, 18, 0), venue="Sala A",
        address="Piazzale Kennedy 1", city="Genova", host_event=host, programme=programme,
        phase=phase, offers_in_person=True, offers_remote=True, capacity_in_person=40,
        capacity_remote=100, remote_url="https://teams.example.org/fis", remote_platform="Microsoft Teams",
        registration_opens_at=rome(2030, 10, 1, 9, 0), registration_closes_at=rome(2030, 10, 21, 23, 59),
        invitation_only=False, beneficiaries=[bergamo], language="en")
    opening = events.add_agenda_item(event, "Registrazione", AgendaItemKind.REGISTRATION,
                                     rome(2030, 10, 22, 15, 30), rome(2030, 10, 22, 16, 0),
                                     section="Accoglienza")
    talk = events.add_agenda_item(event, "Il percorso dei Comuni", AgendaItemKind.TALK,
                                  rome(2030, 10, 22, 16, 0), rome(2030, 10, 22, 17, 0),
                                  section="Lavori", description="Le tappe.")
    events.add_agenda_item(event, "Dibattito", AgendaItemKind.PANEL)
    events.add_speaker(talk, "Cinzia Di Fenza", "Responsabile del progetto", "Formez")
    events.add_speaker(talk, "Giusy Pino", "Dirigente", "Comune di Palermo", remote=True)
    events.add_speaker(opening, "Anna Rossi", None, None)
    events.publish_event(event)
    registration, _ = registrations.register(
        event, email="anna@example.org", first_name="Anna", last_name="Rossi",
        mode=AttendanceMode.IN_PERSON, source="organiser")
    registrations.invite(event, ["bruno@example.org"])
    checkin.assign_staff(event, door_staff(auth))
    checkin.manual_checkin(event, registration, "nonce-copy-1")
    event.held_at = rome(2030, 10, 22, 18, 0)
    commit_test_work()
    return event


def door_staff(auth):
    return db.session.scalars(db.select(User).filter_by(email=auth.user("door_staff"))).one()


def copy_form(client, event_id, **changes):
    page = client.get(f"/gestione/eventi/{event_id}/copia")
    assert page.status_code == 200
    form = dict(csrf_token=csrf_from(page), title="Incontro di supporto", kind="support_meeting",
                description="Il percorso.", starts_at="2030-12-10T15:30", ends_at="2030-12-10T18:00",
                venue="Sala A", address="Piazzale Kennedy 1", city="Genova",
                host_event=str(db.session.get(Event, event_id).host_event_id), programme="None",
                phase="None", offers_in_person="y", offers_remote="y", capacity_in_person="40",
                capacity_remote="100", remote_url="https://teams.example.org/fis",
                remote_platform="Microsoft Teams", language="en")
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def the_copy(source_id):
    db.session.expire_all()
    return db.session.scalars(db.select(Event).where(Event.id != source_id)).one()


def test_the_form_is_pre_filled_from_the_original(client, auth, meeting):
    auth.login()
    page = client.get(f"/gestione/eventi/{meeting.id}/copia").get_data(as_text=True)
    assert 'value="Incontro di supporto"' in page and 'value="Piazzale Kennedy 1"' in page
    assert 'value="2030-10-22T15:30"' in page and 'value="https://teams.example.org/fis"' in page
    assert "Copia anche gli enti beneficiari" in page and "Comune di Bergamo" in page
    assert 'name="registration_opens_at"' not in page  # it moves with the event
    assert "si spostano con l'evento" in page


def test_a_copy_takes_the_shape_and_moves_the_agenda_on_romes_clock(client, auth, meeting):
    auth.login()
    programme_id, phase_id = meeting.programme_id, meeting.phase_id
    response = client.post(f"/gestione/eventi/{meeting.id}/copia", data=copy_form(
        client, meeting.id, programme=str(programme_id), phase=str(phase_id),
        copy_beneficiaries="y"))
    assert response.status_code == 302
    copy = the_copy(meeting.id)
    assert response.location.endswith(f"/gestione/eventi/{copy.id}")
    source = db.session.get(Event, meeting.id)
    for name in ("title", "kind", "description", "venue", "address", "city", "host_event_id",
                 "programme_id", "phase_id", "offers_in_person", "offers_remote",
                 "capacity_in_person", "capacity_remote", "remote_url", "remote_platform",
                 "invitation_only", "language"):
        assert getattr(copy, name) == getattr(source, name), name
    assert [o.name for o in copy.beneficiaries] == ["Comune di Bergamo"]
    assert copy.status is EventStatus.DRAFT and copy.uid != source.uid and copy.held_at is None
    assert copy.starts_at == rome(2030, 12, 10, 15, 30)
    # the window and the items keep their Rome clock times though December is winter time
    assert copy.registration_opens_at == rome(2030, 11, 19, 9, 0)
    assert copy.registration_closes_at == rome(2030, 12, 9, 23, 59)
    agenda = [(i.title, i.kind, i.section, i.description,
               i.starts_at and i.starts_at.astimezone(ROME).strftime("%d/%m %H.%M"),
               [(link.speaker.name, link.remote) for link in i.speaker_links])
              for i in copy.agenda_items]
    assert agenda == [
        ("Registrazione", AgendaItemKind.REGISTRATION, "Accoglienza", None, "10/12 15.30",
         [("Anna Rossi", False)]),
        ("Il percorso dei Comuni", AgendaItemKind.TALK, "Lavori", "Le tappe.", "10/12 16.00",
         [("Cinzia Di Fenza", False), ("Giusy Pino", True)]),
        ("Dibattito", AgendaItemKind.PANEL, None, None, None, []),
    ]
    # the same speakers, not new ones
    assert {link.speaker_id for item in copy.agenda_items for link in item.speaker_links} == {
        link.speaker_id for item in source.agenda_items for link in item.speaker_links}


def test_nothing_personal_is_copied(client, auth, meeting):
    auth.login()
    assert client.post(f"/gestione/eventi/{meeting.id}/copia",
                       data=copy_form(client, meeting.id)).status_code == 302
    copy = the_copy(meeting.id)
    for model in (Registration, Invitation, Attendance):
        assert db.session.scalar(db.select(db.func.count()).select_from(model)
                                 .where(model.event_id == copy.id)) == 0, model
    assert checkin.devices_of(copy) == []
    assert not checkin.user_may_check_in(door_staff(auth), copy)
    assert copy.beneficiaries == []  # not ticked
    entry = db.session.scalars(db.select(AuditEntry).filter_by(action="event.copied")).one()
    assert (entry.event_id, entry.details) == (copy.id, {"copied_from": meeting.id})


def test_an_agenda_that_no_longer_fits_is_refused_and_nothing_is_created(client, auth, meeting):
    auth.login()
    response = client.post(f"/gestione/eventi/{meeting.id}/copia", data=copy_form(
        client, meeting.id, ends_at="2030-12-10T16:30", title="Versione breve"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "«Il percorso dei Comuni» del programma (16.00) non rientra nei nuovi orari" in page
    assert 'value="Versione breve"' in page  # what was typed is kept
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 1


def test_bad_dates_keep_the_form(client, auth, meeting):
    auth.login()
    response = client.post(f"/gestione/eventi/{meeting.id}/copia", data=copy_form(
        client, meeting.id, ends_at="2030-12-10T10:00"))
    assert response.status_code == 422
    assert "La fine dell&#39;evento deve essere successiva all&#39;inizio." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 1
