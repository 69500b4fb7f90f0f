"""Event templates: an event's shape saved without dates or people, new events started from it,
the list organisers rename and delete from."""
import re
from datetime import datetime

import pytest

from support import commit_test_work, csrf_from
from fis_events.events import services as events
from fis_events.events.models import AgendaItemKind, Event, EventKind, EventStatus, EventTemplate
from fis_events.extensions import db
from fis_events.i18n import ROME
from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode, Registration


def rome(*parts):
    return datetime(*parts, tzinfo=ROME)


@pytest.fixture
def meeting(make_event):
    """A published meeting in July (summer time) with an agenda and a registrant."""
    event = make_event(title="Laboratorio di co-progettazione", kind=EventKind.WORKSHOP,
                       starts_at=rome(2030, 7, 2, 9, 30), ends_at=rome(2030, 7, 2, 13, 0),
                       venue="Sala Verde", city="Bergamo", offers_remote=True, capacity_in_person=25,
                       remote_url="https://meet.example.org/lab", remote_platform="Jitsi",
                       registration_closes_at=rome(2030, 7, 1, 18, 0), language="it")
    item = events.add_agenda_item(event, "Lavori di gruppo", AgendaItemKind.TALK,
                                  rome(2030, 7, 2, 10, 0), rome(2030, 7, 2, 12, 0), section="Mattina")
    events.add_speaker(item, "Giusy Pino", "Dirigente", "Comune di Palermo", remote=True)
    events.publish_event(event)
    registrations.register(event, email="anna@example.org", first_name="Anna", last_name="Rossi",
                           mode=AttendanceMode.IN_PERSON, source="organiser")
    commit_test_work()
    return event


def saved_template(client, event_id):
    token = csrf_from(client.get(f"/gestione/eventi/{event_id}"))
    response = client.post(f"/gestione/eventi/{event_id}/modello", data={"csrf_token": token})
    assert response.status_code == 302 and response.location.endswith("/gestione/modelli")
    db.session.expire_all()
    return db.session.scalars(db.select(EventTemplate)).one()


def test_a_template_keeps_the_shape_without_dates_or_people(client, auth, meeting):
    auth.login()
    template = saved_template(client, meeting.id)
    outline = template.outline
    assert template.name == "Laboratorio di co-progettazione"
    assert outline["fields"]["venue"] == "Sala Verde" and outline["fields"]["kind"] == "workshop"
    assert outline["duration"] == 210
    assert outline["window"] == {"registration_opens_at": None, "registration_closes_at": -930}
    assert outline["agenda"][0]["start"] == 30 and outline["agenda"][0]["end"] == 150
    text = repr(outline)
    assert "2030" not in text and "anna@example.org" not in text and "Rossi" not in text
    page = client.get("/gestione/modelli").get_data(as_text=True)
    assert "1 punto di programma" in page and "Nuovo evento da questo modello" in page


def test_a_new_event_from_a_template_places_agenda_and_window_from_its_start(client, auth, meeting):
    auth.login()
    template = saved_template(client, meeting.id)
    url = f"/gestione/modelli/{template.id}/nuovo"
    form_page = client.get(url)
    page = form_page.get_data(as_text=True)
    assert 'value="Laboratorio di co-progettazione"' in page and 'value="Sala Verde"' in page
    assert re.search(r"<input[^>]*name=\"starts_at\"[^>]*value=\"\"", page), re.findall(r"<input[^>]*starts_at[^>]*>", page)
    form = dict(csrf_token=csrf_from(form_page), title="Laboratorio di dicembre", kind="workshop",
                starts_at="2030-12-03T09:30", ends_at="2030-12-03T13:00", venue="Sala Verde",
                city="Bergamo", host_event="None", programme="None", phase="None",
                offers_in_person="y", offers_remote="y", capacity_in_person="25",
                remote_url="https://meet.example.org/lab", remote_platform="Jitsi", language="it")
    response = client.post(url, data=form)
    assert response.status_code == 302
    db.session.expire_all()
    event = db.session.scalars(db.select(Event).filter_by(title="Laboratorio di dicembre")).one()
    assert event.status is EventStatus.DRAFT
    assert event.registration_closes_at == rome(2030, 12, 2, 18, 0)
    assert [(i.title, i.section, i.starts_at, i.ends_at, [(l.speaker.name, l.remote) for l in i.speaker_links])
            for i in event.agenda_items] == [
        ("Lavori di gruppo", "Mattina", rome(2030, 12, 3, 10, 0), rome(2030, 12, 3, 12, 0),
         [("Giusy Pino", True)])]
    assert db.session.scalar(db.select(db.func.count(Registration.id))
                             .filter_by(event_id=event.id)) == 0


def test_a_template_outlives_changes_to_its_event(client, auth, meeting):
    auth.login()
    template = saved_template(client, meeting.id)
    events.delete_agenda_item(db.session.get(Event, meeting.id).agenda_items[0])
    commit_test_work()
    db.session.expire_all()
    assert len(db.session.get(EventTemplate, template.id).outline["agenda"]) == 1


def test_rename_refuses_an_empty_name_and_keeps_the_list(client, auth, meeting):
    auth.login()
    template = saved_template(client, meeting.id)
    token = csrf_from(client.get("/gestione/modelli"))
    response = client.post(f"/gestione/modelli/{template.id}/rinomina",
                           data={"csrf_token": token, "name": "   "})
    assert response.status_code == 422
    assert "Campo obbligatorio." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(EventTemplate, template.id).name == "Laboratorio di co-progettazione"
    response = client.post(f"/gestione/modelli/{template.id}/rinomina",
                           data={"csrf_token": token, "name": "Laboratorio  tipo"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(EventTemplate, template.id).name == "Laboratorio tipo"


def test_deleting_a_template_keeps_the_events_made_from_it(client, auth, meeting):
    auth.login()
    template = saved_template(client, meeting.id)
    token = csrf_from(client.get("/gestione/modelli"))
    response = client.post(f"/gestione/modelli/{template.id}/elimina", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalars(db.select(EventTemplate)).all() == []
    assert db.session.get(Event, meeting.id) is not None
    assert "Nessun modello, per ora." in client.get("/gestione/modelli").get_data(as_text=True)
